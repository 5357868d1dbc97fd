//! How complete a day of heart rate is: sample count, first/last sample, gaps.

use chrono::NaiveDateTime;

use crate::record::{HrSample, Timestamp};

/// Gaps longer than this (seconds) count in [`Coverage::gaps`] (the charts break lines there).
pub const GAP_SECONDS: i64 = 5 * 60;

/// Completeness of a series of heart-rate samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// Number of samples.
    pub samples: usize,
    /// Earliest sample (by UTC instant when every sample has an offset, else by local time).
    pub first: Option<Timestamp>,
    /// Latest sample.
    pub last: Option<Timestamp>,
    /// The longest stretch without samples: (last sample before, first sample after, seconds).
    pub longest_gap: Option<(Timestamp, Timestamp, i64)>,
    /// How many stretches without samples last longer than [`GAP_SECONDS`].
    pub gaps: usize,
}

/// Sample count, first/last sample and gaps of `samples` (need not be sorted).
///
/// ```
/// use fitbit_core::{HrSample, Timestamp, chrono::{Duration, NaiveDate}};
/// let t0 = NaiveDate::from_ymd_opt(2026, 9, 25).unwrap().and_hms_opt(8, 0, 0).unwrap();
/// let at = |s| HrSample { time: Timestamp::new(t0 + Duration::seconds(s), None), bpm: 60, confidence: None };
/// let c = fitbit_core::table::hr_coverage(&[at(0), at(5), at(905), at(910)]);
/// assert_eq!((c.samples, c.gaps, c.longest_gap.map(|g| g.2)), (4, 1, Some(900)));
/// assert_eq!(c.to_string(), "4 samples, 2026-09-25 08:00:00 to 2026-09-25 08:15:10; 1 gap over 5 min, longest 15 min 0 s from 08:00:05");
/// ```
pub fn hr_coverage(samples: &[HrSample]) -> Coverage {
    let utc = samples.iter().all(|s| s.time.offset.is_some());
    let key = |t: &Timestamp| -> NaiveDateTime {
        match (utc, t.utc()) {
            (true, Some(u)) => u.naive_utc(),
            _ => t.local,
        }
    };
    let mut times: Vec<Timestamp> = samples.iter().map(|s| s.time).collect();
    times.sort_by_key(|t| key(t));
    let mut longest_gap: Option<(Timestamp, Timestamp, i64)> = None;
    let mut gaps = 0;
    for pair in times.windows(2) {
        let seconds = (key(&pair[1]) - key(&pair[0])).num_seconds();
        if seconds > GAP_SECONDS {
            gaps += 1;
        }
        if longest_gap.is_none_or(|(_, _, longest)| seconds > longest) {
            longest_gap = Some((pair[0], pair[1], seconds));
        }
    }
    Coverage {
        samples: times.len(),
        first: times.first().copied(),
        last: times.last().copied(),
        longest_gap,
        gaps,
    }
}

impl std::fmt::Display for Coverage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (Some(first), Some(last)) = (self.first, self.last) else {
            return f.write_str("no samples");
        };
        write!(
            f,
            "{} samples, {} to {}; {} gap{} over 5 min",
            self.samples,
            first.local.format("%Y-%m-%d %H:%M:%S"),
            last.local.format("%Y-%m-%d %H:%M:%S"),
            self.gaps,
            if self.gaps == 1 { "" } else { "s" }
        )?;
        if let Some((from, _, seconds)) = self.longest_gap {
            write!(
                f,
                ", longest {} min {} s from {}",
                seconds / 60,
                seconds % 60,
                from.local.format("%H:%M:%S")
            )?;
        }
        Ok(())
    }
}
