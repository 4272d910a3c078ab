//! A webhook endpoint on axum, for an app on one or many replicas: the `Webhook` extractor
//! verifies the JWT Wix posts, de-duplicates the delivery (through Redis when `REDIS_URL` is
//! set, so a delivery Wix re-sends to another replica is handled once) and types the event.
//!
//! ```sh
//! WIX_WEBHOOK_PUBLIC_KEY=public.pem [REDIS_URL=redis://127.0.0.1:6379] \
//!     cargo run -p wix-rest-examples --example axum_webhooks   # serves POST :3000/webhooks
//! cargo test -p wix-rest-examples --example axum_webhooks     # a signed and a forged delivery
//! ```

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::routing::post;
use wix_rest::App;
use wix_rest::axum::{Webhook, WebhookEndpoint};
use wix_rest::events::Event;
use wix_rest::store::{RedisStore, StoreSettings};
use wix_rest::stores_catalog_v1;
use wix_rest::webhook::{Deliveries, WebhookVerifier};

/// The router's state: the webhook endpoint, and the app (to call Wix for the event's site).
#[derive(Clone)]
struct AppState {
    endpoint: WebhookEndpoint,
    app: App,
}

impl FromRef<AppState> for WebhookEndpoint {
    fn from_ref(state: &AppState) -> Self {
        state.endpoint.clone()
    }
}

/// Runs once per delivery of a genuine webhook (a forgery never gets here).
async fn on_webhook(
    State(state): State<AppState>,
    webhook: Webhook<Event>,
) -> (StatusCode, String) {
    let site = &webhook.raw.instance_id;
    match &webhook.event {
        Event::StoresCatalogV1(stores_catalog_v1::Event::ProductCreated(product)) => {
            // `state.app.instance(site)` is the client to call Wix on that site with.
            let _client = state.app.instance(site);
            let id = product.product_id.as_deref().unwrap_or_default();
            (StatusCode::OK, format!("product {id} created on {site}"))
        }
        _ => (
            StatusCode::OK,
            format!("{} ignored", webhook.raw.event_type),
        ),
    }
}

fn router(endpoint: WebhookEndpoint, app: App) -> Router {
    Router::new()
        .route("/webhooks", post(on_webhook))
        .with_state(AppState { endpoint, app })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key_file = std::env::var("WIX_WEBHOOK_PUBLIC_KEY")
        .map_err(|_| "set WIX_WEBHOOK_PUBLIC_KEY to the file of the app's webhook public key")?;
    let verifier = WebhookVerifier::from_pem(&std::fs::read(key_file)?)?;
    let deliveries = match std::env::var("REDIS_URL") {
        Ok(url) => {
            let store = Arc::new(RedisStore::open(&url, "axum-webhooks-example")?);
            Deliveries::shared(store, StoreSettings::default())
        }
        Err(_) => Deliveries::default(),
    };
    let app = App::builder(
        std::env::var("WIX_APP_ID").unwrap_or_default(),
        std::env::var("WIX_APP_SECRET").unwrap_or_default(),
    )
    .build();
    let app = app.map_err(|e| format!("set WIX_APP_ID and WIX_APP_SECRET: {e}"))?;
    let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await?;
    axum::serve(
        listener,
        router(WebhookEndpoint::new(verifier, deliveries), app),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use wix_rest_testing::webhook::{TEST_PUBLIC_KEY_PEM, Webhook, WebhookSigner};

    use super::*;

    /// Another RSA key than the one the app trusts: what a forger would sign with.
    const FORGER_KEY: &[u8] = include_bytes!("../tests/fixtures/keys/other-private.pem");

    const PRODUCT_CREATED: &str = "com.wix.ecommerce.catalog.api.v1.ProductCreated";

    #[tokio::test]
    async fn accepts_wix_signed_webhooks_once_and_rejects_forgeries() {
        let verifier = WebhookVerifier::from_pem(TEST_PUBLIC_KEY_PEM).unwrap();
        let endpoint = WebhookEndpoint::new(verifier, Deliveries::default());
        let app = App::builder("app-id", "app-secret").build().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/webhooks", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router(endpoint, app)).await });
        let post = |body: String| {
            let url = url.clone();
            async move {
                let response = reqwest::Client::new()
                    .post(url)
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                (response.status().as_u16(), response.text().await.unwrap())
            }
        };

        let event = Webhook::new(PRODUCT_CREATED, json!({"productId": "p1"})).instance("site-a");
        let signed = WebhookSigner::test_key().sign(&event);
        assert_eq!(
            post(signed.clone()).await,
            (200, "product p1 created on site-a".to_owned())
        );
        // Wix sending it again: acknowledged, not handled twice.
        let (status, text) = post(signed).await;
        assert_eq!(status, 200);
        assert!(text.contains("already handled"), "{text}");

        let forged = WebhookSigner::from_pem(FORGER_KEY).unwrap().sign(&event);
        let (status, text) = post(forged).await;
        assert_eq!(status, 401, "{text}");
        assert_eq!(post("not a JWT".to_owned()).await.0, 401);
    }
}
