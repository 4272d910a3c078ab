//! A multi-site app and its test against the fake Wix of `wix-rest-testing`: when a product is
//! created on a site, the app puts it in that site's "new arrivals" collection.
//!
//! ```sh
//! cargo run -p wix-rest-examples --example tested_app   # runs the scenario and prints it
//! cargo test -p wix-rest-examples --example tested_app  # the same scenario as a test
//! ```

use serde_json::json;
use wix_rest::events::Event;
use wix_rest::stores_catalog_v1::{
    self, AddProductsToCollectionRequest, StoresCatalogV1, operations,
};
use wix_rest::webhook::WebhookVerifier;
use wix_rest::{App, ScopeSet};
use wix_rest_testing::webhook::{TEST_PUBLIC_KEY_PEM, Webhook, WebhookSigner};
use wix_rest_testing::{FakeWix, Reply};

/// What the app requests at install.
#[wix_rest::scope_set(DC_STORES_MANAGE_PRODUCTS)]
struct NewArrivals;

/// The collection the app fills (its id on every site, for the example's sake).
const COLLECTION_ID: &str = "new-arrivals";

/// The event type Wix sends when a Stores Catalog V1 product is created.
const PRODUCT_CREATED: &str = "com.wix.ecommerce.catalog.api.v1.ProductCreated";

/// The app's webhook endpoint: verifies the body, and for a new product adds it to the
/// collection of the site (app instance) it was created on. Returns what it did.
async fn on_webhook(
    app: &App,
    verifier: &WebhookVerifier,
    body: &str,
) -> Result<Option<String>, Box<dyn std::error::Error>> {
    let raw = verifier.verify(body)?;
    let Event::StoresCatalogV1(stores_catalog_v1::Event::ProductCreated(product)) =
        Event::from_raw(&raw)?
    else {
        return Ok(None);
    };
    let Some(product_id) = product.product_id else {
        return Ok(None);
    };
    let site = app.instance(&raw.instance_id);
    StoresCatalogV1::new(&NewArrivals::open(&site))
        .add_products_to_collection(
            COLLECTION_ID,
            &AddProductsToCollectionRequest {
                id: COLLECTION_ID.to_owned(),
                product_ids: Some(vec![product_id.clone()]),
                unknown_fields: Default::default(),
            },
        )
        .await?;
    Ok(Some(format!(
        "added {product_id} to {COLLECTION_ID} on {}",
        raw.instance_id
    )))
}

/// The scenario: two sites, a throttled call (a POST is not retried: the endpoint fails, and Wix
/// delivers the webhook again), and a forged webhook. Checks what the app sent to Wix.
async fn scenario() -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let wix = FakeWix::start().await;
    // Wix throttles the first call, then accepts.
    wix.on(&operations::ADD_PRODUCTS_TO_COLLECTION)
        .times(1)
        .reply(Reply::throttled(0));
    wix.on(&operations::ADD_PRODUCTS_TO_COLLECTION)
        .reply(Reply::ok(json!({})));

    let app = wix.app_builder("app-id", "app-secret").build()?;
    let verifier = WebhookVerifier::from_pem(TEST_PUBLIC_KEY_PEM)?;
    let signer = WebhookSigner::test_key();
    let mut log = Vec::new();
    let first =
        signer.sign(&Webhook::new(PRODUCT_CREATED, json!({"productId": "p1"})).instance("site-a"));
    let second =
        signer.sign(&Webhook::new(PRODUCT_CREATED, json!({"productId": "p2"})).instance("site-b"));
    // The first delivery fails (throttled); Wix delivers it again after the second.
    for body in [&first, &second, &first] {
        match on_webhook(&app, &verifier, body).await {
            Ok(done) => log.extend(done),
            Err(e) => log.push(format!("failed, Wix will deliver it again: {e}")),
        }
    }
    let forged = WebhookSigner::from_pem(FORGER_KEY)?
        .sign(&Webhook::new(PRODUCT_CREATED, json!({"productId": "p666"})));
    if let Err(e) = on_webhook(&app, &verifier, &forged).await {
        log.push(format!("refused a forged webhook: {e}"));
    }

    // What reached Wix: one token per site, each product sent with its site's own token.
    assert_eq!(wix.tokens_issued(), ["site-a", "site-b"]);
    let sent: Vec<(String, String)> = wix
        .received(&operations::ADD_PRODUCTS_TO_COLLECTION)
        .iter()
        .map(|r| {
            let body = r.json().unwrap_or_default();
            (
                r.header("authorization").unwrap_or_default().to_owned(),
                body["productIds"][0]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    let expected = [
        ("fake-token-1-site-a", "p1"),
        ("fake-token-2-site-b", "p2"),
        ("fake-token-1-site-a", "p1"),
    ];
    assert_eq!(
        sent,
        expected.map(|(t, p)| (t.to_owned(), p.to_owned())),
        "what the app sent"
    );
    Ok(log)
}

/// Another RSA key than the one the app trusts: what a forger would sign with.
const FORGER_KEY: &[u8] = include_bytes!("../tests/fixtures/keys/other-private.pem");

#[tokio::main]
async fn main() {
    match scenario().await {
        Ok(log) => log.iter().for_each(|line| println!("{line}")),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn the_app_files_new_products_per_site() {
        let log = super::scenario().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(log.len(), 4, "{log:?}");
        assert!(log[0].contains("HTTP 429"), "{log:?}");
        assert_eq!(log[1], "added p2 to new-arrivals on site-b");
        assert_eq!(log[2], "added p1 to new-arrivals on site-a");
        assert!(log[3].starts_with("refused a forged webhook"), "{log:?}");
    }
}
