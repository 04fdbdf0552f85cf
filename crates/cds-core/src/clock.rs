//! Time as the runtime sees it: a monotonic clock for deadlines and sleeps, the wall clock for
//! signed timestamps, and the correction for a server whose clock differs from ours.
//!
//! [`SystemClock`] is the default. [`FakeClock`] makes retry, rate-limit and waiter schedules
//! run in microseconds and reproducibly: its `sleep` returns at once and advances its `now`,
//! and it records every sleep it was asked for. Timeouts (connect, attempt, operation, a
//! waiter's poll) run on [`Clock::timer`]: a fake clock's timers fire when its time is moved
//! past them ([`FakeClock::advance`]), so a test decides when a hung request times out.
//!
//! Time arithmetic never panics: a deadline too far away to represent is no deadline
//! ([`deadline_after`]), and a server's `Date` more than a day away is ignored ([`Skew`]).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
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
    /// A timer for a timeout: completes once `duration` of this clock's time has passed,
    /// without moving time itself. The default is [`Clock::sleep`], right for any clock that
    /// follows real time; a fake clock fires it when its time is advanced past it.
    fn timer(&self, duration: Duration) -> Sleep {
        self.sleep(duration)
    }
}

/// A timeout ran out ([`timeout`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed;

/// Runs `future` for at most `duration` of `clock`'s time. The future is polled first, so one
/// that is ready wins over a timer that has fired at the same moment.
pub async fn timeout<F: Future>(
    clock: &dyn Clock,
    duration: Duration,
    future: F,
) -> Result<F::Output, Elapsed> {
    let future = std::pin::pin!(future);
    let timer = clock.timer(duration);
    match futures_util::future::select(future, timer).await {
        futures_util::future::Either::Left((output, _)) => Ok(output),
        futures_util::future::Either::Right(((), _)) => Err(Elapsed),
    }
}

/// `start + budget`, or `None` when that instant cannot be represented: a budget too large to
/// represent means "no deadline", never a panic.
pub fn deadline_after(start: Instant, budget: Duration) -> Option<Instant> {
    start.checked_add(budget)
}

/// Whether waiting `wait` from `now` would reach `deadline` (an unrepresentable end reaches
/// every deadline).
pub fn would_reach(now: Instant, wait: Duration, deadline: Instant) -> bool {
    now.checked_add(wait).is_none_or(|end| end >= deadline)
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

/// The furthest a [`FakeClock`] moves from its start: far enough for any schedule, near enough
/// that adding it to an `Instant` or a `SystemTime` can never overflow.
const FAKE_HORIZON: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

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
    /// Pending timers: id, when each fires (elapsed time) and who waits for it.
    timers: Vec<(u64, Duration, Waker)>,
    /// The next timer id.
    next_timer: u64,
}

impl FakeState {
    /// Moves time forward by `by` and wakes the timers that are due.
    fn advance(&mut self, by: Duration) {
        self.elapsed = self.elapsed.saturating_add(by).min(FAKE_HORIZON);
        let now = self.elapsed;
        self.timers.retain(|(_, due, waker)| {
            let fired = *due <= now;
            if fired {
                waker.wake_by_ref();
            }
            !fired
        });
    }
}

/// A [`FakeClock`] timer: ready once the clock's elapsed time reaches `due`.
struct FakeTimer {
    clock: FakeClock,
    id: u64,
    due: Duration,
}

impl Future for FakeTimer {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut s = self.clock.state();
        s.timers.retain(|(id, _, _)| *id != self.id);
        if s.elapsed >= self.due {
            return Poll::Ready(());
        }
        s.timers.push((self.id, self.due, cx.waker().clone()));
        Poll::Pending
    }
}

impl Drop for FakeTimer {
    fn drop(&mut self) {
        let id = self.id;
        self.clock
            .state()
            .timers
            .retain(|(timer, _, _)| *timer != id);
    }
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
                timers: Vec::new(),
                next_timer: 0,
            })),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, FakeState> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Moves time forward without a recorded sleep (firing the timers that fall due).
    pub fn advance(&self, by: Duration) {
        self.state().advance(by);
    }

    /// Live timers waiting for this clock's time to move (timeouts in progress).
    pub fn pending_timers(&self) -> usize {
        self.state().timers.len()
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
        s.start.checked_add(s.elapsed).unwrap_or(s.start)
    }
    fn system_now(&self) -> SystemTime {
        let s = self.state();
        s.wall_start.checked_add(s.elapsed).unwrap_or(s.wall_start)
    }
    fn sleep(&self, duration: Duration) -> Sleep {
        {
            let mut s = self.state();
            s.advance(duration);
            s.sleeps.push(duration);
        }
        Box::pin(tokio::task::yield_now())
    }
    fn timer(&self, duration: Duration) -> Sleep {
        let (id, due) = {
            let mut s = self.state();
            s.next_timer += 1;
            (s.next_timer, s.elapsed.saturating_add(duration))
        };
        Box::pin(FakeTimer {
            clock: self.clone(),
            id,
            due,
        })
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

/// Differences beyond this (one day) are not a skewed clock but a broken or hostile `Date`
/// header: they are ignored (with a warning), so a server cannot move our timestamps to the
/// year 9999 or before 1970.
pub const MAX_SKEW_SECS: i64 = 24 * 3600;

impl Skew {
    /// The correction currently applied (server minus local), in seconds.
    pub fn seconds(&self) -> i64 {
        self.seconds.load(Ordering::Relaxed)
    }

    /// Records the server's `Date` (an HTTP date) seen at local time `local`. Returns whether
    /// the correction changed. A date more than [`MAX_SKEW_SECS`] away is ignored.
    pub fn observe(&self, date_header: &str, local: SystemTime) -> bool {
        let Ok(server) = httpdate::parse_http_date(date_header) else {
            return false;
        };
        let diff = match server.duration_since(local) {
            Ok(ahead) => i64::try_from(ahead.as_secs()).unwrap_or(i64::MAX),
            Err(behind) => i64::try_from(behind.duration().as_secs()).map_or(i64::MIN, |s| -s),
        };
        if diff.unsigned_abs() > MAX_SKEW_SECS.unsigned_abs() {
            tracing::warn!(
                date = date_header,
                "ignoring a server Date more than a day away from the local clock"
            );
            return false;
        }
        let new = if diff.abs() <= SKEW_NOISE_SECS {
            0
        } else {
            diff
        };
        self.seconds.swap(new, Ordering::Relaxed) != new
    }

    /// `local` corrected by the skew (`local` itself if the correction cannot be represented).
    pub fn apply(&self, local: SystemTime) -> SystemTime {
        let s = self.seconds();
        let by = Duration::from_secs(s.unsigned_abs());
        let corrected = if s >= 0 {
            local.checked_add(by)
        } else {
            local.checked_sub(by)
        };
        corrected.unwrap_or(local)
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

    #[tokio::test]
    async fn fake_timers_fire_when_time_is_moved_past_them() {
        let c = FakeClock::new();
        let slow = std::future::pending::<()>();
        let racing = {
            let c = c.clone();
            tokio::spawn(async move { timeout(&c, Duration::from_secs(30), slow).await })
        };
        while c.pending_timers() == 0 {
            tokio::task::yield_now().await;
        }
        c.advance(Duration::from_secs(29));
        tokio::task::yield_now().await;
        assert!(!racing.is_finished(), "not due yet");
        c.advance(Duration::from_secs(1));
        assert_eq!(racing.await.expect("joins"), Err(Elapsed));
        assert_eq!(c.pending_timers(), 0);
        // A ready future wins; the timer does not move time.
        assert_eq!(timeout(&c, Duration::ZERO, async { 7 }).await, Ok(7));
        assert_eq!(c.elapsed(), Duration::from_secs(30));
    }

    #[tokio::test]
    async fn fake_time_saturates_instead_of_overflowing() {
        let c = FakeClock::new();
        c.sleep(Duration::MAX).await;
        c.advance(Duration::MAX);
        assert_eq!(c.elapsed(), FAKE_HORIZON);
        assert!(c.now() > Instant::now());
        assert!(c.system_now() > SystemTime::now());
        // A timer that can never fire does not panic either.
        let never = timeout(&c, Duration::MAX, std::future::pending::<()>());
        assert!(tokio::time::timeout(Duration::from_millis(20), never)
            .await
            .is_err());
    }

    #[test]
    fn deadlines_too_far_away_are_no_deadlines() {
        let now = Instant::now();
        assert_eq!(deadline_after(now, Duration::MAX), None);
        assert_eq!(
            deadline_after(now, Duration::from_secs(1)),
            Some(now + Duration::from_secs(1))
        );
        let d = now + Duration::from_secs(10);
        assert!(would_reach(now, Duration::MAX, d));
        assert!(would_reach(now, Duration::from_secs(10), d));
        assert!(!would_reach(now, Duration::from_secs(9), d));
    }

    #[test]
    fn an_absurd_date_is_ignored_and_apply_never_panics() {
        let skew = Skew::default();
        let local = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert!(!skew.observe("Fri, 31 Dec 9999 23:59:59 GMT", local));
        assert!(!skew.observe("Thu, 01 Jan 1970 00:00:00 GMT", local));
        assert_eq!(skew.seconds(), 0);
        // At the bound: a day is a skew, a day and a second is not.
        let day = httpdate::fmt_http_date(local + Duration::from_secs(86_400));
        assert!(skew.observe(&day, local));
        assert_eq!(skew.seconds(), 86_400);
        let beyond = httpdate::fmt_http_date(local - Duration::from_secs(86_401));
        assert!(!skew.observe(&beyond, local));
        assert_eq!(skew.seconds(), 86_400, "kept");
        // Applied before 1970 it gives a time no timestamp can show: the signer then refuses
        // it (and the client falls back to the local clock) instead of panicking.
        let skew = Skew::default();
        skew.observe(
            &httpdate::fmt_http_date(local - Duration::from_secs(3600)),
            local,
        );
        let early = skew.apply(SystemTime::UNIX_EPOCH);
        assert_eq!(early, SystemTime::UNIX_EPOCH - Duration::from_secs(3600));
        assert_eq!(crate::sign::timestamp_of(early), None);
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
