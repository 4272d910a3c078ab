//! Fault injection: the runtime against a misbehaving Wix on loopback (raw TCP where an HTTP
//! library would refuse to misbehave). Every case asserts what the server counted and what the
//! caller got, under a hang guard.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{Value, json};
use wix_rest::{Client, Credentials, Error, RateLimit, RetryPolicy, ScopeSet};
use wix_rest_pets_fixture::pets_v1::{PetsV1, QueryPetsRequest};
use wix_rest_runtime::SharedRateLimit;
use wix_rest_runtime::paging::{self, MAX_EMPTY_PAGES, Page};
use wix_rest_runtime::webhook::{Deduplicator, WebhookError};
use wix_rest_tests::LIST_THINGS;
use wix_rest_tests::jwt::{self, APP_PRIVATE, INSTANCE_ID};
use wix_rest_tests::pets::{PET, PetsKeeper, PetsReader, WITH_OWNER, update};
use wix_rest_tests::{RawReply, RawServer, Recorded, Reply, TestServer, http_response, raw_json};

/// The path of the write `create` sends (`update_pet` of `p1`); only writes use it where counted.
const WRITE: &str = "/pets/v1/pets/p1";
const TOKEN: &str = "/oauth2/token";

/// No case may take longer than this: a hang is a failure, not a stuck suite.
async fn guard<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), future)
        .await
        .expect("the case hung")
}

fn policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(20),
        deadline: Duration::from_secs(10),
    }
}

fn builder(url: String, credentials: Credentials) -> wix_rest::ClientBuilder {
    Client::builder(credentials)
        .base_url(url)
        .retry(policy())
        .no_rate_limit()
}

fn key_client(url: String) -> Client {
    builder(url, Credentials::api_key_for_site("key", "site"))
        .build()
        .unwrap()
}

async fn get(client: &Client) -> Result<(), Error> {
    PetsV1::new(&PetsReader::open(client))
        .get_pet("p1", &WITH_OWNER)
        .await
        .map(|_| ())
}

async fn create(client: &Client) -> Result<(), Error> {
    PetsV1::new(&PetsKeeper::open(client))
        .update_pet(&update())
        .await
        .map(|_| ())
}

fn error_reply(status: u16, headers: &[(&str, &str)], body: &str) -> RawReply {
    RawReply::Bytes(http_response(status, headers, body.as_bytes()))
}

/// The innermost error: through `RetriesExhausted` and `Token`.
fn last(error: &Error) -> &Error {
    match error {
        Error::RetriesExhausted { last: inner, .. } => last(inner),
        Error::Token(inner) => last(inner),
        other => other,
    }
}

fn attempts(error: &Error) -> u32 {
    match error {
        Error::RetriesExhausted { attempts, .. } => *attempts,
        _ => 1,
    }
}

// ---------------------------------------------------------------------------------------------
// Transport faults, truncated and invalid bodies
// ---------------------------------------------------------------------------------------------

/// Runs a read against a server that answers every request with `reply`.
async fn read_against(reply: RawReply) -> (RawServer, Result<(), Error>) {
    let server = RawServer::start(move |_, _| reply.clone()).await;
    let result = guard(get(&key_client(server.url()))).await;
    (server, result)
}

/// Runs a write against a server that answers every request with `reply`.
async fn write_against(reply: RawReply) -> (RawServer, Result<(), Error>) {
    let server = RawServer::start(move |_, _| reply.clone()).await;
    let result = guard(create(&key_client(server.url()))).await;
    (server, result)
}

#[tokio::test]
async fn a_connection_closed_before_answering_is_retried_for_a_read() {
    let (server, result) = read_against(RawReply::Close).await;
    let err = result.unwrap_err();
    assert_eq!(server.count(), 4);
    assert_eq!(attempts(&err), 4);
    assert!(matches!(last(&err), Error::Transport { .. }), "{err}");
}

#[tokio::test]
async fn a_connection_closed_before_answering_a_write_is_not_sent_again() {
    let (server, result) = write_against(RawReply::Close).await;
    let err = result.unwrap_err();
    assert_eq!(server.count_path(WRITE), 1, "no duplicated write");
    assert!(matches!(err, Error::Transport { .. }), "{err}");
}

#[tokio::test]
async fn a_read_recovers_after_one_dropped_connection() {
    let server = RawServer::start(|_, i| match i {
        0 => RawReply::Close,
        _ => raw_json(PET),
    })
    .await;
    guard(get(&key_client(server.url()))).await.unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn garbage_instead_of_http_fails_a_read_after_its_retries() {
    let (server, result) =
        read_against(RawReply::Bytes(b"SSH-2.0-OpenSSH\r\n\r\nnot http".to_vec())).await;
    let err = result.unwrap_err();
    assert_eq!(server.count(), 4);
    assert!(matches!(last(&err), Error::Transport { .. }), "{err}");
}

#[tokio::test]
async fn garbage_instead_of_http_fails_a_write_once() {
    let (server, result) =
        write_against(RawReply::Bytes(b"\x00\x01\x02garbage\r\n\r\n".to_vec())).await;
    assert!(matches!(result.unwrap_err(), Error::Transport { .. }));
    assert_eq!(server.count(), 1, "no duplicated write");
}

#[tokio::test]
async fn a_truncated_body_is_retried_for_a_read() {
    let server = RawServer::start(|_, i| match i {
        0 => {
            let mut bytes = http_response(200, &[], PET.as_bytes());
            bytes.truncate(bytes.len() - 20);
            RawReply::Bytes(bytes)
        }
        _ => raw_json(PET),
    })
    .await;
    guard(get(&key_client(server.url()))).await.unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_truncated_body_fails_a_write_without_sending_it_again() {
    let mut bytes = http_response(200, &[], PET.as_bytes());
    bytes.truncate(bytes.len() - 20);
    let (server, result) = write_against(RawReply::Bytes(bytes)).await;
    assert!(matches!(result.unwrap_err(), Error::Transport { .. }));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn invalid_json_with_success_is_a_decode_error_not_retried() {
    let (server, result) = read_against(raw_json(r#"{"pet": {"id": "p1""#)).await;
    let err = result.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Decode {
                method: "get_pet",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn trailing_bytes_after_the_json_are_a_decode_error() {
    let (server, result) = read_against(raw_json(&format!("{PET} trailing"))).await;
    assert!(matches!(result.unwrap_err(), Error::Decode { .. }));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn invalid_utf8_is_a_decode_error() {
    let body = b"{\"pet\":{\"id\":\"\xff\xfe\"}}";
    let (server, result) = read_against(RawReply::Bytes(http_response(200, &[], body))).await;
    assert!(matches!(result.unwrap_err(), Error::Decode { .. }));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn deeply_nested_json_is_a_decode_error_not_a_stack_overflow() {
    // In a field the type knows: serde_json's recursion limit.
    let body = format!(
        r#"{{"pet":{{"id":"p1","tags":[{}{}]}}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let (server, result) = read_against(raw_json(&body)).await;
    assert!(matches!(result.unwrap_err(), Error::Decode { .. }));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_deeply_nested_unknown_field_is_skipped_without_a_stack_overflow() {
    let body = format!(
        r#"{{"pet":{{"id":"p1","x":{}{}}}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let (server, result) = read_against(raw_json(&body)).await;
    assert!(
        matches!(result, Ok(()) | Err(Error::Decode { .. })),
        "{result:?}"
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_wrong_type_names_the_json_path() {
    let (server, result) =
        read_against(raw_json(r#"{"pet":{"id":"p1","owner":{"name":7}}}"#)).await;
    let Error::Decode { path, .. } = result.unwrap_err() else {
        panic!("a decode error")
    };
    assert_eq!(path, "pet.owner.name");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn an_html_error_page_keeps_only_its_start_as_the_message() {
    let page = format!("<html>{}</html>", "x".repeat(10_000));
    let (server, result) = write_against(error_reply(400, &[], &page)).await;
    let Error::Api(api) = result.unwrap_err() else {
        panic!("an API error")
    };
    assert_eq!(api.code, "INVALID_ARGUMENT");
    assert_eq!(api.message.chars().count(), 512);
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_header_without_a_colon_is_a_transport_error() {
    let bytes = b"HTTP/1.1 200 OK\r\nthis is no header\r\ncontent-length: 2\r\n\r\n{}".to_vec();
    let (server, result) = write_against(RawReply::Bytes(bytes)).await;
    assert!(matches!(result.unwrap_err(), Error::Transport { .. }));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_content_length_that_is_not_a_number_is_a_transport_error() {
    let bytes = b"HTTP/1.1 200 OK\r\ncontent-length: lots\r\n\r\n{}".to_vec();
    let (server, result) = write_against(RawReply::Bytes(bytes)).await;
    assert!(matches!(result.unwrap_err(), Error::Transport { .. }));
    assert_eq!(server.count(), 1);
}

// ---------------------------------------------------------------------------------------------
// Stalls and deadlines
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_server_that_never_answers_ends_at_the_deadline() {
    let server = RawServer::start(|_, _| RawReply::Stall(Vec::new())).await;
    let client = builder(server.url(), Credentials::access_token("t"))
        .retry(RetryPolicy {
            deadline: Duration::from_millis(800),
            ..policy()
        })
        .build()
        .unwrap();
    let start = Instant::now();
    let err = guard(get(&client)).await.unwrap_err();
    let took = start.elapsed();
    assert!(matches!(last(&err), Error::Timeout { .. }), "{err}");
    assert!(
        took >= Duration::from_millis(750) && took < Duration::from_millis(2000),
        "{took:?}"
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn the_attempt_timeout_is_cut_to_the_time_left_before_the_deadline() {
    // A 1 s deadline and a 4 s attempt timeout: the call ends after about 1 s, not 4.
    let server = RawServer::start(|_, _| RawReply::Stall(Vec::new())).await;
    let client = builder(server.url(), Credentials::access_token("t"))
        .timeout(Duration::from_secs(4))
        .retry(RetryPolicy {
            deadline: Duration::from_secs(1),
            ..policy()
        })
        .build()
        .unwrap();
    let start = Instant::now();
    let err = guard(get(&client)).await.unwrap_err();
    assert!(matches!(last(&err), Error::Timeout { .. }), "{err}");
    assert!(
        start.elapsed() < Duration::from_millis(2500),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn stalled_attempts_are_retried_after_the_attempt_timeout() {
    let server = RawServer::start(|_, _| RawReply::Stall(Vec::new())).await;
    let client = builder(server.url(), Credentials::access_token("t"))
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let err = guard(get(&client)).await.unwrap_err();
    assert_eq!(attempts(&err), 4);
    assert!(matches!(last(&err), Error::Timeout { .. }), "{err}");
    assert_eq!(server.count(), 4);
}

#[tokio::test]
async fn a_stall_in_the_middle_of_the_body_times_out() {
    let mut head = http_response(200, &[], PET.as_bytes());
    head.truncate(head.len() - 10);
    let server = RawServer::start(move |_, i| match i {
        0 => RawReply::Stall(head.clone()),
        _ => raw_json(PET),
    })
    .await;
    let client = builder(server.url(), Credentials::access_token("t"))
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    guard(get(&client)).await.unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_stalled_write_times_out_and_is_not_sent_again() {
    let server = RawServer::start(|_, _| RawReply::Stall(Vec::new())).await;
    let client = builder(server.url(), Credentials::access_token("t"))
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = guard(create(&client)).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                method: "update_pet"
            }
        ),
        "{err}"
    );
    assert_eq!(server.count(), 1, "no duplicated write");
}

#[tokio::test]
async fn a_slow_but_steady_server_is_waited_for_within_the_timeout() {
    let server =
        TestServer::start(|_, _| Reply::status(200, PET).delayed(Duration::from_millis(100))).await;
    let client = builder(server.url(), Credentials::access_token("t"))
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    guard(get(&client)).await.unwrap();
    assert_eq!(server.requests().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// 429 / 5xx storms
// ---------------------------------------------------------------------------------------------

async fn storm(status: u16, write: bool) -> (RawServer, Error) {
    let server =
        RawServer::start(move |_, _| error_reply(status, &[], r#"{"message":"storm"}"#)).await;
    let client = key_client(server.url());
    let err = if write {
        guard(create(&client)).await
    } else {
        guard(get(&client)).await
    }
    .unwrap_err();
    (server, err)
}

#[tokio::test]
async fn a_429_storm_ends_after_max_attempts() {
    let (server, err) = storm(429, false).await;
    assert_eq!(server.count(), 4);
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.code(), Some("RESOURCE_EXHAUSTED"));
}

#[tokio::test]
async fn a_500_storm_ends_after_max_attempts() {
    let (server, err) = storm(500, false).await;
    assert_eq!(
        (server.count(), attempts(&err), err.status()),
        (4, 4, Some(500))
    );
}

#[tokio::test]
async fn a_502_storm_ends_after_max_attempts() {
    let (server, err) = storm(502, false).await;
    assert_eq!((server.count(), err.status()), (4, Some(502)));
}

#[tokio::test]
async fn a_503_storm_ends_after_max_attempts() {
    let (server, err) = storm(503, false).await;
    assert_eq!((server.count(), err.status()), (4, Some(503)));
}

#[tokio::test]
async fn a_504_storm_ends_after_max_attempts() {
    let (server, err) = storm(504, false).await;
    assert_eq!((server.count(), err.status()), (4, Some(504)));
}

#[tokio::test]
async fn a_501_is_not_retried() {
    let (server, err) = storm(501, false).await;
    assert_eq!((server.count(), err.status()), (1, Some(501)));
}

#[tokio::test]
async fn a_429_storm_on_a_write_sends_it_once() {
    let (server, err) = storm(429, true).await;
    assert_eq!((server.count(), err.status()), (1, Some(429)));
}

#[tokio::test]
async fn a_503_storm_on_a_write_sends_it_once() {
    let (server, err) = storm(503, true).await;
    assert_eq!((server.count(), err.status()), (1, Some(503)));
}

#[tokio::test]
async fn a_storm_that_clears_lets_the_read_through() {
    let server = RawServer::start(|_, i| match i {
        0 => error_reply(503, &[], "{}"),
        1 => error_reply(429, &[("retry-after", "0")], "{}"),
        2 => error_reply(500, &[], "{}"),
        _ => raw_json(PET),
    })
    .await;
    guard(get(&key_client(server.url()))).await.unwrap();
    assert_eq!(server.count(), 4);
}

#[tokio::test]
async fn a_huge_error_body_is_read_only_in_part_and_still_retried() {
    let server = RawServer::start(|_, i| match i {
        0 => RawReply::Stream {
            head: b"HTTP/1.1 503 X\r\nconnection: close\r\n\r\n".to_vec(),
            chunk: vec![b'x'; 64 * 1024],
            times: 160,
        },
        _ => raw_json(PET),
    })
    .await;
    guard(get(&key_client(server.url()))).await.unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn concurrent_reads_through_a_storm_all_succeed() {
    let server = TestServer::start(|_, i| {
        if i < 50 {
            Reply::status(503, r#"{"message":"busy"}"#)
        } else {
            Reply::status(200, PET)
        }
    })
    .await;
    let client = builder(server.url(), Credentials::access_token("t"))
        .build()
        .unwrap();
    let calls = (0..50).map(|_| get(&client));
    let results = guard(futures_util::future::join_all(calls)).await;
    assert!(results.iter().all(Result::is_ok));
    let n = server.requests().len();
    assert!((50..=200).contains(&n), "{n}");
}

// ---------------------------------------------------------------------------------------------
// Retry-After extremes
// ---------------------------------------------------------------------------------------------

async fn retry_after(value: &'static str) -> (RawServer, Result<(), Error>, Duration) {
    let server = RawServer::start(move |_, i| match i {
        0 => error_reply(429, &[("retry-after", value)], r#"{"message":"slow down"}"#),
        _ => raw_json(PET),
    })
    .await;
    let start = Instant::now();
    let result = guard(get(&key_client(server.url()))).await;
    (server, result, start.elapsed())
}

#[tokio::test]
async fn retry_after_u64_max_gives_up_at_once_without_overflow() {
    let (server, result, took) = retry_after("18446744073709551615").await;
    let err = result.unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err}")
    };
    assert_eq!(api.retry_after, Some(Duration::from_secs(u64::MAX)));
    assert_eq!(server.count(), 1);
    assert!(took < Duration::from_secs(2));
}

#[tokio::test]
async fn retry_after_beyond_u64_is_ignored_and_the_backoff_applies() {
    let (server, result, _) = retry_after("99999999999999999999999999").await;
    result.unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn retry_after_a_date_in_year_9999_gives_up_at_once() {
    let (server, result, _) = retry_after("Fri, 31 Dec 9999 23:59:59 GMT").await;
    assert_eq!(result.unwrap_err().status(), Some(429));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn retry_after_a_past_date_retries_at_once() {
    let (server, result, _) = retry_after("Thu, 01 Jan 1970 00:00:00 GMT").await;
    result.unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn retry_after_negative_is_ignored() {
    let (server, result, _) = retry_after("-5").await;
    result.unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn retry_after_garbage_is_ignored() {
    let (server, result, _) = retry_after("soon, promise").await;
    result.unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn retry_after_longer_than_max_delay_is_not_waited_for() {
    let (server, result, took) = retry_after("2").await;
    let err = result.unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(server.count(), 1);
    assert!(took < Duration::from_millis(1500), "{took:?}");
}

#[tokio::test]
async fn retry_after_within_max_delay_but_past_the_deadline_gives_up() {
    let server = RawServer::start(|_, _| error_reply(503, &[("retry-after", "3")], "{}")).await;
    let client = builder(server.url(), Credentials::access_token("t"))
        .retry(RetryPolicy {
            max_delay: Duration::from_secs(10),
            deadline: Duration::from_secs(2),
            ..policy()
        })
        .build()
        .unwrap();
    let start = Instant::now();
    assert_eq!(guard(get(&client)).await.unwrap_err().status(), Some(503));
    assert_eq!(server.count(), 1);
    assert!(start.elapsed() < Duration::from_millis(1500));
}

#[tokio::test]
async fn a_huge_deadline_does_not_overflow() {
    let server = RawServer::start(|_, i| match i {
        0 => error_reply(503, &[], "{}"),
        _ => raw_json(PET),
    })
    .await;
    let client = builder(server.url(), Credentials::access_token("t"))
        .retry(RetryPolicy {
            deadline: Duration::MAX,
            max_delay: Duration::MAX,
            ..policy()
        })
        .timeout(Duration::MAX)
        .build()
        .unwrap();
    guard(get(&client)).await.unwrap();
    assert_eq!(server.count(), 2);
}

// ---------------------------------------------------------------------------------------------
// The token endpoint
// ---------------------------------------------------------------------------------------------

/// A token endpoint answering `token_reply(n)` to its n-th request (0-based) and an API that
/// accepts any token for which `accept` says yes.
async fn app_server(
    token_reply: impl Fn(usize) -> Reply + Send + Sync + 'static,
    accept: impl Fn(&str) -> bool + Send + Sync + 'static,
) -> (TestServer, Arc<AtomicUsize>) {
    let tokens = Arc::new(AtomicUsize::new(0));
    let counter = tokens.clone();
    let server = TestServer::start(move |req: &Recorded, _| {
        if req.path == TOKEN {
            return token_reply(counter.fetch_add(1, Ordering::SeqCst));
        }
        match req.header("authorization") {
            Some(token) if accept(token) => Reply::status(200, PET),
            _ => Reply::status(401, r#"{"message":"bad token"}"#),
        }
    })
    .await;
    (server, tokens)
}

fn token(n: usize, expires_in: Value) -> Reply {
    Reply::json(&json!({"access_token": format!("token-{n}"), "expires_in": expires_in}))
}

fn app_client(server: &TestServer, instance: &str) -> Client {
    builder(
        server.url(),
        Credentials::oauth_app("app", "secret", instance),
    )
    .build()
    .unwrap()
}

fn api_requests(server: &TestServer) -> usize {
    server.requests().iter().filter(|r| r.path != TOKEN).count()
}

#[tokio::test]
async fn expires_in_u64_max_neither_panics_nor_fails() {
    let (server, tokens) = app_server(|n| token(n, json!(u64::MAX)), |_| true).await;
    let client = app_client(&server, "i");
    guard(get(&client)).await.unwrap();
    guard(get(&client)).await.unwrap();
    assert_eq!(tokens.load(Ordering::SeqCst), 1);
    assert_eq!(api_requests(&server), 2);
}

#[tokio::test]
async fn expires_in_zero_renews_for_every_call() {
    let (server, tokens) = app_server(|n| token(n, json!(0)), |_| true).await;
    let client = app_client(&server, "i");
    guard(get(&client)).await.unwrap();
    guard(get(&client)).await.unwrap();
    assert_eq!(tokens.load(Ordering::SeqCst), 2);
    assert_eq!(api_requests(&server), 2);
}

#[tokio::test]
async fn a_negative_expires_in_is_a_token_error() {
    let (server, tokens) = app_server(|n| token(n, json!(-1)), |_| true).await;
    let err = guard(get(&app_client(&server, "i"))).await.unwrap_err();
    assert!(matches!(err, Error::Token(_)), "{err}");
    assert!(matches!(
        last(&err),
        Error::Decode {
            method: "create_access_token",
            ..
        }
    ));
    assert_eq!(
        (tokens.load(Ordering::SeqCst), api_requests(&server)),
        (1, 0)
    );
}

#[tokio::test]
async fn an_expires_in_string_is_a_token_error() {
    let (server, tokens) = app_server(|n| token(n, json!("soon")), |_| true).await;
    let err = guard(get(&app_client(&server, "i"))).await.unwrap_err();
    assert!(matches!(last(&err), Error::Decode { .. }), "{err}");
    assert_eq!(
        (tokens.load(Ordering::SeqCst), api_requests(&server)),
        (1, 0)
    );
}

#[tokio::test]
async fn a_token_that_cannot_be_a_header_is_not_cached() {
    let (server, tokens) = app_server(
        |_| Reply::json(&json!({"access_token": "bad\r\ntoken", "expires_in": 14400})),
        |_| true,
    )
    .await;
    let client = app_client(&server, "i");
    for _ in 0..2 {
        let err = guard(get(&client)).await.unwrap_err();
        let Error::Decode { path, .. } = last(&err) else {
            panic!("{err}")
        };
        assert_eq!(path, "access_token");
    }
    assert_eq!(
        tokens.load(Ordering::SeqCst),
        2,
        "asked again: nothing cached"
    );
    assert_eq!(api_requests(&server), 0);
}

#[tokio::test]
async fn an_empty_token_is_not_cached() {
    let (server, tokens) = app_server(
        |_| Reply::json(&json!({"access_token": "", "expires_in": 14400})),
        |_| true,
    )
    .await;
    let client = app_client(&server, "i");
    assert!(guard(get(&client)).await.is_err());
    assert!(guard(get(&client)).await.is_err());
    assert_eq!(
        (tokens.load(Ordering::SeqCst), api_requests(&server)),
        (2, 0)
    );
}

#[tokio::test]
async fn invalid_json_from_the_token_endpoint_is_a_token_error() {
    let (server, tokens) = app_server(|_| Reply::status(200, "{\"access_token\":"), |_| true).await;
    let err = guard(get(&app_client(&server, "i"))).await.unwrap_err();
    assert!(matches!(err, Error::Token(_)), "{err}");
    assert_eq!(
        (tokens.load(Ordering::SeqCst), api_requests(&server)),
        (1, 0)
    );
}

#[tokio::test]
async fn a_400_from_the_token_endpoint_is_not_retried() {
    let (server, tokens) = app_server(
        |_| Reply::status(400, r#"{"message":"bad secret"}"#),
        |_| true,
    )
    .await;
    let err = guard(get(&app_client(&server, "i"))).await.unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(
        (tokens.load(Ordering::SeqCst), api_requests(&server)),
        (1, 0)
    );
}

#[tokio::test]
async fn a_token_endpoint_down_makes_max_attempts_requests_for_100_concurrent_calls() {
    let (server, tokens) = app_server(
        |_| Reply::status(503, r#"{"message":"down"}"#).delayed(Duration::from_millis(20)),
        |_| true,
    )
    .await;
    let client = app_client(&server, "i");
    let start = Instant::now();
    let results = guard(futures_util::future::join_all(
        (0..100).map(|_| get(&client)),
    ))
    .await;
    for result in &results {
        let err = result.as_ref().unwrap_err();
        assert!(matches!(err, Error::Token(_)), "{err}");
        assert_eq!(err.status(), Some(503));
    }
    assert_eq!(
        tokens.load(Ordering::SeqCst),
        4,
        "one shared renewal, with its own retries"
    );
    assert_eq!(api_requests(&server), 0);
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_stalled_token_endpoint_ends_every_call_by_its_deadline() {
    let (server, tokens) = app_server(
        |_| Reply::status(503, "{}").delayed(Duration::from_secs(60)),
        |_| true,
    )
    .await;
    let client = builder(
        server.url(),
        Credentials::oauth_app("app", "secret", "stall"),
    )
    .retry(RetryPolicy {
        deadline: Duration::from_millis(700),
        ..policy()
    })
    .build()
    .unwrap();
    let start = Instant::now();
    let results = guard(futures_util::future::join_all(
        (0..100).map(|_| get(&client)),
    ))
    .await;
    let took = start.elapsed();
    assert!(
        results
            .iter()
            .all(|r| matches!(r.as_ref().map_err(last), Err(Error::Timeout { .. })))
    );
    assert!(
        took < Duration::from_millis(2000),
        "the slowest call took {took:?}"
    );
    assert!(
        tokens.load(Ordering::SeqCst) <= 2,
        "{}",
        tokens.load(Ordering::SeqCst)
    );
    assert_eq!(api_requests(&server), 0);
}

#[tokio::test]
async fn after_a_shared_failure_a_later_call_renews_again() {
    let (server, tokens) = app_server(
        |n| {
            if n < 4 {
                Reply::status(503, "{}")
            } else {
                token(n, json!(14400))
            }
        },
        |_| true,
    )
    .await;
    let client = app_client(&server, "i");
    assert_eq!(guard(get(&client)).await.unwrap_err().status(), Some(503));
    guard(get(&client)).await.unwrap();
    assert_eq!(tokens.load(Ordering::SeqCst), 5);
    assert_eq!(api_requests(&server), 1);
}

#[tokio::test]
async fn a_token_revoked_under_100_concurrent_calls_is_renewed_once_and_none_fail() {
    let revoked = Arc::new(AtomicBool::new(false));
    let flag = revoked.clone();
    let (server, tokens) = app_server(
        |n| token(n, json!(14400)).delayed(Duration::from_millis(30)),
        move |token| !(token == "token-0" && flag.load(Ordering::SeqCst)),
    )
    .await;
    let client = app_client(&server, "i");
    guard(get(&client)).await.unwrap();
    revoked.store(true, Ordering::SeqCst);
    let results = guard(futures_util::future::join_all(
        (0..100).map(|_| get(&client)),
    ))
    .await;
    for result in results {
        result.unwrap();
    }
    assert_eq!(tokens.load(Ordering::SeqCst), 2, "one renewal for all 100");
    let api = api_requests(&server);
    assert!((101..=201).contains(&api), "{api}");
}

#[tokio::test]
async fn a_token_revoked_under_a_write_sends_it_again_once() {
    let (server, tokens) = app_server(|n| token(n, json!(14400)), |t| t != "token-0").await;
    // `accept` decides reads; count the writes Wix processed (answered 200).
    let client = app_client(&server, "i");
    guard(create(&client)).await.unwrap();
    let writes: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == WRITE)
        .collect();
    assert_eq!(writes.len(), 2, "the rejected write, then once more");
    let processed = writes
        .iter()
        .filter(|r| r.header("authorization") == Some("token-1"))
        .count();
    assert_eq!(processed, 1, "no duplicated write");
    assert_eq!(tokens.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_401_that_persists_after_renewal_is_returned() {
    let (server, tokens) = app_server(|n| token(n, json!(14400)), |_| false).await;
    let err = guard(get(&app_client(&server, "i"))).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(
        (tokens.load(Ordering::SeqCst), api_requests(&server)),
        (2, 2)
    );
}

#[tokio::test]
async fn a_401_under_an_api_key_is_not_retried() {
    let (server, result) = read_against(error_reply(401, &[], r#"{"message":"no"}"#)).await;
    assert_eq!(result.unwrap_err().code(), Some("UNAUTHENTICATED"));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_call_with_a_short_deadline_waiting_for_a_slow_renewal_ends_on_time() {
    let (server, tokens) = app_server(
        |n| token(n, json!(14400)).delayed(Duration::from_millis(1500)),
        |_| true,
    )
    .await;
    let slow = app_client(&server, "i");
    let leader = tokio::spawn({
        let slow = slow.clone();
        async move { get(&slow).await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Another client of the same instance would not share the cache; a clone does.
    let hurried = slow.clone();
    let start = Instant::now();
    // The default deadline is 10 s; wait on the renewal with a tight timeout of our own.
    let short = tokio::time::timeout(Duration::from_millis(300), get(&hurried)).await;
    assert!(short.is_err() && start.elapsed() < Duration::from_secs(1));
    guard(leader).await.unwrap().unwrap();
    assert_eq!(tokens.load(Ordering::SeqCst), 1);
    assert_eq!(api_requests(&server), 1);
}

// ---------------------------------------------------------------------------------------------
// Paging
// ---------------------------------------------------------------------------------------------

async fn page(client: &Client, body: Value) -> Result<Value, Error> {
    // SAFETY: a test operation of a test server; no scope set is involved.
    unsafe {
        client.request_unchecked(
            &LIST_THINGS,
            LIST_THINGS.path.into(),
            Vec::new(),
            Some(body.to_string().into_bytes()),
        )
    }
    .await
}

fn items_of(page: &Value) -> Vec<Value> {
    page["things"].as_array().cloned().unwrap_or_default()
}

/// A cursor stream over the server's pages, reporting `hasNext` and the cursor.
fn cursor_stream(client: &Client) -> paging::BoxStream<'_, Result<Value, Error>> {
    paging::cursor_pages("list_things", move |cursor| async move {
        let page = page(client, json!({ "cursorPaging": { "cursor": cursor } })).await?;
        let meta = &page["pagingMetadata"];
        Ok(Page::new(items_of(&page))
            .next_cursor(meta["cursors"]["next"].as_str().map(str::to_owned))
            .has_next(meta["hasNext"].as_bool())
            .total(meta["total"].as_i64()))
    })
}

/// An offset stream over the server's pages, reporting `totalResults`.
fn offset_stream(client: &Client, size: u32) -> paging::BoxStream<'_, Result<Value, Error>> {
    paging::offset_pages("list_things", size, move |offset, limit| async move {
        let page = page(
            client,
            json!({ "paging": { "offset": offset, "limit": limit } }),
        )
        .await?;
        Ok(Page::new(items_of(&page)).total(page["totalResults"].as_i64()))
    })
}

fn cursor_page(items: &[u64], next: Option<&str>, has_next: Option<bool>) -> Reply {
    Reply::json(&json!({
        "things": items,
        "pagingMetadata": { "count": items.len(), "cursors": { "next": next }, "hasNext": has_next },
    }))
}

async fn collect(stream: paging::BoxStream<'_, Result<Value, Error>>) -> (Vec<u64>, Option<Error>) {
    let results: Vec<_> = guard(stream.collect::<Vec<_>>()).await;
    let mut items = Vec::new();
    let mut error = None;
    for result in results {
        match result {
            Ok(v) => items.push(v.as_u64().unwrap()),
            Err(e) => error = Some(e),
        }
    }
    (items, error)
}

#[tokio::test]
async fn a_cursor_repeated_forever_ends_the_stream_with_an_error() {
    let server = TestServer::start(|_, i| cursor_page(&[i as u64], Some("same"), Some(true))).await;
    let client = key_client(server.url());
    let (items, error) = collect(cursor_stream(&client)).await;
    assert_eq!(items, [0, 1]);
    let Some(Error::Paging { method, message }) = error else {
        panic!("a paging error")
    };
    assert_eq!(method, "list_things");
    assert!(message.contains("`same` a second time"), "{message}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_cursor_cycle_ends_the_stream_with_an_error() {
    let server = TestServer::start(|_, i| {
        let next = ["a", "b", "c"][i % 3];
        cursor_page(&[i as u64], Some(next), None)
    })
    .await;
    let client = key_client(server.url());
    let (items, error) = collect(cursor_stream(&client)).await;
    assert_eq!(items, [0, 1, 2, 3]);
    assert!(matches!(error, Some(Error::Paging { .. })));
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn a_repeated_cursor_through_the_legacy_cursor_function_ends_too() {
    let server = TestServer::start(|_, _| cursor_page(&[1], Some("x"), None)).await;
    let client = key_client(server.url());
    let stream = paging::cursor(|cursor| {
        let client = client.clone();
        async move {
            let page = page(&client, json!({ "cursor": cursor })).await?;
            Ok((
                items_of(&page),
                page["pagingMetadata"]["cursors"]["next"]
                    .as_str()
                    .map(str::to_owned),
            ))
        }
    });
    let (items, error) = collect(stream).await;
    assert_eq!(items, [1, 1]);
    assert!(matches!(error, Some(Error::Paging { .. })));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn endless_empty_pages_with_a_next_cursor_end_with_an_error() {
    let server =
        TestServer::start(|_, i| cursor_page(&[], Some(&format!("c{i}")), Some(true))).await;
    let client = key_client(server.url());
    let (items, error) = collect(cursor_stream(&client)).await;
    assert!(items.is_empty());
    assert!(matches!(error, Some(Error::Paging { .. })));
    assert_eq!(server.requests().len(), MAX_EMPTY_PAGES as usize);
}

#[tokio::test]
async fn a_few_empty_pages_are_skipped() {
    let server = TestServer::start(|_, i| match i {
        0..3 => cursor_page(&[], Some(&format!("c{i}")), Some(true)),
        3 => cursor_page(&[7, 8], Some("last"), Some(true)),
        _ => cursor_page(&[9], None, Some(false)),
    })
    .await;
    let client = key_client(server.url());
    let (items, error) = collect(cursor_stream(&client)).await;
    assert!(error.is_none());
    assert_eq!(items, [7, 8, 9]);
    assert_eq!(server.requests().len(), 5);
}

#[tokio::test]
async fn has_next_false_ends_a_cursor_stream_even_with_a_cursor() {
    let server =
        TestServer::start(|_, i| cursor_page(&[i as u64], Some(&format!("c{i}")), Some(i < 2)))
            .await;
    let client = key_client(server.url());
    let (items, error) = collect(cursor_stream(&client)).await;
    assert!(error.is_none());
    assert_eq!(items, [0, 1, 2]);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn an_empty_cursor_ends_a_cursor_stream() {
    let server = TestServer::start(|_, _| cursor_page(&[1, 2], Some(""), None)).await;
    let client = key_client(server.url());
    let (items, error) = collect(cursor_stream(&client)).await;
    assert!(error.is_none());
    assert_eq!(items, [1, 2]);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn total_results_ends_an_offset_stream_that_would_go_on() {
    // Full pages for ever, but `totalResults: 7`: the third page brings more than the total
    // leaves. Its items are yielded (nothing dropped silently), then the contradiction.
    let server = TestServer::start(|req: &Recorded, _| {
        let offset = req.json()["paging"]["offset"].as_u64().unwrap();
        Reply::json(&json!({ "things": [offset, offset + 1, offset + 2], "totalResults": 7 }))
    })
    .await;
    let client = key_client(server.url());
    let (items, error) = collect(offset_stream(&client, 3)).await;
    assert!(
        matches!(&error, Some(Error::Paging { message, .. }) if message.contains("matches 7 items, but its page brings 3 after 6")),
        "{error:?}"
    );
    assert_eq!(items, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_total_of_zero_beside_items_is_an_error_after_the_items() {
    let server =
        TestServer::start(|_, _| Reply::json(&json!({ "things": [1, 2], "totalResults": 0 })))
            .await;
    let client = key_client(server.url());
    let (items, error) = collect(offset_stream(&client, 3)).await;
    assert_eq!(items, [1, 2]);
    assert!(matches!(error, Some(Error::Paging { .. })), "{error:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn total_results_reached_exactly_stops_without_another_request() {
    let server = TestServer::start(|req: &Recorded, _| {
        let offset = req.json()["paging"]["offset"].as_u64().unwrap();
        Reply::json(&json!({ "things": [offset, offset + 1], "totalResults": 4 }))
    })
    .await;
    let client = key_client(server.url());
    let (items, _) = collect(offset_stream(&client, 2)).await;
    assert_eq!(items, [0, 1, 2, 3]);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_negative_total_is_ignored() {
    let server = TestServer::start(|_, i| match i {
        0 => Reply::json(&json!({ "things": [1, 2], "totalResults": -5 })),
        _ => Reply::json(&json!({ "things": [3], "totalResults": -5 })),
    })
    .await;
    let client = key_client(server.url());
    let (items, error) = collect(offset_stream(&client, 2)).await;
    assert!(error.is_none());
    assert_eq!(items, [1, 2, 3]);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_cursor_page_beyond_its_total_is_an_error_after_its_items() {
    let server = TestServer::start(|_, i| {
        Reply::json(&json!({
            "things": [i, i],
            "pagingMetadata": { "cursors": { "next": format!("c{i}") }, "total": 3 },
        }))
    })
    .await;
    let client = key_client(server.url());
    // The second page brings two items where the total leaves one: both are yielded, then the
    // contradiction ends the stream.
    let (items, error) = collect(cursor_stream(&client)).await;
    assert!(matches!(error, Some(Error::Paging { .. })), "{error:?}");
    assert_eq!(items.len(), 4);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_cursor_stream_reaching_its_total_exactly_stops_cleanly() {
    let server = TestServer::start(|_, i| {
        Reply::json(&json!({
            "things": [i],
            "pagingMetadata": { "cursors": { "next": format!("c{i}") }, "total": 2 },
        }))
    })
    .await;
    let client = key_client(server.url());
    let (items, error) = collect(cursor_stream(&client)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(items, [0, 1]);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_crawl_key_going_backwards_ends_with_an_error() {
    let server = TestServer::start(|_, i| match i {
        0 => Reply::json(&json!({ "things": [{ "k": 5 }, { "k": 9 }] })),
        _ => Reply::json(&json!({ "things": [{ "k": 3 }] })),
    })
    .await;
    let client = key_client(server.url());
    fn key(item: &Value) -> Option<i64> {
        item["k"].as_i64()
    }
    let stream = paging::crawl("list_things", key, |after| {
        let client = client.clone();
        async move { Ok(items_of(&page(&client, json!({ "after": after })).await?)) }
    });
    let results: Vec<_> = guard(stream.collect::<Vec<_>>()).await;
    assert_eq!(results.len(), 3);
    assert!(matches!(results[2], Err(Error::Paging { .. })));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_crawl_page_repeating_its_last_key_ends_with_an_error() {
    let server = TestServer::start(|_, _| Reply::json(&json!({ "things": [{ "k": 5 }] }))).await;
    let client = key_client(server.url());
    fn key(item: &Value) -> Option<i64> {
        item["k"].as_i64()
    }
    let stream = paging::crawl("list_things", key, |after| {
        let client = client.clone();
        async move { Ok(items_of(&page(&client, json!({ "after": after })).await?)) }
    });
    let results: Vec<_> = guard(stream.collect::<Vec<_>>()).await;
    assert_eq!(results.len(), 2);
    assert!(matches!(results[1], Err(Error::Paging { .. })));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_generated_offset_stream_ends_on_a_short_page() {
    let server = TestServer::start(|_, i| match i {
        0 => Reply::json(&json!({ "pets": (0..100).map(|n| json!({"id": format!("p{n}")})).collect::<Vec<_>>() })),
        _ => Reply::json(&json!({ "pets": [{"id": "last"}] })),
    })
    .await;
    let client = key_client(server.url());
    let api = PetsV1::new(&PetsReader::open(&client));
    let pets: Vec<_> = guard(
        api.list_pets_by_number_stream(Default::default())
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(pets.len(), 101);
    assert!(pets.iter().all(Result::is_ok));
    assert_eq!(server.requests().len(), 2);
}

/// The spec names the response's `total` (`paging.total`): a full last page does not cost
/// another request.
#[tokio::test]
async fn a_generated_offset_stream_stops_at_the_total() {
    let server = TestServer::start(|_, _| {
        Reply::json(&json!({
            "pets": (0..100).map(|n| json!({"id": format!("p{n}")})).collect::<Vec<_>>(),
            "total": 100,
        }))
    })
    .await;
    let client = key_client(server.url());
    let api = PetsV1::new(&PetsReader::open(&client));
    let pets: Vec<_> = guard(
        api.list_pets_by_number_stream(Default::default())
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(pets.len(), 100);
    assert!(pets.iter().all(Result::is_ok));
    assert_eq!(server.requests().len(), 1);
}

/// The spec names `pagingMetadata.hasNext` (`paging.has_next`): `false` ends the stream even
/// when a next cursor comes with it.
#[tokio::test]
async fn a_generated_cursor_stream_stops_at_has_next_false() {
    let server = TestServer::start(|_, i| {
        Reply::json(&json!({
            "pets": [{ "id": format!("p{i}") }],
            "pagingMetadata": { "count": 1, "cursors": { "next": format!("after-{i}") }, "hasNext": i == 0 },
        }))
    })
    .await;
    let client = key_client(server.url());
    let api = PetsV1::new(&PetsReader::open(&client));
    let pets: Vec<_> = guard(
        api.query_pets_stream(QueryPetsRequest::default())
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(pets.len(), 2);
    assert!(pets.iter().all(Result::is_ok));
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        2,
        "hasNext: false on the second page ends it"
    );
    assert_eq!(requests[1].json()["cursorPaging"]["cursor"], "after-0");
}

// ---------------------------------------------------------------------------------------------
// Size caps
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_declared_length_over_the_cap_fails_without_reading() {
    let server = RawServer::start(|_, _| RawReply::Stream {
        head: b"HTTP/1.1 200 OK\r\ncontent-length: 209715200\r\n\r\n".to_vec(),
        chunk: vec![b' '; 64 * 1024],
        times: 3200,
    })
    .await;
    let client = builder(server.url(), Credentials::access_token("t"))
        .max_response_bytes(1024 * 1024)
        .build()
        .unwrap();
    let err = guard(get(&client)).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                limit: 1_048_576,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(server.count(), 1, "not retried");
    assert!(
        server.bytes_written() < 32 * 1024 * 1024,
        "{}",
        server.bytes_written()
    );
}

#[tokio::test]
async fn an_undeclared_body_over_the_cap_fails_once_the_cap_is_passed() {
    let server = RawServer::start(|_, _| RawReply::Stream {
        head: b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n".to_vec(),
        chunk: vec![b' '; 64 * 1024],
        times: 3200,
    })
    .await;
    let client = builder(server.url(), Credentials::access_token("t"))
        .max_response_bytes(2 * 1024 * 1024)
        .build()
        .unwrap();
    let err = guard(get(&client)).await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err}");
    assert_eq!(server.count(), 1);
    assert!(
        server.bytes_written() < 64 * 1024 * 1024,
        "{}",
        server.bytes_written()
    );
}

#[tokio::test]
async fn a_200_mib_body_is_refused_under_the_default_cap() {
    let server = RawServer::start(|_, _| RawReply::Stream {
        head: b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_vec(),
        chunk: {
            let mut c = b"10000\r\n".to_vec();
            c.extend(vec![b' '; 0x10000]);
            c.extend(b"\r\n");
            c
        },
        times: 3200,
    })
    .await;
    let err = guard(get(&key_client(server.url()))).await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit, .. } if limit == wix_rest_runtime::DEFAULT_MAX_RESPONSE_BYTES),
        "{err}"
    );
    assert!(server.bytes_written() < 100 * 1024 * 1024);
}

#[tokio::test]
async fn a_body_exactly_at_the_cap_is_read() {
    let body = format!("{PET}{}", " ".repeat(1000 - PET.len()));
    let server = RawServer::start(move |_, _| raw_json(&body)).await;
    let client = builder(server.url(), Credentials::access_token("t"))
        .max_response_bytes(1000)
        .build()
        .unwrap();
    guard(get(&client)).await.unwrap();
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_body_one_byte_over_the_cap_is_refused() {
    let body = format!("{PET}{}", " ".repeat(1001 - PET.len()));
    let server = RawServer::start(move |_, _| raw_json(&body)).await;
    let client = builder(server.url(), Credentials::access_token("t"))
        .max_response_bytes(1000)
        .build()
        .unwrap();
    assert!(matches!(
        guard(get(&client)).await.unwrap_err(),
        Error::ResponseTooLarge { .. }
    ));
    assert_eq!(server.count(), 1);
}

// ---------------------------------------------------------------------------------------------
// Rate limit windows
// ---------------------------------------------------------------------------------------------

/// The arrival times the server saw, as offsets from the first.
fn arrivals(server: &TestServer) -> Vec<Duration> {
    let requests = server.requests();
    let first = requests
        .iter()
        .map(|r| r.at)
        .min()
        .expect("a request arrived");
    requests
        .iter()
        .map(|r| r.at.duration_since(first))
        .collect()
}

/// No `limit + 1` arrivals within one `per`, as the server timed them: any window of `per`,
/// wherever it starts, holds at most `limit`.
fn assert_sliding_window(times: &[Duration], limit: usize, per: Duration) {
    let mut times = times.to_vec();
    times.sort_unstable();
    for window in times.windows(limit + 1) {
        let span = window[limit] - window[0];
        assert!(
            span > per,
            "{} arrivals within {span:?} at the server: {times:?}",
            limit + 1
        );
    }
}

/// A delay between send and arrival that varies per request (0 to `max_ms`), as a network or a
/// queue in front of Wix adds: arrivals then no longer keep the spacing of the sends.
fn jitter(max_ms: u64) -> impl Fn(usize) -> Duration + Send + Sync + 'static {
    move |n| Duration::from_millis((n as u64).wrapping_mul(7919) % (max_ms + 1))
}

/// `calls` calls at once through a client limited to `limit`, against a server whose arrivals
/// lag their sends by up to `jitter_ms`: the server's clock sees no window over the limit.
async fn arrivals_hold_the_limit(site: &str, calls: usize, limit: RateLimit, jitter_ms: u64) {
    let server =
        TestServer::start_delaying_arrivals(jitter(jitter_ms), |_, _| Reply::status(200, PET))
            .await;
    let client = Client::builder(Credentials::api_key_for_site("k", site))
        .base_url(server.url())
        .retry(RetryPolicy {
            deadline: Duration::from_secs(600),
            ..policy()
        })
        .rate_limit(limit)
        .build()
        .unwrap();
    let results = tokio::time::timeout(
        limit.per * (calls as u32 / limit.requests + 2) + Duration::from_secs(30),
        futures_util::future::join_all((0..calls).map(|_| get(&client))),
    )
    .await
    .expect("the calls finished");
    assert!(results.iter().all(Result::is_ok), "every call completes");
    let times = arrivals(&server);
    assert_eq!(times.len(), calls);
    assert_sliding_window(&times, limit.requests as usize, limit.per);
}

#[tokio::test]
async fn three_hundred_calls_at_200_a_minute_hold_at_the_server() {
    arrivals_hold_the_limit("server-window-minute", 300, RateLimit::per_minute(200), 400).await;
}

#[tokio::test]
async fn fifty_calls_at_10_a_second_hold_at_the_server() {
    let limit = RateLimit {
        requests: 10,
        per: Duration::from_secs(1),
    };
    arrivals_hold_the_limit("server-window-second", 50, limit, 150).await;
}

fn limited(server: &TestServer, credentials: Credentials, limit: RateLimit) -> Client {
    Client::builder(credentials)
        .base_url(server.url())
        .retry(policy())
        .rate_limit(limit)
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_first_window_lets_through_no_more_than_the_rate() {
    let server = TestServer::start(|_, _| Reply::status(200, PET)).await;
    let limit = RateLimit {
        requests: 5,
        per: Duration::from_millis(400),
    };
    let client = limited(
        &server,
        Credentials::api_key_for_site("k", "first-window"),
        limit,
    );
    guard(futures_util::future::join_all(
        (0..12).map(|_| get(&client)),
    ))
    .await;
    let times = arrivals(&server);
    assert_eq!(times.len(), 12);
    assert_sliding_window(&times, 5, limit.per);
}

#[tokio::test]
async fn two_clients_of_one_app_instance_share_the_limit() {
    let server = TestServer::start(|req: &Recorded, _| {
        if req.path == TOKEN {
            Reply::json(&json!({"access_token": "t", "expires_in": 14400}))
        } else {
            Reply::status(200, PET)
        }
    })
    .await;
    let limit = RateLimit {
        requests: 3,
        per: Duration::from_millis(400),
    };
    let a = limited(
        &server,
        Credentials::oauth_app("app", "s", "shared-instance"),
        limit,
    );
    let b = limited(
        &server,
        Credentials::oauth_app("app", "s", "shared-instance"),
        limit,
    );
    let calls = (0..4).flat_map(|_| [get(&a), get(&b)]);
    guard(futures_util::future::join_all(calls)).await;
    // Token requests go through the limit too.
    let times = arrivals(&server);
    assert_eq!(
        times.len(),
        8 + server.requests().iter().filter(|r| r.path == TOKEN).count()
    );
    assert_sliding_window(&times, 3, limit.per);
}

#[tokio::test]
async fn clients_of_different_instances_have_their_own_limits() {
    let server = TestServer::start(|_, _| Reply::status(200, PET)).await;
    let limit = RateLimit {
        requests: 2,
        per: Duration::from_secs(30),
    };
    let a = limited(
        &server,
        Credentials::api_key_for_site("k", "site-a-own"),
        limit,
    );
    let b = limited(
        &server,
        Credentials::api_key_for_site("k", "site-b-own"),
        limit,
    );
    let start = Instant::now();
    guard(futures_util::future::join_all([
        get(&a),
        get(&a),
        get(&b),
        get(&b),
    ]))
    .await;
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "no one waited for another's window"
    );
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn an_explicit_shared_limit_spans_different_credentials() {
    let server = TestServer::start(|_, _| Reply::status(200, PET)).await;
    let shared = SharedRateLimit::new(RateLimit {
        requests: 2,
        per: Duration::from_millis(300),
    });
    let make = |site: &str| {
        Client::builder(Credentials::api_key_for_site("k", site))
            .base_url(server.url())
            .shared_rate_limit(&shared)
            .build()
            .unwrap()
    };
    let (a, b) = (make("explicit-a"), make("explicit-b"));
    guard(futures_util::future::join_all([
        get(&a),
        get(&b),
        get(&a),
        get(&b),
        get(&a),
        get(&b),
    ]))
    .await;
    assert_sliding_window(&arrivals(&server), 2, Duration::from_millis(300));
}

#[tokio::test]
async fn a_wait_for_the_limit_ends_at_the_deadline() {
    let server = TestServer::start(|_, _| Reply::status(200, PET)).await;
    let client = Client::builder(Credentials::api_key_for_site("k", "deadline-limit"))
        .base_url(server.url())
        .retry(RetryPolicy {
            deadline: Duration::from_millis(300),
            ..policy()
        })
        .rate_limit(RateLimit {
            requests: 1,
            per: Duration::from_secs(60),
        })
        .build()
        .unwrap();
    guard(get(&client)).await.unwrap();
    let start = Instant::now();
    let err = guard(get(&client)).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err}");
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(server.requests().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Webhook tokens
// ---------------------------------------------------------------------------------------------

fn claims_with(exp: Value, iat: Option<Value>) -> Value {
    let mut claims = jwt::fresh_claims("ProductCreated", &json!({"productId": "p1"}));
    claims["exp"] = exp;
    match iat {
        Some(iat) => claims["iat"] = iat,
        None => {
            claims.as_object_mut().unwrap().remove("iat");
        }
    }
    claims
}

fn verify(claims: &Value) -> Result<wix_rest_runtime::webhook::RawEvent, WebhookError> {
    jwt::verifier().verify(&jwt::sign_rs256(claims, APP_PRIVATE))
}

fn rejected(result: Result<wix_rest_runtime::webhook::RawEvent, WebhookError>) -> String {
    match result {
        Err(WebhookError::Rejected(message)) => message,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[test]
fn a_webhook_with_a_string_exp_is_rejected() {
    rejected(verify(&claims_with(
        json!("9999999999"),
        Some(json!(jwt::now())),
    )));
}

#[test]
fn a_webhook_without_exp_is_rejected() {
    let mut claims = claims_with(json!(0), Some(json!(jwt::now())));
    claims.as_object_mut().unwrap().remove("exp");
    rejected(verify(&claims));
}

#[test]
fn a_webhook_with_a_fractional_exp_is_rejected() {
    rejected(verify(&claims_with(
        json!(jwt::now() as f64 + 3600.5),
        Some(json!(jwt::now())),
    )));
}

#[test]
fn a_year_old_webhook_is_rejected_even_if_it_never_expires() {
    let year_ago = jwt::now() - 365 * 24 * 3600;
    let message = rejected(verify(&claims_with(
        json!(jwt::now() + 3600),
        Some(json!(year_ago)),
    )));
    assert!(message.contains("old"), "{message}");
}

#[test]
fn a_webhook_without_iat_is_rejected_unless_the_age_check_is_off() {
    let claims = claims_with(json!(jwt::now() + 3600), None);
    rejected(verify(&claims));
    let token = jwt::sign_rs256(&claims, APP_PRIVATE);
    jwt::verifier().max_age(None).verify(&token).unwrap();
}

#[test]
fn a_webhook_issued_in_the_future_is_rejected() {
    rejected(verify(&claims_with(
        json!(u64::MAX),
        Some(json!(jwt::now() + 3600)),
    )));
    rejected(verify(&claims_with(json!(u64::MAX), Some(json!(u64::MAX)))));
}

#[test]
fn an_exp_past_the_max_age_is_rejected_and_without_the_age_check_kept_bounded() {
    let message = rejected(verify(&claims_with(
        json!(u64::MAX),
        Some(json!(jwt::now())),
    )));
    assert!(
        message.contains("later than the 86400 s maximum age"),
        "{message}"
    );
    rejected(verify(&claims_with(
        json!(jwt::now() + 2 * 86_400),
        Some(json!(jwt::now())),
    )));
    // Without the age check the token verifies; the deduplicator still forgets it in time
    // (no overflow, no delivery pinned for ever).
    let claims = claims_with(json!(u64::MAX), Some(json!(jwt::now())));
    let token = jwt::sign_rs256(&claims, APP_PRIVATE);
    let event = jwt::verifier().max_age(None).verify(&token).unwrap();
    assert_eq!(event.expires_at, u64::MAX);
    let dedup = Deduplicator::new(Duration::from_secs(60), 10);
    assert!(dedup.first_delivery(&event));
    assert!(!dedup.first_delivery(&event));
}

#[test]
fn a_data_claim_that_is_not_an_object_is_malformed() {
    for data in [
        json!(["ProductCreated", INSTANCE_ID, "{}"]),
        json!("[\"ProductCreated\", \"i\", \"{}\"]"),
        json!("7"),
    ] {
        let claims = json!({"data": data, "exp": jwt::now() + 3600, "iat": jwt::now()});
        match jwt::verifier().verify(&jwt::sign_rs256(&claims, APP_PRIVATE)) {
            Err(WebhookError::Malformed { what, .. }) => assert_eq!(what, "the JWT's data claim"),
            other => panic!("{data}: expected a malformed claim, got {other:?}"),
        }
    }
}

#[test]
fn a_configured_max_age_is_applied() {
    let claims = claims_with(json!(jwt::now() + 3600), Some(json!(jwt::now() - 600)));
    let token = jwt::sign_rs256(&claims, APP_PRIVATE);
    jwt::verifier().verify(&token).unwrap();
    let verifier = jwt::verifier().max_age(Some(Duration::from_secs(300)));
    rejected(verifier.verify(&token));
}

#[test]
fn a_replayed_webhook_is_seen_once() {
    let token = jwt::sign_rs256(
        &jwt::fresh_claims("ProductCreated", &json!({"productId": "p1"})),
        APP_PRIVATE,
    );
    let dedup = Deduplicator::default();
    let first = jwt::verifier().verify(&token).unwrap();
    let replay = jwt::verifier().verify(&token).unwrap();
    assert_eq!(first.delivery_id, replay.delivery_id);
    assert!(first.id.is_none(), "legacy events carry no id");
    assert!(dedup.first_delivery(&first));
    assert!(!dedup.first_delivery(&replay));
}

#[test]
fn a_domain_event_resent_in_a_new_token_is_seen_once_by_its_id() {
    let data = json!({"id": "evt-1", "entityFqdn": "wix.ecom.v1.order", "slug": "created",
        "entityId": "o1", "eventTime": "2026-11-24T10:00:00Z", "createdEvent": {"entity": {}}});
    let now = jwt::now();
    let sign = |iat| {
        jwt::sign_rs256(
            &jwt::wix_claims(
                "wix.ecom.v1.order_created",
                INSTANCE_ID,
                &data,
                iat,
                now + 3600,
            ),
            APP_PRIVATE,
        )
    };
    let (a, b) = (sign(now), sign(now - 5));
    assert_ne!(a, b);
    let first = jwt::verifier().verify(&a).unwrap();
    let again = jwt::verifier().verify(&b).unwrap();
    assert_eq!(first.id.as_deref(), Some("evt-1"));
    assert_eq!(first.event_time.as_deref(), Some("2026-11-24T10:00:00Z"));
    assert_eq!(first.issued_at, Some(now));
    let dedup = Deduplicator::default();
    assert!(dedup.first_delivery(&first));
    assert!(!dedup.first_delivery(&again));
}

#[test]
fn the_deduplicator_is_bounded() {
    let dedup = Deduplicator::new(Duration::from_secs(3600), 2);
    let events: Vec<_> = (0..3)
        .map(|n| {
            let data = json!({"id": format!("e{n}"), "slug": "created"});
            verify(&jwt::wix_claims(
                "wix.x.v1.y_created",
                INSTANCE_ID,
                &data,
                jwt::now(),
                jwt::now() + 60,
            ))
            .unwrap()
        })
        .collect();
    assert!(events.iter().all(|e| dedup.first_delivery(e)));
    assert!(
        dedup.first_delivery(&events[0]),
        "the oldest was forgotten to stay within capacity"
    );
}

// ---------------------------------------------------------------------------------------------
// Error bodies
// ---------------------------------------------------------------------------------------------

async fn api_error(body: &'static str) -> Box<wix_rest::ApiError> {
    let (server, result) = write_against(error_reply(400, &[], body)).await;
    assert_eq!(server.count(), 1);
    match result.unwrap_err() {
        Error::Api(api) => api,
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn an_error_code_of_the_wrong_type_keeps_the_message_and_details() {
    let api = api_error(r#"{"code":42,"message":"bad","details":{"applicationError":{"code":"X","description":"why"}}}"#).await;
    assert_eq!(api.code, "INVALID_ARGUMENT");
    assert_eq!(api.message, "bad");
    assert_eq!(api.application_error.as_ref().unwrap().description, "why");
}

#[tokio::test]
async fn an_application_error_field_of_the_wrong_type_keeps_the_others() {
    let api = api_error(r#"{"message":"bad","details":{"applicationError":{"code":7,"description":"why","data":{"a":1}}}}"#).await;
    let app = api.application_error.unwrap();
    assert_eq!((app.code.as_str(), app.description.as_str()), ("", "why"));
    assert_eq!(app.data, json!({"a": 1}));
}

#[tokio::test]
async fn a_bad_field_violation_keeps_the_good_ones() {
    let api = api_error(r#"{"message":"bad","details":{"validationError":{"fieldViolations":[{"field":1,"description":"d1"},"junk",{"field":"name","description":"empty","violatedRule":false}]}}}"#).await;
    let violations = api.validation_error.unwrap().field_violations;
    assert_eq!(violations.len(), 2);
    assert_eq!(violations[0].description, "d1");
    assert_eq!(violations[1].field, "name");
    assert_eq!(violations[1].violated_rule, None);
}

#[tokio::test]
async fn details_of_the_wrong_type_keep_the_message() {
    let api = api_error(r#"{"code":"NOPE","message":"bad","details":"oops"}"#).await;
    assert_eq!((api.code.as_str(), api.message.as_str()), ("NOPE", "bad"));
    assert!(api.application_error.is_none() && api.validation_error.is_none());
}

// ---------------------------------------------------------------------------------------------
// Load
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_calls_from_64_tasks_without_an_error() {
    let server = TestServer::start(|_, _| Reply::status(200, PET)).await;
    let client = key_client(server.url());
    let tasks: Vec<_> = (0..64)
        .map(|t| {
            let client = client.clone();
            tokio::spawn(async move {
                let calls = 10_000 / 64 + usize::from(t < 10_000 % 64);
                for _ in 0..calls {
                    get(&client).await?;
                }
                Ok::<_, Error>(calls)
            })
        })
        .collect();
    let mut total = 0;
    for task in tasks {
        total += guard(task).await.unwrap().unwrap();
    }
    assert_eq!(total, 10_000);
    assert_eq!(server.requests().len(), 10_000, "no retry was needed");
}
