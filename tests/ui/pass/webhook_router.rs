//! The scope-checked webhook router compiles for the events the declared scopes cover, and for
//! the events every app receives with any scope set.
use wix_rest::{oauth, stores_catalog_v1};

#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS, DC_STORES_READ_ORDERS)]
struct Listener;

fn routers() {
    let _catalog: stores_catalog_v1::Webhooks<'_, Listener, &'static str> =
        stores_catalog_v1::Webhooks::new()
            .on_product_created(|_| "created")
            .on_collection_deleted(|_| "deleted");
    // App Installed needs no permission: any scope set receives it.
    let _installed: oauth::Webhooks<'_, Contacts> = oauth::Webhooks::new().on_app_installed(|_| ());
}

#[wix_rest::scope_set(DC_CONTACTS_READ_CONTACTS)]
struct Contacts;

fn main() {
    routers();
}
