//! `wix-rest-testing`, the fake Wix apps test against, driven through the generated clients:
//! programmed replies, recorded requests, injected errors and throttling, the OAuth token
//! endpoint with the runtime's app credentials, and webhooks signed with its test key.

use std::time::Duration;

use serde_json::json;
use wix_rest::webhook::WebhookVerifier;
use wix_rest::{Credentials, Error, HttpMethod, RetryPolicy, ScopeSet};
use wix_rest_pets_fixture::events::Event;
use wix_rest_pets_fixture::pets_v1::{
    self, GetPetParams, Pet, PetKind, PetsV1, UpdatePetRequest, operations,
};
use wix_rest_testing::webhook::{TEST_PUBLIC_KEY_PEM, Webhook, WebhookSigner};
use wix_rest_testing::{FakeWix, Reply, Route};
use wix_rest_tests::pets::{PetsKeeper as TestApp, WITH_OWNER};

fn pet(id: &str) -> serde_json::Value {
    json!({"pet": {"id": id, "age": 3}})
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
    wix.on(&operations::UPDATE_PET).reply(Reply::ok(pet("p-1")));
    let client = wix
        .client(Credentials::api_key_for_site("KEY", "SITE"))
        .unwrap();
    let updated = PetsV1::new(&TestApp::open(&client))
        .update_pet(&UpdatePetRequest {
            pet: Some(Pet {
                id: "p-1".to_owned(),
                age: Some(4),
                ..Pet::default()
            }),
            ..UpdatePetRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(updated.pet.id, "p-1");
    assert_eq!(updated.pet.age, Some(3));

    let [request] = &wix.received(&operations::UPDATE_PET)[..] else {
        panic!("one request: {:?}", wix.requests());
    };
    assert_eq!(request.method, "PATCH");
    assert_eq!(request.path, "/pets/v1/pets/p-1");
    assert_eq!(request.header("Authorization"), Some("KEY"));
    assert_eq!(request.header("wix-site-id"), Some("SITE"));
    assert_eq!(
        request.json(),
        Some(json!({"pet": {"id": "p-1", "age": 4}}))
    );
}

#[tokio::test]
async fn query_parameters_are_recorded_decoded() {
    let wix = FakeWix::start().await;
    wix.on(&operations::GET_PET).reply(Reply::ok(pet("p1")));
    let client = wix.client(Credentials::access_token("T")).unwrap();
    PetsV1::new(&TestApp::open(&client))
        .get_pet(
            "p1",
            &GetPetParams {
                fields: Some("a b&c=d/é".to_owned()),
                include_owner: false,
            },
        )
        .await
        .unwrap();
    let request = &wix.requests()[0];
    assert_eq!(
        request.query_pairs(),
        [
            ("fields".to_owned(), "a b&c=d/é".to_owned()),
            ("includeOwner".to_owned(), "false".to_owned())
        ]
    );
    assert_eq!(
        request.query_param("includeOwner").as_deref(),
        Some("false")
    );
    assert_eq!(request.query_param("missing"), None);
}

#[tokio::test]
async fn injected_errors_are_retried_then_the_next_rule_answers() {
    let wix = FakeWix::start().await;
    wix.on(&operations::GET_PET).fail_times(2, 503);
    wix.on(&operations::GET_PET).reply(Reply::ok(pet("p1")));
    let client = wix
        .client_builder(Credentials::api_key_for_site("KEY", "SITE"))
        .retry(fast_retries())
        .no_rate_limit()
        .build()
        .unwrap();
    let got = PetsV1::new(&TestApp::open(&client))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap();
    assert_eq!(got.pet.id, "p1");
    assert_eq!(wix.received(&operations::GET_PET).len(), 3);
}

#[tokio::test]
async fn throttling_is_answered_with_retry_after_and_sequences_run_in_order() {
    let wix = FakeWix::start().await;
    let route = Route::new(HttpMethod::Get, "/pets/v1/pets/{petId}");
    wix.on(&route).replies([
        Reply::throttled(0),
        Reply::ok(pet("first")),
        Reply::throttled(3600),
    ]);
    let client = wix
        .client_builder(Credentials::api_key_for_site("KEY", "SITE"))
        .retry(fast_retries())
        .no_rate_limit()
        .build()
        .unwrap();
    let pets = PetsV1::new(&TestApp::open(&client));
    // A 429 with `Retry-After: 0` is retried at once.
    let got = pets.get_pet("p1", &WITH_OWNER).await.unwrap();
    assert_eq!(got.pet.id, "first");
    // A `Retry-After` longer than the policy's `max_delay` ends the call with the 429.
    match pets.get_pet("p1", &WITH_OWNER).await.unwrap_err() {
        Error::Api(api) => {
            assert_eq!(api.status, 429);
            assert_eq!(api.retry_after, Some(Duration::from_secs(3600)));
        }
        other => panic!("expected the 429, got {other}"),
    }
    // The sequence is used up: nothing is programmed for the route any more.
    let error = pets
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("the fake Wix has no reply for GET /pets/v1/pets/p1"),
        "{error}"
    );
    assert_eq!(wix.received(&route).len(), 4);
}

#[tokio::test]
async fn a_delayed_reply_ends_in_the_clients_timeout() {
    let wix = FakeWix::start().await;
    wix.on(&operations::GET_PET)
        .reply(Reply::ok(pet("p1")).delayed(Duration::from_secs(5)));
    let client = wix
        .client_builder(Credentials::api_key_for_site("KEY", "SITE"))
        .timeout(Duration::from_millis(100))
        .retry(RetryPolicy::none())
        .no_rate_limit()
        .build()
        .unwrap();
    let error = PetsV1::new(&TestApp::open(&client))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error}");
}

#[tokio::test]
async fn the_token_endpoint_serves_app_instances_and_expired_tokens_are_renewed() {
    let wix = FakeWix::start().await;
    wix.on(&operations::GET_PET).reply(Reply::ok(pet("p1")));
    let app = wix
        .app_builder("app-id", "app-secret")
        .retry(fast_retries())
        .no_rate_limit()
        .build()
        .unwrap();
    let (site_a, site_b) = (app.instance("site-a"), app.instance("site-b"));
    for client in [&site_a, &site_b, &site_a] {
        PetsV1::new(&TestApp::open(client))
            .get_pet("p1", &WITH_OWNER)
            .await
            .unwrap();
    }
    assert_eq!(wix.tokens_issued(), ["site-a", "site-b"]);
    let tokens: Vec<_> = wix
        .received(&operations::GET_PET)
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
    PetsV1::new(&TestApp::open(&site_a))
        .get_pet("p1", &WITH_OWNER)
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
    let error = PetsV1::new(&TestApp::open(&client))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Token(_)), "{error}");
    assert!(
        error.to_string().contains("unknown app ID or secret"),
        "{error}"
    );
    assert!(wix.tokens_issued().is_empty());
    assert!(wix.received(&operations::GET_PET).is_empty());
}

#[test]
fn signed_webhooks_verify_with_the_test_public_key_and_type() {
    let signer = WebhookSigner::test_key();
    let body = signer.sign(
        &Webhook::new(
            "wix.pets.v1.pet_created",
            json!({"id": "e1", "entityFqdn": "wix.pets.v1.pet", "slug": "created", "entityId": "p1",
                   "createdEvent": {"entity": {"id": "p1", "kind": "dog"}}}),
        )
        .instance("site-a")
        .identity(json!({"identityType": "APP", "appId": "app-id"})),
    );
    let verifier = WebhookVerifier::from_pem(TEST_PUBLIC_KEY_PEM).unwrap();
    let raw = verifier.verify(&body).unwrap();
    assert_eq!(raw.event_type, "wix.pets.v1.pet_created");
    assert_eq!(raw.instance_id, "site-a");
    assert_eq!(
        raw.identity,
        Some(json!({"identityType": "APP", "appId": "app-id"}))
    );
    match Event::from_raw(&raw).unwrap() {
        Event::PetsV1(pets_v1::Event::PetCreated(created)) => {
            assert_eq!(created.entity_id, "p1");
            let pet = created.created_event.unwrap().entity;
            assert_eq!((pet.id.as_str(), pet.kind), ("p1", Some(PetKind::Dog)));
        }
        other => panic!("expected PetCreated, got {other:?}"),
    }

    // An old webhook is refused by the verifier's age check; another key's signature too.
    let old = signer.sign(
        &Webhook::new("PetAdopted", json!({"petId": "p1"}))
            .issued_at(1_000)
            .expires_at(u64::MAX / 2),
    );
    let error = verifier.verify(&old).unwrap_err().to_string();
    assert!(error.contains("old"), "{error}");
    let other = WebhookSigner::from_pem(include_bytes!("../../fixtures/keys/other-private.pem"))
        .unwrap()
        .sign(&Webhook::new("PetAdopted", json!({"petId": "p1"})));
    assert!(verifier.verify(&other).is_err());
    let error = WebhookSigner::from_pem(b"not a key")
        .unwrap_err()
        .to_string();
    assert!(error.contains("not an RSA private key"), "{error}");
}
