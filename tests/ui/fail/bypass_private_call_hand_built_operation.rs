//! An `Operation` built by hand (`requires: Requires::Nothing`) reaches nothing either: the
//! function that sends it is `unsafe`.
use wix_rest::{Client, HttpMethod, Operation, Requires, ScopeSet};

static DELETE: Operation = Operation {
    module: "stores-catalog-v1",
    name: "delete_product",
    wix_name: "Delete Product",
    http_method: HttpMethod::Delete,
    host: "https://www.wixapis.com",
    path: "/stores/v1/products/{id}",
    requires: Requires::Nothing,
    scopes: &[],
    retry_safe: false,
};

#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS)]
struct Reader;

async fn delete(client: &Client) {
    // A read-only set's sender, as generated code gets one.
    let sender = Reader::open(client).sender();
    let _: wix_rest::Result<serde_json::Value> = wix_rest_runtime::__private::call(
        sender,
        &DELETE,
        Ok("/stores/v1/products/p1".to_owned()),
        Vec::new(),
        Ok(None),
    )
    .await;
}

fn main() {
    let _ = delete;
}
