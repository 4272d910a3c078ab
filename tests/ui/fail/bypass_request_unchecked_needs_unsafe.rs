//! The documented escape hatch for raw requests says what it is: it is `unsafe`, and unchecked.
use wix_rest::Client;
use wix_rest::stores_catalog_v1::operations;

async fn delete(client: &Client) {
    let _: wix_rest::Result<serde_json::Value> = client
        .request_unchecked(&operations::DELETE_PRODUCT, "/stores/v1/products/p1".to_owned(), Vec::new(), None)
        .await;
}

fn main() {
    let _ = delete;
}
