//! Optional client-side rate limiting: a token bucket per product line, shared by every clone
//! of a [`crate::Config`], so that many tasks using one configuration stay inside an API's
//! request quota instead of collecting throttling errors.
//!
//! Off by default. In adaptive mode the rate halves on each throttling answer (HTTP 429 or a
//! result code that says throttled) down to a sixteenth of the configured rate, and recovers
//! by 5 % of the configured rate with each success (additive increase, multiplicative
//! decrease, like TCP and aws' adaptive retry mode).

use crate::clock::Clock;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A rate limit: sustained requests per second and the burst allowed above it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct RateLimit {
    /// Sustained requests per second (> 0).
    pub per_second: f64,
    /// Requests that may be sent at once after a quiet period (≥ 1).
    pub burst: u32,
    /// Slow down on throttling answers, recover on successes.
    pub adaptive: bool,
}

impl RateLimit {
    /// `per_second` sustained (at least 0.01), `burst` at once (at least 1).
    pub fn new(per_second: f64, burst: u32) -> Self {
        Self {
            per_second: if per_second.is_finite() {
                per_second.max(0.01)
            } else {
                1.0
            },
            burst: burst.max(1),
            adaptive: false,
        }
    }

    /// Turns adaptive mode on or off.
    pub fn adaptive(mut self, adaptive: bool) -> Self {
        self.adaptive = adaptive;
        self
    }
}

#[derive(Debug)]
struct Bucket {
    limit: RateLimit,
    rate: f64,
    tokens: f64,
    last: Instant,
}

impl Bucket {
    fn refill(&mut self, now: Instant) {
        let dt = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + dt * self.rate).min(f64::from(self.limit.burst));
        self.last = now;
    }
}

/// The longest a request waits for one token: bounds the wait when a rate was set to
/// something unusable (zero, NaN) through the public fields.
const MAX_TOKEN_WAIT: Duration = Duration::from_secs(60);

/// How long until a bucket holding `tokens` refills to one at `rate` tokens per second (at
/// least 1 ms, at most [`MAX_TOKEN_WAIT`]).
fn refill_wait(tokens: f64, rate: f64) -> Duration {
    let seconds = ((1.0 - tokens) / rate).max(0.001);
    Duration::try_from_secs_f64(seconds).map_or(MAX_TOKEN_WAIT, |d| d.min(MAX_TOKEN_WAIT))
}

/// The rate limits of a configuration and their live buckets.
#[derive(Debug, Default)]
pub struct RateLimiters {
    default: Option<RateLimit>,
    per_line: HashMap<String, RateLimit>,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiters {
    /// Limits: `default` for every line, overridden by `per_line` (keyed by product name).
    pub fn new(default: Option<RateLimit>, per_line: HashMap<String, RateLimit>) -> Self {
        Self {
            default,
            per_line,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Whether any line is limited: when none is, a call touches neither lock nor map.
    fn any(&self) -> bool {
        self.default.is_some() || !self.per_line.is_empty()
    }

    fn limit_of(&self, line: &str) -> Option<RateLimit> {
        self.per_line.get(line).copied().or(self.default)
    }

    fn buckets(&self) -> std::sync::MutexGuard<'_, HashMap<String, Bucket>> {
        self.buckets.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until `line` may send one request.
    pub async fn acquire(&self, clock: &dyn Clock, line: &str) {
        let Some(limit) = self.limit_of(line) else {
            return;
        };
        loop {
            let wait = {
                let now = clock.now();
                let mut buckets = self.buckets();
                let bucket = buckets.entry(line.to_string()).or_insert_with(|| Bucket {
                    limit,
                    rate: limit.per_second,
                    tokens: f64::from(limit.burst),
                    last: now,
                });
                bucket.refill(now);
                if bucket.tokens >= 1.0 {
                    bucket.tokens -= 1.0;
                    return;
                }
                refill_wait(bucket.tokens, bucket.rate)
            };
            clock.sleep(wait).await;
        }
    }

    /// An answer of `line` said "throttled".
    pub fn on_throttled(&self, line: &str) {
        if !self.any() {
            return;
        }
        if let Some(bucket) = self.buckets().get_mut(line) {
            if bucket.limit.adaptive {
                let floor = bucket.limit.per_second / 16.0;
                bucket.rate = (bucket.rate / 2.0).max(floor);
            }
        }
    }

    /// An answer of `line` succeeded.
    pub fn on_success(&self, line: &str) {
        if !self.any() {
            return;
        }
        if let Some(bucket) = self.buckets().get_mut(line) {
            if bucket.limit.adaptive {
                let max = bucket.limit.per_second;
                bucket.rate = (bucket.rate + max * 0.05).min(max);
            }
        }
    }

    /// The current rate of `line` (requests per second), if limited and used.
    pub fn current_rate(&self, line: &str) -> Option<f64> {
        self.buckets().get(line).map(|b| b.rate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FakeClock;

    #[tokio::test]
    async fn burst_then_sustained_rate() {
        let clock = FakeClock::new();
        let limits = RateLimiters::new(Some(RateLimit::new(10.0, 3)), HashMap::new());
        for _ in 0..3 {
            limits.acquire(&clock, "ccs").await;
        }
        assert!(clock.sleeps().is_empty(), "the burst goes at once");
        for _ in 0..10 {
            limits.acquire(&clock, "ccs").await;
        }
        let waited = clock.elapsed();
        assert!(
            waited >= Duration::from_millis(990) && waited <= Duration::from_millis(1100),
            "{waited:?}"
        );
        // Another line is not limited.
        let before = clock.sleeps().len();
        limits.acquire(&clock, "other").await;
        assert_eq!(clock.sleeps().len(), before);
    }

    #[tokio::test]
    async fn adaptive_mode_halves_and_recovers() {
        let clock = FakeClock::new();
        let limits = RateLimiters::new(
            None,
            HashMap::from([("gcw".to_string(), RateLimit::new(8.0, 1).adaptive(true))]),
        );
        limits.acquire(&clock, "gcw").await;
        limits.on_throttled("gcw");
        assert_eq!(limits.current_rate("gcw"), Some(4.0));
        for _ in 0..10 {
            limits.on_throttled("gcw");
        }
        assert_eq!(limits.current_rate("gcw"), Some(0.5), "floor is rate/16");
        for _ in 0..100 {
            limits.on_success("gcw");
        }
        assert_eq!(limits.current_rate("gcw"), Some(8.0));
    }
}
