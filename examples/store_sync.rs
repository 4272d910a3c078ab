//! An app that declares its scopes once and syncs a store's catalog, run against a local server
//! that stands in for Wix:
//!
//! ```sh
//! cargo run -p wix-rest-examples --example store_sync
//! ```
//!
//! The compiler checks every call against the declared scopes: change `DC_STORES_MANAGE_PRODUCTS`
//! below to `DC_STORES_READ_PRODUCTS` and `create_collection` no longer compiles.

use futures_util::StreamExt;
use serde_json::json;
use wix_rest::stores_catalog_v1::{Collection, CreateCollectionRequest, StoresCatalogV1};
use wix_rest::stores_catalog_v3::{StoresCatalogV3, V3SearchProductsRequest};
use wix_rest::{Client, Credentials, ScopeSet, Scoped};
use wix_rest_tests::{Recorded, Reply, TestServer};

/// What the store-sync app requests when a site owner installs it.
#[wix_rest::scope_set(DC_STORES_MANAGE_PRODUCTS)]
struct StoreSync;

/// Any scope set that grants what Search Products requires can list products.
async fn product_names<S>(wix: &Scoped<'_, S>) -> wix_rest::Result<Vec<String>>
where
    S: wix_rest::permissions::WixStoresProductRead
        + wix_rest::permissions::WixStoresProductReadNonVisible
        + wix_rest::permissions::WixStoresProductMerchantDataRead,
{
    let mut names = Vec::new();
    let mut products =
        StoresCatalogV3::new(wix).search_products_stream(V3SearchProductsRequest::default());
    while let Some(product) = products.next().await {
        names.extend(product?.name);
    }
    Ok(names)
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let wix_stand_in = TestServer::start(|request: &Recorded, _| match request.path.as_str() {
        "/stores/v3/products/search" => Reply::json(&json!({
            "products": [{"id": "p1", "name": "Cactus"}],
            "pagingMetadata": {"count": 1, "hasNext": false},
        })),
        "/stores/v1/collections" => Reply::json(&json!({
            "collection": {"id": "c1", "name": "Cheap", "media": {"items": []}},
        })),
        _ => Reply::status(404, r#"{"message":"not found"}"#),
    })
    .await;

    let client = Client::builder(Credentials::api_key_for_site("API-KEY", "SITE-ID"))
        .base_url(wix_stand_in.url())
        .build()?;
    let wix = StoreSync::open(&client);
    println!(
        "the app requests {:?}",
        StoreSync::SCOPES.iter().map(|s| s.id).collect::<Vec<_>>()
    );
    println!("which grant {:?}", StoreSync::permissions());

    let names = product_names(&wix).await?;
    println!("products: {names:?}");

    let created = StoresCatalogV1::new(&wix)
        .create_collection(&CreateCollectionRequest {
            collection: Collection {
                name: Some("Cheap".to_owned()),
                ..Collection::default()
            },
            unknown_fields: Default::default(),
        })
        .await?;
    println!(
        "created collection {:?}",
        created.collection.and_then(|c| c.id)
    );
    Ok(())
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
