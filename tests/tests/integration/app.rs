//! The multi-tenant [`App`] and [`Hook`]s against a real HTTP server on loopback: one token per
//! instance shared by its handles, a rate limit per instance, headers added and attempts
//! observed by hooks.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use wix_rest::{Error, RateLimit, RetryPolicy, ScopeSet};
use wix_rest_pets_fixture::pets_v1::PetsV1;
use wix_rest_runtime::{App, Hook, RequestParts, ResponseInfo};
use wix_rest_tests::pets::{PET, PetsReader, WITH_OWNER};
use wix_rest_tests::{Recorded, Reply, TestServer};

/// A stand-in for Wix: the token endpoint gives `token-<instance id>`, everything else a
/// pet.
async fn wix() -> TestServer {
    TestServer::start(|request: &Recorded, _| {
        if request.path == "/oauth2/token" {
            let instance = request.json()["instance_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            return Reply::json(
                &json!({"access_token": format!("token-{instance}"), "expires_in": 3600}),
            );
        }
        Reply::status(200, PET)
    })
    .await
}

fn retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        deadline: Duration::from_secs(10),
    }
}

fn token_requests(server: &TestServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .filter(|r| r.path == "/oauth2/token")
        .map(|r| r.json()["instance_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn each_instance_has_its_own_token_shared_by_all_its_handles() {
    let server = wix().await;
    let app = App::builder("app-id", "app-secret")
        .base_url(server.url())
        .retry(retries())
        .no_rate_limit()
        .build()
        .unwrap();
    let a1 = app.instance("inst-a");
    let a2 = app.instance("inst-a");
    let b = app.instance("inst-b");
    assert!(a1.same_as(&a2), "handles of one instance share one client");
    assert!(!a1.same_as(&b));
    assert_eq!(app.cached_instances(), 2);

    for client in [&a1, &a2, &b, &a1, &b] {
        PetsV1::new(&PetsReader::open(client))
            .get_pet("p1", &WITH_OWNER)
            .await
            .unwrap();
    }
    assert_eq!(
        token_requests(&server),
        ["inst-a", "inst-b"],
        "one token per instance"
    );
    let token_body = server
        .requests()
        .into_iter()
        .find(|r| r.path == "/oauth2/token")
        .unwrap()
        .json();
    assert_eq!(token_body["client_id"], "app-id");
    assert_eq!(token_body["client_secret"], "app-secret");
    assert_eq!(token_body["grant_type"], "client_credentials");
    let sent: Vec<_> = server
        .requests()
        .iter()
        .filter(|r| r.path != "/oauth2/token")
        .map(|r| r.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!(
        sent,
        [
            "token-inst-a",
            "token-inst-a",
            "token-inst-b",
            "token-inst-a",
            "token-inst-b"
        ]
    );

    // Handles come and go (one per webhook, say): the instance's token stays cached.
    drop((a1, a2));
    PetsV1::new(&PetsReader::open(&app.instance("inst-a")))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap();
    assert_eq!(token_requests(&server), ["inst-a", "inst-b"]);
    // A forgotten instance (uninstalled) starts over.
    app.forget("inst-a");
    assert_eq!(app.cached_instances(), 1);
    PetsV1::new(&PetsReader::open(&app.instance("inst-a")))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap();
    assert_eq!(token_requests(&server), ["inst-a", "inst-b", "inst-a"]);
}

#[tokio::test]
async fn the_least_recently_used_instance_leaves_a_full_cache() {
    let server = wix().await;
    let app = App::builder("app-cache-test", "secret")
        .base_url(server.url())
        .no_rate_limit()
        .max_cached_instances(2)
        .build()
        .unwrap();
    for instance in ["a", "b", "a", "c", "a", "b"] {
        PetsV1::new(&PetsReader::open(&app.instance(instance)))
            .get_pet("p1", &WITH_OWNER)
            .await
            .unwrap();
        assert!(app.cached_instances() <= 2);
    }
    // `c` pushed out `b` (used before `a`), and `b` coming back pushed out `c`.
    assert_eq!(token_requests(&server), ["a", "b", "c", "b"]);
}

#[tokio::test]
async fn the_rate_limit_is_per_instance_and_shared_by_its_handles() {
    let server = wix().await;
    // Two sends per hour per instance, the token request included.
    let app = App::builder("app-rate-limit-test", "secret")
        .base_url(server.url())
        .rate_limit(RateLimit {
            requests: 2,
            per: Duration::from_secs(3600),
        })
        .retry(RetryPolicy {
            deadline: Duration::from_millis(300),
            ..retries()
        })
        .build()
        .unwrap();
    let a = app.instance("inst-a");
    PetsV1::new(&PetsReader::open(&a))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap();
    // The token and the call took instance A's two slots: another handle of A waits, and its
    // deadline ends the call before anything is sent.
    let again = app.instance("inst-a");
    let error = PetsV1::new(&PetsReader::open(&again))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error}");
    // Instance B has its own limit.
    let b = app.instance("inst-b");
    PetsV1::new(&PetsReader::open(&b))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap();
    assert_eq!(
        server.requests().len(),
        4,
        "A: token + call; B: token + call"
    );
}

/// Records what it sees and adds a header.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<String>>,
}

impl Hook for Recorder {
    fn on_request(&self, request: &mut RequestParts<'_>) {
        let attempt = request.attempt();
        request
            .insert_header(
                "x-trace".parse().unwrap(),
                format!("trace-{attempt}").parse().unwrap(),
            )
            .unwrap();
        // The headers that decide who calls, where and how are refused, and nothing is set.
        for name in [
            "authorization",
            "Host",
            "wix-site-id",
            "wix-account-id",
            "x-http-method-override",
            "x-forwarded-host",
            "content-type",
        ] {
            let refused = request.insert_header(name.parse().unwrap(), "forged".parse().unwrap());
            assert!(refused.is_err(), "a hook set `{name}`");
        }
        let line = format!(
            "request {} #{attempt} {}",
            request.operation().name,
            request.url().path()
        );
        self.seen.lock().unwrap().push(line);
    }

    fn on_response(&self, response: &ResponseInfo<'_>) {
        let line = format!(
            "response {} #{} {:?} {:?} error={}",
            response.operation().name,
            response.attempt(),
            response.status(),
            response.request_id(),
            response.error().is_some()
        );
        self.seen.lock().unwrap().push(line);
    }
}

/// Lets a test keep the hook it gives away.
struct Shared(Arc<Recorder>);

impl Hook for Shared {
    fn on_request(&self, request: &mut RequestParts<'_>) {
        self.0.on_request(request);
    }

    fn on_response(&self, response: &ResponseInfo<'_>) {
        self.0.on_response(response);
    }
}

#[tokio::test]
async fn hooks_add_headers_and_see_every_attempt_of_every_instance() {
    let server = TestServer::start(|request: &Recorded, index| {
        if request.path == "/oauth2/token" {
            return Reply::json(&json!({"access_token": "t", "expires_in": 3600}));
        }
        // The first API call fails once with a 503, then succeeds.
        if index == 1 {
            return Reply::status(503, r#"{"message":"try again"}"#);
        }
        Reply::status(200, PET)
    })
    .await;
    let recorder = Arc::new(Recorder::default());
    let app = App::builder("app-hook-test", "secret")
        .base_url(server.url())
        .retry(retries())
        .no_rate_limit()
        .hook(Shared(recorder.clone()))
        .build()
        .unwrap();
    PetsV1::new(&PetsReader::open(&app.instance("inst-h")))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap();
    assert_eq!(
        *recorder.seen.lock().unwrap(),
        [
            "request create_access_token #1 /oauth2/token",
            "response create_access_token #1 Some(200) Some(\"req-test-1\") error=false",
            "request get_pet #1 /pets/v1/pets/p1",
            "response get_pet #1 Some(503) Some(\"req-test-1\") error=true",
            "request get_pet #2 /pets/v1/pets/p1",
            "response get_pet #2 Some(200) Some(\"req-test-1\") error=false",
        ]
    );
    let traces: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("x-trace").unwrap().to_owned())
        .collect();
    assert_eq!(traces, ["trace-1", "trace-1", "trace-2"]);
    // The credentials are still sent beside the hook's header, and nothing a hook tried to
    // forge reached the server.
    assert_eq!(server.requests()[2].header("authorization"), Some("t"));
    for request in server.requests() {
        assert!(
            request.headers.iter().all(|(_, value)| value != "forged"),
            "{:?}",
            request.headers
        );
    }
}

#[tokio::test]
async fn a_hook_sees_a_transport_failure_without_a_status() {
    let recorder = Arc::new(Recorder::default());
    let client = wix_rest::Client::builder(wix_rest::Credentials::api_key_for_site("k", "s"))
        // Nothing listens on port 9 of loopback (discard): the connection is refused.
        .base_url("http://127.0.0.1:9")
        .retry(RetryPolicy::none())
        .no_rate_limit()
        .hook(Shared(recorder.clone()))
        .build()
        .unwrap();
    let error = PetsV1::new(&PetsReader::open(&client))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error}");
    assert_eq!(
        *recorder.seen.lock().unwrap(),
        [
            "request get_pet #1 /pets/v1/pets/p1",
            "response get_pet #1 None None error=true",
        ]
    );
}

#[test]
fn an_app_needs_an_id_and_a_valid_base_url() {
    let error = App::builder("", "secret").build().unwrap_err();
    assert!(error.to_string().contains("app ID is empty"), "{error}");
    let error = App::builder("id", "secret")
        .base_url("not a url")
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("not a URL"), "{error}");
}
