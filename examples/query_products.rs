//! Lists every product of a Wix store (Catalog V3) with an account API key, page after page.
//!
//! ```sh
//! WIX_API_KEY=... WIX_SITE_ID=... cargo run -p wix-rest-examples --example query_products
//! ```
//!
//! `WIX_BASE_URL` sends the requests to another server instead (a local test server, a proxy).

use futures_util::StreamExt;
use wix_rest::stores_catalog_v3::{StoresCatalogV3, V3SearchProductsRequest};
use wix_rest::{Client, Credentials, ScopeSet};

/// The scopes this example's app requests at install.
#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS)]
struct Catalog;

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("WIX_API_KEY").map_err(|_| "set WIX_API_KEY to an account API key")?;
    let site = std::env::var("WIX_SITE_ID").map_err(|_| "set WIX_SITE_ID to the site's ID")?;
    let mut builder = Client::builder(Credentials::api_key_for_site(key, site));
    if let Ok(url) = std::env::var("WIX_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;
    let wix = Catalog::open(&client);
    println!("this app needs: {:?}", Catalog::permissions());
    let stores = StoresCatalogV3::new(&wix);

    // Every product, page after page (the cursor in `pagingMetadata.cursors.next`).
    let mut products = stores.search_products_stream(V3SearchProductsRequest::default());
    while let Some(product) = products.next().await {
        let product = product?;
        println!(
            "{}\t{}",
            product.id.as_deref().unwrap_or("-"),
            product.name.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
