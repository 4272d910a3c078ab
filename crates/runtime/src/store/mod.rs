//! Storage seams for state that the replicas of one app share: access tokens, rate-limit slots
//! and webhook deliveries.
//!
//! By default every process keeps its own (the token cache in each client, the rate limiter
//! shared by the clients of one app instance, a [`Deduplicator`](crate::webhook::Deduplicator)),
//! which is right for one process and wrong for several replicas behind a load balancer: each
//! replica would renew its own token, spend Wix's per-instance limit on its own, and handle a
//! webhook that Wix re-sent to another replica a second time. A store shared by the replicas
//! ([`ClientBuilder::token_store`](crate::ClientBuilder::token_store),
//! [`ClientBuilder::rate_limit_store`](crate::ClientBuilder::rate_limit_store), the same on
//! [`AppBuilder`](crate::AppBuilder), and a [`DeliveryStore`] for webhooks) makes them act as
//! one: `RedisStore` (feature `redis`) is one, and an app can implement the three traits on any
//! other shared database.
//!
//! # When the store fails
//!
//! A shared store is an optimisation of correctness, never a point of failure: every store
//! operation is bounded by a timeout ([`StoreSettings::timeout`], default 250 ms), and when one
//! fails or times out the client logs one warning (`tracing`, target `wix_rest_runtime::store`),
//! carries on with its in-process state, and asks the store again after
//! [`StoreSettings::retry_after`] (default 1 s); the first success after an outage logs that
//! sharing resumed. While the store is away, each replica keeps the limit on its own (so N
//! replicas may together send up to N times the limit, and Wix's 429s are retried as usual),
//! renews its own token, and de-duplicates only what it saw itself. No call fails because the
//! store did.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use crate::limit::RateLimit;
use crate::secret::Secret;

#[cfg(feature = "redis")]
mod redis_store;
#[cfg(feature = "redis")]
pub use redis_store::RedisStore;

/// What a store operation returns: a boxed future, so the traits stay object safe.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A store operation failed (the store is down, slow, or answered something unexpected).
#[derive(Clone, Debug, thiserror::Error)]
#[error("{backend}: {message}")]
pub struct StoreError {
    backend: &'static str,
    message: String,
}

impl StoreError {
    /// An error of the store `backend` (e.g. `"redis"`), saying what went wrong. It is logged:
    /// it must never hold a token or a secret.
    pub fn new(backend: &'static str, message: impl Into<String>) -> Self {
        StoreError {
            backend,
            message: message.into(),
        }
    }

    /// The store that failed.
    pub fn backend(&self) -> &'static str {
        self.backend
    }
}

/// An app access token as the replicas share it.
#[derive(Clone, PartialEq, Eq)]
pub struct SharedToken {
    /// The token.
    pub access_token: Secret,
    /// When a replica should renew it (a few minutes before it expires).
    pub renew_at: SystemTime,
    /// When Wix stops accepting it.
    pub expires_at: SystemTime,
}

impl fmt::Debug for SharedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedToken")
            .field("access_token", &self.access_token)
            .field("renew_at", &self.renew_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The access tokens of app instances, shared by the replicas of an app, with a renewal lease
/// so that one replica renews while the others wait for its token.
///
/// Keys name an app instance (`"{app id}:{instance id}"`); a store namespaces them. The
/// protocol, as the runtime drives it: [`get`](TokenStore::get) a token still before its
/// `renew_at`; else [`try_lease`](TokenStore::try_lease) the renewal; the holder asks Wix and
/// [`put`](TokenStore::put)s the token (or [`release`](TokenStore::release)s the lease when
/// Wix refused), while the others poll `get` until the token appears or the lease runs out (then
/// they renew themselves). A token Wix rejected (401) is [`reject`](TokenStore::reject)ed, only
/// if it is still the stored one.
pub trait TokenStore: Send + Sync + 'static {
    /// The stored token of `key`, if any (expired ones may be returned; the caller checks).
    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<SharedToken>>;
    /// Takes the renewal lease of `key` for `holder` for `lease`, when no one holds it:
    /// `true` when `holder` now holds it.
    fn try_lease<'a>(
        &'a self,
        key: &'a str,
        holder: &'a str,
        lease: Duration,
    ) -> StoreFuture<'a, bool>;
    /// Stores a renewed token (kept until it expires) and releases `holder`'s lease.
    fn put<'a>(
        &'a self,
        key: &'a str,
        holder: &'a str,
        token: &'a SharedToken,
    ) -> StoreFuture<'a, ()>;
    /// Releases `holder`'s lease without a token (the renewal failed).
    fn release<'a>(&'a self, key: &'a str, holder: &'a str) -> StoreFuture<'a, ()>;
    /// Drops the token of `key` if it is still `token` (Wix rejected it).
    fn reject<'a>(&'a self, key: &'a str, token: &'a Secret) -> StoreFuture<'a, ()>;
}

/// What [`RateLimitStore::try_acquire`] answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acquired {
    /// The slot is taken: the request may be sent.
    Granted,
    /// Every slot is held or counted; one frees in `Some(wait)` (when the oldest completion
    /// stops counting), or `None` when all are in flight (only a completion frees one).
    Busy(Option<Duration>),
}

/// The rate-limit slots of app instances (or of one API key), shared by the replicas, with the
/// same rule as the in-process limiter (see [`RateLimit`]): a request holds a slot from the
/// moment it may be sent until it completes, and the slot stays counted for `limit.per` after
/// that, so no window of `per` at Wix sees more than `limit.requests` arrivals.
///
/// An in-flight slot is leased: a replica that dies holding it frees it when the lease runs out,
/// counted as completed then.
pub trait RateLimitStore: Send + Sync + 'static {
    /// Takes a slot named `slot` under `key`, leased for `lease`, if one is free.
    fn try_acquire<'a>(
        &'a self,
        key: &'a str,
        slot: &'a str,
        limit: RateLimit,
        lease: Duration,
    ) -> StoreFuture<'a, Acquired>;
    /// The request of `slot` completed: its slot counts for `limit.per` from now.
    fn release<'a>(&'a self, key: &'a str, slot: &'a str, limit: RateLimit) -> StoreFuture<'a, ()>;
}

/// Webhook deliveries seen, shared by the replicas, so that a delivery Wix re-sends to another
/// replica is handled once.
pub trait DeliveryStore: Send + Sync + 'static {
    /// Records `delivery_id` for `keep_for`: `true` when it was not recorded yet (the first
    /// delivery), `false` for a duplicate.
    fn claim<'a>(&'a self, delivery_id: &'a str, keep_for: Duration) -> StoreFuture<'a, bool>;
    /// Forgets `delivery_id`, so Wix's next attempt is handled (the handler failed).
    fn forget<'a>(&'a self, delivery_id: &'a str) -> StoreFuture<'a, ()>;
}

/// How the client treats a shared store: how long an operation may take, and how long to keep
/// to the in-process state after a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoreSettings {
    /// The longest a store operation may take before the client goes on without it.
    pub timeout: Duration,
    /// After a failure, the store is left alone this long (every call uses the in-process
    /// state), then asked again.
    pub retry_after: Duration,
}

impl Default for StoreSettings {
    fn default() -> Self {
        StoreSettings {
            timeout: Duration::from_millis(250),
            retry_after: Duration::from_secs(1),
        }
    }
}

/// A shared store as the client uses it: every operation bounded, a failure logged once and
/// followed by a pause, the recovery logged.
pub(crate) struct Guard {
    what: &'static str,
    settings: StoreSettings,
    /// While `Some`, the store is down: skipped until that instant.
    down_until: Mutex<Option<Instant>>,
}

impl Guard {
    pub(crate) fn new(what: &'static str, settings: StoreSettings) -> Self {
        Guard {
            what,
            settings,
            down_until: Mutex::new(None),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        // A poisoned lock only means a thread panicked holding it; the value is one instant.
        self.down_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The longest one operation may take.
    pub(crate) fn timeout(&self) -> Duration {
        self.settings.timeout
    }

    /// Whether the store may be asked now (it is up, or its pause is over).
    pub(crate) fn available(&self) -> bool {
        self.state().is_none_or(|until| Instant::now() >= until)
    }

    /// Runs a store operation: `None` when it failed or timed out (the caller uses its
    /// in-process state) or the store is paused after a failure.
    pub(crate) async fn run<T>(&self, operation: StoreFuture<'_, T>) -> Option<T> {
        if !self.available() {
            return None;
        }
        let failure = match tokio::time::timeout(self.settings.timeout, operation).await {
            Ok(Ok(value)) => {
                let was_down = self.state().take().is_some();
                if was_down {
                    tracing::info!(
                        target: "wix_rest_runtime::store",
                        store = self.what,
                        "the shared store answers again: sharing resumed"
                    );
                }
                return Some(value);
            }
            Ok(Err(error)) => error.to_string(),
            Err(_) => format!("no answer within {} ms", self.settings.timeout.as_millis()),
        };
        let mut state = self.state();
        if state.is_none() {
            tracing::warn!(
                target: "wix_rest_runtime::store",
                store = self.what,
                error = %failure,
                "the shared store failed: going on with this process's own state"
            );
        }
        *state = Instant::now().checked_add(self.settings.retry_after);
        None
    }
}

/// A process-unique name for a lease holder or a slot: random, so replicas never collide.
pub(crate) fn unique_name() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

/// The key a shared store keeps `secret`-derived state under: its SHA-256, so no key (which a
/// store may log or list) holds a credential.
pub(crate) fn digest(secret: &str) -> String {
    let hash = ring::digest::digest(&ring::digest::SHA256, secret.as_bytes());
    hash.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}
