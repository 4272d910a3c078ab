//! A client-side rate limit, so an app stays under Wix's throttle instead of collecting 429s.
//!
//! The limit holds over every sliding window: at most `requests` requests start in any span of
//! `per`, the first window included (a token bucket or GCRA, `governor`'s algorithm, lets a full
//! burst through and then the refill, up to about twice the rate in one window). It keeps the
//! start times of the last `requests` requests: a request may start when the oldest of them is
//! `per` old.
//!
//! Wix counts its limit per app instance, so clients for the same identity (app id + instance
//! id, API key + site or account, or access token) share one limiter: a process-wide registry
//! keyed by that identity and the configured [`RateLimit`] holds weak references (an entry lives
//! as long as a client uses it). [`SharedRateLimit`] shares one limiter explicitly, whatever the
//! credentials.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex as StdMutex, OnceLock, Weak};
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// How many requests a client may send in a window. Clients for the same app instance (the same
/// credentials identity) share it, as Wix's limit is per instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// Requests per window (0 counts as 1).
    pub requests: u32,
    /// The window.
    pub per: Duration,
}

impl RateLimit {
    /// `requests` per minute.
    pub const fn per_minute(requests: u32) -> Self {
        RateLimit {
            requests,
            per: Duration::from_secs(60),
        }
    }
}

impl Default for RateLimit {
    /// Wix's documented limit: about 200 requests per minute per app instance.
    fn default() -> Self {
        RateLimit::per_minute(200)
    }
}

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

/// A sliding-window log: the start times of the last `requests` requests.
pub(crate) struct Limiter {
    limit: RateLimit,
    sent: Mutex<VecDeque<Instant>>,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Limiter {
            limit,
            sent: Mutex::new(VecDeque::new()),
        }
    }

    /// The limiter shared by every client of `identity` with this `limit`.
    pub(crate) fn shared(identity: String, limit: RateLimit) -> Arc<Limiter> {
        type Registry = StdMutex<HashMap<(String, RateLimit), Weak<Limiter>>>;
        static REGISTRY: OnceLock<Registry> = OnceLock::new();
        let registry = REGISTRY.get_or_init(Registry::default);
        // A poisoned lock only means another thread panicked while holding it; the map is
        // still consistent (every operation on it is a single insert or retain).
        let mut map = registry
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = (identity, limit);
        if let Some(limiter) = map.get(&key).and_then(Weak::upgrade) {
            return limiter;
        }
        map.retain(|_, weak| weak.strong_count() > 0);
        let limiter = Arc::new(Limiter::new(limit));
        map.insert(key, Arc::downgrade(&limiter));
        limiter
    }

    /// Waits until a request may start. Waiters queue fairly (FIFO) on the mutex.
    pub(crate) async fn acquire(&self) {
        let capacity = self.limit.requests.max(1) as usize;
        let per = self.limit.per;
        let mut sent = self.sent.lock().await;
        loop {
            let now = Instant::now();
            while sent
                .front()
                .is_some_and(|&start| now.saturating_duration_since(start) >= per)
            {
                sent.pop_front();
            }
            if sent.len() < capacity {
                sent.push_back(now);
                return;
            }
            let Some(&oldest) = sent.front() else {
                continue;
            };
            match oldest.checked_add(per) {
                Some(free) => tokio::time::sleep_until(free).await,
                // A window too long to represent: nothing more may start (the caller's deadline
                // bounds the wait).
                None => std::future::pending::<()>().await,
            }
        }
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
            limiter.acquire().await;
            starts.push(start.elapsed());
        }
        assert_eq!(&starts[..3], [Duration::ZERO; 3], "a burst up to the limit");
        for window in starts.windows(4) {
            assert!(
                window[3] - window[0] >= Duration::from_secs(3),
                "4 starts within one 3 s window: {starts:?}"
            );
        }
    }

    #[test]
    fn clients_of_one_identity_share_a_limiter_and_the_registry_forgets_it() {
        let limit = RateLimit::per_minute(7);
        let a = Limiter::shared("unit-test-identity".into(), limit);
        let b = Limiter::shared("unit-test-identity".into(), limit);
        assert!(Arc::ptr_eq(&a, &b));
        let other = Limiter::shared("unit-test-other".into(), limit);
        assert!(!Arc::ptr_eq(&a, &other));
        let weak = Arc::downgrade(&a);
        drop((a, b));
        assert!(
            weak.upgrade().is_none(),
            "the registry holds no strong reference"
        );
    }
}
