//! A fake Wix on loopback, for the tests of apps built on `wix-rest`.
//!
//! [`FakeWix::start`] serves HTTP/1.1 on `127.0.0.1`; a [`Client`] (or an [`App`]) pointed at
//! [`FakeWix::url`] sends it every call, through the real transport, auth, retries and decoding.
//! A test programs what it answers per [`Route`] (a generated operation, or a method and path
//! template): a [`Reply`] for every call, for the next `n` calls, or a sequence, which is how
//! errors and throttling are injected. Every request is recorded ([`Received`]) for the test to
//! assert on. `POST /oauth2/token` issues tokens to the app credentials it was given, and
//! [`webhook`] signs webhooks with a test key.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use serde_json::json;
//! use wix_rest_runtime::{Credentials, HttpMethod};
//! use wix_rest_testing::{FakeWix, Reply, Route};
//!
//! let wix = FakeWix::start().await;
//! let route = Route::new(HttpMethod::Get, "/stores/v1/collections/{id}");
//! // Throttled once, then the collection.
//! wix.on(&route).times(1).reply(Reply::throttled(1));
//! wix.on(&route).reply(Reply::ok(json!({"collection": {"id": "c1"}})));
//!
//! let client = wix.client(Credentials::api_key_for_site("KEY", "SITE"))?;
//! // ... run the app's code with `client`, then:
//! assert_eq!(wix.received(&route).len(), 2);
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod route;
pub mod webhook;

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use wix_rest_runtime::{App, AppBuilder, Client, ClientBuilder, Credentials, Error};

pub use route::Route;

/// The largest request body the fake reads; a larger one is answered 413 (and recorded empty).
pub const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

/// A request as the fake received it.
#[derive(Clone, Debug, PartialEq)]
pub struct Received {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, percent-encoded as sent.
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// Header names (lowercase) and values, in arrival order (values that are not text are
    /// kept lossily).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// When it arrived (its body read): what a rate limit at Wix counts.
    pub at: std::time::Instant,
}

impl Received {
    /// The first value of a header (the name is case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The query's pairs, decoded (`+` as a space, percent-escapes), in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let Some(query) = &self.query else {
            return Vec::new();
        };
        query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(name), decode(value))
            })
            .collect()
    }

    /// The first value of a query parameter, decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// The body as JSON: `None` when there is no body or it is not JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

fn decode(text: &str) -> String {
    let spaced = text.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

/// What the fake answers: a status, headers, a body and an optional delay.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Option<Duration>,
}

impl Reply {
    /// A 200 with this JSON body.
    pub fn ok(body: Value) -> Reply {
        Reply::json(200, body)
    }

    /// Any status with this JSON body.
    pub fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
            delay: None,
        }
    }

    /// An error as Wix sends one: `{"message": ..., "details": {"applicationError":
    /// {"code": ..., "description": ...}}}` with this status.
    pub fn error(status: u16, code: &str, message: &str) -> Reply {
        Reply::json(
            status,
            json!({
                "message": message,
                "details": {"applicationError": {"code": code, "description": message}},
            }),
        )
    }

    /// Wix's throttling: a 429 asking to retry after `seconds`.
    pub fn throttled(seconds: u64) -> Reply {
        Reply::json(429, json!({"message": "Too many requests"}))
            .header("retry-after", &seconds.to_string())
    }

    /// Any status with a raw body (which need not be JSON: a proxy's HTML page, garbage).
    pub fn raw(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: body.into(),
            delay: None,
        }
    }

    /// Adds a header.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Answers only after `delay` (to test timeouts), without blocking other requests.
    #[must_use]
    pub fn delayed(mut self, delay: Duration) -> Reply {
        self.delay = Some(delay);
        self
    }

    /// The status.
    pub fn status(&self) -> u16 {
        self.status
    }
}

/// One programmed answer: for which route, what, and how many more times.
struct Rule {
    route: Route,
    reply: Reply,
    remaining: Option<usize>,
}

/// An app the token endpoint knows.
struct AppCredentials {
    client_id: String,
    client_secret: String,
}

#[derive(Default)]
struct State {
    rules: Vec<Rule>,
    received: Vec<Received>,
    apps: Vec<AppCredentials>,
    /// Tokens issued, by token: the instance it was issued for, and whether it still works.
    tokens: BTreeMap<String, (String, bool)>,
    token_lifetime: Option<u64>,
    /// The instance of each token issued, in order.
    issued: Vec<String>,
}

/// A handler that answers every request itself (see [`FakeWix::start_with`]).
type Handler = dyn Fn(&Received, usize) -> Reply + Send + Sync;

/// How long the `n`th request is held before it arrives (see
/// [`FakeWix::start_delaying_arrivals`]).
type ArrivalDelay = dyn Fn(usize) -> Duration + Send + Sync;

/// What the fake does besides its rules: a handler in their place, a delay before arrival.
#[derive(Default, Clone)]
struct Serving {
    handler: Option<Arc<Handler>>,
    delay: Option<Arc<ArrivalDelay>>,
}

/// A fake Wix on loopback; stops when dropped. Needs a Tokio runtime (it spawns its server).
pub struct FakeWix {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for FakeWix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeWix")
            .field("url", &self.url())
            .finish_non_exhaustive()
    }
}

impl FakeWix {
    /// Starts a fake on a free port of `127.0.0.1`.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound (the test cannot run at all).
    pub async fn start() -> FakeWix {
        match FakeWix::try_start().await {
            Ok(fake) => fake,
            Err(e) => panic!("the fake Wix could not listen on loopback: {e}"),
        }
    }

    /// Like [`FakeWix::start`], with the failure to bind as an error.
    pub async fn try_start() -> std::io::Result<FakeWix> {
        FakeWix::listen(Serving::default()).await
    }

    /// A fake whose every request is answered by `handler`, given the request and its 0-based
    /// index in arrival order (no rules, no token endpoint): for a test that scripts a whole
    /// exchange, such as a sequence of failures. Requests are still recorded.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound.
    pub async fn start_with(
        handler: impl Fn(&Received, usize) -> Reply + Send + Sync + 'static,
    ) -> FakeWix {
        FakeWix::start_delaying_arrivals(|_| Duration::ZERO, handler).await
    }

    /// [`FakeWix::start_with`], with the `n`th request (in the order requests reach the server)
    /// held for `delay(n)` before it counts as arrived ([`Received::at`]) and is handled: what a
    /// slow network or a queue in front of Wix does to arrivals.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound.
    pub async fn start_delaying_arrivals(
        delay: impl Fn(usize) -> Duration + Send + Sync + 'static,
        handler: impl Fn(&Received, usize) -> Reply + Send + Sync + 'static,
    ) -> FakeWix {
        let serving = Serving {
            handler: Some(Arc::new(handler)),
            delay: Some(Arc::new(delay)),
        };
        match FakeWix::listen(serving).await {
            Ok(fake) => fake,
            Err(e) => panic!("the fake Wix could not listen on loopback: {e}"),
        }
    }

    async fn listen(serving: Serving) -> std::io::Result<FakeWix> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state: Arc<Mutex<State>> = Arc::default();
        let served = state.clone();
        let reached = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let state = served.clone();
                let serving = serving.clone();
                let reached = reached.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request: Request<Incoming>| {
                        let state = state.clone();
                        let serving = serving.clone();
                        let reached = reached.clone();
                        async move {
                            if let Some(delay) = &serving.delay {
                                let n = reached.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                let wait = delay(n);
                                if !wait.is_zero() {
                                    tokio::time::sleep(wait).await;
                                }
                            }
                            Ok::<_, Infallible>(serve(&state, &serving, request).await)
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(FakeWix { addr, state, task })
    }

    /// The base URL, `http://127.0.0.1:PORT`: give it to `ClientBuilder::base_url`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A client builder for `credentials` that sends to the fake.
    pub fn client_builder(&self, credentials: Credentials) -> ClientBuilder {
        Client::builder(credentials).base_url(self.url())
    }

    /// A client for `credentials` that sends to the fake, without a client-side rate limit
    /// (a test should not wait for it unless it sets one).
    pub fn client(&self, credentials: Credentials) -> Result<Client, Error> {
        self.client_builder(credentials).no_rate_limit().build()
    }

    /// An app builder that sends to the fake; the token endpoint accepts these credentials.
    pub fn app_builder(&self, client_id: &str, client_secret: &str) -> AppBuilder {
        self.accept_app(client_id, client_secret);
        App::builder(client_id, client_secret).base_url(self.url())
    }

    /// Lets `POST /oauth2/token` issue tokens to this app ID and secret. Any other
    /// credentials get a 401, as from Wix.
    pub fn accept_app(&self, client_id: &str, client_secret: &str) {
        self.lock().apps.push(AppCredentials {
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
        });
    }

    /// The `expires_in` of the tokens issued from now on (default: 14,400 s, 4 hours).
    pub fn token_lifetime(&self, seconds: u64) {
        self.lock().token_lifetime = Some(seconds);
    }

    /// Makes every token issued so far stop working: a request carrying one gets a 401, so the
    /// client must fetch a new one.
    pub fn expire_tokens(&self) {
        for (_, live) in self.lock().tokens.values_mut() {
            *live = false;
        }
    }

    /// The instance id of each token issued, in order.
    pub fn tokens_issued(&self) -> Vec<String> {
        self.lock().issued.clone()
    }

    /// Programs the answers to `route` (a generated operation, or a [`Route`]). Rules are tried
    /// in the order they were added; a rule limited with [`Expect::times`] stops matching once
    /// used up, so the next rule answers.
    pub fn on(&self, route: impl Into<Route>) -> Expect<'_> {
        Expect {
            fake: self,
            route: route.into(),
            times: None,
        }
    }

    /// Every request received, in order.
    pub fn requests(&self) -> Vec<Received> {
        self.lock().received.clone()
    }

    /// The requests `route` matched, in order.
    pub fn received(&self, route: impl Into<Route>) -> Vec<Received> {
        let route = route.into();
        self.lock()
            .received
            .iter()
            .filter(|r| route.matches(&r.method, &r.path))
            .cloned()
            .collect()
    }

    /// Forgets the requests received so far (the rules stay).
    pub fn clear_requests(&self) {
        self.lock().received.clear();
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

impl Drop for FakeWix {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A poisoned lock means a test thread panicked while holding it; the state is still
/// consistent (every change is one push or one assignment).
fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Programs the answers to one route: from [`FakeWix::on`].
#[must_use = "a rule is added only by `reply` or `replies`"]
pub struct Expect<'a> {
    fake: &'a FakeWix,
    route: Route,
    times: Option<usize>,
}

impl Expect<'_> {
    /// Limits the rule to the next `n` matching requests.
    pub fn times(mut self, n: usize) -> Self {
        self.times = Some(n);
        self
    }

    /// Answers with `reply` (every time, or [`Expect::times`] times).
    pub fn reply(self, reply: Reply) {
        self.fake.lock().rules.push(Rule {
            route: self.route,
            reply,
            remaining: self.times,
        });
    }

    /// Answers with each reply once, in order (after the last, the route's next rule, or 404).
    pub fn replies(self, replies: impl IntoIterator<Item = Reply>) {
        let mut state = self.fake.lock();
        for reply in replies {
            state.rules.push(Rule {
                route: self.route.clone(),
                reply,
                remaining: Some(1),
            });
        }
    }

    /// Fails the next `n` requests with `status` (a Wix-like error body), then lets the route's
    /// next rule answer: `wix.on(&op).fail_times(2, 503)`.
    pub fn fail_times(self, n: usize, status: u16) {
        self.times(n).reply(Reply::error(
            status,
            "INJECTED",
            "an error injected by the test",
        ));
    }
}

/// Answers one request: 401 for an expired token, else the first rule that matches, else the
/// token endpoint, else 404.
async fn serve(
    state: &Mutex<State>,
    serving: &Serving,
    request: Request<Incoming>,
) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let (body, too_large) = match Limited::new(body, MAX_REQUEST_BYTES).collect().await {
        Ok(collected) => (collected.to_bytes().to_vec(), false),
        Err(_) => (Vec::new(), true),
    };
    let received = Received {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
        at: std::time::Instant::now(),
    };
    let reply = {
        let mut state = lock(state);
        state.received.push(received.clone());
        let index = state.received.len() - 1;
        if let Some(handler) = &serving.handler {
            // The handler may take a while: it runs without the state's lock.
            drop(state);
            handler(&received, index)
        } else if too_large {
            Reply::error(413, "PAYLOAD_TOO_LARGE", "the request body is too large")
        } else {
            answer(&mut state, &received)
        }
    };
    if let Some(delay) = reply.delay {
        tokio::time::sleep(delay).await;
    }
    let mut response = Response::builder().status(reply.status);
    for (name, value) in &reply.headers {
        response = response.header(name.as_str(), value.as_str());
    }
    response
        .header("x-wix-request-id", "fake-wix-request")
        .body(Full::new(Bytes::from(reply.body)))
        .unwrap_or_else(|e| {
            let mut response = Response::new(Full::new(Bytes::from(format!(
                "the test's reply is not a valid HTTP response: {e}"
            ))));
            *response.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            response
        })
}

fn answer(state: &mut State, request: &Received) -> Reply {
    // A token the test expired is refused whatever is programmed, as Wix refuses it first.
    if let Some(token) = request.header("authorization")
        && let Some((_, false)) = state.tokens.get(token)
    {
        return Reply::error(401, "UNAUTHENTICATED", "the access token has expired");
    }
    let programmed = state.rules.iter_mut().find(|rule| {
        rule.remaining != Some(0) && rule.route.matches(&request.method, &request.path)
    });
    if let Some(rule) = programmed {
        if let Some(remaining) = &mut rule.remaining {
            *remaining -= 1;
        }
        return rule.reply.clone();
    }
    if Route::oauth_token().matches(&request.method, &request.path) {
        return issue_token(state, request);
    }
    Reply::error(
        404,
        "NO_FAKE_REPLY",
        &format!(
            "the fake Wix has no reply for {} {}: program one with `on(route).reply(..)`",
            request.method, request.path
        ),
    )
}

/// `POST /oauth2/token` with `grant_type: client_credentials`, as the runtime sends it.
fn issue_token(state: &mut State, request: &Received) -> Reply {
    let Some(body) = request.json() else {
        return Reply::error(400, "INVALID_REQUEST", "the token request is not JSON");
    };
    let field = |name: &str| body.get(name).and_then(Value::as_str).unwrap_or_default();
    if field("grant_type") != "client_credentials" {
        return Reply::error(
            400,
            "UNSUPPORTED_GRANT_TYPE",
            "grant_type must be client_credentials",
        );
    }
    let known = state.apps.iter().any(|app| {
        app.client_id == field("client_id") && app.client_secret == field("client_secret")
    });
    if !known {
        return Reply::error(401, "INVALID_CLIENT", "unknown app ID or secret");
    }
    let instance = field("instance_id");
    if instance.is_empty() {
        return Reply::error(400, "INVALID_REQUEST", "instance_id is required");
    }
    state.issued.push(instance.to_owned());
    let token = format!("fake-token-{}-{instance}", state.issued.len());
    state
        .tokens
        .insert(token.clone(), (instance.to_owned(), true));
    Reply::ok(json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": state.token_lifetime.unwrap_or(4 * 60 * 60),
    }))
}
