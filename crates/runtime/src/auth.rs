//! The three ways to authenticate: an account API key, an installed app's OAuth client
//! credentials, or a raw access token.
//!
//! [`Auth`] owns the credentials and, for app credentials, the token cache: it gives the headers
//! of a request, renews the token (one renewal in flight, its result shared by every waiter) and
//! forgets a token Wix rejected. A new way to authenticate is a change to this file only.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::error::Error;
use crate::operation::{HttpMethod, Operation, Requires};
pub use crate::secret::Secret;
use crate::store::{Guard, SharedToken, StoreSettings, TokenStore, digest, unique_name};

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

/// The OAuth token endpoint of app credentials, as an operation so its failures read like any
/// other call's: the client sends the body [`Auth::headers`] gives through it.
pub(crate) static OAUTH_TOKEN: Operation = Operation {
    module: "oauth",
    name: "create_access_token",
    wix_name: "Create Access Token",
    http_method: HttpMethod::Post,
    host: crate::operation::DEFAULT_HOST,
    path: "/oauth2/token",
    requires: Requires::Nothing,
    scopes: &[],
    retry_safe: true,
};

/// Wix's documented token lifetime: 4 hours.
fn default_expires_in() -> u64 {
    4 * 60 * 60
}

/// Renew this long before the token expires, so a call never leaves with a token about to lapse.
const RENEW_MARGIN: Duration = Duration::from_secs(5 * 60);

/// A token is never kept longer than this, whatever `expires_in` says (a server-supplied number:
/// `u64::MAX` seconds must neither overflow nor pin a token for ever).
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// How long a replica holds the renewal lease of a shared token: the others wait this long for
/// its token, then renew themselves.
const TOKEN_LEASE: Duration = Duration::from_secs(10);

/// How often a replica waiting for another's renewal looks for the token.
const TOKEN_POLL: Duration = Duration::from_millis(20);

/// An access token, the headers that carry it (validated before it is cached) and when to renew
/// it.
struct CachedToken {
    /// The token itself, to reject it in the shared store after a 401.
    token: Secret,
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

/// A token store the replicas of an app share, as one client uses it.
pub(crate) struct SharedTokens {
    store: Arc<dyn TokenStore>,
    guard: Guard,
    /// The app instance: `"{app id}:{instance id}"`.
    key: String,
    /// This client's name as a lease holder.
    holder: String,
}

/// A token fetched or read from the shared store: what the cache keeps.
struct Fresh {
    token: Secret,
    header: HeaderValue,
    /// How long until it should be renewed.
    renew_after: Duration,
    /// How long until it expires.
    lifetime: Duration,
}

/// What a replica does for a token under a shared store.
enum Next {
    /// Use the token another replica renewed.
    Stored(Fresh),
    /// Renew it here, holding the store's lease or not (the store failed, or the lease ran out).
    Renew { leased: bool },
}

/// The credentials of a client, the headers they give, and the app token cache.
pub(crate) struct Auth {
    credentials: Credentials,
    strategy: Strategy,
    /// Under app credentials, the token store shared with other replicas, if one is set.
    shared: Option<SharedTokens>,
    /// Renewals finished (successful or not). A caller that started waiting before a renewal
    /// finished shares its result instead of starting another.
    renewals: AtomicU64,
}

impl Auth {
    pub(crate) fn new(
        credentials: Credentials,
        store: Option<(Arc<dyn TokenStore>, StoreSettings)>,
    ) -> Auth {
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
        let shared = match (&credentials, store) {
            (
                Credentials::OAuthApp {
                    client_id,
                    instance_id,
                    ..
                },
                Some((store, settings)),
            ) => Some(SharedTokens {
                store,
                guard: Guard::new("token store", settings),
                key: format!("{client_id}:{instance_id}"),
                holder: unique_name(),
            }),
            _ => None,
        };
        Auth {
            credentials,
            strategy,
            shared,
            renewals: AtomicU64::new(0),
        }
    }

    /// Who the rate limit is counted for, in this process's limiter registry and in a shared
    /// store: one app instance (app id + instance id), one API key on one site or account, or
    /// one access token, the key and token as SHA-256 digests (a store never sees a credential
    /// in a key). Wix's ids are GUIDs, so `:` separates them unambiguously.
    pub(crate) fn identity(&self) -> String {
        match &self.credentials {
            Credentials::OAuthApp {
                client_id,
                instance_id,
                ..
            } => format!("app:{client_id}:{instance_id}"),
            Credentials::ApiKey {
                key,
                site_id,
                account_id,
            } => format!(
                "key:{}:{}:{}",
                digest(key.expose()),
                site_id.as_deref().unwrap_or(""),
                account_id.as_deref().unwrap_or("")
            ),
            Credentials::AccessToken(token) => format!("token:{}", digest(token.expose())),
        }
    }

    /// What is wrong with the credentials, found before any request: an empty or
    /// header-breaking key or token, an API key with neither a site nor an account, or an app's
    /// empty id, secret or instance.
    pub(crate) fn check(&self) -> Result<(), Error> {
        let empty = |what: &str| Err(Error::Config(format!("the {what} is empty")));
        match &self.credentials {
            Credentials::ApiKey { key, .. } if key.expose().trim().is_empty() => {
                return empty("API key");
            }
            Credentials::ApiKey {
                site_id: None,
                account_id: None,
                ..
            } => {
                return Err(Error::Config(
                    "an API key needs the site (`wix-site-id`) or the account (`wix-account-id`) it acts on"
                        .to_owned(),
                ));
            }
            Credentials::AccessToken(token) if token.expose().trim().is_empty() => {
                return empty("access token");
            }
            Credentials::OAuthApp { client_id, .. } if client_id.trim().is_empty() => {
                return empty("app ID");
            }
            Credentials::OAuthApp { client_secret, .. }
                if client_secret.expose().trim().is_empty() =>
            {
                return empty("app secret");
            }
            Credentials::OAuthApp { instance_id, .. } if instance_id.trim().is_empty() => {
                return empty("app instance ID");
            }
            _ => {}
        }
        match &self.strategy {
            Strategy::Fixed(Err(message)) => Err(Error::Config(message.clone())),
            _ => Ok(()),
        }
    }

    /// The credentials.
    pub(crate) fn credentials(&self) -> &Credentials {
        &self.credentials
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
        let result = match &self.shared {
            None => self.fetch(fetch).await,
            Some(shared) => self.renew_shared(shared, method, deadline, fetch).await,
        };
        let sequence = self.renewals.fetch_add(1, Ordering::SeqCst) + 1;
        match result {
            Ok(Fresh {
                token,
                header,
                renew_after,
                ..
            }) => {
                state.generation = state.generation.wrapping_add(1);
                let now = Instant::now();
                let mut headers = HeaderMap::new();
                headers.insert(AUTHORIZATION, header);
                let cached = CachedToken {
                    token,
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

    /// Asks Wix for a token (`fetch` sends the request) and validates it.
    async fn fetch<F, Fut>(&self, fetch: F) -> Result<Fresh, Error>
    where
        F: FnOnce(Vec<u8>) -> Fut,
        Fut: Future<Output = Result<Vec<u8>, Error>>,
    {
        tracing::debug!("requesting an app access token");
        let body = fetch(self.token_request_body()).await?;
        let (token, header, lifetime) = parse_token(&body)?;
        Ok(Fresh {
            token,
            header,
            renew_after: lifetime.saturating_sub(RENEW_MARGIN).max(lifetime / 2),
            lifetime,
        })
    }

    /// A token through the shared store: the one another replica renewed if it is still fresh;
    /// else this client renews it under the store's lease, or waits for the replica holding
    /// the lease (at most [`TOKEN_LEASE`], then renews itself). Whenever the store fails, the
    /// client renews on its own.
    async fn renew_shared<F, Fut>(
        &self,
        shared: &SharedTokens,
        method: &'static str,
        deadline: Option<Instant>,
        fetch: F,
    ) -> Result<Fresh, Error>
    where
        F: FnOnce(Vec<u8>) -> Fut,
        Fut: Future<Output = Result<Vec<u8>, Error>>,
    {
        let SharedTokens {
            store,
            guard,
            key,
            holder,
        } = shared;
        // Until the lease runs out: the stored token if it is fresh, else the lease to renew it,
        // else another look after a pause (the holder may yet put its token, or give up and
        // release the lease to the next replica).
        let give_up = Instant::now() + TOKEN_LEASE;
        let next = until(deadline, method, async {
            loop {
                match guard.run(store.get(key)).await {
                    Some(Some(stored)) => {
                        if let Some(fresh) = usable(stored) {
                            return Next::Stored(fresh);
                        }
                    }
                    Some(None) => {}
                    None => return Next::Renew { leased: false },
                }
                match guard.run(store.try_lease(key, holder, TOKEN_LEASE)).await {
                    Some(true) => {
                        // The lease may be free because a holder just put its token (a put
                        // stores the token, then frees the lease): look once more.
                        if let Some(Some(stored)) = guard.run(store.get(key)).await
                            && let Some(fresh) = usable(stored)
                        {
                            guard.run(store.release(key, holder)).await;
                            return Next::Stored(fresh);
                        }
                        return Next::Renew { leased: true };
                    }
                    Some(false) => {}
                    None => return Next::Renew { leased: false },
                }
                if Instant::now() >= give_up {
                    tracing::debug!("no shared token within the lease; renewing here");
                    return Next::Renew { leased: false };
                }
                tokio::time::sleep(TOKEN_POLL).await;
            }
        })
        .await?;
        let leased = match next {
            Next::Stored(fresh) => return Ok(fresh),
            Next::Renew { leased } => leased,
        };
        let result = self.fetch(fetch).await;
        match &result {
            Ok(fresh) => {
                let now = SystemTime::now();
                let token = SharedToken {
                    access_token: fresh.token.clone(),
                    renew_at: now.checked_add(fresh.renew_after).unwrap_or(now),
                    expires_at: now.checked_add(fresh.lifetime).unwrap_or(now),
                };
                guard.run(store.put(key, holder, &token)).await;
            }
            Err(_) if leased => {
                guard.run(store.release(key, holder)).await;
            }
            Err(_) => {}
        }
        result
    }

    /// Wix rejected (401) the app token of generation `token`: drop it, unless it was renewed
    /// since (by another call that got its 401 first), and drop it from the shared store if it
    /// is still the one there. Bounded by `deadline`.
    pub(crate) async fn rejected(&self, token: u64, deadline: Option<Instant>) {
        let Strategy::AppToken(state) = &self.strategy else {
            return;
        };
        let Ok(mut state) = until(deadline, "", state.lock()).await else {
            return;
        };
        if state.token.as_ref().is_none_or(|t| t.generation != token) {
            return;
        }
        tracing::debug!("access token rejected; dropping it");
        let dropped = state.token.take();
        if let (Some(shared), Some(dropped)) = (&self.shared, dropped) {
            let reject = shared.store.reject(&shared.key, &dropped.token);
            let _ = until(deadline, "", shared.guard.run(reject)).await;
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

/// A token from the shared store, if it is not due for renewal and can be sent.
fn usable(stored: SharedToken) -> Option<Fresh> {
    let now = SystemTime::now();
    let renew_after = stored.renew_at.duration_since(now).ok()?;
    let lifetime = stored.expires_at.duration_since(now).ok()?;
    let mut header = HeaderValue::from_str(stored.access_token.expose()).ok()?;
    header.set_sensitive(true);
    Some(Fresh {
        token: stored.access_token,
        header,
        renew_after: renew_after.min(MAX_TOKEN_LIFETIME),
        lifetime: lifetime.min(MAX_TOKEN_LIFETIME),
    })
}

/// Decodes and validates a token response: the token must be a usable header value (else it
/// would be cached and fail every later call), its lifetime is capped.
fn parse_token(body: &[u8]) -> Result<(Secret, HeaderValue, Duration), Error> {
    let op = &OAUTH_TOKEN;
    let response: TokenResponse = crate::decode::decode(op, body, None)?;
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
    Ok((response.access_token, header, lifetime))
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
