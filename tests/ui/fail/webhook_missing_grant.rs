//! Handling an event needs the permission Wix requires to send it.
use wix_rest::stores_catalog_v1::Webhooks;

#[wix_rest::scope_set(DC_STORES_READ_ORDERS)]
struct Orders;

fn main() {
    let _router: Webhooks<'_, Orders> = Webhooks::new().on_product_created(|_created| {});
}
