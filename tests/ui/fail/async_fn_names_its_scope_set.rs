//! In an `async fn`, the scope set in the message is named after the function.
use wix_rest::stores_catalog_v1::StoresCatalogV1;
use wix_rest::{Client, ScopeSet};

#[wix_rest::scopes(DC_STORES_READ_PRODUCTS)]
async fn read(client: &Client) {
    let _ = StoresCatalogV1::new(&Scopes::open(client)).get_collection_by_slug("cacti").await;
}

#[wix_rest::scopes(DC_STORES_READ_PRODUCTS)]
async fn sync_products(client: &Client) {
    let _ = StoresCatalogV1::new(&Scopes::open(client)).delete_product("p1").await;
}

fn main() {
    let _ = (read, sync_products);
}
