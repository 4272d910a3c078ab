//! The three ways to authenticate: an account API key, an installed app's OAuth client
//! credentials, or a raw access token.
//!
//! [`Auth`] owns the credentials and, for app credentials, the token cache: it gives the headers
//! of a request, renews the token (one renewal in flight, its result shared by every waiter) and
//! forgets a token Wix rejected. A new way to authenticate is a change to this file only.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::error::Error;

/// A secret string (API key, app secret, access token) that never shows in `Debug` output or logs.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself; use it only where it is sent.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(\"***\")")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

/// How the client authenticates.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// An account API key from the API Keys Manager, sent as is in `Authorization`, with the site
    /// (`wix-site-id`) or account (`wix-account-id`) it acts on.
    ApiKey {
        /// The key.
        key: Secret,
        /// `wix-site-id` for site-level calls, or `None` for account-level calls.
        site_id: Option<String>,
        /// `wix-account-id` for account-level calls.
        account_id: Option<String>,
    },
    /// An installed app's OAuth client credentials. The client asks
    /// `POST /oauth2/token` for an access token, caches it and renews it before it expires.
    OAuthApp {
        /// The app ID.
        client_id: String,
        /// The app secret.
        client_secret: Secret,
        /// The app instance ID of the site (from the App Installed webhook).
        instance_id: String,
    },
    /// An access token obtained elsewhere, sent as is.
    AccessToken(Secret),
}

impl Credentials {
    /// An API key acting on one site (`wix-site-id`).
    pub fn api_key_for_site(key: impl Into<Secret>, site_id: impl Into<String>) -> Self {
        Credentials::ApiKey {
            key: key.into(),
            site_id: Some(site_id.into()),
            account_id: None,
        }
    }

    /// An API key acting on an account (`wix-account-id`).
    pub fn api_key_for_account(key: impl Into<Secret>, account_id: impl Into<String>) -> Self {
        Credentials::ApiKey {
            key: key.into(),
            site_id: None,
            account_id: Some(account_id.into()),
        }
    }

    /// An installed app's client credentials: app ID, app secret and the site's instance ID.
    pub fn oauth_app(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        instance_id: impl Into<String>,
    ) -> Self {
        Credentials::OAuthApp {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            instance_id: instance_id.into(),
        }
    }

    /// A raw access token.
    pub fn access_token(token: impl Into<Secret>) -> Self {
        Credentials::AccessToken(token.into())
    }
}

/// The body `POST /oauth2/token` answers with.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: Secret,
    #[serde(default = "default_expires_in")]
    expires_in: u64,
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

/// Wix's documented token lifetime: 4 hours.
fn default_expires_in() -> u64 {
    4 * 60 * 60
}

/// Renew this long before the token expires, so a call never leaves with a token about to lapse.
const RENEW_MARGIN: Duration = Duration::from_secs(5 * 60);

/// A token is never kept longer than this, whatever `expires_in` says (a server-supplied number:
/// `u64::MAX` seconds must neither overflow nor pin a token for ever).
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// An access token, the headers that carry it (validated before it is cached) and when to renew
/// it.
struct CachedToken {
    headers: HeaderMap,
    renew_at: Instant,
    generation: u64,
}

/// The token cache of app credentials. The mutex is held across a renewal, so concurrent
/// callers wait for the one renewal in flight instead of starting their own.
#[derive(Default)]
struct TokenState {
    token: Option<CachedToken>,
    /// Bumped by every token cached, so a 401 drops only the token it was sent with.
    generation: u64,
    /// The last failed renewal: its sequence number (see [`Auth::renewals`]) and error.
    failure: Option<(u64, Arc<Error>)>,
}

/// What a request is sent with: its headers and, under app credentials, which token.
pub(crate) struct Authorized {
    pub(crate) headers: HeaderMap,
    /// The generation of the app token in `headers`, to hand back to [`Auth::rejected`].
    pub(crate) token: Option<u64>,
}

enum Strategy {
    /// API keys and raw access tokens: the same headers for every request, built once (or the
    /// reason they cannot be, reported by every call).
    Fixed(Result<HeaderMap, String>),
    /// App credentials: a token from `POST /oauth2/token`, cached and renewed.
    AppToken(Mutex<TokenState>),
}

/// The credentials of a client, the headers they give, and the app token cache.
pub(crate) struct Auth {
    credentials: Credentials,
    strategy: Strategy,
    /// Renewals finished (successful or not). A caller that started waiting before a renewal
    /// finished shares its result instead of starting another.
    renewals: AtomicU64,
}

impl Auth {
    pub(crate) fn new(credentials: Credentials) -> Auth {
        let strategy = match &credentials {
            Credentials::ApiKey {
                key,
                site_id,
                account_id,
            } => Strategy::Fixed((|| {
                let mut headers = HeaderMap::new();
                headers.insert(AUTHORIZATION, secret_header(key.expose())?);
                if let Some(site) = site_id {
                    headers.insert(HeaderName::from_static("wix-site-id"), header(site)?);
                }
                if let Some(account) = account_id {
                    headers.insert(HeaderName::from_static("wix-account-id"), header(account)?);
                }
                Ok(headers)
            })()),
            Credentials::AccessToken(token) => Strategy::Fixed((|| {
                let mut headers = HeaderMap::new();
                headers.insert(AUTHORIZATION, secret_header(token.expose())?);
                Ok(headers)
            })()),
            Credentials::OAuthApp { .. } => Strategy::AppToken(Mutex::default()),
        };
        Auth {
            credentials,
            strategy,
            renewals: AtomicU64::new(0),
        }
    }

    /// The credentials.
    pub(crate) fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Who the rate limit is counted for: one app instance (app id + instance id), one API key on
    /// one site or account, or one access token. Clients with the same identity share a limit.
    pub(crate) fn identity(&self) -> String {
        match &self.credentials {
            Credentials::OAuthApp {
                client_id,
                instance_id,
                ..
            } => format!("app\0{client_id}\0{instance_id}"),
            Credentials::ApiKey {
                key,
                site_id,
                account_id,
            } => format!(
                "key\0{}\0{}\0{}",
                key.expose(),
                site_id.as_deref().unwrap_or(""),
                account_id.as_deref().unwrap_or("")
            ),
            Credentials::AccessToken(token) => format!("token\0{}", token.expose()),
        }
    }

    /// The headers of a request. Under app credentials this may renew the token: `fetch` sends
    /// the token request (its body given) through the client, bounded by the caller's deadline.
    /// Waiting for a renewal another call started is bounded by `deadline` too.
    pub(crate) async fn headers<F, Fut>(
        &self,
        method: &'static str,
        deadline: Option<Instant>,
        fetch: F,
    ) -> Result<Authorized, Error>
    where
        F: FnOnce(Vec<u8>) -> Fut,
        Fut: Future<Output = Result<Vec<u8>, Error>>,
    {
        let state = match &self.strategy {
            Strategy::Fixed(Ok(headers)) => {
                return Ok(Authorized {
                    headers: headers.clone(),
                    token: None,
                });
            }
            Strategy::Fixed(Err(message)) => return Err(Error::Config(message.clone())),
            Strategy::AppToken(state) => state,
        };
        let seen = self.renewals.load(Ordering::SeqCst);
        let mut state = until(deadline, method, state.lock()).await?;
        if let Some(cached) = &state.token
            && Instant::now() < cached.renew_at
        {
            return Ok(cached.authorized());
        }
        // A renewal finished while this call waited for the lock: its failure is this call's
        // too (its success would have been returned above).
        if let Some((sequence, error)) = &state.failure
            && *sequence > seen
        {
            return Err(Error::Token(error.clone()));
        }
        tracing::debug!("requesting an app access token");
        let result = match fetch(self.token_request_body()).await {
            Ok(body) => parse_token(&body),
            Err(error) => Err(error),
        };
        let sequence = self.renewals.fetch_add(1, Ordering::SeqCst) + 1;
        match result {
            Ok((header, lifetime)) => {
                state.generation = state.generation.wrapping_add(1);
                let now = Instant::now();
                let renew_after = lifetime.saturating_sub(RENEW_MARGIN).max(lifetime / 2);
                let mut headers = HeaderMap::new();
                headers.insert(AUTHORIZATION, header);
                let cached = CachedToken {
                    headers,
                    renew_at: now.checked_add(renew_after).unwrap_or(now),
                    generation: state.generation,
                };
                let authorized = cached.authorized();
                state.token = Some(cached);
                state.failure = None;
                Ok(authorized)
            }
            Err(error) => {
                let error = Arc::new(error);
                state.token = None;
                state.failure = Some((sequence, error.clone()));
                Err(Error::Token(error))
            }
        }
    }

    /// Wix rejected (401) the app token of generation `token`: drop it, unless it was renewed
    /// since (by another call that got its 401 first). Bounded by `deadline`.
    pub(crate) async fn rejected(&self, token: u64, deadline: Option<Instant>) {
        let Strategy::AppToken(state) = &self.strategy else {
            return;
        };
        if let Ok(mut state) = until(deadline, "", state.lock()).await
            && state.token.as_ref().is_some_and(|t| t.generation == token)
        {
            tracing::debug!("access token rejected; dropping it");
            state.token = None;
        }
    }

    fn token_request_body(&self) -> Vec<u8> {
        let Credentials::OAuthApp {
            client_id,
            client_secret,
            instance_id,
        } = &self.credentials
        else {
            return Vec::new();
        };
        serde_json::json!({
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret.expose(),
            "instance_id": instance_id,
        })
        .to_string()
        .into_bytes()
    }
}

impl CachedToken {
    fn authorized(&self) -> Authorized {
        Authorized {
            headers: self.headers.clone(),
            token: Some(self.generation),
        }
    }
}

/// Decodes and validates a token response: the token must be a usable header value (else it
/// would be cached and fail every later call), its lifetime is capped.
fn parse_token(body: &[u8]) -> Result<(HeaderValue, Duration), Error> {
    let op = &crate::client::OAUTH_TOKEN;
    let response: TokenResponse = crate::__private::decode(op, body, None)?;
    let token = response.access_token.expose();
    let invalid = |message: &str| Error::Decode {
        method: op.name,
        path: "access_token".to_owned(),
        message: message.to_owned(),
        request_id: None,
    };
    if token.trim().is_empty() {
        return Err(invalid("the access token is empty"));
    }
    let mut header = HeaderValue::from_str(token)
        .map_err(|_| invalid("the access token has characters an HTTP header cannot carry"))?;
    header.set_sensitive(true);
    let lifetime = Duration::from_secs(response.expires_in).min(MAX_TOKEN_LIFETIME);
    Ok((header, lifetime))
}

/// Awaits `future` until `deadline` at most; past it, a [`Error::Timeout`] for `method`.
pub(crate) async fn until<T>(
    deadline: Option<Instant>,
    method: &'static str,
    future: impl Future<Output = T>,
) -> Result<T, Error> {
    match deadline {
        None => Ok(future.await),
        Some(deadline) => tokio::time::timeout_at(deadline, future)
            .await
            .map_err(|_| Error::Timeout { method }),
    }
}

fn header(value: &str) -> Result<HeaderValue, String> {
    HeaderValue::from_str(value).map_err(|_| format!("`{value}` cannot be sent in an HTTP header"))
}

fn secret_header(value: &str) -> Result<HeaderValue, String> {
    let mut header = HeaderValue::from_str(value)
        .map_err(|_| "the key or token has characters an HTTP header cannot carry".to_owned())?;
    header.set_sensitive(true);
    Ok(header)
}
