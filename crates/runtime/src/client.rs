//! The client every generated method sends its request through: orchestration only (auth ->
//! rate limit -> send -> classify -> retry loop). Credentials and tokens live in
//! [`crate::auth`], the retry decisions in [`crate::retry`].

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use tokio::time::Instant;
use tracing::Instrument;

use crate::auth::{Auth, Credentials, OAUTH_TOKEN, until};
use crate::error::{ApiError, Error};
use crate::hook::{Hook, Hooks, RequestParts, ResponseInfo};
use crate::operation::{Operation, Requires};
use crate::path::BaseUrl;
use crate::rate_limit::{Limiter, RateLimit, SharedRateLimit, StoreConfig};
use crate::retry::{RetryPolicy, Verdict, classify, parse_retry_after};
use crate::store::{RateLimitStore, StoreSettings, TokenStore};

/// The default cap on a response body: 32 MiB (a page of 100 full products is well under 1 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// Of an error response, only this much is read (its message and details fit many times over).
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// A connection to the Wix REST API for one set of credentials (one site or app instance).
///
/// Cheap to clone: clones share the connection pool, the token cache and the rate limit.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    http: reqwest::Client,
    auth: Auth,
    base_url: Option<BaseUrl>,
    retry: RetryPolicy,
    limiter: Option<Arc<Limiter>>,
    timeout: Duration,
    max_response_bytes: usize,
    hooks: Hooks,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("credentials", self.inner.auth.credentials())
            .field(
                "base_url",
                &self.inner.base_url.as_ref().map(BaseUrl::as_str),
            )
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Debug)]
enum Limit {
    None,
    PerIdentity(RateLimit),
    Shared(SharedRateLimit),
}

/// What a client is built with, beside its credentials and HTTP client: shared by
/// [`ClientBuilder`] and [`AppBuilder`](crate::AppBuilder), whose per-instance clients are all
/// made from one.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    /// Read when set; an error is reported by [`Settings::validate`].
    base_url: Option<Result<BaseUrl, String>>,
    retry: RetryPolicy,
    rate_limit: Limit,
    timeout: Duration,
    max_response_bytes: usize,
    hooks: Hooks,
    stores: Stores,
}

/// The stores shared with other replicas, if any.
#[derive(Clone, Default)]
struct Stores {
    tokens: Option<Arc<dyn TokenStore>>,
    rate_limit: Option<Arc<dyn RateLimitStore>>,
    settings: StoreSettings,
}

impl fmt::Debug for Stores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stores")
            .field("tokens", &self.tokens.is_some())
            .field("rate_limit", &self.rate_limit.is_some())
            .field("settings", &self.settings)
            .finish()
    }
}

/// A shared in-flight rate-limit slot outlives the longest attempt by this much, so only a
/// replica that died (not a slow request) loses its slot to the lease.
const LEASE_MARGIN: Duration = Duration::from_secs(5);

impl Default for Settings {
    fn default() -> Self {
        Settings {
            base_url: None,
            retry: RetryPolicy::default(),
            rate_limit: Limit::PerIdentity(RateLimit::default()),
            timeout: Duration::from_secs(30),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            hooks: Hooks::default(),
            stores: Stores::default(),
        }
    }
}

impl Settings {
    pub(crate) fn base_url(&mut self, url: &str) {
        self.base_url = Some(BaseUrl::parse(url));
    }

    pub(crate) fn retry(&mut self, policy: RetryPolicy) {
        self.retry = policy;
    }

    pub(crate) fn rate_limit(&mut self, limit: RateLimit) {
        self.rate_limit = Limit::PerIdentity(limit);
    }

    pub(crate) fn shared_rate_limit(&mut self, limit: &SharedRateLimit) {
        self.rate_limit = Limit::Shared(limit.clone());
    }

    pub(crate) fn no_rate_limit(&mut self) {
        self.rate_limit = Limit::None;
    }

    pub(crate) fn timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    pub(crate) fn max_response_bytes(&mut self, limit: usize) {
        self.max_response_bytes = limit;
    }

    pub(crate) fn hook(&mut self, hook: Arc<dyn Hook>) {
        self.hooks.push(hook);
    }

    pub(crate) fn token_store(&mut self, store: Arc<dyn TokenStore>) {
        self.stores.tokens = Some(store);
    }

    pub(crate) fn rate_limit_store(&mut self, store: Arc<dyn RateLimitStore>) {
        self.stores.rate_limit = Some(store);
    }

    pub(crate) fn store_settings(&mut self, settings: StoreSettings) {
        self.stores.settings = settings;
    }

    /// Checks what can be checked before the first request (the base URL: scheme, host, port
    /// and path prefix only).
    pub(crate) fn validate(&self) -> Result<(), Error> {
        match &self.base_url {
            Some(Err(message)) => Err(Error::Config(message.clone())),
            _ => Ok(()),
        }
    }

    /// The default HTTP client.
    pub(crate) fn http_client() -> Result<reqwest::Client, Error> {
        reqwest::Client::builder()
            .user_agent(concat!("wix-rest/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Config(format!("could not build the HTTP client: {e}")))
    }

    /// A client with these settings (validated), sending through `http`.
    pub(crate) fn client(&self, http: reqwest::Client, credentials: Credentials) -> Client {
        let stores = &self.stores;
        let auth = Auth::new(
            credentials,
            stores.tokens.clone().map(|store| (store, stores.settings)),
        );
        let limiter = match &self.rate_limit {
            Limit::None => None,
            Limit::PerIdentity(limit) => {
                let store = stores.rate_limit.clone().map(|store| StoreConfig {
                    store,
                    settings: stores.settings,
                    lease: self.timeout.saturating_add(LEASE_MARGIN),
                });
                Some(Limiter::shared(auth.identity(), *limit, store))
            }
            Limit::Shared(shared) => Some(shared.0.clone()),
        };
        Client {
            inner: Arc::new(Inner {
                http,
                auth,
                base_url: self.base_url.clone().and_then(Result::ok),
                retry: self.retry,
                limiter,
                timeout: self.timeout,
                max_response_bytes: self.max_response_bytes,
                hooks: self.hooks.clone(),
            }),
        }
    }
}

/// Builds a [`Client`].
#[derive(Debug)]
#[must_use]
pub struct ClientBuilder {
    credentials: Credentials,
    settings: Settings,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// Sends every request, whatever its module's host, to `url` instead (a local server in
    /// tests, a proxy): `scheme://host[:port][/prefix]`, `http` or `https`, each method's path
    /// appended to the prefix. A query, a fragment, a user name or password, or a `.`/`..`
    /// segment makes [`ClientBuilder::build`] fail with [`Error::Config`]. Trailing slashes are
    /// ignored.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.settings.base_url(&url.into());
        self
    }

    /// Sets the retry policy (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry(policy);
        self
    }

    /// Sets the client-side rate limit (default: [`RateLimit::default`], 200 per minute). Every
    /// client in the process with the same credentials identity (app id + instance id, API key +
    /// site or account, access token) and the same limit shares one limiter.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.settings.rate_limit(limit);
        self
    }

    /// Uses this explicitly shared rate limit, whatever the credentials.
    pub fn shared_rate_limit(mut self, limit: &SharedRateLimit) -> Self {
        self.settings.shared_rate_limit(limit);
        self
    }

    /// Turns the client-side rate limit off.
    pub fn no_rate_limit(mut self) -> Self {
        self.settings.no_rate_limit();
        self
    }

    /// Shares the rate limit with the other replicas of the app through `store` (see
    /// [`crate::store`]): the limit set by [`ClientBuilder::rate_limit`] then holds for the
    /// credentials' identity across every process using the same store. (Not used with
    /// [`ClientBuilder::shared_rate_limit`] or [`ClientBuilder::no_rate_limit`].)
    pub fn rate_limit_store(mut self, store: Arc<dyn RateLimitStore>) -> Self {
        self.settings.rate_limit_store(store);
        self
    }

    /// Shares app access tokens with the other replicas through `store` (see
    /// [`crate::store`]): one replica renews a token, the others use it. Used only with app
    /// credentials ([`Credentials::OAuthApp`]).
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.settings.token_store(store);
        self
    }

    /// How the shared stores are used: the timeout of one operation and the pause after a
    /// failure (default [`StoreSettings::default`]).
    pub fn store_settings(mut self, settings: StoreSettings) -> Self {
        self.settings.store_settings(settings);
        self
    }

    /// The timeout of one attempt, from sending to the last byte of the body (default 30
    /// seconds); always cut to the time left before the call's [`RetryPolicy::deadline`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout(timeout);
        self
    }

    /// The largest response body read (default [`DEFAULT_MAX_RESPONSE_BYTES`]); a larger one
    /// fails the call with [`Error::ResponseTooLarge`] without being read whole.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.settings.max_response_bytes(limit);
        self
    }

    /// Adds a [`Hook`]: it sees every attempt of every call (headers to add, responses to
    /// observe). Hooks run in the order they were added.
    pub fn hook(mut self, hook: impl Hook + 'static) -> Self {
        self.settings.hook(Arc::new(hook));
        self
    }

    /// Uses this `reqwest` client (its TLS settings apply; the attempt timeout and the deadline
    /// still apply on top of its own timeouts).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Builds the client. Fails with [`Error::Config`] on a base URL that is not usable or on
    /// credentials that cannot be sent: an empty or header-breaking key or token (a pasted
    /// newline), an API key with neither a site nor an account, an app's empty id, secret or
    /// instance.
    pub fn build(self) -> Result<Client, Error> {
        self.settings.validate()?;
        let http = match self.http {
            Some(http) => http,
            None => Settings::http_client()?,
        };
        let client = self.settings.client(http, self.credentials);
        client.inner.auth.check()?;
        Ok(client)
    }
}

/// A request body: its bytes and the content type they are sent with. Made by `__private`'s
/// `json_body`, `form_body` and `binary_body`.
#[doc(hidden)]
#[derive(Debug)]
pub struct Body {
    pub(crate) bytes: Bytes,
    pub(crate) content_type: &'static str,
}

impl Body {
    /// A JSON body.
    pub(crate) fn json(bytes: Vec<u8>) -> Body {
        Body {
            bytes: Bytes::from(bytes),
            content_type: "application/json",
        }
    }
}

/// A successful response: its body and request id.
#[doc(hidden)]
pub struct RawResponse {
    pub status: u16,
    pub body: Vec<u8>,
    pub request_id: Option<String>,
}

/// A failed attempt: the error and the app token it was sent with, if any.
struct Failed {
    error: Error,
    token: Option<u64>,
}

impl From<Error> for Failed {
    fn from(error: Error) -> Self {
        Failed { error, token: None }
    }
}

impl Client {
    /// Starts building a client that authenticates with `credentials`.
    pub fn builder(credentials: Credentials) -> ClientBuilder {
        ClientBuilder {
            credentials,
            settings: Settings::default(),
            http: None,
        }
    }

    /// A client with the default settings.
    pub fn new(credentials: Credentials) -> Result<Client, Error> {
        Client::builder(credentials).build()
    }

    pub(crate) fn from_inner(inner: Arc<Inner>) -> Client {
        Client { inner }
    }

    pub(crate) fn inner_arc(&self) -> Arc<Inner> {
        self.inner.clone()
    }

    /// Whether `other` is a handle of the same client (a clone, or the same app instance from
    /// [`App::instance`](crate::App::instance)): they share the token cache and rate limit.
    pub fn same_as(&self, other: &Client) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// The credentials this client authenticates with.
    pub fn credentials(&self) -> &Credentials {
        self.inner.auth.credentials()
    }

    fn url(&self, op: &Operation, path: &str) -> Result<reqwest::Url, Error> {
        crate::path::url(self.inner.base_url.as_ref(), op, path)
    }

    /// Sends a request that no scope set checked, and decodes its response: the escape hatch for
    /// Wix endpoints these bindings have no metadata for. Rate limit, authentication, retries
    /// (when `op.retry_safe`) and errors work as for any generated method; a `None`
    /// `op.requires` sends the request without credentials.
    ///
    /// `path` is the expanded path (already percent-encoded, `/`-separated segments without a
    /// query, `.` or `..`: a path the URL would not keep as written is an
    /// [`Error::InvalidPathParameter`]) appended to `op.host` (or to the client's base URL),
    /// `query` its query pairs, `body` the JSON body.
    ///
    /// # Safety
    ///
    /// Nothing checks that the app holds the permission the endpoint requires: that is what the
    /// scope sets prove for every generated method, and what this function skips. The caller
    /// asserts that the app's declared scopes grant `op.requires` (the endpoint's real
    /// permission), so that no code path calls Wix with a permission the app did not declare.
    /// No memory safety depends on it; `unsafe` marks the call for review, and keeps it out of
    /// crates that `#![forbid(unsafe_code)]`.
    pub async unsafe fn request_unchecked<T: serde::de::DeserializeOwned>(
        &self,
        op: &'static Operation,
        path: String,
        query: Vec<(&'static str, String)>,
        body: Option<Vec<u8>>,
    ) -> Result<T, Error> {
        self.execute_decode(op, path, query, body.map(Body::json))
            .await
    }

    /// [`Client::execute`], then the response decoded as `T` (an error names the method and
    /// the JSON path).
    pub(crate) async fn execute_decode<T: serde::de::DeserializeOwned>(
        &self,
        op: &'static Operation,
        path: String,
        query: Vec<(&'static str, String)>,
        body: Option<Body>,
    ) -> Result<T, Error> {
        let response = self.execute(op, path, query, body).await?;
        crate::decode::decode(op, &response.body, response.request_id)
    }

    /// Sends one request for `op`, with retries, and returns the successful response's body.
    /// `path` is the expanded path (already percent-encoded), `query` its query pairs.
    /// Crate-private: the scope-checked generated methods reach it through the `unsafe`
    /// `__private::call`, and apps through the `unsafe` [`Client::request_unchecked`].
    pub(crate) async fn execute(
        &self,
        op: &'static Operation,
        path: String,
        query: Vec<(&'static str, String)>,
        body: Option<Body>,
    ) -> Result<RawResponse, Error> {
        let span = tracing::debug_span!(
            "wix",
            module = op.module,
            method = op.name,
            http.method = op.http_method.as_str(),
            http.path = op.path,
        );
        let start = Instant::now();
        // A deadline too far to represent is no deadline.
        let deadline = start.checked_add(self.inner.retry.deadline);
        let url = self.url(op, &path)?;
        self.run(op, &url, &query, body.as_ref(), start, deadline)
            .instrument(span)
            .await
    }

    /// The retry loop of one call: attempt, classify, wait or give up.
    async fn run(
        &self,
        op: &'static Operation,
        url: &reqwest::Url,
        query: &[(&'static str, String)],
        body: Option<&Body>,
        start: Instant,
        deadline: Option<Instant>,
    ) -> Result<RawResponse, Error> {
        let policy = self.inner.retry;
        let mut attempt: u32 = 0;
        let mut renewed_token = false;
        loop {
            attempt = attempt.saturating_add(1);
            let attempted = self.attempt(op, attempt, url, query, body, deadline).await;
            let Failed { error, token } = match attempted {
                Ok(response) => return Ok(response),
                Err(failed) => failed,
            };
            let retry_after = match classify(&error) {
                // The token this request carried was rejected: drop it unless another call
                // already renewed it, then send once more whatever the method (the request was
                // never processed).
                Verdict::RenewToken if !renewed_token && token.is_some() => {
                    renewed_token = true;
                    if let Some(token) = token {
                        self.inner.auth.rejected(token, deadline).await;
                    }
                    continue;
                }
                Verdict::Retry { retry_after }
                    if op.retry_safe && attempt < policy.max_attempts =>
                {
                    retry_after
                }
                _ => return Err(wrap_exhausted(op, attempt, start, error)),
            };
            let Some(wait) = policy.delay(attempt, retry_after) else {
                // Wix asked for a longer wait than `max_delay`.
                return Err(wrap_exhausted(op, attempt, start, error));
            };
            let wake = Instant::now().checked_add(wait);
            if let Some(deadline) = deadline
                && wake.is_none_or(|wake| wake >= deadline)
            {
                return Err(wrap_exhausted(op, attempt, start, error));
            }
            tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, %error, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt(
        &self,
        op: &'static Operation,
        attempt: u32,
        url: &reqwest::Url,
        query: &[(&'static str, String)],
        body: Option<&Body>,
        deadline: Option<Instant>,
    ) -> Result<RawResponse, Failed> {
        // A method that needs no permission (the token endpoint) is sent without credentials.
        let authorized = match op.requires {
            Requires::Nothing => None,
            Requires::Unpublished | Requires::All(_) => Some(
                self.inner
                    .auth
                    .headers(op.name, deadline, |token_body| {
                        self.fetch_token(token_body, deadline)
                    })
                    .await?,
            ),
        };
        let token = authorized.as_ref().and_then(|a| a.token);
        // The rate limit is taken after the headers (a token renewal takes its own slot) and
        // right before the send; the slot is held until the attempt ends (its permit drops)
        // and counted for one more window after that, so that the window the server sees,
        // arrivals anywhere between send and completion, holds the limit.
        let _permit = match &self.inner.limiter {
            Some(limiter) => Some(
                until(deadline, op.name, limiter.acquire())
                    .await
                    .map_err(|error| Failed { error, token })?,
            ),
            None => None,
        };
        // The request is assembled in place: the credentials' header map is moved in (not
        // re-inserted header by header), the content type is a static value, the body shared.
        let mut url = url.clone();
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let mut headers = authorized.map(|a| a.headers).unwrap_or_default();
        if let Some(body) = body {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(body.content_type));
        }
        let hooks = &self.inner.hooks;
        if !hooks.is_empty() {
            hooks.on_request(&mut RequestParts {
                operation: op,
                attempt,
                url: &url,
                headers: &mut headers,
            });
        }
        let mut request = reqwest::Request::new(op.http_method.to_reqwest(), url);
        *request.headers_mut() = headers;
        if let Some(body) = body {
            // Every attempt sends a reference-counted view of the bytes, never a copy.
            *request.body_mut() = Some(body.bytes.clone().into());
        }
        // The attempt's timeout, cut to the time left before the deadline.
        let now = Instant::now();
        let timeout = match deadline {
            Some(deadline) => self
                .inner
                .timeout
                .min(deadline.saturating_duration_since(now)),
            None => self.inner.timeout,
        };
        let exchange = async {
            let response =
                self.inner
                    .http
                    .execute(request)
                    .await
                    .map_err(|source| Error::Transport {
                        method: op.name,
                        source,
                    })?;
            read_response(op, response, self.inner.max_response_bytes).await
        };
        let result = match tokio::time::timeout(timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout { method: op.name }),
        };
        if !hooks.is_empty() {
            let (status, request_id) = match &result {
                Ok(response) => (Some(response.status), response.request_id.as_deref()),
                Err(Error::Api(api)) => (Some(api.status), api.request_id.as_deref()),
                Err(_) => (None, None),
            };
            hooks.on_response(&ResponseInfo {
                operation: op,
                attempt,
                status,
                request_id,
                elapsed: now.elapsed(),
                error: result.as_ref().err(),
            });
        }
        result.map_err(|error| Failed { error, token })
    }

    /// Sends the token request through its own retry loop (rate limit, retries, tracing),
    /// bounded by the deadline of the call that needs the token. Boxed: it recurses into `run`.
    fn fetch_token(
        &self,
        body: Vec<u8>,
        deadline: Option<Instant>,
    ) -> crate::decode::BoxFuture<'_, Result<Vec<u8>, Error>> {
        Box::pin(async move {
            let url = self.url(&OAUTH_TOKEN, OAUTH_TOKEN.path)?;
            let body = Body::json(body);
            let response = self
                .run(
                    &OAUTH_TOKEN,
                    &url,
                    &[],
                    Some(&body),
                    Instant::now(),
                    deadline,
                )
                .await?;
            Ok(response.body)
        })
    }
}

/// Reads a response: the body into one buffer sized from `Content-Length`, never past `limit`
/// (and only the first [`MAX_ERROR_BODY_BYTES`] of an error).
async fn read_response(
    op: &'static Operation,
    mut response: reqwest::Response,
    limit: usize,
) -> Result<RawResponse, Error> {
    let status = response.status().as_u16();
    let success = (200..300).contains(&status);
    let request_id = response
        .headers()
        .get("x-wix-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, SystemTime::now()));
    let too_large = Error::ResponseTooLarge {
        method: op.name,
        limit,
    };
    let read_limit = if success {
        limit
    } else {
        limit.min(MAX_ERROR_BODY_BYTES)
    };
    let declared = response.content_length();
    if success && declared.is_some_and(|len| len > limit as u64) {
        return Err(too_large);
    }
    let capacity = declared.map_or(0, |len| usize::try_from(len).unwrap_or(usize::MAX));
    let mut body = Vec::with_capacity(capacity.min(read_limit));
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(source) => {
                return Err(Error::Transport {
                    method: op.name,
                    source,
                });
            }
        };
        let room = read_limit - body.len();
        if chunk.len() > room {
            if success {
                return Err(too_large);
            }
            // An error body: keep its start, drop the rest.
            body.extend_from_slice(&chunk[..room]);
            break;
        }
        body.extend_from_slice(&chunk);
    }
    if success {
        return Ok(RawResponse {
            status,
            body,
            request_id,
        });
    }
    let api = ApiError::from_response(op, status, request_id, retry_after, &body);
    Err(Error::Api(Box::new(api)))
}

fn wrap_exhausted(op: &'static Operation, attempts: u32, start: Instant, error: Error) -> Error {
    if attempts <= 1 {
        return error;
    }
    Error::RetriesExhausted {
        method: op.name,
        attempts,
        elapsed: start.elapsed(),
        last: Box::new(error),
    }
}
