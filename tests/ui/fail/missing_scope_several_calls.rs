//! One missing scope used by several calls: one error per call, each at its call, each naming
//! the permission and the scopes that grant it (a proc macro cannot see which calls need what;
//! see the `scopes` docs).
use wix_rest::stores_catalog_v1::StoresCatalogV1;
use wix_rest::{Client, ScopeSet};

#[wix_rest::scopes(DC_STORES_READ_PRODUCTS)]
async fn clean_up(client: &Client) {
    let wix = Scopes::open(client);
    let catalog = StoresCatalogV1::new(&wix);
    let _ = catalog.delete_product("p1").await;
    let _ = catalog.delete_collection("c1").await;
}

fn main() {
    let _ = clean_up;
}
