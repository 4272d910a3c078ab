//! The runtime against a real HTTP server on loopback: auth headers, the app token cache,
//! error decoding, retries and paging.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};
use wix_rest::{Client, Credentials, Error, RetryPolicy, ScopeSet};
use wix_rest_pets_fixture::pets_v1::PetsV1;
use wix_rest_tests::LIST_THINGS;
use wix_rest_tests::pets::{PET, PetsKeeper, WITH_OWNER, update};
use wix_rest_tests::{Recorded, Reply, TestServer};

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        deadline: Duration::from_secs(10),
    }
}

fn client(server: &TestServer, credentials: Credentials) -> Client {
    Client::builder(credentials)
        .base_url(server.url())
        .retry(fast_retries())
        .no_rate_limit()
        .build()
        .unwrap()
}

async fn ok_server() -> TestServer {
    TestServer::start(|_, _| Reply::status(200, PET)).await
}

#[tokio::test]
async fn api_key_for_a_site_sends_the_key_as_is_and_the_site_id() {
    let server = ok_server().await;
    let client = client(&server, Credentials::api_key_for_site("IST.key", "site-1"));
    PetsV1::new(&PetsKeeper::open(&client))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap();
    let req = &server.requests()[0];
    assert_eq!(req.header("authorization"), Some("IST.key"));
    assert_eq!(req.header("wix-site-id"), Some("site-1"));
    assert_eq!(req.header("wix-account-id"), None);
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/pets/v1/pets/p1");
}

#[tokio::test]
async fn api_key_for_an_account_sends_the_account_id() {
    let server = ok_server().await;
    let client = client(
        &server,
        Credentials::api_key_for_account("IST.key", "acct-9"),
    );
    PetsV1::new(&PetsKeeper::open(&client))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap();
    let req = &server.requests()[0];
    assert_eq!(req.header("wix-account-id"), Some("acct-9"));
    assert_eq!(req.header("wix-site-id"), None);
}

#[tokio::test]
async fn a_raw_access_token_is_sent_without_bearer() {
    let server = ok_server().await;
    let client = client(&server, Credentials::access_token("OauthNG.JWS.abc"));
    PetsV1::new(&PetsKeeper::open(&client))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("OauthNG.JWS.abc")
    );
}

/// A token endpoint and an API on one server; tokens are numbered by issue.
async fn app_server(expires_in: u64) -> (TestServer, Arc<AtomicUsize>) {
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = issued.clone();
    let server = TestServer::start(move |req: &Recorded, _| {
        if req.path == "/oauth2/token" {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            // Slow enough that concurrent callers pile up behind the one renewal.
            std::thread::sleep(Duration::from_millis(50));
            return Reply::json(&json!({
                "access_token": format!("token-{n}"),
                "token_type": "Bearer",
                "expires_in": expires_in,
            }));
        }
        Reply::status(200, PET)
    })
    .await;
    (server, issued)
}

#[tokio::test]
async fn app_credentials_fetch_a_token_once_for_many_concurrent_calls() {
    let (server, issued) = app_server(14_400).await;
    let client = client(
        &server,
        Credentials::oauth_app("app-id", "app-secret", "inst-1"),
    );
    let api = PetsV1::new(&PetsKeeper::open(&client));
    let calls = (0..8).map(|_| api.get_pet("p1", &WITH_OWNER));
    for result in futures_util::future::join_all(calls).await {
        result.unwrap();
    }
    assert_eq!(
        issued.load(Ordering::SeqCst),
        1,
        "one renewal under concurrency"
    );
    let requests = server.requests();
    let token_req = requests.iter().find(|r| r.path == "/oauth2/token").unwrap();
    assert_eq!(token_req.method, "POST");
    assert_eq!(
        token_req.json(),
        json!({
            "grant_type": "client_credentials",
            "client_id": "app-id",
            "client_secret": "app-secret",
            "instance_id": "inst-1",
        })
    );
    let api_calls: Vec<_> = requests
        .iter()
        .filter(|r| r.path != "/oauth2/token")
        .collect();
    assert_eq!(api_calls.len(), 8);
    assert!(
        api_calls
            .iter()
            .all(|r| r.header("authorization") == Some("token-1"))
    );
}

#[tokio::test]
async fn app_token_is_renewed_before_it_expires() {
    // A 2-second token is renewed after half its life (the 5-minute margin does not fit).
    let (server, issued) = app_server(2).await;
    let client = client(
        &server,
        Credentials::oauth_app("app-id", "secret", "inst-1"),
    );
    let api = PetsV1::new(&PetsKeeper::open(&client));
    api.get_pet("p1", &WITH_OWNER).await.unwrap();
    api.get_pet("p1", &WITH_OWNER).await.unwrap();
    assert_eq!(issued.load(Ordering::SeqCst), 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    api.get_pet("p1", &WITH_OWNER).await.unwrap();
    assert_eq!(issued.load(Ordering::SeqCst), 2);
    let last = server.requests().into_iter().last().unwrap();
    assert_eq!(last.header("authorization"), Some("token-2"));
}

#[tokio::test]
async fn a_rejected_app_token_is_renewed_once_and_the_call_retried() {
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = issued.clone();
    let server = TestServer::start(move |req: &Recorded, _| {
        if req.path == "/oauth2/token" {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            return Reply::json(
                &json!({"access_token": format!("token-{n}"), "expires_in": 14400}),
            );
        }
        if req.header("authorization") == Some("token-1") {
            return Reply::status(401, r#"{"message":"token expired"}"#);
        }
        Reply::status(200, PET)
    })
    .await;
    let client = client(&server, Credentials::oauth_app("app", "secret", "inst"));
    // An update (not retry-safe) is still sent again: a 401 means it was never processed.
    let created = PetsV1::new(&PetsKeeper::open(&client))
        .update_pet(&update())
        .await
        .unwrap();
    assert_eq!(created.pet.id, "p1");
    assert_eq!(issued.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_failed_token_request_reports_the_token_endpoint() {
    let server =
        TestServer::start(|_, _| Reply::status(400, r#"{"message":"bad client secret"}"#)).await;
    let client = client(&server, Credentials::oauth_app("app", "wrong", "inst"));
    let err = PetsV1::new(&PetsKeeper::open(&client))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(
        err.to_string(),
        "create_access_token: HTTP 400 INVALID_ARGUMENT: bad client secret (x-wix-request-id req-test-1)"
    );
    assert_eq!(server.requests().len(), 1, "a 400 is not retried");
}

#[tokio::test]
async fn secrets_never_show_in_debug_output() {
    let server = ok_server().await;
    for credentials in [
        Credentials::api_key_for_site("SUPER-SECRET-KEY", "site"),
        Credentials::oauth_app("app", "SUPER-SECRET-KEY", "inst"),
        Credentials::access_token("SUPER-SECRET-KEY"),
    ] {
        let client = client(&server, credentials);
        let debug = format!("{client:?} {:?}", client.credentials());
        assert!(!debug.contains("SUPER-SECRET-KEY"), "{debug}");
        assert!(debug.contains("***"), "{debug}");
    }
}

#[tokio::test]
async fn permission_denied_names_the_permission_and_the_scopes_that_grant_it() {
    let server = TestServer::start(|_, _| {
        Reply::status(403, r#"{"message":"Permission denied","details":{"applicationError":{"code":"MISSING_PERMISSION","description":"no scope","data":{}}}}"#)
            .header("x-wix-request-id", "req-403")
    })
    .await;
    let client = client(&server, Credentials::access_token("t"));
    let err = PetsV1::new(&PetsKeeper::open(&client))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("PERMISSION_DENIED"));
    assert_eq!(err.request_id(), Some("req-test-1"));
    assert_eq!(
        err.to_string(),
        "get_pet: HTTP 403 PERMISSION_DENIED: Permission denied [MISSING_PERMISSION: no scope]; \
         `get_pet` needs the permission PETS.READ, granted by \
         SCOPE.PETS.READ (Read Pets) or SCOPE.PETS.MANAGE (Manage Pets)\
         : add one of these to the app's permissions (x-wix-request-id req-test-1)"
    );
    let Error::Api(api) = err else {
        panic!("an API error")
    };
    let app = api.application_error.as_ref().unwrap();
    assert_eq!(app.code, "MISSING_PERMISSION");
    assert_eq!(api.operation.requires.permissions(), ["PETS.READ"]);
}

#[tokio::test]
async fn validation_errors_keep_every_field_violation() {
    let server = TestServer::start(|_, _| {
        Reply::status(400, r#"{"message":"invalid","details":{"validationError":{"fieldViolations":[{"field":"pet.kind","description":"must not be empty","violatedRule":"REQUIRED_FIELD"}]}}}"#)
    })
    .await;
    let client = client(&server, Credentials::access_token("t"));
    let err = PetsV1::new(&PetsKeeper::open(&client))
        .update_pet(&update())
        .await
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("an API error: {err}")
    };
    let violations = &api.validation_error.as_ref().unwrap().field_violations;
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].field, "pet.kind");
    assert_eq!(
        violations[0].violated_rule.as_deref(),
        Some("REQUIRED_FIELD")
    );
    assert_eq!(
        err.to_string(),
        "update_pet: HTTP 400 INVALID_ARGUMENT: invalid [field `pet.kind`: must not be empty] (x-wix-request-id req-test-1)"
    );
}

#[tokio::test]
async fn a_malformed_response_names_the_method_and_the_json_path() {
    let server = TestServer::start(|_, _| {
        Reply::status(
            200,
            r#"{"pet":{"id":"p1","parent":{"id":"p0","tags":["calm",7]}}}"#,
        )
    })
    .await;
    let client = client(&server, Credentials::access_token("t"));
    let err = PetsV1::new(&PetsKeeper::open(&client))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap_err();
    let Error::Decode {
        method,
        path,
        request_id,
        ..
    } = &err
    else {
        panic!("a decode error: {err}")
    };
    assert_eq!(*method, "get_pet");
    assert_eq!(path, "pet.parent.tags[1]");
    assert_eq!(request_id.as_deref(), Some("req-test-1"));
    assert!(err.to_string().starts_with(
        "get_pet: the response does not match its type at `pet.parent.tags[1]`: invalid type: integer `7`"
    ), "{err}");
}

#[tokio::test]
async fn unknown_fields_and_unknown_enum_values_decode() {
    let server = TestServer::start(|_, _| {
        Reply::status(
            200,
            r#"{"pet":{"id":"p1","kind":"hamster","brandNewField":{"x":1}},"alsoNew":true}"#,
        )
    })
    .await;
    let client = client(&server, Credentials::access_token("t"));
    let got = PetsV1::new(&PetsKeeper::open(&client))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap();
    let kind = got.pet.kind.unwrap();
    assert_eq!(kind.as_str(), "hamster");
    assert_eq!(serde_json::to_value(&kind).unwrap(), json!("hamster"));
}

#[tokio::test]
async fn retry_safe_calls_are_retried_on_429_and_5xx() {
    let server = TestServer::start(|_, i| match i {
        0 => Reply::status(503, r#"{"message":"unavailable"}"#),
        1 => Reply::status(429, r#"{"message":"slow down"}"#).header("retry-after", "0"),
        2 => Reply::status(502, "<html>bad gateway</html>"),
        _ => Reply::status(200, PET),
    })
    .await;
    let client = client(&server, Credentials::access_token("t"));
    let got = PetsV1::new(&PetsKeeper::open(&client))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap();
    assert_eq!(got.pet.age, Some(3));
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = TestServer::start(|_, i| match i {
        0 => Reply::status(429, r#"{"message":"slow down"}"#).header("retry-after", "1"),
        _ => Reply::status(200, PET),
    })
    .await;
    // Up to `max_delay`, a `Retry-After` is honoured (a longer one ends the call at once).
    let client = Client::builder(Credentials::access_token("t"))
        .base_url(server.url())
        .retry(RetryPolicy {
            max_delay: Duration::from_secs(2),
            ..fast_retries()
        })
        .no_rate_limit()
        .build()
        .unwrap();
    PetsV1::new(&PetsKeeper::open(&client))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap();
    let requests = server.requests();
    let gap = requests[1].at.duration_since(requests[0].at);
    // The backoff alone would wait at most 20 ms; the server asked for a second.
    assert!(gap >= Duration::from_millis(950), "waited only {gap:?}");
}

#[tokio::test]
async fn writes_are_not_retried() {
    let server = TestServer::start(|_, _| Reply::status(503, r#"{"message":"unavailable"}"#)).await;
    let client = client(&server, Credentials::access_token("t"));
    let err = PetsV1::new(&PetsKeeper::open(&client))
        .update_pet(&update())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(matches!(err, Error::Api(_)), "{err}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn retries_stop_after_max_attempts() {
    let server = TestServer::start(|_, _| Reply::status(500, r#"{"message":"boom"}"#)).await;
    let client = client(&server, Credentials::access_token("t"));
    let err = PetsV1::new(&PetsKeeper::open(&client))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap_err();
    let Error::RetriesExhausted { attempts, last, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(*attempts, 4);
    assert_eq!(last.status(), Some(500));
    assert_eq!(err.code(), Some("INTERNAL"));
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn retries_stop_at_the_deadline() {
    let server = TestServer::start(|_, _| {
        Reply::status(503, r#"{"message":"later"}"#).header("retry-after", "30")
    })
    .await;
    let client = Client::builder(Credentials::access_token("t"))
        .base_url(server.url())
        .retry(RetryPolicy {
            deadline: Duration::from_secs(5),
            ..fast_retries()
        })
        .no_rate_limit()
        .build()
        .unwrap();
    let err = PetsV1::new(&PetsKeeper::open(&client))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap_err();
    // Waiting 30 s would pass the 5 s deadline, so it gives up at once.
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_closed_port_is_a_transport_error_naming_the_method() {
    let server = ok_server().await;
    let url = server.url();
    drop(server);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let client = Client::builder(Credentials::access_token("t"))
        .base_url(url)
        .retry(RetryPolicy::none())
        .no_rate_limit()
        .build()
        .unwrap();
    let err = PetsV1::new(&PetsKeeper::open(&client))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                method: "get_pet",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_bad_base_url_is_a_configuration_error() {
    let err = Client::builder(Credentials::access_token("t"))
        .base_url("not a url")
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid client configuration: base URL `not a url`: not a URL"),
        "{err}"
    );
}

#[tokio::test]
async fn cursor_paging_follows_next_cursors_until_there_is_none() {
    // 7 things, 3 per page: cursors "3" and "6", then none.
    let server = TestServer::start(|req: &Recorded, _| {
        let body = req.json();
        let start: usize = body["cursorPaging"]["cursor"].as_str().map_or(0, |c| c.parse().unwrap());
        let end = (start + 3).min(7);
        let items: Vec<Value> = (start..end).map(|i| json!({ "n": i })).collect();
        let next = (end < 7).then(|| end.to_string());
        Reply::json(&json!({
            "things": items,
            "pagingMetadata": { "count": items.len(), "cursors": { "next": next }, "hasNext": end < 7 },
        }))
    })
    .await;
    let client = client(&server, Credentials::access_token("t"));
    let stream = wix_rest::paging::cursor(|cursor| {
        let client = client.clone();
        async move {
            let body = json!({ "cursorPaging": { "limit": 3, "cursor": cursor } });
            // SAFETY: a test endpoint of the loopback server; no scope set governs it.
            let page: Value = unsafe {
                client.request_unchecked(
                    &LIST_THINGS,
                    LIST_THINGS.path.into(),
                    Vec::new(),
                    Some(body.to_string().into_bytes()),
                )
            }
            .await?;
            let next = page["pagingMetadata"]["cursors"]["next"]
                .as_str()
                .map(str::to_owned);
            Ok((page["things"].as_array().cloned().unwrap_or_default(), next))
        }
    });
    let items: Vec<Value> = stream.map(Result::unwrap).collect().await;
    let ns: Vec<u64> = items.iter().map(|v| v["n"].as_u64().unwrap()).collect();
    assert_eq!(ns, (0..7).collect::<Vec<_>>());
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_paging_error_ends_the_stream_after_it_is_yielded() {
    let server = TestServer::start(|_, i| match i {
        0 => Reply::json(&json!({ "things": [1, 2] })),
        _ => Reply::status(400, r#"{"message":"bad offset"}"#),
    })
    .await;
    let client = client(&server, Credentials::access_token("t"));
    let stream = wix_rest::paging::offset(2, |offset, limit| {
        let client = client.clone();
        async move {
            let body = json!({ "paging": { "offset": offset, "limit": limit } });
            // SAFETY: a test endpoint of the loopback server; no scope set governs it.
            let page: Value = unsafe {
                client.request_unchecked(
                    &LIST_THINGS,
                    LIST_THINGS.path.into(),
                    Vec::new(),
                    Some(body.to_string().into_bytes()),
                )
            }
            .await?;
            Ok(page["things"].as_array().cloned().unwrap_or_default())
        }
    });
    let results: Vec<Result<Value, Error>> = stream.collect().await;
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_ok());
    assert_eq!(results[2].as_ref().unwrap_err().status(), Some(400));
    let offsets: Vec<u64> = server
        .requests()
        .iter()
        .map(|r| r.json()["paging"]["offset"].as_u64().unwrap())
        .collect();
    assert_eq!(offsets, [0, 2]);
}

#[tokio::test]
async fn a_failing_token_endpoint_is_retried_like_any_read() {
    let server = TestServer::start(|req: &Recorded, i| {
        if req.path == "/oauth2/token" {
            return match i {
                0 => Reply::status(503, r#"{"message":"unavailable"}"#),
                _ => Reply::json(&json!({"access_token": "token-1", "expires_in": 14400})),
            };
        }
        Reply::status(200, PET)
    })
    .await;
    let client = client(&server, Credentials::oauth_app("app", "secret", "inst"));
    PetsV1::new(&PetsKeeper::open(&client))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap();
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.0.path).collect();
    assert_eq!(
        paths,
        ["/oauth2/token", "/oauth2/token", "/pets/v1/pets/p1"]
    );
    let token_request = &server.requests()[0];
    assert_eq!(
        token_request.header("authorization"),
        None,
        "the token request carries no credentials"
    );
}

// ---------------------------------------------------------------------------------------------
// Where a request goes: path parameters and the base URL never change the endpoint
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn path_parameters_that_would_change_the_endpoint_are_refused_before_sending() {
    let server = ok_server().await;
    let client = client(&server, Credentials::access_token("t"));
    let pets = PetsV1::new(&PetsKeeper::open(&client));
    for (value, says) in [
        ("..", "`.` or `..`"),
        (".", "`.` or `..`"),
        ("", "is empty"),
    ] {
        let error = pets.get_pet(value, &WITH_OWNER).await.unwrap_err();
        let Error::InvalidPathParameter {
            method,
            ref parameter,
            problem,
        } = error
        else {
            panic!("{value:?}: {error}")
        };
        assert_eq!((method, parameter.as_str()), ("get_pet", "petId"));
        assert!(problem.contains(says), "{value:?}: {error}");
        let error = pets.delete_pet(value).await.unwrap_err();
        assert!(
            matches!(
                error,
                Error::InvalidPathParameter {
                    method: "delete_pet",
                    ..
                }
            ),
            "{error}"
        );
    }
    assert!(server.requests().is_empty(), "nothing was sent");
    // Anything else is one percent-encoded segment.
    pets.get_pet("../a/%2e", &WITH_OWNER).await.unwrap();
    assert_eq!(
        server.requests()[0].path,
        "/pets/v1/pets/..%2Fa%2F%252e",
        "one segment"
    );
}

#[tokio::test]
async fn a_base_url_is_scheme_host_port_and_a_path_prefix() {
    let server = ok_server().await;
    for bad in [
        format!("{}/pets/v1/pets/other#", server.url()),
        format!("{}/?next=1", server.url()),
        server.url().replace("http://", "http://user:pw@"),
        format!("{}/a/../b", server.url()),
        "file:///etc".to_owned(),
    ] {
        let built = Client::builder(Credentials::access_token("t"))
            .base_url(bad.clone())
            .build();
        assert!(matches!(built, Err(Error::Config(_))), "{bad}: {built:?}");
        let app = wix_rest::App::builder("app", "secret")
            .base_url(bad.clone())
            .build();
        assert!(matches!(app, Err(Error::Config(_))), "{bad}: app");
    }
    // A prefix: every method's path goes under it, as segments.
    let client = Client::builder(Credentials::access_token("t"))
        .base_url(format!("{}/proxy/wix/", server.url()))
        .no_rate_limit()
        .build()
        .unwrap();
    PetsV1::new(&PetsKeeper::open(&client))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap();
    assert_eq!(server.requests()[0].path, "/proxy/wix/pets/v1/pets/p1");
}

// ---------------------------------------------------------------------------------------------
// Hostile or contradictory responses
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_empty_200_where_the_method_describes_content_is_an_error() {
    let server = TestServer::start(|_, _| Reply::status(200, "")).await;
    let client = client(&server, Credentials::access_token("t"));
    let pets = PetsV1::new(&PetsKeeper::open(&client));
    let error = pets.get_pet("p1", &WITH_OWNER).await.unwrap_err();
    let Error::Decode {
        method,
        ref path,
        ref message,
        ..
    } = error
    else {
        panic!("{error}")
    };
    assert_eq!((method, path.as_str()), ("get_pet", "."));
    assert!(message.contains("the response body is empty"), "{message}");
    // A method without content takes an empty body.
    pets.delete_pet("p1").await.unwrap();
}

#[tokio::test]
async fn a_date_past_the_representable_years_fails_the_decoding_without_a_panic() {
    let server = TestServer::start(|_, _| {
        Reply::status(
            200,
            r#"{"pet":{"id":"p1","createdDate":"9999-12-31T23:59:59-01:00"}}"#,
        )
    })
    .await;
    let client = client(&server, Credentials::access_token("t"));
    let error = PetsV1::new(&PetsKeeper::open(&client))
        .get_pet("p1", &WITH_OWNER)
        .await
        .unwrap_err();
    let Error::Decode { ref path, .. } = error else {
        panic!("{error}")
    };
    assert_eq!(path, "pet.createdDate", "{error}");
}

#[tokio::test]
async fn a_total_that_contradicts_the_items_ends_the_stream_with_an_error() {
    let server = TestServer::start(|_, _| {
        Reply::json(&json!({"pets": [{"id": "a"}, {"id": "b"}], "total": 0}))
    })
    .await;
    let client = client(&server, Credentials::access_token("t"));
    let results: Vec<_> = PetsV1::new(&PetsKeeper::open(&client))
        .list_pets_by_number_stream(Default::default())
        .collect()
        .await;
    assert_eq!(results.len(), 3, "both items, then the error");
    assert!(results[0].is_ok() && results[1].is_ok());
    let error = results[2].as_ref().unwrap_err();
    assert!(
        matches!(error, Error::Paging { method: "list_pets_by_number", message }
            if message.contains("matches 0 items, but its page brings 2")),
        "{error}"
    );
    assert_eq!(server.requests().len(), 1);
}

/// The scopes of the calls below: one that many scopes grant, so an error that printed the
/// scope table would be long.
#[wix_rest::scope_set(DC_STORES_READ_PRODUCTS)]
struct CatalogReader;

#[tokio::test]
async fn the_debug_of_an_error_names_the_method_and_stays_short() {
    use wix_rest::stores_catalog_v1::StoresCatalogV1;
    let body = r#"{"message":"unauthorized","details":{"applicationError":{"code":"UNAUTHENTICATED","description":"the key is not valid"}}}"#;
    let server = TestServer::start(move |request, _| {
        if request.path.ends_with("/busy") {
            Reply::status(503, "{}")
        } else {
            Reply::status(401, body)
        }
    })
    .await;
    let client = Client::builder(Credentials::api_key_for_site("key", "site"))
        .base_url(server.url())
        .no_rate_limit()
        .retry(RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            deadline: Duration::from_secs(10),
        })
        .build()
        .unwrap();
    let api = StoresCatalogV1::new(&CatalogReader::open(&client));
    let unauthorized = api.get_collection_by_slug("c").await.unwrap_err();
    let exhausted = api.get_collection_by_slug("busy").await.unwrap_err();
    assert!(
        matches!(exhausted, Error::RetriesExhausted { .. }),
        "{exhausted:?}"
    );
    for error in [unauthorized, exhausted] {
        let debug = format!("{error:?}");
        assert!(debug.len() < 1024, "{} bytes: {debug}", debug.len());
        assert!(debug.contains("get_collection_by_slug"), "{debug}");
    }
}

#[test]
fn credentials_that_cannot_be_sent_fail_at_build_not_at_the_first_call() {
    let cases = [
        (
            Credentials::api_key_for_site("", "site"),
            "API key is empty",
        ),
        (
            Credentials::api_key_for_site("key\n", "site"),
            "HTTP header cannot carry",
        ),
        (
            Credentials::ApiKey {
                key: "key".into(),
                site_id: None,
                account_id: None,
            },
            "the site",
        ),
        (Credentials::access_token("  "), "access token is empty"),
        (
            Credentials::oauth_app("app", "", "instance"),
            "app secret is empty",
        ),
        (
            Credentials::oauth_app("app", "secret", ""),
            "instance ID is empty",
        ),
    ];
    for (credentials, expected) in cases {
        let shown = format!("{credentials:?}");
        match Client::new(credentials) {
            Err(Error::Config(message)) => assert!(message.contains(expected), "{message}"),
            other => panic!("{shown}: {other:?}"),
        }
    }
    assert!(Client::new(Credentials::api_key_for_account("key", "account")).is_ok());
    let no_secret = wix_rest::App::builder("app", " ").build().unwrap_err();
    assert!(
        no_secret.to_string().contains("app secret is empty"),
        "{no_secret}"
    );
}
