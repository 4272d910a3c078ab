//! A client-side rate limit, so an app stays under Wix's throttle instead of collecting 429s.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// How many requests a client may send in a window. One client serves one app instance (one set
/// of credentials), so the limit is per instance, as Wix's is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests per window.
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

/// A token bucket holding up to `requests` tokens, refilled evenly over `per`.
pub(crate) struct Limiter {
    limit: RateLimit,
    state: Mutex<Bucket>,
}

struct Bucket {
    tokens: f64,
    last: Instant,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Limiter {
            limit,
            state: Mutex::new(Bucket {
                tokens: f64::from(limit.requests),
                last: Instant::now(),
            }),
        }
    }

    /// Waits until a request may be sent. Waiters queue fairly on the mutex.
    pub(crate) async fn acquire(&self) {
        let capacity = f64::from(self.limit.requests.max(1));
        let per_token = self.limit.per.as_secs_f64() / capacity;
        let mut bucket = self.state.lock().await;
        loop {
            let now = Instant::now();
            let refill = now.duration_since(bucket.last).as_secs_f64() / per_token;
            bucket.tokens = (bucket.tokens + refill).min(capacity);
            bucket.last = now;
            if bucket.tokens >= 1.0 {
                bucket.tokens -= 1.0;
                return;
            }
            let wait = (1.0 - bucket.tokens) * per_token;
            tokio::time::sleep(Duration::from_secs_f64(wait)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn bucket_lets_a_burst_through_then_spaces_requests() {
        let limiter = Limiter::new(RateLimit {
            requests: 3,
            per: Duration::from_secs(3),
        });
        let start = Instant::now();
        for _ in 0..3 {
            limiter.acquire().await;
        }
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "a full bucket lets a burst through"
        );
        limiter.acquire().await;
        limiter.acquire().await;
        let elapsed = start.elapsed().as_secs_f64();
        assert!(
            (1.99..2.1).contains(&elapsed),
            "then one per second: {elapsed}"
        );
    }
}
