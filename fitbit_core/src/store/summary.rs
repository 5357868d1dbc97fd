//! Months to years at a glance: per local day, the heart-rate band and the wear coverage, and
//! trailing rolling means over calendar days. Inputs are the store's (or the API's) tables.
//!
//! ```no_run
//! use fitbit_core::store::{Store, UserId, summary};
//! use fitbit_core::chrono::NaiveDate;
//! let store = Store::open("store")?;
//! let user = UserId::new("demo")?;
//! let (start, end) = (NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(), NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
//! let hr = store.heart_rate(&user, start, end)?;
//! let band = summary::daily_band(&hr)?;            // date, min, mean, max, samples
//! let worn = summary::coverage_per_day(&hr)?;      // date, hours_with_data, minutes_with_data
//! let rest = summary::rolling_mean(&store.resting_heart_rate(&user, start, end)?, "resting_heart_rate", 28)?;
//! # Ok::<(), fitbit_core::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate};
use polars::prelude::{Column, DataFrame, DataType};

use crate::{Error, Result};

/// Days since 1970-01-01 of polars' Date.
fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")
}

/// The local calendar day of each row's `timestamp` (Datetime ms, local clock time).
fn local_days(df: &DataFrame) -> Result<Vec<Option<NaiveDate>>> {
    let ms = df.column("timestamp")?.cast(&DataType::Int64)?;
    Ok(ms
        .i64()?
        .iter()
        .map(|v| {
            v.and_then(DateTime::from_timestamp_millis)
                .map(|t| t.date_naive())
        })
        .collect())
}

/// The `date` column (Date) as calendar days.
fn dates(df: &DataFrame) -> Result<Vec<Option<NaiveDate>>> {
    let days = df.column("date")?.cast(&DataType::Int32)?;
    Ok(days
        .i32()?
        .iter()
        .map(|v| v.map(|d| epoch() + Duration::days(i64::from(d))))
        .collect())
}

/// Per local day of an intraday heart-rate table ([`crate::table::hr_intraday`]'s columns):
/// `date` (Date), `min`, `mean`, `max` (Float64, bpm) and `samples` (UInt64), ascending.
/// Days are the wearer's calendar days (the local `timestamp`), so a DST day is one day.
pub fn daily_band(hr: &DataFrame) -> Result<DataFrame> {
    let days = local_days(hr)?;
    let bpm = hr.column("heartrate")?.cast(&DataType::Float64)?;
    let mut per_day: BTreeMap<NaiveDate, (f64, f64, f64, u64)> = BTreeMap::new();
    for (day, v) in days.iter().zip(bpm.f64()?.iter()) {
        if let (Some(day), Some(v)) = (day, v) {
            let e = per_day
                .entry(*day)
                .or_insert((f64::INFINITY, 0.0, f64::NEG_INFINITY, 0));
            e.0 = e.0.min(v);
            e.1 += v;
            e.2 = e.2.max(v);
            e.3 += 1;
        }
    }
    let rows: Vec<_> = per_day.into_iter().collect();
    let columns = vec![
        Column::new("date".into(), rows.iter().map(|r| r.0).collect::<Vec<_>>()),
        Column::new("min".into(), rows.iter().map(|r| r.1.0).collect::<Vec<_>>()),
        Column::new(
            "mean".into(),
            rows.iter()
                .map(|r| r.1.1 / r.1.3 as f64)
                .collect::<Vec<_>>(),
        ),
        Column::new("max".into(), rows.iter().map(|r| r.1.2).collect::<Vec<_>>()),
        Column::new(
            "samples".into(),
            rows.iter().map(|r| r.1.3).collect::<Vec<_>>(),
        ),
    ];
    Ok(DataFrame::new(rows.len(), columns)?)
}

/// Wear coverage per local day of an intraday heart-rate table: `date` (Date),
/// `hours_with_data` and `minutes_with_data` (UInt32: distinct clock hours and minutes, counted
/// on the UTC instant, that have at least one sample) and `day_minutes` (the length of that local
/// day: 1440, or 1380 / 1500 on a DST change, from the rows' UTC offsets). Counting instants
/// keeps the repeated hour of a fall-back day apart (25 hours can have data). Rows without a UTC
/// instant count by their local time. Ascending dates; days without samples are absent.
pub fn coverage_per_day(hr: &DataFrame) -> Result<DataFrame> {
    let days = local_days(hr)?;
    let utc = hr.column("timestamp_utc")?.cast(&DataType::Int64)?;
    let local = hr.column("timestamp")?.cast(&DataType::Int64)?;
    let offsets = hr.column("utc_offset")?.cast(&DataType::String)?;
    // minutes seen, and the first and last UTC offset (minutes east) of the day.
    let mut per_day: BTreeMap<NaiveDate, (BTreeSet<i64>, Option<i64>, Option<i64>)> =
        BTreeMap::new();
    let it = days
        .iter()
        .zip(utc.i64()?.iter())
        .zip(local.i64()?.iter())
        .zip(offsets.str()?.iter());
    for (((day, utc), local), offset) in it {
        let (Some(day), Some(instant)) = (day, utc.or(local)) else {
            continue;
        };
        let e = per_day.entry(*day).or_default();
        e.0.insert(instant.div_euclid(60_000));
        if let Some(off) = offset.and_then(offset_minutes) {
            e.1.get_or_insert(off);
            e.2 = Some(off);
        }
    }
    let rows: Vec<_> = per_day.into_iter().collect();
    let hours = |mins: &BTreeSet<i64>| {
        mins.iter()
            .map(|m| m.div_euclid(60))
            .collect::<BTreeSet<_>>()
            .len() as u32
    };
    // A local day lasts 1440 minutes plus the offset lost (spring forward) or gained (fall back).
    let day_minutes = |first: Option<i64>, last: Option<i64>| match (first, last) {
        (Some(a), Some(b)) => (1440 + a - b) as u32,
        _ => 1440,
    };
    let columns = vec![
        Column::new("date".into(), rows.iter().map(|r| r.0).collect::<Vec<_>>()),
        Column::new(
            "hours_with_data".into(),
            rows.iter().map(|r| hours(&r.1.0)).collect::<Vec<_>>(),
        ),
        Column::new(
            "minutes_with_data".into(),
            rows.iter().map(|r| r.1.0.len() as u32).collect::<Vec<_>>(),
        ),
        Column::new(
            "day_minutes".into(),
            rows.iter()
                .map(|r| day_minutes(r.1.1, r.1.2))
                .collect::<Vec<_>>(),
        ),
    ];
    Ok(DataFrame::new(rows.len(), columns)?)
}

/// `+09:00` / `-05:30` → minutes east of UTC.
fn offset_minutes(text: &str) -> Option<i64> {
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = text.get(1..)?.split_once(':')?;
    Some(sign * (h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?))
}

/// `daily` (a table with a `date` column, e.g. resting heart rate or nightly HRV) with one more
/// column, `<column>_<days>d`: the mean of `column` over the `days` calendar days ending on each
/// row's date (missing days and nulls are left out; null when the window has no value). Windows
/// are calendar days, not rows, so a gap in the data does not stretch a window.
pub fn rolling_mean(daily: &DataFrame, column: &str, days: u32) -> Result<DataFrame> {
    if days == 0 {
        return Err(Error::InvalidInput {
            what: "rolling mean of 0 days".into(),
            hint: "use a window of at least 1 day (7 or 28 are usual)".into(),
        });
    }
    let dates = dates(daily)?;
    let values = daily.column(column)?.cast(&DataType::Float64)?;
    let values: Vec<Option<f64>> = values.f64()?.iter().collect();
    let known: BTreeMap<NaiveDate, f64> = dates
        .iter()
        .zip(&values)
        .filter_map(|(d, v)| Some(((*d)?, (*v)?)))
        .collect();
    let window = Duration::days(i64::from(days) - 1);
    let means: Vec<Option<f64>> = dates
        .iter()
        .map(|d| {
            let d = (*d)?;
            let (sum, n) = known
                .range(d - window..=d)
                .fold((0.0, 0usize), |(s, n), (_, v)| (s + v, n + 1));
            (n > 0).then(|| sum / n as f64)
        })
        .collect();
    let mut out = daily.clone();
    out.with_column(Column::new(format!("{column}_{days}d").into(), means))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{DailyHr, HrSample, Timestamp};
    use crate::table;
    use chrono::{FixedOffset, NaiveDateTime, TimeZone};
    use chrono_tz::Europe::Berlin;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// One sample a minute, every minute of the local days `first..=last` in Berlin.
    fn berlin_minutes(first: NaiveDate, last: NaiveDate) -> Vec<HrSample> {
        let start = Berlin
            .from_local_datetime(&first.and_hms_opt(0, 0, 0).unwrap())
            .unwrap();
        let end = Berlin
            .from_local_datetime(&(last + Duration::days(1)).and_hms_opt(0, 0, 0).unwrap())
            .unwrap();
        let mut out = Vec::new();
        let mut t = start.with_timezone(&chrono::Utc);
        let (mut i, end) = (0u16, end.with_timezone(&chrono::Utc));
        while t < end {
            let local = t.with_timezone(&Berlin);
            let off = FixedOffset::east_opt(local.offset().fix().local_minus_utc());
            out.push(HrSample {
                time: Timestamp::new(local.naive_local(), off),
                bpm: 50 + i % 40,
                confidence: None,
            });
            t += Duration::minutes(1);
            i = i.wrapping_add(1);
        }
        out
    }

    use chrono::Offset;

    #[test]
    fn band_is_per_local_day() {
        let at = |day, h, bpm| HrSample {
            time: Timestamp::new(
                NaiveDateTime::new(
                    d(2026, 9, day),
                    chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap(),
                ),
                FixedOffset::east_opt(9 * 3600),
            ),
            bpm,
            confidence: None,
        };
        // 23:00 local on the 1st is the 1st, although in UTC it is the 1st 14:00; 01:00 on the
        // 2nd is the 1st in UTC but the 2nd here.
        let hr = table::hr_intraday(&[at(1, 8, 60), at(1, 23, 90), at(2, 1, 70)]).unwrap();
        let band = daily_band(&hr).unwrap();
        assert_eq!(band.height(), 2);
        assert_eq!(
            band.column("min").unwrap().f64().unwrap().get(0),
            Some(60.0)
        );
        assert_eq!(
            band.column("max").unwrap().f64().unwrap().get(0),
            Some(90.0)
        );
        assert_eq!(
            band.column("mean").unwrap().f64().unwrap().get(0),
            Some(75.0)
        );
        assert_eq!(
            band.column("samples").unwrap().u64().unwrap().get(1),
            Some(1)
        );
    }

    #[test]
    fn coverage_counts_local_days_across_dst_changes() {
        // 2026-03-29 (spring forward, 23 h) and 2026-10-25 (fall back, 25 h) in Berlin.
        let mut samples = berlin_minutes(d(2026, 3, 28), d(2026, 3, 29));
        samples.extend(berlin_minutes(d(2026, 10, 25), d(2026, 10, 25)));
        let hr = table::hr_intraday(&samples).unwrap();
        let cov = coverage_per_day(&hr).unwrap();
        let u32s = |c: &str| -> Vec<u32> {
            cov.column(c)
                .unwrap()
                .u32()
                .unwrap()
                .into_no_null_iter()
                .collect()
        };
        assert_eq!(
            dates(&cov).unwrap(),
            vec![
                Some(d(2026, 3, 28)),
                Some(d(2026, 3, 29)),
                Some(d(2026, 10, 25))
            ]
        );
        assert_eq!(u32s("hours_with_data"), vec![24, 23, 25]);
        assert_eq!(u32s("minutes_with_data"), vec![1440, 1380, 1500]);
        assert_eq!(u32s("day_minutes"), vec![1440, 1380, 1500]);
        // The band sees the fall-back day as one day with all its 1500 samples.
        let band = daily_band(&hr).unwrap();
        assert_eq!(
            band.column("samples").unwrap().u64().unwrap().get(2),
            Some(1500)
        );
    }

    #[test]
    fn rolling_mean_uses_calendar_days_over_a_dst_change() {
        // Resting HR on 2026-10-23..=27 (fall back on the 25th), the 26th missing.
        let rows: Vec<DailyHr> = [
            (23, Some(60.0)),
            (24, Some(62.0)),
            (25, Some(64.0)),
            (27, Some(70.0)),
            (28, None),
        ]
        .into_iter()
        .map(|(day, v)| DailyHr {
            date: d(2026, 10, day),
            resting_bpm: v,
        })
        .collect();
        let df = table::hr_daily(&rows).unwrap();
        let out = rolling_mean(&df, "resting_heart_rate", 3).unwrap();
        let means: Vec<Option<f64>> = out
            .column("resting_heart_rate_3d")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        // 25th: 23..=25 → 62; 27th: 25..=27 → (64+70)/2; 28th: 26..=28 → 70 (its own null skipped).
        assert_eq!(
            means,
            vec![Some(60.0), Some(61.0), Some(62.0), Some(67.0), Some(70.0)]
        );
        assert!(rolling_mean(&df, "resting_heart_rate", 0).is_err());
    }
}
