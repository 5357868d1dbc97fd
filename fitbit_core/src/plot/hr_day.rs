//! One day of heart rate: a line across the local day with the resting rate as a dashed line.

use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::axis::{TimeAxis, min_max_buckets, split_at_gaps};
use super::frame::{Frame, draw_run, line_key, padded_y_range};
use super::{HR_COLOR, REST_COLOR, Svg, plot_error};
use crate::record::HrSample;
use crate::{Error, Result};

/// No samples for more than this long break the line (hours).
const GAP_HOURS: f64 = 5.0 / 60.0;
/// Buckets across the x range; each keeps at most its min and max, so ≤ 2000 drawn points.
const BUCKETS: f64 = 1000.0;

/// Heart rate across the (local) day: x local time, y bpm, a dashed horizontal line at the
/// resting heart rate (when given and finite) with a legend.
///
/// Gaps of more than 5 minutes without samples break the line. Any number of samples
/// (86,400 at 1 s) is reduced to at most ~2000 drawn points by keeping each time bucket's
/// minimum and maximum, so peaks survive and the SVG stays small. Samples need not be sorted.
/// On a DST change day the axis follows the real elapsed time and labels show local time.
///
/// Errors: [`Error::InvalidInput`] when `samples` is empty; [`Error::Plot`] if drawing fails.
pub fn hr_day(samples: &[HrSample], resting_bpm: Option<f64>, title: &str) -> Result<Svg> {
    let no_samples = || Error::InvalidInput {
        what: "chart data: no heart-rate samples for this day".into(),
        hint: "check the date (the device must have synced that day) and fetch or import it first"
            .into(),
    };
    let times: Vec<_> = samples.iter().map(|s| s.time).collect();
    let axis = TimeAxis::new(&times).ok_or_else(no_samples)?;
    let points: Vec<(f64, f64)> = axis
        .order
        .iter()
        .zip(&axis.xs)
        .map(|(&i, &x)| (x, f64::from(samples[i].bpm)))
        .collect();
    let resting = resting_bpm.filter(|r| r.is_finite());

    let (x0, x1) = axis.range();
    let width = (x1 - x0) / BUCKETS;
    let runs: Vec<Vec<(f64, f64)>> = split_at_gaps(&points, GAP_HOURS)
        .into_iter()
        .map(|run| min_max_buckets(run, x0, width))
        .collect();

    let bpm = points.iter().map(|p| p.1).chain(resting);
    let label = |x: &f64| axis.label(*x);
    let frame = Frame {
        title,
        x: x0..x1,
        y: padded_y_range(bpm.clone(), bpm),
        x_labels: 13,
        x_label: &label,
        x_desc: Some("local time"),
        y_desc: "heart rate (bpm)",
    };
    frame.render(|chart| {
        let line = HR_COLOR.stroke_width(1);
        for (k, run) in runs.iter().enumerate() {
            let drawn = draw_run(chart, run, line, 1, line.filled())?;
            if k == 0 {
                drawn
                    .label("heart rate")
                    .legend(line_key(HR_COLOR.stroke_width(2)));
            }
        }
        if let Some(r) = resting {
            let dashed = REST_COLOR.stroke_width(2);
            chart
                .draw_series(DashedLineSeries::new(vec![(x0, r), (x1, r)], 8, 5, dashed))
                .map_err(plot_error)?
                .label(format!("resting HR {r:.0} bpm"))
                .legend(move |(x, y)| {
                    DashedPathElement::new(vec![(x, y), (x + 20, y)], 5, 3, dashed)
                });
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Timestamp;
    use chrono::{Duration, NaiveDate};

    fn day(seconds: impl Iterator<Item = i64>) -> Vec<HrSample> {
        let midnight = NaiveDate::from_ymd_opt(2026, 9, 25)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap();
        seconds
            .map(|s| HrSample {
                time: Timestamp::new(midnight + Duration::seconds(s), None),
                bpm: 55 + (s % 40) as u16,
                confidence: None,
            })
            .collect()
    }

    #[test]
    fn draws_the_line_and_the_resting_line_with_legend() {
        let svg = hr_day(&day(0..3600), Some(58.0), "HR <today>").unwrap().0;
        assert!(svg.contains("<svg"));
        assert!(svg.contains("#1F77B4"), "resting line colour");
        assert!(svg.contains("resting HR 58 bpm"));
        assert!(svg.contains("heart rate"));
        assert!(svg.contains("HR &lt;today&gt;"), "title escaped");
        assert!(!svg.contains("<today>"));
    }

    #[test]
    fn no_resting_line_without_resting_rate() {
        let svg = hr_day(&day(0..600), None, "x").unwrap().0;
        assert!(!svg.contains("resting"));
        assert!(!svg.contains("#1F77B4"));
    }

    #[test]
    fn a_full_day_at_one_second_stays_small() {
        let svg = hr_day(&day(0..86_400), Some(60.0), "full day").unwrap().0;
        // 86,400 points would be megabytes; ≤ ~2000 points stay well under 200 kB.
        assert!(svg.len() < 200_000, "{} bytes", svg.len());
    }

    #[test]
    fn gaps_break_the_line() {
        let one = hr_day(&day(0..1200), None, "x").unwrap().0;
        let two = hr_day(&day((0..600).chain(1200..1800)), None, "x")
            .unwrap()
            .0;
        assert_eq!(
            one.matches("<polyline").count() + 1,
            two.matches("<polyline").count()
        );
    }

    #[test]
    fn empty_input_is_a_clear_error() {
        let err = hr_day(&[], Some(60.0), "x").unwrap_err();
        assert!(err.to_string().contains("no heart-rate samples"), "{err}");
    }
}
