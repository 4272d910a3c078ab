use wix_rest::Client;
use wix_rest::stores_catalog_v1::StoresCatalogV1;

async fn get(client: &Client) {
    let _ = StoresCatalogV1::new(client).get_collection_by_slug("cacti").await;
}

fn main() {
    let _ = get;
}
