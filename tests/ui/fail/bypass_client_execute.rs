//! `Client::execute`, the function every request goes through, is private to the runtime.
use wix_rest::Client;
use wix_rest::stores_catalog_v1::operations;

async fn delete(client: &Client) {
    let _ = client
        .execute(&operations::DELETE_PRODUCT, "/stores/v1/products/p1".to_owned(), Vec::new(), None)
        .await;
}

fn main() {
    let _ = delete;
}
