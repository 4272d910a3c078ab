use wix_rest::stores_catalog_v1::{StoresCatalogV1, UpdateProductRequest};
use wix_rest::{Client, ScopeSet};

#[wix_rest::scope_set("SCOPE.DC-STORES.READ-PRODUCTS")]
struct Catalog;

async fn rename(client: &Client, request: UpdateProductRequest) {
    let wix = Catalog::open(client);
    let _ = StoresCatalogV1::new(&wix).update_product(&request).await;
}

fn main() {
    let _ = rename;
}
