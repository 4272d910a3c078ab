//! [`App`]: one installed app serving many sites. One connection pool and one set of app
//! credentials; [`App::instance`] gives the [`Client`] of one app instance (one site), with its
//! own access token and its own rate limit, both shared by every handle of that instance.
//!
//! The app keeps the clients of the instances it served last (at most
//! [`AppBuilder::max_cached_instances`], least recently used out first), so a webhook handler
//! that asks for `app.instance(id)` per event reuses the instance's token instead of fetching
//! one per event.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::auth::{Credentials, Secret};
use crate::client::{Client, Inner, Settings};
use crate::error::Error;
use crate::hook::Hook;
use crate::rate_limit::RateLimit;
use crate::retry::RetryPolicy;
use crate::store::{RateLimitStore, StoreSettings, TokenStore};

/// An installed app's credentials and connection pool, for every site it is installed on.
///
/// [`App::instance`] returns a [`Client`] for one app instance: it is used like any client
/// (`Scopes::open(&app.instance(id))`), shares the app's connection pool, and shares its token
/// cache and rate limit with every other handle of the same instance. Cheap to clone (clones
/// share everything).
///
/// ```no_run
/// # async fn run(instance_id: &str) -> wix_rest_runtime::Result<()> {
/// use wix_rest_runtime::App;
///
/// let app = App::builder("APP_ID", "APP_SECRET").build()?;
/// // On an App Installed webhook, or per request of a site's user:
/// let site = app.instance(instance_id);
/// # let _ = site; Ok(()) }
/// ```
#[derive(Clone)]
pub struct App {
    shared: Arc<Shared>,
}

struct Shared {
    client_id: String,
    client_secret: Secret,
    http: reqwest::Client,
    settings: Settings,
    max_instances: usize,
    instances: Mutex<Instances>,
}

/// The clients of the instances served last: a least-recently-used cache in O(1) amortized per
/// lookup and eviction. `clients` holds each instance's client and the stamp of its last use;
/// `order` the uses, oldest first, of which only the one matching an instance's current stamp
/// is live (older ones are skipped when met, and dropped in one pass when they outnumber the
/// live ones).
#[derive(Default)]
struct Instances {
    clients: HashMap<String, (Arc<Inner>, u64)>,
    order: VecDeque<(String, u64)>,
    clock: u64,
}

impl Instances {
    /// The client of `id`, marked as used now.
    fn get(&mut self, id: &str) -> Option<Arc<Inner>> {
        let stamp = self.tick();
        let (inner, used) = self.clients.get_mut(id)?;
        *used = stamp;
        let inner = inner.clone();
        self.order.push_back((id.to_owned(), stamp));
        self.compact();
        Some(inner)
    }

    /// Caches `inner` for `id`, the least recently used out first beyond `max`.
    fn insert(&mut self, id: String, inner: Arc<Inner>, max: usize) {
        if max == 0 {
            return;
        }
        while self.clients.len() >= max {
            let Some((oldest, stamp)) = self.order.pop_front() else {
                break;
            };
            if self
                .clients
                .get(&oldest)
                .is_some_and(|(_, used)| *used == stamp)
            {
                self.clients.remove(&oldest);
            }
        }
        let stamp = self.tick();
        self.order.push_back((id.clone(), stamp));
        self.clients.insert(id, (inner, stamp));
        self.compact();
    }

    fn remove(&mut self, id: &str) {
        self.clients.remove(id);
        self.compact();
    }

    fn tick(&mut self) -> u64 {
        self.clock = self.clock.wrapping_add(1);
        self.clock
    }

    /// Drops stale uses once they outnumber the live ones: one pass, paid for by the uses
    /// that made them.
    fn compact(&mut self) {
        if self.order.len() > 2 * self.clients.len() + 32 {
            let clients = &self.clients;
            self.order
                .retain(|(id, stamp)| clients.get(id).is_some_and(|(_, used)| used == stamp));
        }
    }
}

impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("App")
            .field("client_id", &self.shared.client_id)
            .field("client_secret", &self.shared.client_secret)
            .field("settings", &self.shared.settings)
            .finish_non_exhaustive()
    }
}

impl App {
    /// Starts building an app from its app ID and app secret.
    pub fn builder(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> AppBuilder {
        AppBuilder {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            settings: Settings::default(),
            http: None,
            max_instances: DEFAULT_MAX_CACHED_INSTANCES,
        }
    }

    /// The app ID.
    pub fn client_id(&self) -> &str {
        &self.shared.client_id
    }

    /// The client of the app instance `instance_id` (from the App Installed webhook, or the
    /// `instanceId` of any webhook): the live one when a handle of that instance exists, else a
    /// new one, which fetches its own access token on its first call.
    pub fn instance(&self, instance_id: impl Into<String>) -> Client {
        let instance_id = instance_id.into();
        let shared = &self.shared;
        let mut instances = shared.lock();
        if let Some(inner) = instances.get(&instance_id) {
            return Client::from_inner(inner);
        }
        let credentials = Credentials::oauth_app(
            shared.client_id.clone(),
            shared.client_secret.clone(),
            instance_id.clone(),
        );
        let client = shared.settings.client(shared.http.clone(), credentials);
        // Out goes the least recently used; a handle of it still alive keeps working, and the
        // rate limit stays shared (it is keyed by the instance, not by this cache).
        instances.insert(instance_id, client.inner_arc(), shared.max_instances);
        client
    }

    /// Drops the cached client of `instance_id` (after an App Removed webhook, say): the next
    /// [`App::instance`] for it starts with no token.
    pub fn forget(&self, instance_id: &str) {
        self.shared.lock().remove(instance_id);
    }

    /// How many instances' clients are cached.
    pub fn cached_instances(&self) -> usize {
        self.shared.lock().clients.len()
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Instances> {
        // A poisoned lock only means another thread panicked while holding it; the map is
        // still consistent (every change to it is a single insert or remove).
        self.instances
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Builds an [`App`]. Every setting applies to each instance's client.
#[derive(Debug)]
#[must_use]
pub struct AppBuilder {
    client_id: String,
    client_secret: Secret,
    settings: Settings,
    http: Option<reqwest::Client>,
    max_instances: usize,
}

/// How many instances' clients an [`App`] keeps by default.
pub const DEFAULT_MAX_CACHED_INSTANCES: usize = 10_000;

impl AppBuilder {
    /// Keeps the clients (tokens) of at most `n` instances, the least recently used out first
    /// (default [`DEFAULT_MAX_CACHED_INSTANCES`]; 0 keeps none, so each [`App::instance`] call
    /// starts with no token).
    pub fn max_cached_instances(mut self, n: usize) -> Self {
        self.max_instances = n;
        self
    }

    /// Sends every request, whatever its module's host, to `url` instead (a local server in
    /// tests, a proxy); the same rules as
    /// [`ClientBuilder::base_url`](crate::ClientBuilder::base_url), checked by
    /// [`AppBuilder::build`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.settings.base_url(&url.into());
        self
    }

    /// Sets the retry policy (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry(policy);
        self
    }

    /// Sets each instance's rate limit (default: [`RateLimit::default`], 200 per minute, as Wix
    /// counts per app instance). Every handle of one instance shares its limiter.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.settings.rate_limit(limit);
        self
    }

    /// Turns the client-side rate limit off.
    pub fn no_rate_limit(mut self) -> Self {
        self.settings.no_rate_limit();
        self
    }

    /// Shares each instance's rate limit with the app's other replicas through `store` (see
    /// [`crate::store`]): the limit then holds per app instance across every process.
    pub fn rate_limit_store(mut self, store: Arc<dyn RateLimitStore>) -> Self {
        self.settings.rate_limit_store(store);
        self
    }

    /// Shares each instance's access token with the app's other replicas through `store` (see
    /// [`crate::store`]): one replica renews it, the others use it.
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.settings.token_store(store);
        self
    }

    /// How the shared stores are used (default [`StoreSettings::default`]).
    pub fn store_settings(mut self, settings: StoreSettings) -> Self {
        self.settings.store_settings(settings);
        self
    }

    /// The timeout of one attempt (default 30 seconds), cut to the call's deadline.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout(timeout);
        self
    }

    /// The largest response body read (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`](crate::DEFAULT_MAX_RESPONSE_BYTES)).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.settings.max_response_bytes(limit);
        self
    }

    /// Adds a [`Hook`], run for every attempt of every instance.
    pub fn hook(mut self, hook: impl Hook + 'static) -> Self {
        self.settings.hook(Arc::new(hook));
        self
    }

    /// Uses this `reqwest` client, the pool every instance shares.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Builds the app.
    pub fn build(self) -> Result<App, Error> {
        if self.client_id.trim().is_empty() {
            return Err(Error::Config("the app ID is empty".to_owned()));
        }
        if self.client_secret.expose().trim().is_empty() {
            return Err(Error::Config("the app secret is empty".to_owned()));
        }

        self.settings.validate()?;
        let http = match self.http {
            Some(http) => http,
            None => Settings::http_client()?,
        };
        Ok(App {
            shared: Arc::new(Shared {
                client_id: self.client_id,
                client_secret: self.client_secret,
                http,
                settings: self.settings,
                max_instances: self.max_instances,
                instances: Mutex::default(),
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inner() -> Arc<Inner> {
        let http = reqwest::Client::new();
        Settings::default()
            .client(http, Credentials::access_token("t"))
            .inner_arc()
    }

    #[test]
    fn the_least_recently_used_goes_first_and_stale_uses_are_compacted() {
        let mut cache = Instances::default();
        let one = inner();
        for id in ["a", "b", "c"] {
            cache.insert(id.to_owned(), one.clone(), 3);
        }
        assert!(cache.get("a").is_some());
        cache.insert("d".to_owned(), one.clone(), 3);
        assert!(cache.clients.contains_key("a"), "a was used after b");
        assert!(
            !cache.clients.contains_key("b"),
            "b was the least recently used"
        );
        for _ in 0..10_000 {
            assert!(cache.get("c").is_some());
        }
        assert!(
            cache.order.len() <= 2 * cache.clients.len() + 33,
            "{}",
            cache.order.len()
        );
        cache.insert("e".to_owned(), one.clone(), 3);
        assert!(!cache.clients.contains_key("a") && cache.clients.contains_key("c"));
        cache.remove("c");
        assert_eq!(cache.clients.len(), 2);
        let mut none = Instances::default();
        none.insert("x".to_owned(), one, 0);
        assert!(none.clients.is_empty());
    }
}
