//! The hidden entry point of generated code cannot be fed the public metadata from a plain
//! client: `__private::call` is `unsafe`.
use wix_rest::Client;
use wix_rest::stores_catalog_v1::operations;

async fn delete(client: &Client) {
    let _: wix_rest::Result<serde_json::Value> = wix_rest_runtime::__private::call(
        client,
        &operations::DELETE_PRODUCT,
        Ok("/stores/v1/products/p1".to_owned()),
        Vec::new(),
        Ok(None),
    )
    .await;
}

fn main() {
    let _ = delete;
}
