//! The client every generated method sends its request through.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{
    AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER,
};
use tracing::Instrument;

use crate::auth::{CachedToken, Credentials, TokenCache, TokenResponse};
use crate::error::{ApiError, Error};
use crate::operation::{HttpMethod, Operation};
use crate::rate_limit::{Limiter, RateLimit};
use crate::retry::{RetryPolicy, is_retryable_status, parse_retry_after};

/// The host most Wix modules live on.
pub const DEFAULT_HOST: &str = "https://www.wixapis.com";

/// The OAuth token endpoint, as an operation so its failures read like any other call's.
pub(crate) static OAUTH_TOKEN: Operation = Operation {
    module: "oauth",
    name: "create_access_token",
    wix_name: "Create Access Token",
    http_method: HttpMethod::Post,
    host: DEFAULT_HOST,
    path: "/oauth2/token",
    permission: None,
    scopes: &[],
    retry_safe: true,
};

/// A connection to the Wix REST API for one set of credentials (one site or app instance).
///
/// Cheap to clone: clones share the connection pool, the token cache and the rate limit.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    credentials: Credentials,
    base_url: Option<String>,
    retry: RetryPolicy,
    limiter: Option<Limiter>,
    tokens: TokenCache,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("credentials", &self.inner.credentials)
            .field("base_url", &self.inner.base_url)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`].
#[derive(Debug)]
#[must_use]
pub struct ClientBuilder {
    credentials: Credentials,
    base_url: Option<String>,
    retry: RetryPolicy,
    rate_limit: Option<RateLimit>,
    timeout: Duration,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// Sends every request, whatever its module's host, to `url` instead (a local server in
    /// tests, a proxy). Trailing slashes are ignored.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into().trim_end_matches('/').to_owned());
        self
    }

    /// Sets the retry policy (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets the client-side rate limit (default: [`RateLimit::default`], 200 per minute).
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Turns the client-side rate limit off.
    pub fn no_rate_limit(mut self) -> Self {
        self.rate_limit = None;
        self
    }

    /// The timeout of one attempt (default 30 seconds).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Uses this `reqwest` client (its own timeout and TLS settings then apply).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, Error> {
        if let Some(url) = &self.base_url {
            reqwest::Url::parse(url)
                .map_err(|e| Error::Config(format!("base URL `{url}` is not a URL: {e}")))?;
        }
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(self.timeout)
                .user_agent(concat!("wix-rest/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| Error::Config(format!("could not build the HTTP client: {e}")))?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                credentials: self.credentials,
                base_url: self.base_url,
                retry: self.retry,
                limiter: self.rate_limit.map(Limiter::new),
                tokens: TokenCache::default(),
            }),
        })
    }
}

/// A successful response: its body and request id.
#[doc(hidden)]
pub struct RawResponse {
    pub body: Vec<u8>,
    pub request_id: Option<String>,
}

enum Attempt {
    Done(RawResponse),
    Failed {
        error: Error,
        retryable: bool,
        retry_after: Option<Duration>,
        unauthorized: bool,
    },
}

impl Client {
    /// Starts building a client that authenticates with `credentials`.
    pub fn builder(credentials: Credentials) -> ClientBuilder {
        ClientBuilder {
            credentials,
            base_url: None,
            retry: RetryPolicy::default(),
            rate_limit: Some(RateLimit::default()),
            timeout: Duration::from_secs(30),
            http: None,
        }
    }

    /// A client with the default settings.
    pub fn new(credentials: Credentials) -> Result<Client, Error> {
        Client::builder(credentials).build()
    }

    /// The credentials this client authenticates with.
    pub fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    fn url(&self, op: &Operation, path: &str) -> String {
        let host = self.inner.base_url.as_deref().unwrap_or(op.host);
        format!("{host}{path}")
    }

    /// Sends a request that no scope set checked, and decodes its response: the escape hatch for
    /// Wix endpoints these bindings have no metadata for. Rate limit, authentication, retries
    /// (when `op.retry_safe`) and errors work as for any generated method; a `None`
    /// `op.permission` sends the request without credentials.
    ///
    /// `path` is the expanded path (already percent-encoded) appended to `op.host` (or to the
    /// client's base URL), `query` its query pairs, `body` the JSON body.
    ///
    /// # Safety
    ///
    /// Nothing checks that the app holds the permission the endpoint requires: that is what the
    /// scope sets prove for every generated method, and what this function skips. The caller
    /// asserts that the app's declared scopes grant `op.permission` (the endpoint's real
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
        let response = self.execute(op, path, query, body).await?;
        crate::__private::decode(op, &response.body, response.request_id)
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
        body: Option<Vec<u8>>,
    ) -> Result<RawResponse, Error> {
        let span = tracing::debug_span!(
            "wix",
            module = op.module,
            method = op.name,
            http.method = op.http_method.as_str(),
            http.path = op.path,
        );
        self.execute_inner(op, path, query, body)
            .instrument(span)
            .await
    }

    async fn execute_inner(
        &self,
        op: &'static Operation,
        path: String,
        query: Vec<(&'static str, String)>,
        body: Option<Vec<u8>>,
    ) -> Result<RawResponse, Error> {
        let policy = self.inner.retry;
        let start = Instant::now();
        let url = self.url(op, &path);
        let mut attempt = 0;
        let mut renewed_token = false;
        loop {
            attempt += 1;
            let outcome = self.attempt(op, &url, &query, body.as_deref()).await;
            let (error, retryable, retry_after, unauthorized) = match outcome {
                Attempt::Done(response) => return Ok(response),
                Attempt::Failed {
                    error,
                    retryable,
                    retry_after,
                    unauthorized,
                } => (error, retryable, retry_after, unauthorized),
            };
            // A 401 under app credentials means the cached token went stale early: renew once.
            if unauthorized && !renewed_token && self.forget_token().await {
                renewed_token = true;
                tracing::debug!("access token rejected; renewing it and trying again");
                continue;
            }
            if !(retryable && op.retry_safe) || attempt >= policy.max_attempts {
                return Err(wrap_exhausted(op, attempt, start, error));
            }
            let wait = policy.delay(attempt, retry_after);
            if start.elapsed() + wait >= policy.deadline {
                return Err(wrap_exhausted(op, attempt, start, error));
            }
            tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, %error, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt(
        &self,
        op: &'static Operation,
        url: &str,
        query: &[(&'static str, String)],
        body: Option<&[u8]>,
    ) -> Attempt {
        if let Some(limiter) = &self.inner.limiter {
            limiter.acquire().await;
        }
        // A method that needs no permission (the token endpoint) is sent without credentials.
        let headers = match op.permission {
            None => Ok(HeaderMap::new()),
            Some(_) => self.auth_headers().await,
        };
        let headers = match headers {
            Ok(headers) => headers,
            Err(error) => {
                let retryable = matches!(&error, Error::Transport { .. })
                    || error.status().is_some_and(is_retryable_status);
                return Attempt::Failed {
                    error,
                    retryable,
                    retry_after: None,
                    unauthorized: false,
                };
            }
        };
        let mut request = self
            .inner
            .http
            .request(op.http_method.to_reqwest(), url)
            .headers(headers);
        if !query.is_empty() {
            request = request.query(query);
        }
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(source) => {
                let retryable = source.is_timeout() || source.is_connect() || source.is_request();
                return Attempt::Failed {
                    error: Error::Transport {
                        method: op.name,
                        source,
                    },
                    retryable,
                    retry_after: None,
                    unauthorized: false,
                };
            }
        };
        read_response(op, response).await
    }

    /// The `Authorization` and site/account headers of the credentials.
    async fn auth_headers(&self) -> Result<HeaderMap, Error> {
        let mut headers = HeaderMap::new();
        match &self.inner.credentials {
            Credentials::ApiKey {
                key,
                site_id,
                account_id,
            } => {
                headers.insert(AUTHORIZATION, secret_header(key.expose())?);
                if let Some(site) = site_id {
                    headers.insert(HeaderName::from_static("wix-site-id"), header(site)?);
                }
                if let Some(account) = account_id {
                    headers.insert(HeaderName::from_static("wix-account-id"), header(account)?);
                }
            }
            Credentials::AccessToken(token) => {
                headers.insert(AUTHORIZATION, secret_header(token.expose())?);
            }
            Credentials::OAuthApp { .. } => {
                let token = self.app_token().await?;
                headers.insert(AUTHORIZATION, secret_header(token.expose())?);
            }
        }
        Ok(headers)
    }

    /// The cached app token, renewed first when it is missing or due.
    async fn app_token(&self) -> Result<crate::Secret, Error> {
        let Credentials::OAuthApp {
            client_id,
            client_secret,
            instance_id,
        } = &self.inner.credentials
        else {
            unreachable!("app_token is only called for app credentials")
        };
        let mut slot = self.inner.tokens.slot.lock().await;
        if let Some(cached) = slot.as_ref()
            && Instant::now() < cached.renew_at
        {
            return Ok(cached.token.clone());
        }
        let body = serde_json::json!({
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret.expose(),
            "instance_id": instance_id,
        });
        tracing::debug!("requesting an app access token");
        // Through the same path as any call: rate limit, retries, tracing. It needs no
        // permission, so it is sent without credentials and does not come back here.
        let call = self.execute_inner(
            &OAUTH_TOKEN,
            OAUTH_TOKEN.path.to_owned(),
            Vec::new(),
            Some(body.to_string().into_bytes()),
        );
        let response = Box::pin(call).await?;
        let token: TokenResponse =
            crate::__private::decode(&OAUTH_TOKEN, &response.body, response.request_id)?;
        let cached = CachedToken::new(token, Instant::now());
        let secret = cached.token.clone();
        *slot = Some(cached);
        Ok(secret)
    }

    /// Drops the cached app token; says whether there was one to drop.
    async fn forget_token(&self) -> bool {
        if !matches!(self.inner.credentials, Credentials::OAuthApp { .. }) {
            return false;
        }
        self.inner.tokens.slot.lock().await.take().is_some()
    }
}

async fn read_response(op: &'static Operation, response: reqwest::Response) -> Attempt {
    let status = response.status().as_u16();
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
    let body = match response.bytes().await {
        Ok(body) => body.to_vec(),
        Err(source) => {
            return Attempt::Failed {
                error: Error::Transport {
                    method: op.name,
                    source,
                },
                retryable: true,
                retry_after: None,
                unauthorized: false,
            };
        }
    };
    if (200..300).contains(&status) {
        return Attempt::Done(RawResponse { body, request_id });
    }
    let api = ApiError::from_response(op, status, request_id, retry_after, &body);
    Attempt::Failed {
        error: Error::Api(Box::new(api)),
        retryable: is_retryable_status(status),
        retry_after,
        unauthorized: status == 401,
    }
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

fn header(value: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(value)
        .map_err(|_| Error::Config(format!("`{value}` cannot be sent in an HTTP header")))
}

fn secret_header(value: &str) -> Result<HeaderValue, Error> {
    let mut header = HeaderValue::from_str(value).map_err(|_| {
        Error::Config("the key or token has characters an HTTP header cannot carry".to_owned())
    })?;
    header.set_sensitive(true);
    Ok(header)
}
