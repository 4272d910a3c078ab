use wix_rest::stores_catalog_v1::{CreateCollectionRequest, StoresCatalogV1};
use wix_rest::{Client, ScopeSet};

// One typo gives one error: the calls below still type-check, and none of them is reported.
#[wix_rest::scopes(DC_STORES_MANAGE_PRODUCS)]
async fn setup(client: &Client) {
    let wix = Scopes::open(client);
    let stores = StoresCatalogV1::new(&wix);
    let _ = stores.create_collection(&CreateCollectionRequest::default()).await;
    let _ = stores.get_collection_by_slug("cacti").await;
}

fn main() {
    let _ = setup;
}
