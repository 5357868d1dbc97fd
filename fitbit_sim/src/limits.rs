//! Per-user fixed-window rate limits: Fitbit 150 per clock hour (resets at the top of the hour,
//! docs/fitbit-web-api.md §5.1), Google 300 per minute (docs/google-health-api.md §5.1).

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
}

/// Counters of one kind of window, keyed by user.
#[derive(Debug, Default)]
pub struct Windows {
    used: HashMap<String, (i64, u32)>,
}

impl Windows {
    /// Count one request of `user` at unix time `now` in windows of `window_secs` seconds aligned
    /// to the epoch (so hourly windows start at the top of each hour).
    pub fn hit(&mut self, user: &str, now: i64, window_secs: i64, limit: u32) -> Verdict {
        let window = now.div_euclid(window_secs);
        let reset_in = window_secs - now.rem_euclid(window_secs);
        let entry = self.used.entry(user.to_string()).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        if entry.1 >= limit {
            return Verdict {
                allowed: false,
                limit,
                remaining: 0,
                reset_in,
            };
        }
        entry.1 += 1;
        Verdict {
            allowed: true,
            limit,
            remaining: limit - entry.1,
            reset_in,
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
        assert!(!w.hit("u", t + 599, 3600, 3).allowed);
        assert!(w.hit("other", t, 3600, 3).allowed);
        let v = w.hit("u", t + 600, 3600, 3);
        assert!(v.allowed);
        assert_eq!((v.remaining, v.reset_in), (2, 3600));
    }
}
