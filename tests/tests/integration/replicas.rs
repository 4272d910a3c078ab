//! An app on several replicas sharing one Redis (a real `redis-server` each test starts on a
//! free loopback port): one rate limit per app instance as the fake Wix counts arrivals, one
//! token request per expiry, each webhook handled once, and no call lost when Redis dies.
//! Replicas are separate `App`s with separate Redis connections, and in one test separate
//! processes (this test binary, run again as a child).

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::json;
use wix_rest::{App, RateLimit, RetryPolicy, ScopeSet};
use wix_rest_pets_fixture::pets_v1::PetsV1;
use wix_rest_runtime::HttpMethod;
use wix_rest_runtime::Secret;
use wix_rest_runtime::axum::{Webhook, WebhookEndpoint};
use wix_rest_runtime::store::{
    Acquired, RateLimitStore, RedisStore, SharedToken, StoreFuture, StoreSettings, TokenStore,
};
use wix_rest_runtime::webhook::{Deliveries, RawEvent, WebhookVerifier};
use wix_rest_testing::webhook::{TEST_PUBLIC_KEY_PEM, WebhookSigner};
use wix_rest_testing::{FakeWix, Received, Reply, Route};
use wix_rest_tests::pets::{PET, PetsReader, WITH_OWNER};
use wix_rest_tests::redis_server::RedisServer;

const APP_ID: &str = "replicated-app";
const APP_SECRET: &str = "replicated-secret";
const INSTANCE: &str = "instance-1";

fn pet_route() -> Route {
    Route::new(HttpMethod::Get, "/pets/v1/pets/{petId}")
}

fn policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 6,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(200),
        deadline: Duration::from_secs(300),
    }
}

/// The stores' settings in these tests: a timeout far above what loopback Redis takes even on a
/// loaded 2-core machine (the default, 250 ms, treats a slower answer as an outage, which
/// `a_store_that_hangs_costs_a_bounded_wait_never_a_call` tests), so that the sharing they
/// assert does not depend on the machine's load.
fn settings() -> StoreSettings {
    StoreSettings {
        timeout: Duration::from_secs(2),
        ..StoreSettings::default()
    }
}

/// One replica: its own Redis connection, its own `App`.
fn replica(wix: &FakeWix, redis: &str, namespace: &str, limit: RateLimit) -> App {
    let store = Arc::new(RedisStore::open(redis, namespace).expect("a Redis URL"));
    wix.app_builder(APP_ID, APP_SECRET)
        .retry(policy())
        .rate_limit(limit)
        .token_store(store.clone())
        .rate_limit_store(store)
        .store_settings(settings())
        .build()
        .expect("an app")
}

/// `calls` calls of `get_pet` on `app`'s instance, `tasks` at a time: how many failed.
async fn calls(app: &App, calls: usize, tasks: usize) -> Vec<String> {
    let client = app.instance(INSTANCE);
    let next = Arc::new(AtomicUsize::new(0));
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let (client, next) = (client.clone(), next.clone());
        handles.push(tokio::spawn(async move {
            let mut failures = Vec::new();
            while next.fetch_add(1, Ordering::SeqCst) < calls {
                let api = PetsV1::new(&PetsReader::open(&client));
                if let Err(error) = api.get_pet("p1", &WITH_OWNER).await {
                    failures.push(error.to_string());
                }
            }
            failures
        }));
    }
    let mut failures = Vec::new();
    for handle in handles {
        failures.extend(handle.await.expect("no task panics"));
    }
    failures
}

/// `each` calls on every replica at once, 4 tasks each; fails the test naming any failed call.
async fn on_every_replica(replicas: &[App], each: usize) {
    let runs = replicas.iter().map(|app| calls(app, each, 4));
    let failures: Vec<String> = futures_util::future::join_all(runs)
        .await
        .into_iter()
        .flatten()
        .collect();
    assert!(failures.is_empty(), "calls failed: {failures:?}");
}

/// Every request the fake received, as times since the first.
fn arrivals(requests: &[Received]) -> Vec<Duration> {
    let first = requests.iter().map(|r| r.at).min().expect("requests");
    let mut times: Vec<Duration> = requests.iter().map(|r| r.at - first).collect();
    times.sort_unstable();
    times
}

/// No `per` at the server saw more than `limit.requests` arrivals.
fn assert_sliding_window(requests: &[Received], limit: RateLimit) {
    let times = arrivals(requests);
    let n = limit.requests as usize;
    for window in times.windows(n + 1) {
        let span = window[n] - window[0];
        assert!(
            span > limit.per,
            "{} arrivals within {span:?} at the fake Wix (limit {} per {:?})",
            n + 1,
            limit.requests,
            limit.per
        );
    }
}

/// Four replicas in one process: each has its own Redis connection and, being given its own
/// store, its own in-process limiter (clients of one instance in one process share a limiter
/// otherwise); the process-separated case is `separate_processes_share_one_limit_and_one_token`.
/// At 600 a minute, the 1,000 calls take a little over a minute: no sliding minute at the fake
/// sees more than 600 arrivals (the suites that run beside it overlap that wait).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_replicas_hold_one_limit_and_renew_one_token_per_expiry() {
    let redis = RedisServer::start();
    let wix = FakeWix::start().await;
    wix.on(pet_route())
        .reply(Reply::ok(serde_json::from_str(PET).unwrap()));
    let limit = RateLimit::per_minute(600);
    let replicas: Vec<App> = (0..4)
        .map(|_| replica(&wix, &redis.url(), "four-replicas", limit))
        .collect();

    // 500 calls, then every token expires (a 401 on each replica's next call), then 500 more.
    for phase in 0..2 {
        if phase == 1 {
            wix.expire_tokens();
        }
        on_every_replica(&replicas, 125).await;
        assert_eq!(
            wix.tokens_issued().len(),
            phase + 1,
            "one token request per expiry across the replicas"
        );
    }
    let requests = wix.requests();
    assert!(wix.received(pet_route()).len() >= 1000);
    // Everything that reached the fake counts: calls, 401s and token requests.
    assert_sliding_window(&requests, limit);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_redis_mid_run_loses_no_call_and_sharing_resumes_after_restart() {
    let mut redis = RedisServer::start();
    let wix = FakeWix::start().await;
    wix.on(pet_route())
        .reply(Reply::ok(serde_json::from_str(PET).unwrap()).delayed(Duration::from_millis(5)));
    let limit = RateLimit {
        requests: 1000,
        per: Duration::from_secs(1),
    };
    let replicas: Vec<App> = (0..2)
        .map(|_| replica(&wix, &redis.url(), "outage", limit))
        .collect();
    let running = {
        let replicas = replicas.clone();
        tokio::spawn(async move { on_every_replica(&replicas, 1000).await })
    };
    tokio::time::sleep(Duration::from_millis(150)).await;
    redis.kill();
    tokio::time::sleep(Duration::from_millis(400)).await;
    // Tokens expire while Redis is away: each replica renews on its own.
    wix.expire_tokens();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !running.is_finished(),
        "the outage is in the middle of the run"
    );
    redis.restart();
    // Every call completed (a call sent with an expired token arrived twice: its 401, then
    // the call), and nothing panicked.
    running
        .await
        .expect("every call completes, no replica panics");
    assert!(
        wix.received(pet_route()).len() >= 2000,
        "every call arrived"
    );

    // Sharing resumes: once the pause after the failure is over, an expiry costs one token
    // request across the replicas again, and the rate limit's slots are back in Redis.
    tokio::time::sleep(StoreSettings::default().retry_after + Duration::from_millis(100)).await;
    let issued = wix.tokens_issued().len();
    wix.expire_tokens();
    on_every_replica(&replicas, 50).await;
    assert_eq!(
        wix.tokens_issued().len(),
        issued + 1,
        "one token request after Redis came back"
    );
    assert!(
        redis.key_count() > 0,
        "the replicas write to Redis again after its restart"
    );
}

/// A child replica (run by `separate_processes_share_one_limit_and_one_token`): does nothing in
/// an ordinary test run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_replica() {
    let (Ok(wix), Ok(redis)) = (
        std::env::var("WIX_REPLICA_FAKE"),
        std::env::var("WIX_REPLICA_REDIS"),
    ) else {
        return;
    };
    let store = Arc::new(RedisStore::open(&redis, "processes").unwrap());
    let app = App::builder(APP_ID, APP_SECRET)
        .base_url(wix)
        .retry(policy())
        .rate_limit(process_limit())
        .token_store(store.clone())
        .rate_limit_store(store)
        .store_settings(settings())
        .build()
        .unwrap();
    let failures = calls(&app, 100, 4).await;
    assert!(failures.is_empty(), "calls failed: {failures:?}");
}

fn process_limit() -> RateLimit {
    RateLimit {
        requests: 60,
        per: Duration::from_millis(500),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn separate_processes_share_one_limit_and_one_token() {
    let redis = RedisServer::start();
    let wix = FakeWix::start().await;
    wix.accept_app(APP_ID, APP_SECRET);
    wix.on(pet_route())
        .reply(Reply::ok(serde_json::from_str(PET).unwrap()));
    let exe = std::env::current_exe().expect("the test binary");
    let children: Vec<_> = (0..3)
        .map(|_| {
            Command::new(&exe)
                .args([
                    "--exact",
                    "replicas::child_replica",
                    "--test-threads=1",
                    "--quiet",
                ])
                .env("WIX_REPLICA_FAKE", wix.url())
                .env("WIX_REPLICA_REDIS", redis.url())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("a child replica")
        })
        .collect();
    let outputs = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|child| child.wait_with_output().expect("the child ran"))
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    for output in &outputs {
        assert!(
            output.status.success(),
            "a child replica failed: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_eq!(wix.received(pet_route()).len(), 300);
    assert_eq!(
        wix.tokens_issued().len(),
        1,
        "one token for the three processes"
    );
    assert_sliding_window(&wix.requests(), process_limit());
}

/// Replica `n`'s webhook endpoint, on loopback: counts what its handler handled.
async fn webhook_replica(redis: &str, handled: Arc<AtomicUsize>, fail_first: bool) -> String {
    let verifier = WebhookVerifier::from_pem(TEST_PUBLIC_KEY_PEM).unwrap();
    let store = Arc::new(RedisStore::open(redis, "webhooks").unwrap());
    let endpoint = WebhookEndpoint::new(verifier, Deliveries::shared(store, settings()));
    let failed_once = Arc::new(AtomicUsize::new(0));
    let handler = move |webhook: Webhook<RawEvent>| {
        let (handled, failed_once) = (handled.clone(), failed_once.clone());
        async move {
            if fail_first && failed_once.fetch_add(1, Ordering::SeqCst) == 0 {
                return webhook.retry_later().await;
            }
            handled.fetch_add(1, Ordering::SeqCst);
            axum::http::StatusCode::OK
        }
    };
    let router = axum::Router::new()
        .route("/webhooks", axum::routing::post(handler))
        .with_state(endpoint);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

async fn post(url: &str, body: &str) -> u16 {
    reqwest::Client::new()
        .post(url)
        .body(body.to_owned())
        .send()
        .await
        .expect("the endpoint answers")
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_delivered_to_two_replicas_is_handled_once() {
    let redis = RedisServer::start();
    let handled = Arc::new(AtomicUsize::new(0));
    let a = webhook_replica(&redis.url(), handled.clone(), false).await;
    let b = webhook_replica(&redis.url(), handled.clone(), false).await;
    let signer = WebhookSigner::test_key();
    let event = wix_rest_testing::webhook::Webhook::new(
        "wix.ecom.v1.order_approved",
        json!({"id": "delivery-1", "entityId": "o1", "actionEvent": {"bodyAsJson": "{}"}}),
    );
    let body = signer.sign(&event);

    let (first, second) = tokio::join!(post(&a, &body), post(&b, &body));
    assert_eq!((first, second), (200, 200), "both acknowledged");
    assert_eq!(handled.load(Ordering::SeqCst), 1, "handled once");
    // Wix retrying later, to either replica: acknowledged, not handled again.
    assert_eq!(post(&a, &body).await, 200);
    assert_eq!(handled.load(Ordering::SeqCst), 1);

    // A forgery is refused, never handled: another key, or no JWT at all.
    let forged = WebhookSigner::from_pem(wix_rest_tests::jwt::OTHER_PRIVATE)
        .unwrap()
        .sign(&wix_rest_testing::webhook::Webhook::new(
            "wix.ecom.v1.order_approved",
            json!({"id": "delivery-2"}),
        ));
    assert_eq!(post(&b, &forged).await, 401);
    assert_eq!(post(&b, r#"{"eventType":"x"}"#).await, 401);
    assert_eq!(handled.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_whose_handler_failed_is_handled_when_wix_sends_it_again() {
    let redis = RedisServer::start();
    let handled = Arc::new(AtomicUsize::new(0));
    let failing = webhook_replica(&redis.url(), handled.clone(), true).await;
    let other = webhook_replica(&redis.url(), handled.clone(), false).await;
    let body = WebhookSigner::test_key().sign(&wix_rest_testing::webhook::Webhook::new(
        "wix.ecom.v1.order_approved",
        json!({"id": "delivery-3"}),
    ));
    assert_eq!(post(&failing, &body).await, 503, "Wix is asked to retry");
    assert_eq!(handled.load(Ordering::SeqCst), 0);
    assert_eq!(post(&other, &body).await, 200);
    assert_eq!(handled.load(Ordering::SeqCst), 1, "the retry is handled");
    assert_eq!(post(&failing, &body).await, 200);
    assert_eq!(handled.load(Ordering::SeqCst), 1, "then it is a duplicate");
}

/// A store that never answers, as a hung Redis would not.
struct Hung;

impl TokenStore for Hung {
    fn get<'a>(&'a self, _: &'a str) -> StoreFuture<'a, Option<SharedToken>> {
        Box::pin(std::future::pending())
    }
    fn try_lease<'a>(&'a self, _: &'a str, _: &'a str, _: Duration) -> StoreFuture<'a, bool> {
        Box::pin(std::future::pending())
    }
    fn put<'a>(&'a self, _: &'a str, _: &'a str, _: &'a SharedToken) -> StoreFuture<'a, ()> {
        Box::pin(std::future::pending())
    }
    fn release<'a>(&'a self, _: &'a str, _: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(std::future::pending())
    }
    fn reject<'a>(&'a self, _: &'a str, _: &'a Secret) -> StoreFuture<'a, ()> {
        Box::pin(std::future::pending())
    }
}

impl RateLimitStore for Hung {
    fn try_acquire<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
        _: RateLimit,
        _: Duration,
    ) -> StoreFuture<'a, Acquired> {
        Box::pin(std::future::pending())
    }
    fn release<'a>(&'a self, _: &'a str, _: &'a str, _: RateLimit) -> StoreFuture<'a, ()> {
        Box::pin(std::future::pending())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_hangs_costs_a_bounded_wait_never_a_call() {
    let wix = FakeWix::start().await;
    wix.on(pet_route())
        .reply(Reply::ok(serde_json::from_str(PET).unwrap()));
    let hung = Arc::new(Hung);
    let app = wix
        .app_builder(APP_ID, APP_SECRET)
        .retry(policy())
        .token_store(hung.clone())
        .rate_limit_store(hung)
        .store_settings(StoreSettings {
            timeout: Duration::from_millis(50),
            retry_after: Duration::from_secs(1),
        })
        .build()
        .unwrap();
    let failures = calls(&app, 40, 4).await;
    assert!(failures.is_empty(), "calls failed: {failures:?}");
    assert_eq!(wix.received(pet_route()).len(), 40);
    assert_eq!(
        wix.tokens_issued().len(),
        1,
        "the instance's own single flight"
    );
}
