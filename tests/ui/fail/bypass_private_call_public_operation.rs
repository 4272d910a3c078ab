//! The hidden entry point of generated code cannot be fed the public metadata from a plain
//! client: `__private::call` is `unsafe`.
use wix_rest::{Client, ScopeSet};
use wix_rest::stores_catalog_v1::operations;

#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS)]
struct Reader;

async fn delete(client: &Client) {
    // A read-only set's sender, as generated code gets one.
    let sender = Reader::open(client).sender();
    let _: wix_rest::Result<serde_json::Value> = wix_rest_runtime::__private::call(
        sender,
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
