//! Fixed-window rate limits: Fitbit 150 per user per clock hour (resets at the top of the hour,
//! docs/fitbit-web-api.md §5.1), Google 300 per user per minute and 120,000 per project per
//! minute (docs/google-health-api.md §5.1).

use std::collections::HashMap;

/// Result of counting one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub allowed: bool,
    pub limit: u32,
    /// Calls left in the window after this one.
    pub remaining: u32,
    /// Seconds until the window resets.
    pub reset_in: i64,
    /// Requests this key made in the window so far, refused ones included (what a client sent,
    /// not what it got).
    pub attempts: u32,
}

/// Counters of one kind of window, keyed by user (or by project).
#[derive(Debug, Default)]
pub struct Windows {
    /// key → (window, allowed, attempts).
    used: HashMap<String, (i64, u32, u32)>,
}

impl Windows {
    /// Count one request of `user` at unix time `now` in windows of `window_secs` seconds aligned
    /// to the epoch (so hourly windows start at the top of each hour).
    pub fn hit(&mut self, user: &str, now: i64, window_secs: i64, limit: u32) -> Verdict {
        let window = now.div_euclid(window_secs);
        let reset_in = window_secs - now.rem_euclid(window_secs);
        let entry = match self.used.get_mut(user) {
            Some(e) => e,
            None => self.used.entry(user.to_string()).or_insert((window, 0, 0)),
        };
        if entry.0 != window {
            *entry = (window, 0, 0);
        }
        entry.2 += 1;
        if entry.1 >= limit {
            return Verdict {
                allowed: false,
                limit,
                remaining: 0,
                reset_in,
                attempts: entry.2,
            };
        }
        entry.1 += 1;
        Verdict {
            allowed: true,
            limit,
            remaining: limit - entry.1,
            reset_in,
            attempts: entry.2,
        }
    }

    /// Give back an allowed request of `user` (another limit refused it after this one let it
    /// through); it still counts as an attempt.
    pub fn undo(&mut self, user: &str) {
        if let Some(e) = self.used.get_mut(user) {
            e.1 = e.1.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hourly_window_resets_at_the_top_of_the_hour() {
        let mut w = Windows::default();
        let t = 1_795_000_000 - 1_795_000_000 % 3600 + 3000; // 50 min past an hour
        for i in 0..3 {
            let v = w.hit("u", t, 3600, 3);
            assert!(v.allowed);
            assert_eq!(v.remaining, 2 - i);
            assert_eq!(v.reset_in, 600);
        }
        let refused = w.hit("u", t + 599, 3600, 3);
        assert!(!refused.allowed);
        assert_eq!(refused.attempts, 4);
        w.undo("u");
        assert!(w.hit("u", t + 599, 3600, 3).allowed, "undo gives one back");
        assert!(!w.hit("u", t + 599, 3600, 3).allowed);
        assert!(w.hit("other", t, 3600, 3).allowed);
        let v = w.hit("u", t + 600, 3600, 3);
        assert!(v.allowed);
        assert_eq!((v.remaining, v.reset_in), (2, 3600));
    }
}
