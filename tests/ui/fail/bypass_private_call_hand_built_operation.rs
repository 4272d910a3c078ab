//! An `Operation` built by hand (`requires: Requires::Nothing`) reaches nothing either: the
//! function that sends it is `unsafe`.
use wix_rest::{Client, HttpMethod, Operation, Requires};

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

async fn delete(client: &Client) {
    let _: wix_rest::Result<serde_json::Value> = wix_rest_runtime::__private::call(
        client,
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
