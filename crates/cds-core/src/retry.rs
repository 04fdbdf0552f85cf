//! Retry policy: bounded exponential backoff with jitter (delays from the `backon` crate), and
//! the classifier that decides whether a failed attempt may be repeated.
//!
//! Reads (operations the spec declares `read: true`) are retried on connect errors, timeouts,
//! broken bodies, HTTP 429 and 5xx. Anything else is retried only when the request certainly
//! never reached the server (the connection could not be made), because a repeated create
//! could create twice. Every attempt is signed anew (fresh nonce and timestamp).

use backon::BackoffBuilder as _;
use std::time::Duration;

/// How often and how patiently to retry.
#[derive(Debug, Clone)]
pub struct RetryConfig {
    /// Total attempts, the first included (1 = no retries).
    pub max_attempts: u32,
    /// Delay before the first retry.
    pub initial_backoff: Duration,
    /// Upper bound of any delay.
    pub max_backoff: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl RetryConfig {
    /// No retries at all.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The delays between attempts (at most `max_attempts - 1` of them), jittered.
    pub fn delays(&self) -> impl Iterator<Item = Duration> {
        backon::ExponentialBuilder::default()
            .with_min_delay(self.initial_backoff)
            .with_max_delay(self.max_backoff)
            .with_factor(2.0)
            .with_jitter()
            .with_max_times(self.max_attempts.saturating_sub(1) as usize)
            .build()
    }
}

/// What happened in a failed attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The connection could not be made: the request never left.
    ConnectFailed,
    /// The attempt timed out (the request may have been processed).
    TimedOut,
    /// The connection broke while sending or receiving (the request may have been processed).
    Interrupted,
    /// The server answered with this HTTP status.
    Status(u16),
}

/// Decides whether a failed attempt may be repeated.
#[derive(Debug, Clone, Copy)]
pub struct Retry;

impl Retry {
    /// `read`: the operation is declared safe to repeat.
    pub fn should_retry(read: bool, failure: Failure) -> bool {
        match failure {
            Failure::ConnectFailed => true,
            Failure::TimedOut | Failure::Interrupted => read,
            Failure::Status(status) => read && (status == 429 || (500..=599).contains(&status)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_retry_transient_failures_writes_only_unsent_ones() {
        for f in [
            Failure::TimedOut,
            Failure::Interrupted,
            Failure::Status(503),
            Failure::Status(429),
        ] {
            assert!(Retry::should_retry(true, f), "{f:?}");
            assert!(!Retry::should_retry(false, f), "{f:?}");
        }
        assert!(Retry::should_retry(false, Failure::ConnectFailed));
        assert!(!Retry::should_retry(true, Failure::Status(400)));
    }

    #[test]
    fn delays_are_bounded() {
        let cfg = RetryConfig {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(40),
        };
        let delays: Vec<_> = cfg.delays().collect();
        assert_eq!(delays.len(), 4);
        // Jitter at most doubles a capped delay.
        assert!(
            delays.iter().all(|d| *d <= Duration::from_millis(80)),
            "{delays:?}"
        );
        assert_eq!(RetryConfig::disabled().delays().count(), 0);
    }
}
