//! Staying within quotas instead of running into 429s: a [`Pacer`] spaces requests so that no
//! window of its length holds more than its limit (a sliding window, which also keeps every
//! fixed window the server may count in within the limit), and a [`Budget`] stops a run after a
//! number of requests (`--max-requests`, for cron).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A monotonic clock: the time since some fixed origin. Tests substitute one that moves only
/// when their sleeper sleeps.
pub trait Clock: Send + Sync {
    /// The time since the clock's origin.
    fn now(&self) -> Duration;
}

/// The real monotonic clock.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock(Instant);

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock(Instant::now())
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }
}

/// At most `limit` requests in any `window`. Shared (behind an `Arc`) by every client that
/// draws on the same quota: one user's requests, or a whole project's.
///
/// ```
/// use std::time::Duration;
/// use fitbit_core::http::Pacer;
/// let p = Pacer::new("test", 2, Duration::from_secs(60));
/// assert_eq!(p.reserve(), Duration::ZERO);
/// assert_eq!(p.reserve(), Duration::ZERO);
/// assert!(p.reserve() > Duration::from_secs(59), "the third waits for the window");
/// ```
pub struct Pacer {
    name: String,
    limit: u32,
    window: Duration,
    clock: Box<dyn Clock>,
    sent: Mutex<VecDeque<Duration>>,
}

impl std::fmt::Debug for Pacer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pacer")
            .field("name", &self.name)
            .field("limit", &self.limit)
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

impl Pacer {
    /// `limit` requests per `window` on the real clock; `name` says which quota in messages.
    pub fn new(name: impl Into<String>, limit: u32, window: Duration) -> Pacer {
        Pacer::with_clock(name, limit, window, SystemClock::default())
    }

    /// The same on another clock.
    pub fn with_clock(
        name: impl Into<String>,
        limit: u32,
        window: Duration,
        clock: impl Clock + 'static,
    ) -> Pacer {
        Pacer {
            name: name.into(),
            limit: limit.max(1),
            window,
            clock: Box::new(clock),
            sent: Mutex::new(VecDeque::new()),
        }
    }

    /// The quota this pacer keeps, for messages: `300 requests/minute per user`.
    pub fn describe(&self) -> String {
        let per = match self.window.as_secs() {
            60 => "minute".to_string(),
            3600 => "hour".to_string(),
            s => format!("{s} s"),
        };
        format!("{} requests/{per} {}", self.limit, self.name)
    }

    /// Requests allowed per window.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// The window.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// The time added to the window before a slot is reused: 1/60 of the window, at most 1 s.
    fn margin(&self) -> Duration {
        (self.window / 60).min(Duration::from_secs(1))
    }

    /// Claims the next slot and returns how long to wait before sending in it.
    pub fn reserve(&self) -> Duration {
        let now = self.clock.now();
        let mut sent = self.sent.lock().unwrap_or_else(|e| e.into_inner());
        while sent
            .front()
            .is_some_and(|t| now.saturating_sub(*t) >= self.window + self.margin())
        {
            sent.pop_front();
        }
        let at = if sent.len() >= self.limit as usize {
            // The slot frees when the oldest of the last `limit` leaves the window, plus a
            // margin: the server counts a request when it arrives, and network jitter can bring
            // the new one in sooner after the oldest than they were sent. Measured: a year of
            // Google data at 300/min drew one 429 in 3,170 requests without it.
            let oldest = sent[sent.len() - self.limit as usize];
            (oldest + self.window + self.margin()).max(now)
        } else {
            now
        };
        sent.push_back(at);
        while sent.len() > self.limit as usize {
            sent.pop_front();
        }
        at - now
    }
}

/// A number of requests a run may send; shared by the clients of one run.
#[derive(Debug)]
pub struct Budget {
    limit: u64,
    spent: AtomicU64,
}

impl Budget {
    /// At most `limit` requests.
    pub fn new(limit: u64) -> Budget {
        Budget {
            limit,
            spent: AtomicU64::new(0),
        }
    }

    /// Takes one request from the budget; false when it is spent.
    pub fn take(&self) -> bool {
        self.spent
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |s| {
                (s < self.limit).then_some(s + 1)
            })
            .is_ok()
    }

    /// Requests taken so far.
    pub fn spent(&self) -> u64 {
        self.spent.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[derive(Clone, Default)]
    struct FakeClock(Arc<Mutex<Duration>>);
    impl Clock for FakeClock {
        fn now(&self) -> Duration {
            *self.0.lock().unwrap()
        }
    }

    #[test]
    fn never_more_than_the_limit_in_any_window() {
        let clock = FakeClock::default();
        let p = Pacer::with_clock("per user", 300, Duration::from_secs(60), clock.clone());
        let mut sends = Vec::new();
        for i in 0..1000u64 {
            let wait = p.reserve();
            *clock.0.lock().unwrap() += wait;
            sends.push(clock.now());
            // Some work between requests.
            *clock.0.lock().unwrap() += Duration::from_millis(7 * (i % 5));
        }
        for (i, t) in sends.iter().enumerate() {
            let in_window = sends[i..]
                .iter()
                .take_while(|u| **u - *t < Duration::from_secs(60))
                .count();
            assert!(
                in_window <= 300,
                "{in_window} requests within 60 s from request {i}"
            );
        }
        // And no slower than needed: 1000 requests take a little over 3 windows.
        let total = *sends.last().unwrap();
        assert!(
            total >= Duration::from_secs(180) && total < Duration::from_secs(185),
            "{total:?}"
        );
    }

    #[test]
    fn budget_stops_at_its_limit() {
        let b = Budget::new(2);
        assert!(b.take() && b.take());
        assert!(!b.take());
        assert_eq!(b.spent(), 2);
    }
}
