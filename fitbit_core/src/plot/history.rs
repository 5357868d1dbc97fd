//! History charts from the daily tables of [`crate::store::summary`] (or any frame with the
//! same columns): the heart-rate band, a daily value with its rolling mean, and coverage grids.

use chrono::{Datelike, Duration, NaiveDate};
use plotters::prelude::*;
use polars::prelude::{DataFrame, DataType};

use super::axis::{consecutive_days, date_label};
use super::frame::{Frame, draw_run, line_key, padded_y_range};
use super::{REST_COLOR, Svg, hr_long, plot_error};
use crate::{Error, Result};

fn dates(df: &DataFrame) -> Result<Vec<Option<NaiveDate>>> {
    Ok(crate::table::date_column(df)?
        .into_iter()
        .map(Some)
        .collect())
}

use crate::table::float_column as floats;

/// The daily min–mean–max heart-rate band of a `daily_band` frame (`date`, `min`, `mean`,
/// `max`), as [`hr_long`] draws it.
pub fn hr_band(band: &DataFrame, title: &str) -> Result<Svg> {
    let (d, lo, mean, hi) = (
        dates(band)?,
        floats(band, "min")?,
        floats(band, "mean")?,
        floats(band, "max")?,
    );
    let days: Vec<_> = (0..band.height())
        .filter_map(|i| Some((d[i]?, mean[i]?, lo[i]?, hi[i]?)))
        .collect();
    hr_long(&days, title)
}

/// A daily value (`value`, dots) with its trend (`trend`, e.g. the column
/// `rolling_mean` added, a line) over `date`. Errors: [`Error::InvalidInput`] with no value.
pub fn trend(
    daily: &DataFrame,
    value: &str,
    trend: &str,
    title: &str,
    y_desc: &str,
) -> Result<Svg> {
    let d = dates(daily)?;
    let (v, t) = (floats(daily, value)?, floats(daily, trend)?);
    let points = |col: &[Option<f64>]| -> Vec<(NaiveDate, f64)> {
        let mut p: Vec<_> = d
            .iter()
            .zip(col)
            .filter_map(|(d, v)| Some(((*d)?, (*v)?)))
            .collect();
        p.sort_by_key(|x| x.0);
        p
    };
    let (vals, trend_pts) = (points(&v), points(&t));
    let (Some(first), Some(last)) = (vals.first().map(|p| p.0), vals.last().map(|p| p.0)) else {
        return Err(Error::InvalidInput {
            what: format!("chart data: no {value} values"),
            hint: "pick a date range that has data (sync it first)".into(),
        });
    };
    let x = |day: NaiveDate| (day - first).num_days() as f64;
    let label = date_label(first);
    let frame = Frame {
        title,
        x: -0.5..x(last).max(1.0) + 0.5,
        y: padded_y_range(vals.iter().map(|p| p.1), vals.iter().map(|p| p.1)),
        x_labels: 8,
        x_label: &label,
        x_desc: None,
        y_desc,
    };
    frame.render(|chart| {
        let dot = REST_COLOR.mix(0.5).filled();
        chart
            .draw_series(vals.iter().map(|p| Circle::new((x(p.0), p.1), 3, dot)))
            .map_err(plot_error)?
            .label(value)
            .legend(move |(x, y)| Circle::new((x + 10, y), 3, dot));
        let xy: Vec<(f64, f64)> = trend_pts.iter().map(|p| (x(p.0), p.1)).collect();
        let line = BLACK.stroke_width(2);
        for (k, run) in consecutive_days(&xy).into_iter().enumerate() {
            let drawn = draw_run(chart, run, line, 2, BLACK.filled())?;
            if k == 0 {
                drawn.label(trend).legend(line_key(line));
            }
        }
        Ok(())
    })
}

/// One square per day, weeks as columns and weekdays (Mon..Sun) as rows, shaded by
/// `hours_with_data` (0–24) of a `coverage_per_day` frame; days without a row are empty
/// (no data at all). Each square has a `<title>` tooltip `DATE: H h`.
pub fn coverage_calendar(coverage: &DataFrame, title: &str) -> Result<Svg> {
    let rows = hour_rows(coverage)?;
    let (Some(first), Some(last)) = (rows.keys().next().copied(), rows.keys().last().copied())
    else {
        return Err(no_coverage());
    };
    let monday = first - Duration::days(i64::from(first.weekday().num_days_from_monday()));
    let weeks = (last - monday).num_days() / 7 + 1;
    let (cell, left, top) = (14i64, 40i64, 40i64);
    let (w, h) = (left + weeks * cell + 20, top + 7 * cell + 30);
    let mut svg = header(w, h, title);
    for (i, name) in ["Mon", "", "Wed", "", "Fri", "", "Sun"].iter().enumerate() {
        svg += &format!(
            r#"<text x="4" y="{}" font-size="10">{name}</text>"#,
            top + i as i64 * cell + 10
        );
    }
    let mut day = monday;
    while day <= last {
        let (col, row) = (
            (day - monday).num_days() / 7,
            i64::from(day.weekday().num_days_from_monday()),
        );
        if row == 0 && day.day() <= 7 {
            svg += &format!(
                r#"<text x="{}" y="{}" font-size="10">{}</text>"#,
                left + col * cell,
                top - 6,
                day.format("%b %Y")
            );
        }
        if day >= first {
            svg += &square(
                left + col * cell,
                top + row * cell,
                cell - 2,
                day,
                rows.get(&day).copied(),
            );
        }
        day += Duration::days(1);
    }
    svg += &legend(left, top + 7 * cell + 18);
    svg += "</svg>";
    Ok(Svg(svg))
}

/// Participants × days: one row per `user`, one column per day, shaded by `hours_with_data`
/// (a frame with `user`, `date`, `hours_with_data`, e.g. the per-user coverage stacked).
pub fn coverage_heatmap(coverage: &DataFrame, title: &str) -> Result<Svg> {
    let users = coverage.column("user")?.cast(&DataType::String)?;
    let users: Vec<Option<String>> = users.str()?.iter().map(|u| u.map(str::to_string)).collect();
    let d = dates(coverage)?;
    let hours = floats(coverage, "hours_with_data")?;
    let mut cells = std::collections::BTreeMap::new();
    for i in 0..coverage.height() {
        if let (Some(u), Some(day), Some(hv)) = (&users[i], d[i], hours[i]) {
            cells.insert((u.clone(), day), hv);
        }
    }
    let names: std::collections::BTreeSet<&String> = cells.keys().map(|k| &k.0).collect();
    let (Some(first), Some(last)) = (
        cells.keys().map(|k| k.1).min(),
        cells.keys().map(|k| k.1).max(),
    ) else {
        return Err(no_coverage());
    };
    let days = (last - first).num_days() + 1;
    let cell = (900 / days).clamp(4, 16);
    let (left, top) = (90i64, 40i64);
    let (w, h) = (
        left + days * cell + 20,
        top + names.len() as i64 * cell + 40,
    );
    let mut svg = header(w, h, title);
    for (r, name) in names.iter().enumerate() {
        let y = top + r as i64 * cell;
        svg += &format!(
            r#"<text x="4" y="{}" font-size="10">{}</text>"#,
            y + cell - 3,
            xml(name)
        );
        for c in 0..days {
            let day = first + Duration::days(c);
            svg += &square(
                left + c * cell,
                y,
                cell - 1,
                day,
                cells.get(&((*name).clone(), day)).copied(),
            );
        }
    }
    let y = top + names.len() as i64 * cell + 14;
    svg += &format!(
        r#"<text x="{left}" y="{y}" font-size="10">{first}</text><text x="{}" y="{y}" font-size="10" text-anchor="end">{last}</text>"#,
        left + days * cell
    );
    svg += &legend(left, y + 14);
    svg += "</svg>";
    Ok(Svg(svg))
}

fn hour_rows(coverage: &DataFrame) -> Result<std::collections::BTreeMap<NaiveDate, f64>> {
    let (d, h) = (dates(coverage)?, floats(coverage, "hours_with_data")?);
    Ok(d.into_iter()
        .zip(h)
        .filter_map(|(d, h)| Some((d?, h?)))
        .collect())
}

fn no_coverage() -> Error {
    Error::InvalidInput {
        what: "chart data: no days with heart rate".into(),
        hint: "pick a date range that has data (sync it first)".into(),
    }
}

fn header(w: i64, h: i64, title: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/><text x="{}" y="20" font-size="16" text-anchor="middle">{}</text>"#,
        w / 2,
        xml(title)
    )
}

/// A day's square: grey when no data, else green by hours (0–24, more is darker).
fn square(x: i64, y: i64, size: i64, day: NaiveDate, hours: Option<f64>) -> String {
    let (fill, tip) = match hours {
        None => ("#ebedf0".to_string(), format!("{day}: no data")),
        Some(h) => (shade(h / 24.0), format!("{day}: {h:.0} h")),
    };
    format!(
        r#"<rect x="{x}" y="{y}" width="{size}" height="{size}" fill="{fill}"><title>{tip}</title></rect>"#
    )
}

fn shade(share: f64) -> String {
    let t = share.clamp(0.0, 1.0);
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(214.0, 0.0),
        mix(240.0, 109.0),
        mix(214.0, 44.0)
    )
}

fn legend(x: i64, y: i64) -> String {
    let mut s = format!(
        r#"<text x="{x}" y="{}" font-size="10">hours with data: 0</text>"#,
        y + 9
    );
    for (i, h) in [0.0, 6.0, 12.0, 18.0, 24.0].iter().enumerate() {
        s += &format!(
            r#"<rect x="{}" y="{y}" width="10" height="10" fill="{}"/>"#,
            x + 100 + i as i64 * 12,
            shade(h / 24.0)
        );
    }
    s + &format!(
        r#"<text x="{}" y="{}" font-size="10">24</text>"#,
        x + 164,
        y + 9
    )
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::Column;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 9, day).unwrap()
    }

    #[test]
    fn calendar_has_one_square_per_day_and_marks_missing_days() {
        let days: Vec<NaiveDate> = [1, 2, 3, 10].into_iter().map(d).collect();
        let df = DataFrame::new(
            4,
            vec![
                Column::new("date".into(), days),
                Column::new("hours_with_data".into(), vec![24u32, 12, 0, 5]),
            ],
        )
        .unwrap();
        let svg = coverage_calendar(&df, "wear").unwrap().0;
        assert_eq!(svg.matches("<title>").count(), 10, "Sep 1..=10");
        assert!(svg.contains("2026-09-05: no data") && svg.contains("2026-09-02: 12 h"));
        assert!(svg.contains(&shade(1.0)));
    }

    #[test]
    fn heatmap_has_a_row_per_user() {
        let df = DataFrame::new(
            3,
            vec![
                Column::new("user".into(), vec!["P-1", "P-1", "P-2"]),
                Column::new("date".into(), vec![d(1), d(3), d(2)]),
                Column::new("hours_with_data".into(), vec![20u32, 10, 24]),
            ],
        )
        .unwrap();
        let svg = coverage_heatmap(&df, "study").unwrap().0;
        assert_eq!(svg.matches("<title>").count(), 6, "2 users × 3 days");
        assert!(svg.contains(">P-2<") && svg.contains("2026-09-02: no data"));
    }

    #[test]
    fn trend_draws_dots_and_line() {
        let df = DataFrame::new(
            3,
            vec![
                Column::new("date".into(), vec![d(1), d(2), d(3)]),
                Column::new("v".into(), vec![Some(60.0), None, Some(62.0)]),
                Column::new("v_7d".into(), vec![Some(60.0), Some(60.0), Some(61.0)]),
            ],
        )
        .unwrap();
        let svg = trend(&df, "v", "v_7d", "t", "bpm").unwrap().0;
        assert!(svg.contains("<circle") && svg.contains("<polyline") && svg.contains("v_7d"));
        let empty = df.head(Some(0));
        assert!(trend(&empty, "v", "v_7d", "t", "bpm").is_err());
    }
}
