//! Nightly HRV: daily and deep-sleep RMSSD across nights.

use chrono::NaiveDate;
use plotters::prelude::*;

use super::axis::{consecutive_days, date_label};
use super::frame::{Frame, padded_y_range};
use super::{HR_COLOR, REST_COLOR, Svg, plot_error};
use crate::record::DailyHrv;
use crate::{Error, Result};

/// `daily_rmssd` and `deep_rmssd` across nights (lines with points) with a legend. Nights
/// without a value are skipped; a missing night breaks the line. Input need not be sorted.
///
/// Errors: [`Error::InvalidInput`] when no night has an RMSSD value; [`Error::Plot`].
pub fn hrv_nights(days: &[DailyHrv], title: &str) -> Result<Svg> {
    let mut days: Vec<&DailyHrv> = days.iter().collect();
    days.sort_by_key(|d| d.date);
    let series = |get: fn(&DailyHrv) -> Option<f64>| -> Vec<(NaiveDate, f64)> {
        days.iter()
            .filter_map(|d| get(d).filter(|v| v.is_finite()).map(|v| (d.date, v)))
            .collect()
    };
    let daily = series(|d| d.daily_rmssd);
    let deep = series(|d| d.deep_rmssd);
    let dated: Vec<(NaiveDate, f64)> = daily.iter().chain(&deep).copied().collect();
    let (Some(first), Some(last)) = (
        dated.iter().map(|p| p.0).min(),
        dated.iter().map(|p| p.0).max(),
    ) else {
        return Err(Error::InvalidInput {
            what: "chart data: no HRV values for these nights".into(),
            hint: "HRV needs a night of sleep with the watch on; pick a range that has HRV data"
                .into(),
        });
    };
    let x = |d: NaiveDate| (d - first).num_days() as f64;
    let x1 = x(last).max(1.0);
    let values = dated.iter().map(|p| p.1);
    let label = date_label(first);
    let frame = Frame {
        title,
        x: -0.5..x1 + 0.5,
        y: padded_y_range(values.clone(), values),
        x_labels: 10.min(x1 as usize + 1),
        x_label: &label,
        x_desc: Some("night (date the sleep ended)"),
        y_desc: "RMSSD (ms)",
    };
    frame.render(|chart| {
        for (name, values, color) in [
            ("daily RMSSD", &daily, REST_COLOR),
            ("deep-sleep RMSSD", &deep, HR_COLOR),
        ] {
            if values.is_empty() {
                continue;
            }
            let points: Vec<(f64, f64)> = values.iter().map(|&(d, v)| (x(d), v)).collect();
            for run in consecutive_days(&points) {
                chart
                    .draw_series(LineSeries::new(run.iter().copied(), color.stroke_width(2)))
                    .map_err(plot_error)?;
            }
            chart
                .draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))
                .map_err(plot_error)?
                .label(name)
                .legend(move |(x, y)| Circle::new((x + 10, y), 3, color.filled()));
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn night(day: u32, daily: Option<f64>, deep: Option<f64>) -> DailyHrv {
        DailyHrv {
            date: NaiveDate::from_ymd_opt(2026, 9, day).unwrap(),
            daily_rmssd: daily,
            deep_rmssd: deep,
            ..Default::default()
        }
    }

    #[test]
    fn draws_both_series_with_legend_and_skips_nulls() {
        let nights = [
            night(3, Some(31.0), None),
            night(1, Some(29.2), Some(35.1)),
            night(2, None, Some(33.0)),
        ];
        let svg = hrv_nights(&nights, "HRV").unwrap().0;
        assert!(svg.contains("<svg"));
        assert!(svg.contains("daily RMSSD") && svg.contains("deep-sleep RMSSD"));
        assert!(svg.contains("2026-09-01"));
        // 2 daily points + 2 deep points + 2 legend markers.
        assert_eq!(svg.matches("<circle").count(), 6);
    }

    #[test]
    fn no_values_is_a_clear_error() {
        let err = hrv_nights(&[night(1, None, None)], "x").unwrap_err();
        assert!(err.to_string().contains("no HRV values"), "{err}");
        assert!(hrv_nights(&[], "x").is_err());
    }
}
