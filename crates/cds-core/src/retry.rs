//! Retry policy: which failures may be repeated, how long to wait before repeating (capped
//! exponential backoff with full jitter, `Retry-After`), how much retrying a client may do in
//! all (a token bucket, the retry quota) and how long one operation may take in all.
//!
//! Reads (operations the spec declares `read: true`) are retried on connect errors, timeouts,
//! broken bodies, HTTP 429 and 5xx. Anything else is retried only when the request certainly
//! never reached the server (the connection could not be made), because a repeated create
//! could create twice. Every attempt is signed anew (fresh nonce and timestamp).

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// How often and how patiently to retry.
///
/// Build it with [`RetryConfig::new`] (or `default()`) and the setters:
/// `RetryConfig::new().max_attempts(5).initial_backoff(Duration::from_millis(100))`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RetryConfig {
    /// Total attempts, the first included (1 = no retries). Default 3.
    pub max_attempts: u32,
    /// Cap of the delay before the first retry (doubling for each further retry). Default 200 ms.
    pub initial_backoff: Duration,
    /// Upper bound of any computed delay. Default 5 s.
    pub max_backoff: Duration,
    /// Seed of the jitter generator; `None` (the default) seeds every call randomly.
    pub jitter_seed: Option<u64>,
    /// Total time one operation may take, every attempt and every wait included. Default 120 s.
    pub operation_timeout: Option<Duration>,
    /// The retry quota; `None` disables it. Default: [`RetryQuotaConfig::default`].
    pub quota: Option<RetryQuotaConfig>,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            jitter_seed: None,
            operation_timeout: Some(Duration::from_secs(120)),
            quota: Some(RetryQuotaConfig::default()),
        }
    }
}

/// The largest extra wait a `Retry-After` header may add to the computed backoff.
pub const RETRY_AFTER_EXTRA: Duration = Duration::from_secs(5);

impl RetryConfig {
    /// The default policy (3 attempts, 200 ms → 5 s full-jitter backoff, 120 s per operation,
    /// retry quota on).
    pub fn new() -> Self {
        Self::default()
    }

    /// No retries at all.
    pub fn disabled() -> Self {
        Self::default().max_attempts(1)
    }

    /// Total attempts, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Cap of the first delay.
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// Upper bound of any computed delay.
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// Makes the jitter reproducible (tests).
    pub fn jitter_seed(mut self, seed: u64) -> Self {
        self.jitter_seed = Some(seed);
        self
    }

    /// Total time budget of one operation (`None`: only attempts bound it).
    pub fn operation_timeout(mut self, budget: Option<Duration>) -> Self {
        self.operation_timeout = budget;
        self
    }

    /// Retry quota settings (`None` disables the quota).
    pub fn quota(mut self, quota: Option<RetryQuotaConfig>) -> Self {
        self.quota = quota;
        self
    }

    /// The backoff schedule of one call.
    pub fn backoff(&self) -> Backoff {
        Backoff {
            rng: match self.jitter_seed {
                Some(seed) => fastrand::Rng::with_seed(seed),
                None => fastrand::Rng::new(),
            },
            initial: self.initial_backoff,
            max: self.max_backoff.max(self.initial_backoff),
            retries: 0,
        }
    }

    /// The delays between attempts (at most `max_attempts - 1` of them), jittered.
    pub fn delays(&self) -> impl Iterator<Item = Duration> {
        let mut backoff = self.backoff();
        (1..self.max_attempts).map(move |_| backoff.next_delay())
    }
}

/// Capped exponential backoff with full jitter: the n-th delay (from 0) is a uniformly random
/// fraction in [0, 1) of `min(max, initial × 2ⁿ)` (the "full jitter" of the AWS architecture
/// blog), so that clients that failed together do not retry together.
#[derive(Debug, Clone)]
pub struct Backoff {
    rng: fastrand::Rng,
    initial: Duration,
    max: Duration,
    retries: u32,
}

impl Backoff {
    /// The next delay.
    pub fn next_delay(&mut self) -> Duration {
        let factor = 2_u32.saturating_pow(self.retries.min(31));
        let cap = self.initial.saturating_mul(factor).min(self.max);
        self.retries = self.retries.saturating_add(1);
        cap.mul_f64(self.rng.f64())
    }
}

/// The server's wish about when to retry, from `Retry-After` (delta seconds or an HTTP date)
/// or the milliseconds variants `retry-after-ms` / `x-ms-retry-after-ms`.
pub fn retry_after(headers: &reqwest::header::HeaderMap, now: SystemTime) -> Option<Duration> {
    use reqwest::header::HeaderName;
    static MILLISECOND_HEADERS: [HeaderName; 2] = [
        HeaderName::from_static("retry-after-ms"),
        HeaderName::from_static("x-ms-retry-after-ms"),
    ];
    let text = |name: &HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    for name in &MILLISECOND_HEADERS {
        if let Some(ms) = text(name).and_then(|v| v.parse::<u64>().ok()) {
            return Some(Duration::from_millis(ms));
        }
    }
    let value = text(&reqwest::header::RETRY_AFTER)?;
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The wait before a retry: the computed `backoff`, or the server's `Retry-After` clamped to
/// [backoff, backoff + 5 s] (a server cannot make us retry sooner than our own schedule, nor
/// park us for minutes; the operation budget bounds it further).
pub fn retry_delay(backoff: Duration, retry_after: Option<Duration>) -> Duration {
    match retry_after {
        Some(wish) => wish.clamp(backoff, backoff.saturating_add(RETRY_AFTER_EXTRA)),
        None => backoff,
    }
}

/// Settings of the retry quota, a token bucket shared by every clone of a [`crate::Config`]:
/// a retry takes tokens, a success gives some back, and when the bucket is empty failures are
/// returned without retrying. The defaults are aws-sdk-rust's.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryQuotaConfig {
    /// Tokens in a full bucket (500).
    pub capacity: u32,
    /// Cost of a retry (5).
    pub retry_cost: u32,
    /// Cost of retrying after a timeout (10).
    pub timeout_retry_cost: u32,
    /// Tokens a success at the first attempt gives back (1).
    pub success_refund: u32,
}

impl Default for RetryQuotaConfig {
    fn default() -> Self {
        Self {
            capacity: 500,
            retry_cost: 5,
            timeout_retry_cost: 10,
            success_refund: 1,
        }
    }
}

impl RetryQuotaConfig {
    /// A bucket of `capacity` tokens with aws' costs.
    pub fn new(capacity: u32) -> Self {
        Self {
            capacity,
            ..Self::default()
        }
    }
}

/// The live token bucket of a retry quota.
#[derive(Debug)]
pub struct RetryQuota {
    config: RetryQuotaConfig,
    available: Mutex<u32>,
}

impl RetryQuota {
    /// A full bucket.
    pub fn new(config: RetryQuotaConfig) -> Self {
        Self {
            available: Mutex::new(config.capacity),
            config,
        }
    }

    fn tokens(&self) -> std::sync::MutexGuard<'_, u32> {
        self.available.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        *self.tokens()
    }

    /// Takes the cost of one retry after `failure`; `None` when the bucket cannot pay.
    pub fn acquire(&self, failure: Failure) -> Option<u32> {
        let cost = if failure == Failure::TimedOut {
            self.config.timeout_retry_cost
        } else {
            self.config.retry_cost
        };
        let mut tokens = self.tokens();
        if *tokens < cost {
            return None;
        }
        *tokens -= cost;
        Some(cost)
    }

    /// A call succeeded: gives back what its retries took (`spent`), or the success refund
    /// when it needed no retry.
    pub fn on_success(&self, spent: u32) {
        let refund = if spent == 0 {
            self.config.success_refund
        } else {
            spent
        };
        let mut tokens = self.tokens();
        *tokens = tokens.saturating_add(refund).min(self.config.capacity);
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
    /// `read`: the operation is declared safe to repeat. (The rule [`classify`] applies to
    /// transport failures and HTTP statuses.)
    pub fn should_retry(read: bool, failure: Failure) -> bool {
        match failure {
            Failure::ConnectFailed => true,
            Failure::TimedOut | Failure::Interrupted => read,
            Failure::Status(status) => read && is_transient_status(status),
        }
    }
}

/// 429 and every 5xx: the server could not serve the request now.
pub(crate) fn is_transient_status(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status)
}

/// What one attempt came to, with what [`classify`] needs to judge it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Outcome<'a> {
    /// The operation is declared safe to repeat (`read: true` in the spec).
    pub read: bool,
    /// What happened.
    pub event: Event<'a>,
    /// This call was already re-sent once for a clock-skew rejection.
    pub skew_resent: bool,
}

impl<'a> Outcome<'a> {
    /// `event` of an operation that is (`read`) or is not safe to repeat.
    pub fn new(read: bool, event: Event<'a>) -> Self {
        Self {
            read,
            event,
            skew_resent: false,
        }
    }

    /// Whether the call was already re-sent once for a clock-skew rejection.
    pub fn skew_resent(mut self, resent: bool) -> Self {
        self.skew_resent = resent;
        self
    }
}

/// The event of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event<'a> {
    /// No answer came: how it failed.
    Failed(Failure),
    /// An HTTP answer with this status, judged before its body is decoded; `retry_after` is
    /// the server's wish ([`retry_after`]).
    Status {
        /// HTTP status.
        status: u16,
        /// The server's `Retry-After`, if any.
        retry_after: Option<Duration>,
    },
    /// The body decoded to a failure result code.
    Service {
        /// The service's result code.
        code: &'a str,
        /// This answer's `Date` changed the learnt clock skew.
        skew_corrected: bool,
    },
    /// The call succeeded.
    Success,
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Return the attempt's result (success or error).
    Stop,
    /// Retry after a backoff (if attempts, quota and budget allow): the failure class prices
    /// the retry, `retry_after` is the server's wish.
    Backoff {
        /// What failed.
        failure: Failure,
        /// The server's wish, if any.
        retry_after: Option<Duration>,
    },
    /// Re-sign and send again at once, once: the server refused the timestamp before doing
    /// anything and told us its time.
    ResendNow,
}

/// [`classify`]'s judgement of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verdict {
    /// What to do next.
    pub decision: Decision,
    /// The answer said "throttled" (HTTP 429 or a throttling result code): an adaptive rate
    /// limit slows down.
    pub throttled: bool,
}

/// Every retry decision of the runtime, in one place:
/// - transport failures: a connection that could not be made is retried for every operation
///   (the request never left); timeouts and broken connections only for reads;
/// - HTTP 429 and 5xx: retried for reads, with the server's `Retry-After`;
/// - a result code about the timestamp (`…Timestamp…`, `TimeTooSkewed`) from an answer that
///   corrected the clock skew: re-sent at once, once, even for a write (refused unprocessed);
/// - a result code or HTTP status that says throttled marks the verdict `throttled`;
/// - everything else (4xx, other result codes, success) stops.
pub fn classify(outcome: &Outcome<'_>) -> Verdict {
    let stop = |throttled| Verdict {
        decision: Decision::Stop,
        throttled,
    };
    match outcome.event {
        Event::Failed(failure) => {
            if Retry::should_retry(outcome.read, failure) {
                Verdict {
                    decision: Decision::Backoff {
                        failure,
                        retry_after: None,
                    },
                    throttled: false,
                }
            } else {
                stop(false)
            }
        }
        Event::Status {
            status,
            retry_after,
        } => {
            let throttled = status == 429;
            if outcome.read && is_transient_status(status) {
                Verdict {
                    decision: Decision::Backoff {
                        failure: Failure::Status(status),
                        retry_after,
                    },
                    throttled,
                }
            } else {
                stop(throttled)
            }
        }
        Event::Service {
            code,
            skew_corrected,
        } => {
            let code = code.to_ascii_lowercase();
            let throttled = code.contains("throttl") || code.contains("toomanyrequests");
            let skew_rejected = code.contains("timestamp") || code.contains("timetooskewed");
            if skew_rejected && skew_corrected && !outcome.skew_resent {
                Verdict {
                    decision: Decision::ResendNow,
                    throttled,
                }
            } else {
                stop(throttled)
            }
        }
        Event::Success => stop(false),
    }
}

/// The retry state of one call: attempts made, its backoff schedule, the retry-quota tokens it
/// spent and its deadline. Says whether another attempt may start, and after which wait.
#[derive(Debug)]
pub struct Attempts {
    max_attempts: u32,
    made: u32,
    backoff: Backoff,
    spent: u32,
    deadline: Option<std::time::Instant>,
}

impl Attempts {
    /// A call under `config` starting at `started` (its deadline is the operation budget from
    /// there; a budget too large to represent means none).
    pub fn new(config: &RetryConfig, started: std::time::Instant) -> Self {
        Self {
            max_attempts: config.max_attempts.max(1),
            made: 0,
            backoff: config.backoff(),
            spent: 0,
            deadline: config
                .operation_timeout
                .and_then(|budget| crate::clock::deadline_after(started, budget)),
        }
    }

    /// Counts a new attempt and returns its number (from 1).
    pub fn start(&mut self) -> u32 {
        self.made = self.made.saturating_add(1);
        self.made
    }

    /// Attempts started so far.
    pub fn made(&self) -> u32 {
        self.made
    }

    /// Retry-quota tokens this call spent.
    pub fn spent(&self) -> u32 {
        self.spent
    }

    /// The time an attempt starting `now` may take: `per_attempt`, cut to what is left of the
    /// operation budget; `None` when the budget is spent.
    pub fn attempt_timeout(
        &self,
        per_attempt: Duration,
        now: std::time::Instant,
    ) -> Option<Duration> {
        match self.deadline {
            None => Some(per_attempt),
            Some(deadline) => {
                let left = deadline.saturating_duration_since(now);
                (!left.is_zero()).then(|| left.min(per_attempt))
            }
        }
    }

    /// The wait before retrying after `failure`, or `None` when the call must stop: attempts
    /// used up, the wait would overrun the budget, or the quota cannot pay.
    pub fn retry_wait(
        &mut self,
        failure: Failure,
        retry_after: Option<Duration>,
        now: std::time::Instant,
        quota: Option<&RetryQuota>,
    ) -> Option<Duration> {
        if self.made >= self.max_attempts {
            return None;
        }
        let delay = retry_delay(self.backoff.next_delay(), retry_after);
        if self
            .deadline
            .is_some_and(|d| crate::clock::would_reach(now, delay, d))
        {
            tracing::debug!(
                ?delay,
                "no retry: the wait would overrun the operation budget"
            );
            return None;
        }
        if let Some(quota) = quota {
            match quota.acquire(failure) {
                Some(cost) => self.spent = self.spent.saturating_add(cost),
                None => {
                    tracing::debug!("no retry: the retry quota is empty");
                    return None;
                }
            }
        }
        Some(delay)
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
        assert!(!Retry::should_retry(true, Failure::Status(307)));
    }

    fn decide(read: bool, event: Event<'_>) -> Verdict {
        classify(&Outcome::new(read, event))
    }

    fn backoff(failure: Failure, retry_after: Option<Duration>) -> Decision {
        Decision::Backoff {
            failure,
            retry_after,
        }
    }

    #[test]
    fn classify_retries_transport_failures_as_the_promises_say() {
        for read in [true, false] {
            assert_eq!(
                decide(read, Event::Failed(Failure::ConnectFailed)).decision,
                backoff(Failure::ConnectFailed, None),
                "a connection never made is retried (read {read})"
            );
        }
        for failure in [Failure::TimedOut, Failure::Interrupted] {
            assert_eq!(
                decide(true, Event::Failed(failure)).decision,
                backoff(failure, None)
            );
            assert_eq!(
                decide(false, Event::Failed(failure)).decision,
                Decision::Stop,
                "a write that may have arrived is not repeated"
            );
        }
    }

    #[test]
    fn classify_retries_429_and_5xx_for_reads_only_and_marks_429_throttled() {
        let wish = Some(Duration::from_secs(3));
        for status in [429_u16, 500, 502, 503, 599] {
            let event = Event::Status {
                status,
                retry_after: wish,
            };
            let read = decide(true, event);
            assert_eq!(read.decision, backoff(Failure::Status(status), wish));
            assert_eq!(read.throttled, status == 429, "{status}");
            let write = decide(false, event);
            assert_eq!(write.decision, Decision::Stop, "{status}");
            assert_eq!(write.throttled, status == 429, "{status}");
        }
        for status in [200_u16, 204, 400, 404, 428, 430, 499, 600] {
            let v = decide(
                true,
                Event::Status {
                    status,
                    retry_after: wish,
                },
            );
            assert_eq!(
                v,
                Verdict {
                    decision: Decision::Stop,
                    throttled: false
                },
                "{status}"
            );
        }
    }

    #[test]
    fn classify_resends_a_skew_rejection_once_and_marks_throttling_codes() {
        for code in [
            "InvalidTimeStamp.Expired",
            "RequestTimeTooSkewed",
            "TIMESTAMP",
        ] {
            let rejected = Event::Service {
                code,
                skew_corrected: true,
            };
            assert_eq!(
                decide(false, rejected).decision,
                Decision::ResendNow,
                "{code}"
            );
            assert_eq!(
                classify(&Outcome::new(false, rejected).skew_resent(true)).decision,
                Decision::Stop,
                "only once"
            );
            let uncorrected = Event::Service {
                code,
                skew_corrected: false,
            };
            assert_eq!(
                decide(true, uncorrected).decision,
                Decision::Stop,
                "no new time learnt: nothing to gain"
            );
        }
        for code in ["Throttling.User", "throttled", "TooManyRequests"] {
            let v = decide(
                true,
                Event::Service {
                    code,
                    skew_corrected: false,
                },
            );
            assert_eq!(
                v,
                Verdict {
                    decision: Decision::Stop,
                    throttled: true
                },
                "{code}"
            );
        }
        let plain = decide(
            true,
            Event::Service {
                code: "InstanceNotFound",
                skew_corrected: true,
            },
        );
        assert_eq!(
            plain,
            Verdict {
                decision: Decision::Stop,
                throttled: false
            }
        );
        assert_eq!(
            decide(true, Event::Success),
            Verdict {
                decision: Decision::Stop,
                throttled: false
            }
        );
    }

    #[test]
    fn attempts_stop_at_the_maximum_the_budget_and_the_quota() {
        let t0 = std::time::Instant::now();
        let cfg = RetryConfig::new()
            .max_attempts(3)
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(100))
            .operation_timeout(Some(Duration::from_secs(10)));
        let mut a = Attempts::new(&cfg, t0);
        assert_eq!(a.start(), 1);
        let wait = a
            .retry_wait(Failure::TimedOut, None, t0, None)
            .expect("a retry");
        assert!(wait < Duration::from_millis(100));
        assert_eq!(a.start(), 2);
        assert!(a.retry_wait(Failure::TimedOut, None, t0, None).is_some());
        assert_eq!(a.start(), 3);
        assert_eq!(
            a.retry_wait(Failure::TimedOut, None, t0, None),
            None,
            "3 made"
        );
        assert_eq!(a.made(), 3);

        // The budget: a wait that would reach the deadline is not taken.
        let mut a = Attempts::new(&cfg, t0);
        a.start();
        let late = t0 + Duration::from_millis(9_950);
        let wish = Some(Duration::from_millis(60));
        assert_eq!(a.retry_wait(Failure::Status(503), wish, late, None), None);
        // The last attempt's timeout is cut to what is left; none when nothing is.
        assert_eq!(
            a.attempt_timeout(Duration::from_secs(30), t0 + Duration::from_secs(4)),
            Some(Duration::from_secs(6))
        );
        assert_eq!(
            a.attempt_timeout(Duration::from_secs(2), t0),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            a.attempt_timeout(Duration::from_secs(30), t0 + Duration::from_secs(10)),
            None
        );

        // The quota pays per retry and the call remembers what it spent.
        let quota = RetryQuota::new(RetryQuotaConfig::new(14));
        let mut a = Attempts::new(&cfg.clone().max_attempts(10), t0);
        a.start();
        assert!(a
            .retry_wait(Failure::TimedOut, None, t0, Some(&quota))
            .is_some());
        a.start();
        assert_eq!(
            a.retry_wait(Failure::TimedOut, None, t0, Some(&quota)),
            None
        );
        assert!(a
            .retry_wait(Failure::Status(503), None, t0, Some(&quota))
            .is_none());
        assert_eq!(a.spent(), 10);
        assert_eq!(quota.available(), 4);
    }

    #[test]
    fn an_unrepresentable_budget_or_backoff_is_no_panic() {
        let t0 = std::time::Instant::now();
        let cfg = RetryConfig::new()
            .operation_timeout(Some(Duration::MAX))
            .max_backoff(Duration::MAX)
            .initial_backoff(Duration::MAX);
        let mut a = Attempts::new(&cfg, t0);
        a.start();
        assert_eq!(
            a.attempt_timeout(Duration::from_secs(30), t0),
            Some(Duration::from_secs(30)),
            "no deadline"
        );
        assert!(a
            .retry_wait(Failure::TimedOut, Some(Duration::MAX), t0, None)
            .is_some());
        assert_eq!(
            retry_delay(Duration::MAX, Some(Duration::MAX)),
            Duration::MAX
        );
    }

    #[test]
    fn delays_are_full_jitter_of_the_capped_exponential() {
        let cfg = RetryConfig::new()
            .max_attempts(6)
            .initial_backoff(Duration::from_millis(10))
            .max_backoff(Duration::from_millis(40));
        let delays: Vec<_> = cfg.delays().collect();
        assert_eq!(delays.len(), 5);
        let caps = [10, 20, 40, 40, 40];
        for (d, cap) in delays.iter().zip(caps) {
            assert!(*d < Duration::from_millis(cap), "{delays:?}");
        }
        assert_eq!(RetryConfig::disabled().delays().count(), 0);
    }

    #[test]
    fn unseeded_schedules_differ_and_seeded_ones_repeat() {
        let cfg = RetryConfig::new().max_attempts(4);
        let a: Vec<_> = cfg.delays().collect();
        let b: Vec<_> = cfg.delays().collect();
        assert_ne!(a, b, "two calls must not retry in lockstep");
        let seeded = cfg.jitter_seed(7);
        assert_eq!(
            seeded.delays().collect::<Vec<_>>(),
            seeded.delays().collect::<Vec<_>>()
        );
    }

    #[test]
    fn full_jitter_spreads_over_the_whole_range() {
        let cfg = RetryConfig::new()
            .max_attempts(2)
            .initial_backoff(Duration::from_millis(1000));
        let firsts: Vec<Duration> = (0..200).map(|_| cfg.delays().next().unwrap()).collect();
        let low = firsts.iter().filter(|d| d.as_millis() < 250).count();
        let high = firsts.iter().filter(|d| d.as_millis() >= 750).count();
        assert!(low > 10 && high > 10, "low {low}, high {high}");
    }

    #[test]
    fn retry_after_is_parsed_and_clamped() {
        use reqwest::header::{HeaderMap, HeaderValue};
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("2"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(2)));
        let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
        h.insert("retry-after", HeaderValue::from_str(&date).unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(30)));
        h.insert("retry-after-ms", HeaderValue::from_static("1500"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_millis(1500)));
        let b = Duration::from_millis(300);
        assert_eq!(
            retry_delay(b, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            retry_delay(b, Some(Duration::from_secs(60))),
            b + RETRY_AFTER_EXTRA
        );
        assert_eq!(retry_delay(b, Some(Duration::ZERO)), b);
        assert_eq!(retry_delay(b, None), b);
        let mut bad = HeaderMap::new();
        bad.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&bad, now), None);
    }

    #[test]
    fn quota_drains_then_refills() {
        let q = RetryQuota::new(RetryQuotaConfig::new(12));
        assert_eq!(q.acquire(Failure::Status(503)), Some(5));
        assert_eq!(q.acquire(Failure::Status(503)), Some(5));
        assert_eq!(q.acquire(Failure::Status(503)), None);
        assert_eq!(q.available(), 2);
        assert_eq!(q.acquire(Failure::TimedOut), None);
        q.on_success(0);
        assert_eq!(q.available(), 3);
        q.on_success(10);
        assert_eq!(q.available(), 12, "never above capacity");
    }
}
