//! Time as the runtime sees it: a monotonic clock for deadlines and sleeps, the wall clock for
//! signed timestamps, and the correction for a server whose clock differs from ours.
//!
//! [`SystemClock`] is the default. [`FakeClock`] makes retry, rate-limit and waiter schedules
//! run in microseconds and reproducibly: its `sleep` returns at once and advances its `now`,
//! and it records every sleep it was asked for.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// A boxed sleep.
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The runtime's source of time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Monotonic now, for deadlines.
    fn now(&self) -> Instant;
    /// Wall-clock now, for signed timestamps (before skew correction).
    fn system_now(&self) -> SystemTime;
    /// Waits `duration`.
    fn sleep(&self, duration: Duration) -> Sleep;
}

/// The real clock (tokio timers).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
    fn system_now(&self) -> SystemTime {
        SystemTime::now()
    }
    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock for tests: sleeping returns at once and moves time forward; every sleep is recorded.
#[derive(Debug, Clone)]
pub struct FakeClock {
    inner: Arc<Mutex<FakeState>>,
}

#[derive(Debug)]
struct FakeState {
    start: Instant,
    wall_start: SystemTime,
    elapsed: Duration,
    sleeps: Vec<Duration>,
}

impl Default for FakeClock {
    fn default() -> Self {
        Self::new()
    }
}

impl FakeClock {
    /// A fake clock starting at the real current time.
    pub fn new() -> Self {
        Self {
            inner: Arc::new(Mutex::new(FakeState {
                start: Instant::now(),
                wall_start: SystemTime::now(),
                elapsed: Duration::ZERO,
                sleeps: Vec::new(),
            })),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, FakeState> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Moves time forward without a recorded sleep.
    pub fn advance(&self, by: Duration) {
        self.state().elapsed += by;
    }

    /// Every sleep requested so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.state().sleeps.clone()
    }

    /// Time elapsed on this clock.
    pub fn elapsed(&self) -> Duration {
        self.state().elapsed
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Instant {
        let s = self.state();
        s.start + s.elapsed
    }
    fn system_now(&self) -> SystemTime {
        let s = self.state();
        s.wall_start + s.elapsed
    }
    fn sleep(&self, duration: Duration) -> Sleep {
        {
            let mut s = self.state();
            s.elapsed += duration;
            s.sleeps.push(duration);
        }
        Box::pin(tokio::task::yield_now())
    }
}

/// Difference between the servers' clock and ours, learnt from the `Date` header of answers and
/// added to every signed `Timestamp`. Shared by every clone of a [`crate::Config`].
#[derive(Debug, Default)]
pub struct Skew {
    seconds: AtomicI64,
}

/// Differences below this are noise (`Date` has a resolution of one second, and the answer
/// took time to arrive); they are not applied.
const SKEW_NOISE_SECS: i64 = 2;

impl Skew {
    /// The correction currently applied (server minus local), in seconds.
    pub fn seconds(&self) -> i64 {
        self.seconds.load(Ordering::Relaxed)
    }

    /// Records the server's `Date` (an HTTP date) seen at local time `local`. Returns whether
    /// the correction changed.
    pub fn observe(&self, date_header: &str, local: SystemTime) -> bool {
        let Ok(server) = httpdate::parse_http_date(date_header) else {
            return false;
        };
        let diff = match server.duration_since(local) {
            Ok(ahead) => i64::try_from(ahead.as_secs()).unwrap_or(i64::MAX),
            Err(behind) => -i64::try_from(behind.duration().as_secs()).unwrap_or(i64::MAX),
        };
        let new = if diff.abs() <= SKEW_NOISE_SECS {
            0
        } else {
            diff
        };
        self.seconds.swap(new, Ordering::Relaxed) != new
    }

    /// `local` corrected by the skew.
    pub fn apply(&self, local: SystemTime) -> SystemTime {
        let s = self.seconds();
        if s >= 0 {
            local + Duration::from_secs(s.unsigned_abs())
        } else {
            local - Duration::from_secs(s.unsigned_abs())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn fake_clock_advances_on_sleep_and_records() {
        let c = FakeClock::new();
        let t0 = c.now();
        c.sleep(Duration::from_secs(3)).await;
        c.advance(Duration::from_secs(1));
        assert_eq!(c.now() - t0, Duration::from_secs(4));
        assert_eq!(c.sleeps(), vec![Duration::from_secs(3)]);
    }

    #[test]
    fn skew_is_measured_both_ways_and_ignores_noise() {
        let skew = Skew::default();
        let local = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let ahead = httpdate::fmt_http_date(local + Duration::from_secs(900));
        assert!(skew.observe(&ahead, local));
        assert_eq!(skew.seconds(), 900);
        assert_eq!(skew.apply(local), local + Duration::from_secs(900));
        let behind = httpdate::fmt_http_date(local - Duration::from_secs(600));
        skew.observe(&behind, local);
        assert_eq!(skew.seconds(), -600);
        let close = httpdate::fmt_http_date(local + Duration::from_secs(1));
        skew.observe(&close, local);
        assert_eq!(skew.seconds(), 0);
        assert!(!skew.observe("not a date", local));
    }
}
