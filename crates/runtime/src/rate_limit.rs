//! A client-side rate limit, so an app stays under Wix's throttle instead of collecting 429s.
//!
//! The limit holds where Wix counts it, at the server: no span of `per` sees more than
//! `requests` arrivals. A request can arrive at any moment between its send and its completion
//! (a slow connection, a retransmission), so counting sends is not enough: 200 sends spread over
//! a minute can arrive together. Each request therefore holds a slot from the moment it may be
//! sent until it completes (its [`Permit`] drops), and the slot stays counted for `per` after
//! that. A new request may start only when fewer than `requests` slots are held or counted:
//! whatever the delays, any `requests + 1` arrivals then span more than `per`. (A burst up to
//! the limit goes at once; a token bucket or GCRA, `governor`'s algorithm, lets a full burst
//! through and then the refill, up to about twice the rate in one window.)
//!
//! Wix counts its limit per app instance, so clients for the same identity (app id + instance
//! id, API key + site or account, or access token) share one limiter: a process-wide registry
//! keyed by that identity and the configured [`RateLimit`] holds weak references (an entry lives
//! as long as a client uses it). [`SharedRateLimit`] shares one limiter explicitly, whatever the
//! credentials.
//!
//! Replicas of one app (separate processes) share a limit through a
//! [`RateLimitStore`](crate::store::RateLimitStore): the same rule, kept by the store. A request
//! then takes its slot in this process first (waiters queue here, one of them asks the store),
//! then in the store; when the store fails, the process's own slots keep the limit for it alone.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex as StdMutex, OnceLock, Weak};
use std::time::Duration;

use tokio::sync::{Mutex, Notify};
use tokio::time::Instant;

use crate::store::{Acquired, Guard, RateLimitStore, StoreSettings, unique_name};

/// How often a waiter asks the shared store again while every slot is in flight (only a
/// completion, on any replica, can free one).
const SHARED_POLL: Duration = Duration::from_millis(10);

pub use crate::limit::RateLimit;

/// One rate limit that several clients share, whatever their credentials: pass it to
/// [`ClientBuilder::shared_rate_limit`](crate::ClientBuilder::shared_rate_limit) of each.
#[derive(Clone)]
pub struct SharedRateLimit(pub(crate) Arc<Limiter>);

impl SharedRateLimit {
    /// A new limit, shared by every client given a clone of it.
    pub fn new(limit: RateLimit) -> Self {
        SharedRateLimit(Arc::new(Limiter::new(limit)))
    }

    /// The limit.
    pub fn limit(&self) -> RateLimit {
        self.0.limit
    }
}

impl std::fmt::Debug for SharedRateLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("SharedRateLimit")
            .field(&self.0.limit)
            .finish()
    }
}

/// The slots of one limit: requests in flight, and the completion times of the ones that ended
/// less than `per` ago.
pub(crate) struct Limiter {
    limit: RateLimit,
    /// Waiters take turns (FIFO) on this lock; the one holding it waits for a free slot.
    queue: Mutex<()>,
    slots: StdMutex<Slots>,
    /// Signalled when a request completes (a slot may have been freed).
    completed: Notify,
    /// The slots shared with other replicas, if a store is set.
    shared: Option<SharedSlots>,
}

/// A rate-limit store as one limiter uses it.
struct SharedSlots {
    store: Arc<dyn RateLimitStore>,
    guard: Guard,
    /// The identity the limit is counted for (`Auth::identity`).
    key: String,
    /// How long an in-flight slot is leased: longer than any attempt lasts.
    lease: Duration,
}

/// The store a limiter shares its slots through, with what it needs to use it.
pub(crate) struct StoreConfig {
    pub(crate) store: Arc<dyn RateLimitStore>,
    pub(crate) settings: StoreSettings,
    pub(crate) lease: Duration,
}

#[derive(Default)]
struct Slots {
    in_flight: usize,
    /// Completion times, oldest first (pushed under the lock with the current time, so in order).
    completed: VecDeque<Instant>,
}

/// A request's slot: held from the moment it may be sent until it completes (dropped), then
/// counted for one more window.
pub(crate) struct Permit<'a> {
    limiter: &'a Limiter,
    /// The slot taken in the shared store, if one was.
    shared: Option<String>,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if let (Some(slot), Some(shared)) = (self.shared.take(), &self.limiter.shared) {
            // Released in the background: a drop cannot wait. When it fails (the store is
            // down), the slot's lease ends it, counted as completed then.
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                let store = shared.store.clone();
                let key = shared.key.clone();
                let limit = self.limiter.limit;
                let timeout = shared.guard.timeout();
                runtime.spawn(async move {
                    let release = store.release(&key, &slot, limit);
                    if let Ok(Err(error)) = tokio::time::timeout(timeout, release).await {
                        tracing::debug!(%error, "a shared rate-limit slot was not released");
                    }
                });
            }
        }
        let mut slots = self.limiter.lock();
        slots.in_flight = slots.in_flight.saturating_sub(1);
        slots.completed.push_back(Instant::now());
        drop(slots);
        self.limiter.completed.notify_one();
    }
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Limiter {
            limit,
            queue: Mutex::new(()),
            slots: StdMutex::default(),
            completed: Notify::new(),
            shared: None,
        }
    }

    /// A limiter whose slots are also kept, under `identity`, in a store shared with other
    /// replicas.
    pub(crate) fn with_store(limit: RateLimit, identity: String, config: StoreConfig) -> Self {
        Limiter {
            shared: Some(SharedSlots {
                guard: Guard::new("rate-limit store", config.settings),
                store: config.store,
                key: identity,
                lease: config.lease,
            }),
            ..Limiter::new(limit)
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Slots> {
        // A poisoned lock only means another thread panicked while holding it; the counts are
        // still consistent (every change is one update under the lock).
        self.slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The limiter shared by every client of `identity` with this `limit` (and this store).
    pub(crate) fn shared(
        identity: String,
        limit: RateLimit,
        store: Option<StoreConfig>,
    ) -> Arc<Limiter> {
        // The store is told apart by its address: clients given the same store share a limiter.
        type Key = (String, RateLimit, usize);
        type Registry = StdMutex<HashMap<Key, Weak<Limiter>>>;
        static REGISTRY: OnceLock<Registry> = OnceLock::new();
        let registry = REGISTRY.get_or_init(Registry::default);
        // A poisoned lock only means another thread panicked while holding it; the map is
        // still consistent (every operation on it is a single insert or retain).
        let mut map = registry
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let address = store
            .as_ref()
            .map_or(0, |config| Arc::as_ptr(&config.store).cast::<()>() as usize);
        let key = (identity, limit, address);
        if let Some(limiter) = map.get(&key).and_then(Weak::upgrade) {
            return limiter;
        }
        map.retain(|_, weak| weak.strong_count() > 0);
        let limiter = Arc::new(match store {
            Some(config) => Limiter::with_store(limit, key.0.clone(), config),
            None => Limiter::new(limit),
        });
        map.insert(key, Arc::downgrade(&limiter));
        limiter
    }

    /// Waits until a request may be sent, and holds its slot until the permit drops. Waiters
    /// queue fairly (FIFO); a cancelled wait takes no slot.
    pub(crate) async fn acquire(&self) -> Permit<'_> {
        let capacity = self.limit.requests.max(1) as usize;
        let per = self.limit.per;
        let _turn = self.queue.lock().await;
        loop {
            // Registered before the check, so a completion between the check and the wait is
            // not missed.
            let completed = self.completed.notified();
            let free_at = {
                let mut slots = self.lock();
                let now = Instant::now();
                // A completion counts while it is at most `per` old: an arrival at most at
                // that completion and one after this send are then more than `per` apart.
                while slots
                    .completed
                    .front()
                    .is_some_and(|&done| now.saturating_duration_since(done) > per)
                {
                    slots.completed.pop_front();
                }
                if slots.in_flight + slots.completed.len() < capacity {
                    slots.in_flight += 1;
                    break;
                }
                // When the oldest completion stops counting (just past `per`); with every slot
                // in flight, only a completion frees one.
                slots.completed.front().map(|&done| {
                    done.checked_add(per)
                        .and_then(|at| at.checked_add(Duration::from_millis(1)))
                })
            };
            match free_at {
                Some(Some(at)) => {
                    let _ = tokio::time::timeout_at(at, completed).await;
                }
                // A window too long to represent: only the caller's deadline ends the wait.
                Some(None) => std::future::pending::<()>().await,
                None => completed.await,
            }
        }
        // This process's slot is taken (and counts here whatever happens next): now the
        // replicas' one, still in turn, so one waiter per process asks the store.
        let mut permit = Permit {
            limiter: self,
            shared: None,
        };
        if let Some(shared) = &self.shared {
            let slot = unique_name();
            loop {
                let ask = shared
                    .store
                    .try_acquire(&shared.key, &slot, self.limit, shared.lease);
                match shared.guard.run(ask).await {
                    Some(Acquired::Granted) => {
                        permit.shared = Some(slot);
                        break;
                    }
                    Some(Acquired::Busy(Some(wait))) => {
                        tokio::time::sleep(wait.min(per).max(Duration::from_millis(1))).await;
                    }
                    Some(Acquired::Busy(None)) => tokio::time::sleep(SHARED_POLL).await,
                    // The store failed: this process's slot alone keeps the limit.
                    None => break,
                }
            }
        }
        permit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_burst_then_no_more_than_the_rate_in_any_window() {
        let limiter = Limiter::new(RateLimit {
            requests: 3,
            per: Duration::from_secs(3),
        });
        let start = Instant::now();
        let mut starts = Vec::new();
        for _ in 0..9 {
            drop(limiter.acquire().await);
            starts.push(start.elapsed());
        }
        assert_eq!(&starts[..3], [Duration::ZERO; 3], "a burst up to the limit");
        for window in starts.windows(4) {
            assert!(
                window[3] - window[0] > Duration::from_secs(3),
                "4 starts within one 3 s window: {starts:?}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_slot_is_held_until_its_request_completes_then_for_a_window() {
        let limiter = Limiter::new(RateLimit {
            requests: 2,
            per: Duration::from_secs(1),
        });
        let start = Instant::now();
        let slow = limiter.acquire().await;
        drop(limiter.acquire().await);
        // The slow request completes 5 s later: until then, and for a window after, it counts.
        let waiter = async {
            let permit = limiter.acquire().await;
            let at = start.elapsed();
            drop(permit);
            at
        };
        let release = async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            drop(slow);
        };
        let (at, ()) = futures_util::future::join(waiter, release).await;
        // The fast one completed at 0 s and stopped counting just past 1 s: one slot free then.
        assert!(
            at > Duration::from_secs(1) && at < Duration::from_secs(2),
            "{at:?}"
        );
        // At 5 s: the waiter's completion (~1 s) no longer counts, the slow one's does.
        let third = limiter.acquire().await;
        drop(third);
        // Two completions at 5 s count until just past 6 s.
        let fourth_at = {
            let permit = limiter.acquire().await;
            let at = start.elapsed();
            drop(permit);
            at
        };
        assert!(fourth_at > Duration::from_secs(6), "{fourth_at:?}");
    }

    #[test]
    fn clients_of_one_identity_share_a_limiter_and_the_registry_forgets_it() {
        let limit = RateLimit::per_minute(7);
        let a = Limiter::shared("unit-test-identity".into(), limit, None);
        let b = Limiter::shared("unit-test-identity".into(), limit, None);
        assert!(Arc::ptr_eq(&a, &b));
        let other = Limiter::shared("unit-test-other".into(), limit, None);
        assert!(!Arc::ptr_eq(&a, &other));
        let weak = Arc::downgrade(&a);
        drop((a, b));
        assert!(
            weak.upgrade().is_none(),
            "the registry holds no strong reference"
        );
    }
}
