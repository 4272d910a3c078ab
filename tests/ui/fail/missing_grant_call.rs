use wix_rest::stores_catalog_v1::{CreateCollectionRequest, StoresCatalogV1};
use wix_rest::{Client, ScopeSet};

#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS)]
struct Catalog;

async fn create(client: &Client) {
    let wix = Catalog::open(client);
    let _ = StoresCatalogV1::new(&wix).create_collection(&CreateCollectionRequest::default()).await;
}

fn main() {
    let _ = create;
}
