use wix_rest::stores_catalog_v1::StoresCatalogV1;
use wix_rest::{Client, ScopeSet};

#[wix_rest::scopes(DC_STORES_READ_PRODUCTS)]
async fn remove(client: &Client, id: &str) {
    let wix = Scopes::open(client);
    let _ = StoresCatalogV1::new(&wix).delete_product(id).await;
}

fn main() {
    let _ = remove;
}
