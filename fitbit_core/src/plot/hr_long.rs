//! Long heart-rate histories: daily mean with a min–max band.

use chrono::NaiveDate;
use plotters::prelude::*;

use super::axis::{consecutive_days, date_label};
use super::frame::{Frame, draw_run, line_key, padded_y_range};
use super::{HR_COLOR, Svg, plot_error};
use crate::record::HrSample;
use crate::{Error, Result};

/// Daily mean heart rate (line) with the daily min–max range as a shaded band, for months or
/// years of history. Each item is `(date, mean, min, max)` in bpm; days with a non-finite value
/// are skipped and a missing day breaks the line and band. Input need not be sorted.
///
/// Errors: [`Error::InvalidInput`] when there is no usable day; [`Error::Plot`].
pub fn hr_long(samples_per_day: &[(NaiveDate, f64, f64, f64)], title: &str) -> Result<Svg> {
    let mut days: Vec<(NaiveDate, f64, f64, f64)> = samples_per_day
        .iter()
        .copied()
        .filter(|&(_, mean, lo, hi)| mean.is_finite() && lo.is_finite() && hi.is_finite())
        .collect();
    days.sort_by_key(|d| d.0);
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return Err(Error::InvalidInput {
            what: "chart data: no days with heart-rate values".into(),
            hint: "pick a date range that has heart-rate data".into(),
        });
    };
    let (first, last) = (first.0, last.0);
    let x = |d: NaiveDate| (d - first).num_days() as f64;
    let x1 = x(last).max(1.0);
    let label = date_label(first);
    let frame = Frame {
        title,
        x: -0.5..x1 + 0.5,
        y: padded_y_range(
            days.iter().map(|d| d.2.min(d.1)),
            days.iter().map(|d| d.3.max(d.1)),
        ),
        x_labels: 8,
        x_label: &label,
        x_desc: None,
        y_desc: "heart rate (bpm)",
    };
    frame.render(|chart| {
        let index: Vec<(f64, f64)> = days.iter().map(|d| (x(d.0), d.1)).collect();
        let mut offset = 0;
        for (k, run) in consecutive_days(&index).into_iter().enumerate() {
            let span = &days[offset..offset + run.len()];
            offset += run.len();
            let band: Vec<(f64, f64)> = span
                .iter()
                .map(|d| (x(d.0), d.3))
                .chain(span.iter().rev().map(|d| (x(d.0), d.2)))
                .collect();
            let shaded = chart
                .draw_series(std::iter::once(Polygon::new(
                    band,
                    HR_COLOR.mix(0.2).filled(),
                )))
                .map_err(plot_error)?;
            if k == 0 {
                shaded.label("daily min–max").legend(|(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 20, y + 5)], HR_COLOR.mix(0.2).filled())
                });
            }
            let line = HR_COLOR.stroke_width(2);
            let drawn = draw_run(chart, run, line, 2, HR_COLOR.filled())?;
            if k == 0 {
                drawn.label("daily mean").legend(line_key(line));
            }
        }
        Ok(())
    })
}

/// Per local calendar day: `(date, mean, min, max)` bpm, ascending dates, for [`hr_long`].
///
/// ```
/// use fitbit_core::{HrSample, Timestamp, chrono::NaiveDate};
/// let at = |d, h, bpm| HrSample {
///     time: Timestamp::new(NaiveDate::from_ymd_opt(2026, 9, d).unwrap().and_hms_opt(h, 0, 0).unwrap(), None),
///     bpm,
///     confidence: None,
/// };
/// let days = fitbit_core::plot::daily_mean_min_max(&[at(2, 8, 70), at(1, 8, 60), at(1, 9, 80)]);
/// assert_eq!(days[0].1, 70.0);
/// assert_eq!((days[0].2, days[0].3), (60.0, 80.0));
/// assert_eq!(days.len(), 2);
/// ```
pub fn daily_mean_min_max(samples: &[HrSample]) -> Vec<(NaiveDate, f64, f64, f64)> {
    let mut per_day: std::collections::BTreeMap<NaiveDate, (f64, usize, f64, f64)> =
        std::collections::BTreeMap::new();
    for s in samples {
        let bpm = f64::from(s.bpm);
        let day = per_day.entry(s.time.local.date()).or_insert((
            0.0,
            0,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ));
        day.0 += bpm;
        day.1 += 1;
        day.2 = day.2.min(bpm);
        day.3 = day.3.max(bpm);
    }
    per_day
        .into_iter()
        .map(|(date, (sum, n, lo, hi))| (date, sum / n as f64, lo, hi))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_mean_and_band_and_breaks_at_missing_days() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 9, day).unwrap();
        let days = [
            (d(1), 70.0, 50.0, 120.0),
            (d(2), 72.0, 52.0, 130.0),
            (d(4), 69.0, 49.0, 110.0),
            (d(5), 71.0, 51.0, 125.0),
            (d(6), f64::NAN, 0.0, 0.0),
        ];
        let svg = hr_long(&days, "history").unwrap().0;
        assert!(svg.contains("<svg") && svg.contains("daily mean"));
        // Two runs → two bands.
        assert_eq!(svg.matches("<polygon").count(), 2);
    }

    #[test]
    fn empty_input_is_a_clear_error() {
        let err = hr_long(&[], "x").unwrap_err();
        assert!(
            err.to_string().contains("no days with heart-rate values"),
            "{err}"
        );
    }
}
