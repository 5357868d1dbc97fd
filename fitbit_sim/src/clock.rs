//! The emulated clock: real time (or a frozen instant) plus whatever the tests advanced it by.
//! Token and code expiry, rate-limit windows and the Google 7-day refresh expiry all read it.

use std::sync::Mutex;

use chrono::{DateTime, TimeDelta, Utc};

/// A controllable clock, shared by all connection threads.
#[derive(Debug)]
pub struct Clock {
    frozen: Option<DateTime<Utc>>,
    advanced: Mutex<TimeDelta>,
}

impl Clock {
    /// `frozen = None` follows the real clock.
    pub fn new(frozen: Option<DateTime<Utc>>) -> Self {
        Clock {
            frozen,
            advanced: Mutex::new(TimeDelta::zero()),
        }
    }

    /// The emulated now.
    pub fn now(&self) -> DateTime<Utc> {
        let base = self.frozen.unwrap_or_else(Utc::now);
        let adv = self.advanced.lock().map(|a| *a).unwrap_or_default();
        base + adv
    }

    /// Move the clock forward.
    pub fn advance(&self, by: std::time::Duration) {
        let by = TimeDelta::from_std(by).unwrap_or(TimeDelta::MAX);
        if let Ok(mut a) = self.advanced.lock() {
            *a = a.checked_add(&by).unwrap_or(*a);
        }
    }
}

/// `std::time::Duration` as a chrono delta (saturating).
pub fn delta(d: std::time::Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frozen_clock_moves_only_when_advanced() {
        let t0 = DateTime::parse_from_rfc3339("2026-11-26T10:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .ok();
        let c = Clock::new(t0);
        assert_eq!(Some(c.now()), t0);
        c.advance(std::time::Duration::from_secs(90));
        assert_eq!(c.now().timestamp() - t0.map_or(0, |t| t.timestamp()), 90);
    }
}
