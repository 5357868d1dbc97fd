//! Time axes and point reduction shared by the charts.

use chrono::{Duration, FixedOffset, NaiveDate, NaiveDateTime};

use crate::record::Timestamp;

/// A continuous time axis in hours since local midnight of the first sample's day.
///
/// When every sample has a UTC offset, positions come from UTC instants, so a DST fall-back
/// hour is drawn once after the other (never folded back) and a spring-forward day is one hour
/// shorter; tick labels still show local wall-clock time, using the offset in force there.
/// Without offsets, positions are local wall-clock times.
pub(super) struct TimeAxis {
    /// Instant (UTC or local, see `utc`) of x = 0.
    origin: NaiveDateTime,
    utc: bool,
    /// Where the UTC offset changes: (x, offset), ascending x.
    offsets: Vec<(f64, FixedOffset)>,
    /// Input indices in drawing order.
    pub(super) order: Vec<usize>,
    /// x of each sample, in drawing order.
    pub(super) xs: Vec<f64>,
}

const MS_PER_HOUR: f64 = 3_600_000.0;

impl TimeAxis {
    /// `times` must not be empty (checked by callers).
    pub(super) fn new(times: &[Timestamp]) -> Option<Self> {
        let utc = times.iter().all(|t| t.offset.is_some());
        let key = |t: &Timestamp| match (utc, t.utc()) {
            (true, Some(u)) => u.naive_utc(),
            _ => t.local,
        };
        let mut order: Vec<usize> = (0..times.len()).collect();
        order.sort_by_key(|&i| key(&times[i]));
        let first = times[*order.first()?];
        let midnight = first.local.date().and_hms_opt(0, 0, 0)?;
        let origin = match (utc, first.offset) {
            (true, Some(off)) => {
                midnight.checked_sub_signed(Duration::seconds(i64::from(off.local_minus_utc())))?
            }
            _ => midnight,
        };
        let xs: Vec<f64> = order
            .iter()
            .map(|&i| (key(&times[i]) - origin).num_milliseconds() as f64 / MS_PER_HOUR)
            .collect();
        let mut offsets: Vec<(f64, FixedOffset)> = Vec::new();
        for (&i, &x) in order.iter().zip(&xs) {
            if let Some(off) = times[i].offset
                && offsets.last().is_none_or(|&(_, last)| last != off)
            {
                offsets.push((x, off));
            }
        }
        Some(TimeAxis {
            origin,
            utc,
            offsets,
            order,
            xs,
        })
    }

    /// The x range to draw: at least the whole day 0..24 h, widened to fit every sample.
    pub(super) fn range(&self) -> (f64, f64) {
        let first = self.xs.first().copied().unwrap_or(0.0);
        let last = self.xs.last().copied().unwrap_or(24.0);
        (first.min(0.0), last.max(24.0))
    }

    /// Local wall-clock `HH:MM` at position `x` (empty if out of chrono's range).
    pub(super) fn label(&self, x: f64) -> String {
        let millis = (x * MS_PER_HOUR).round() as i64;
        let offset = if self.utc {
            let i = self.offsets.partition_point(|&(ox, _)| ox <= x);
            let nearest = self.offsets.get(i.saturating_sub(1)).map(|&(_, off)| off);
            nearest.map_or(0, |off| i64::from(off.local_minus_utc()) * 1000)
        } else {
            0
        };
        Duration::try_milliseconds(millis.saturating_add(offset))
            .and_then(|d| self.origin.checked_add_signed(d))
            .map(|local| local.format("%H:%M").to_string())
            .unwrap_or_default()
    }
}

/// Splits points (ascending x) into runs wherever consecutive x differ by more than `max_gap`.
pub(super) fn split_at_gaps(points: &[(f64, f64)], max_gap: f64) -> Vec<&[(f64, f64)]> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..points.len() {
        if points[i].0 - points[i - 1].0 > max_gap {
            runs.push(&points[start..i]);
            start = i;
        }
    }
    if start < points.len() {
        runs.push(&points[start..]);
    }
    runs
}

/// Keeps the minimum and maximum y of each `width`-wide x bucket (in their original order), so
/// the drawn line keeps every peak and trough with at most two points per bucket.
pub(super) fn min_max_buckets(points: &[(f64, f64)], x0: f64, width: f64) -> Vec<(f64, f64)> {
    if width.is_nan() || width <= 0.0 {
        return points.to_vec();
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < points.len() {
        let bucket = ((points[i].0 - x0) / width).floor();
        let (mut lo, mut hi) = (i, i);
        let mut j = i + 1;
        while j < points.len() && ((points[j].0 - x0) / width).floor() == bucket {
            if points[j].1 < points[lo].1 {
                lo = j;
            }
            if points[j].1 > points[hi].1 {
                hi = j;
            }
            j += 1;
        }
        let (a, b) = (lo.min(hi), lo.max(hi));
        out.push(points[a]);
        if b != a {
            out.push(points[b]);
        }
        i = j;
    }
    out
}

/// Tick labels for a day-number axis (x = days since `first`): `YYYY-MM-DD` at whole,
/// non-negative days, nothing in between.
pub(super) fn date_label(first: NaiveDate) -> impl Fn(&f64) -> String {
    move |v: &f64| {
        if (v - v.round()).abs() < 1e-6 && *v >= 0.0 {
            Duration::try_days(v.round() as i64)
                .and_then(|d| first.checked_add_signed(d))
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        } else {
            String::new()
        }
    }
}

/// Splits dated values (ascending day numbers) into runs of consecutive days.
pub(super) fn consecutive_days(points: &[(f64, f64)]) -> Vec<&[(f64, f64)]> {
    split_at_gaps(points, 1.0 + 1e-9)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn gaps_split_runs() {
        let pts = [(0.0, 1.0), (1.0, 1.0), (5.0, 1.0), (6.0, 1.0)];
        let runs = split_at_gaps(&pts, 2.0);
        assert_eq!(runs, vec![&pts[..2], &pts[2..]]);
    }

    #[test]
    fn buckets_keep_extremes_and_bound_the_count() {
        let pts: Vec<(f64, f64)> = (0..86_400)
            .map(|i| (f64::from(i) / 3600.0, f64::from(60 + (i * 7919) % 50)))
            .collect();
        let out = min_max_buckets(&pts, 0.0, 24.0 / 1000.0);
        assert!(out.len() <= 2000, "{}", out.len());
        let max = out.iter().map(|p| p.1).fold(f64::MIN, f64::max);
        let min = out.iter().map(|p| p.1).fold(f64::MAX, f64::min);
        assert_eq!((min, max), (60.0, 109.0));
    }

    #[test]
    fn date_labels_only_at_whole_days() {
        let label = date_label(NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
        assert_eq!(label(&0.0), "2026-09-30");
        assert_eq!(label(&2.0), "2026-10-02");
        assert_eq!(label(&0.5), "");
        assert_eq!(label(&-1.0), "");
    }

    #[test]
    fn dst_fall_back_is_continuous_with_local_labels() {
        let at = |h, m| {
            NaiveDate::from_ymd_opt(2026, 10, 25)
                .and_then(|d| d.and_hms_opt(h, m, 0))
                .unwrap()
        };
        let off = |h| FixedOffset::east_opt(h * 3600);
        let times = [
            Timestamp::new(at(2, 30), off(1)), // the later 02:30
            Timestamp::new(at(2, 30), off(2)),
            Timestamp::new(at(0, 0), off(2)),
        ];
        let axis = TimeAxis::new(&times).unwrap();
        assert_eq!(axis.order, vec![2, 1, 0]);
        assert_eq!(axis.xs, vec![0.0, 2.5, 3.5]);
        assert_eq!(axis.label(2.5), "02:30");
        assert_eq!(axis.label(3.5), "02:30");
        assert_eq!(axis.label(24.0), "23:00");
    }
}
