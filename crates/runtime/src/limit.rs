//! [`RateLimit`]: how many requests a client may send in a window (the limiter that holds it is
//! `rate_limit.rs`; a shared store takes it too).

use std::time::Duration;

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
