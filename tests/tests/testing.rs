//! `wix-rest-testing`, the fake Wix apps test against, driven through the generated clients:
//! programmed replies, recorded requests, injected errors and throttling, the OAuth token
//! endpoint with the runtime's app credentials, and webhooks signed with its test key.

use std::time::Duration;

use serde_json::json;
use wix_rest::members_v1::{ListMembersParams, MembersV1};
use wix_rest::stores_catalog_v1::{
    Collection, CreateCollectionRequest, StoresCatalogV1, operations,
};
use wix_rest::webhook::WebhookVerifier;
use wix_rest::{Credentials, Error, HttpMethod, RetryPolicy, ScopeSet};
use wix_rest_testing::webhook::{TEST_PUBLIC_KEY_PEM, Webhook, WebhookSigner};
use wix_rest_testing::{FakeWix, Reply, Route};

#[wix_rest::scope_set(DC_STORES_MANAGE_PRODUCTS, DC_MEMBERS_READ_MEMBERS)]
struct TestApp;

fn collection(id: &str) -> serde_json::Value {
    json!({"collection": {"id": id, "name": "Cacti", "media": {"items": []}}})
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        deadline: Duration::from_secs(10),
    }
}

#[tokio::test]
async fn programmed_replies_answer_and_requests_are_recorded() {
    let wix = FakeWix::start().await;
    wix.on(&operations::CREATE_COLLECTION)
        .reply(Reply::ok(collection("c-new")));
    let client = wix
        .client(Credentials::api_key_for_site("KEY", "SITE"))
        .unwrap();
    let created = StoresCatalogV1::new(&TestApp::open(&client))
        .create_collection(&CreateCollectionRequest {
            collection: Collection {
                name: Some("Cacti".to_owned()),
                ..Collection::default()
            },
        })
        .await
        .unwrap();
    assert_eq!(created.collection.id.as_deref(), Some("c-new"));

    let [request] = &wix.received(&operations::CREATE_COLLECTION)[..] else {
        panic!("one request: {:?}", wix.requests());
    };
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/stores/v1/collections");
    assert_eq!(request.header("Authorization"), Some("KEY"));
    assert_eq!(request.header("wix-site-id"), Some("SITE"));
    assert_eq!(
        request.json(),
        Some(json!({"collection": {"name": "Cacti"}}))
    );
}

#[tokio::test]
async fn query_parameters_are_recorded_decoded() {
    let wix = FakeWix::start().await;
    wix.on(&wix_rest::members_v1::operations::LIST_MEMBERS)
        .reply(Reply::ok(json!({"members": []})));
    let client = wix.client(Credentials::access_token("T")).unwrap();
    MembersV1::new(&TestApp::open(&client))
        .list_members(&ListMembersParams {
            paging_limit: Some(5),
            paging_cursor: Some("a b&c=d/é".to_owned()),
        })
        .await
        .unwrap();
    let request = &wix.requests()[0];
    assert_eq!(
        request.query_pairs(),
        [
            ("paging.limit".to_owned(), "5".to_owned()),
            ("paging.cursor".to_owned(), "a b&c=d/é".to_owned())
        ]
    );
    assert_eq!(request.query_param("paging.limit").as_deref(), Some("5"));
    assert_eq!(request.query_param("missing"), None);
}

#[tokio::test]
async fn injected_errors_are_retried_then_the_next_rule_answers() {
    let wix = FakeWix::start().await;
    wix.on(&operations::GET_COLLECTION).fail_times(2, 503);
    wix.on(&operations::GET_COLLECTION)
        .reply(Reply::ok(collection("c1")));
    let client = wix
        .client_builder(Credentials::api_key_for_site("KEY", "SITE"))
        .retry(fast_retries())
        .no_rate_limit()
        .build()
        .unwrap();
    let got = StoresCatalogV1::new(&TestApp::open(&client))
        .get_collection("c1")
        .await
        .unwrap();
    assert_eq!(got.collection.id.as_deref(), Some("c1"));
    assert_eq!(wix.received(&operations::GET_COLLECTION).len(), 3);
}

#[tokio::test]
async fn throttling_is_answered_with_retry_after_and_sequences_run_in_order() {
    let wix = FakeWix::start().await;
    let route = Route::new(HttpMethod::Get, "/stores/v1/collections/{id}");
    wix.on(&route).replies([
        Reply::throttled(0),
        Reply::ok(collection("first")),
        Reply::throttled(3600),
    ]);
    let client = wix
        .client_builder(Credentials::api_key_for_site("KEY", "SITE"))
        .retry(fast_retries())
        .no_rate_limit()
        .build()
        .unwrap();
    let stores = StoresCatalogV1::new(&TestApp::open(&client));
    // A 429 with `Retry-After: 0` is retried at once.
    let got = stores.get_collection("c1").await.unwrap();
    assert_eq!(got.collection.id.as_deref(), Some("first"));
    // A `Retry-After` longer than the policy's `max_delay` ends the call with the 429.
    match stores.get_collection("c1").await.unwrap_err() {
        Error::Api(api) => {
            assert_eq!(api.status, 429);
            assert_eq!(api.retry_after, Some(Duration::from_secs(3600)));
        }
        other => panic!("expected the 429, got {other}"),
    }
    // The sequence is used up: nothing is programmed for the route any more.
    let error = stores.get_collection("c1").await.unwrap_err().to_string();
    assert!(
        error.contains("the fake Wix has no reply for GET /stores/v1/collections/c1"),
        "{error}"
    );
    assert_eq!(wix.received(&route).len(), 4);
}

#[tokio::test]
async fn a_delayed_reply_ends_in_the_clients_timeout() {
    let wix = FakeWix::start().await;
    wix.on(&operations::GET_COLLECTION)
        .reply(Reply::ok(collection("c1")).delayed(Duration::from_secs(5)));
    let client = wix
        .client_builder(Credentials::api_key_for_site("KEY", "SITE"))
        .timeout(Duration::from_millis(100))
        .retry(RetryPolicy::none())
        .no_rate_limit()
        .build()
        .unwrap();
    let error = StoresCatalogV1::new(&TestApp::open(&client))
        .get_collection("c1")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error}");
}

#[tokio::test]
async fn the_token_endpoint_serves_app_instances_and_expired_tokens_are_renewed() {
    let wix = FakeWix::start().await;
    wix.on(&operations::GET_COLLECTION)
        .reply(Reply::ok(collection("c1")));
    let app = wix
        .app_builder("app-id", "app-secret")
        .retry(fast_retries())
        .no_rate_limit()
        .build()
        .unwrap();
    let (site_a, site_b) = (app.instance("site-a"), app.instance("site-b"));
    for client in [&site_a, &site_b, &site_a] {
        StoresCatalogV1::new(&TestApp::open(client))
            .get_collection("c1")
            .await
            .unwrap();
    }
    assert_eq!(wix.tokens_issued(), ["site-a", "site-b"]);
    let tokens: Vec<_> = wix
        .received(&operations::GET_COLLECTION)
        .iter()
        .map(|r| r.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!(
        tokens,
        [
            "fake-token-1-site-a",
            "fake-token-2-site-b",
            "fake-token-1-site-a"
        ]
    );

    // Expired tokens get a 401; the client renews and sends the call once more.
    wix.expire_tokens();
    StoresCatalogV1::new(&TestApp::open(&site_a))
        .get_collection("c1")
        .await
        .unwrap();
    assert_eq!(wix.tokens_issued(), ["site-a", "site-b", "site-a"]);
}

#[tokio::test]
async fn unknown_app_credentials_are_refused_by_the_token_endpoint() {
    let wix = FakeWix::start().await;
    wix.accept_app("app-id", "app-secret");
    let client = wix
        .client_builder(Credentials::oauth_app("app-id", "wrong-secret", "site-a"))
        .retry(RetryPolicy::none())
        .no_rate_limit()
        .build()
        .unwrap();
    let error = StoresCatalogV1::new(&TestApp::open(&client))
        .get_collection("c1")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Token(_)), "{error}");
    assert!(
        error.to_string().contains("unknown app ID or secret"),
        "{error}"
    );
    assert!(wix.tokens_issued().is_empty());
    assert!(wix.received(&operations::GET_COLLECTION).is_empty());
}

#[test]
fn signed_webhooks_verify_with_the_test_public_key_and_type() {
    let signer = WebhookSigner::test_key();
    let body = signer.sign(
        &Webhook::new(
            "ProductCreated",
            json!({"productId": "p1", "name": "Cactus"}),
        )
        .instance("site-a")
        .identity(json!({"identityType": "APP", "appId": "app-id"})),
    );
    let verifier = WebhookVerifier::from_pem(TEST_PUBLIC_KEY_PEM).unwrap();
    let raw = verifier.verify(&body).unwrap();
    assert_eq!(raw.event_type, "ProductCreated");
    assert_eq!(raw.instance_id, "site-a");
    assert_eq!(
        raw.identity,
        Some(json!({"identityType": "APP", "appId": "app-id"}))
    );
    match wix_rest::events::Event::from_raw(&raw).unwrap() {
        wix_rest::events::Event::StoresCatalogV1(
            wix_rest::stores_catalog_v1::Event::ProductCreated(product),
        ) => {
            assert_eq!(product.product_id, "p1");
            assert_eq!(product.name.as_deref(), Some("Cactus"));
        }
        other => panic!("expected ProductCreated, got {other:?}"),
    }

    // An old webhook is refused by the verifier's age check; another key's signature too.
    let old = signer.sign(
        &Webhook::new("ProductCreated", json!({"productId": "p1"}))
            .issued_at(1_000)
            .expires_at(u64::MAX / 2),
    );
    let error = verifier.verify(&old).unwrap_err().to_string();
    assert!(error.contains("old"), "{error}");
    let other = WebhookSigner::from_pem(include_bytes!("../fixtures/keys/other-private.pem"))
        .unwrap()
        .sign(&Webhook::new("ProductCreated", json!({"productId": "p1"})));
    assert!(verifier.verify(&other).is_err());
    let error = WebhookSigner::from_pem(b"not a key")
        .unwrap_err()
        .to_string();
    assert!(error.contains("not an RSA private key"), "{error}");
}
