//! When and how long to wait before sending a request again.

use std::time::{Duration, SystemTime};

use crate::error::Error;

/// Retries of throttled (429) and failed (500, 502, 503, 504, connection errors) calls.
///
/// Only methods the spec marks retry-safe (reads and queries) are retried. Waits grow
/// exponentially from `base_delay` up to `max_delay`, with jitter, and honour `Retry-After` when
/// Wix sends it; a `Retry-After` longer than `max_delay` ends the call at once (with the error,
/// whose [`ApiError::retry_after`](crate::ApiError::retry_after) says how long Wix asked for)
/// instead of waiting longer than `max_delay`. No call takes longer than `deadline` in all: each
/// attempt's timeout is cut to the time left, and a wait that would end past it is not started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: u32,
    /// The wait before the second attempt.
    pub base_delay: Duration,
    /// The longest wait between two attempts.
    pub max_delay: Duration,
    /// The longest a call may take, all attempts and waits included.
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(30),
            deadline: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is sent once.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The wait after the failed attempt number `attempt` (1-based): `Retry-After` when given,
    /// else exponential backoff with "equal jitter" (between half and all of the backoff).
    /// `None` when Wix asked for a wait longer than `max_delay`.
    pub(crate) fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if let Some(wait) = retry_after {
            return (wait <= self.max_delay).then_some(wait);
        }
        Some(self.backoff(attempt))
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
        let capped = exp.min(self.max_delay);
        let half = capped / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// The statuses worth another attempt.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// What to do after a failed attempt.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Worth another attempt (for a retry-safe method), after `retry_after` when Wix said so.
    Retry {
        /// `Retry-After`, when sent.
        retry_after: Option<Duration>,
    },
    /// The access token was rejected (401): renew it and send the request once more, whatever
    /// the method (the request was never processed).
    RenewToken,
    /// Final.
    Fail,
}

/// Classifies an attempt's failure: the one place that decides what is retried.
pub(crate) fn classify(error: &Error) -> Verdict {
    match error {
        Error::Api(api) if api.status == 401 => Verdict::RenewToken,
        Error::Api(api) if is_retryable_status(api.status) => Verdict::Retry {
            retry_after: api.retry_after,
        },
        Error::Transport { source, .. }
            if !(source.is_builder() || source.is_redirect() || source.is_status()) =>
        {
            Verdict::Retry { retry_after: None }
        }
        Error::Timeout { .. } => Verdict::Retry { retry_after: None },
        // A failed token renewal was already retried, within this call's deadline, by its own
        // loop; retrying the call would nest those retries.
        _ => Verdict::Fail,
    }
}

/// `Retry-After` is either delay-seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        // Any u64 is a valid Duration; callers compare it, never add it unchecked.
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            deadline: Duration::from_secs(60),
        };
        for _ in 0..100 {
            let first = policy.delay(1, None).unwrap();
            assert!((50..=100).contains(&first.as_millis()), "{first:?}");
            let third = policy.delay(3, None).unwrap();
            assert!((200..=400).contains(&third.as_millis()), "{third:?}");
            let tenth = policy.delay(10, None).unwrap();
            assert!((500..=1000).contains(&tenth.as_millis()), "{tenth:?}");
        }
    }

    #[test]
    fn retry_after_wins_over_backoff() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(7))),
            Some(Duration::from_secs(7))
        );
        assert_eq!(policy.delay(1, Some(Duration::from_secs(31))), None);
        assert_eq!(policy.delay(1, Some(Duration::MAX)), None);
    }

    #[test]
    fn retry_after_parses_seconds_and_dates() {
        let now = httpdate::parse_http_date("Tue, 24 Nov 2026 10:00:00 GMT").unwrap();
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Tue, 24 Nov 2026 10:00:05 GMT", now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            parse_retry_after("Tue, 24 Nov 2026 09:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
