//! Record slices → DataFrames with the fixed column names, order and dtypes.

use chrono::{FixedOffset, NaiveDateTime};
use polars::prelude::{Column, DataFrame};

use crate::Result;
use crate::record::{DailyHr, DailyHrv, HrSample, HrvSample, Timestamp};

/// Intraday heart rate: `timestamp` (Datetime ms, local), `heartrate` (Int64), `timestamp_utc`
/// (Datetime ms, UTC instant or null), `utc_offset` (String `+09:00` or null), `confidence`
/// (Int64, null unless the source has it).
///
/// Rows are sorted by UTC instant when every sample has an offset (stable, so equal instants keep
/// input order); otherwise input order is kept (sources already sort). DST fall-back rows with
/// the same local time stay two rows.
pub fn hr_intraday(samples: &[HrSample]) -> Result<DataFrame> {
    let order = utc_order(samples.iter().map(|s| s.time));
    let rows = || order.iter().map(|&i| &samples[i]);
    let times = TimeColumns::new(rows().map(|s| s.time));
    let bpm: Vec<i64> = rows().map(|s| i64::from(s.bpm)).collect();
    let confidence: Vec<Option<i64>> = rows().map(|s| s.confidence.map(i64::from)).collect();
    let columns = vec![
        Column::new("timestamp".into(), times.local),
        Column::new("heartrate".into(), bpm),
        Column::new("timestamp_utc".into(), times.utc),
        times.offset,
        Column::new("confidence".into(), confidence),
    ];
    Ok(DataFrame::new(order.len(), columns)?)
}

/// Daily resting heart rate: `date` (Date), `resting_heart_rate` (Float64, null when the source
/// computed none). Rows sorted by date (stable).
pub fn hr_daily(days: &[DailyHr]) -> Result<DataFrame> {
    let mut rows: Vec<&DailyHr> = days.iter().collect();
    rows.sort_by_key(|d| d.date);
    let columns = vec![
        Column::new(
            "date".into(),
            rows.iter().map(|d| d.date).collect::<Vec<_>>(),
        ),
        Column::new(
            "resting_heart_rate".into(),
            rows.iter().map(|d| d.resting_bpm).collect::<Vec<_>>(),
        ),
    ];
    Ok(DataFrame::new(rows.len(), columns)?)
}

/// Nightly HRV: `date` (Date), `daily_rmssd`, `deep_rmssd`, `entropy`, `non_rem_heart_rate`
/// (Float64, null where the source has no value). Rows sorted by date (stable).
pub fn hrv_daily(days: &[DailyHrv]) -> Result<DataFrame> {
    let mut rows: Vec<&DailyHrv> = days.iter().collect();
    rows.sort_by_key(|d| d.date);
    let float = |name: &str, get: fn(&DailyHrv) -> Option<f64>| {
        Column::new(name.into(), rows.iter().map(|d| get(d)).collect::<Vec<_>>())
    };
    let columns = vec![
        Column::new(
            "date".into(),
            rows.iter().map(|d| d.date).collect::<Vec<_>>(),
        ),
        float("daily_rmssd", |d| d.daily_rmssd),
        float("deep_rmssd", |d| d.deep_rmssd),
        float("entropy", |d| d.entropy),
        float("non_rem_heart_rate", |d| d.non_rem_hr),
    ];
    Ok(DataFrame::new(rows.len(), columns)?)
}

/// Intraday HRV: `timestamp` (local), `rmssd`, `coverage`, `hf`, `lf`, `timestamp_utc`,
/// `utc_offset`, `sdnn`. Same ordering rule as [`hr_intraday`].
pub fn hrv_intraday(samples: &[HrvSample]) -> Result<DataFrame> {
    let order = utc_order(samples.iter().map(|s| s.time));
    let rows: Vec<&HrvSample> = order.iter().map(|&i| &samples[i]).collect();
    let times = TimeColumns::new(rows.iter().map(|s| s.time));
    let float = |name: &str, get: fn(&HrvSample) -> Option<f64>| {
        Column::new(name.into(), rows.iter().map(|s| get(s)).collect::<Vec<_>>())
    };
    let columns = vec![
        Column::new("timestamp".into(), times.local),
        float("rmssd", |s| s.rmssd),
        float("coverage", |s| s.coverage),
        float("hf", |s| s.hf),
        float("lf", |s| s.lf),
        Column::new("timestamp_utc".into(), times.utc),
        times.offset,
        float("sdnn", |s| s.sdnn),
    ];
    Ok(DataFrame::new(rows.len(), columns)?)
}

/// Row order: by UTC instant when every timestamp has one (stable), else input order.
pub(super) fn utc_order(times: impl ExactSizeIterator<Item = Timestamp> + Clone) -> Vec<usize> {
    let n = times.len();
    utc_reorder(times).unwrap_or_else(|| (0..n).collect())
}

/// [`utc_order`] when it differs from input order; `None` when the rows are already in UTC order
/// (the usual case: a day of samples arrives in order) or some lack a UTC instant.
pub(super) fn utc_reorder(times: impl Iterator<Item = Timestamp> + Clone) -> Option<Vec<usize>> {
    // The instant as (seconds, nanoseconds) since the epoch, in integer arithmetic.
    let key = |t: Timestamp| {
        let offset = t.offset?;
        let local = t.local.and_utc();
        Some((
            local.timestamp() - i64::from(offset.local_minus_utc()),
            local.timestamp_subsec_nanos(),
        ))
    };
    let mut prev = None;
    for t in times.clone() {
        let k = key(t)?;
        if prev.is_some_and(|p| k < p) {
            // Out of order: sort, unless a later row has no instant (then input order stays).
            let keys: Vec<_> = times.map(key).collect::<Option<_>>()?;
            let mut order: Vec<usize> = (0..keys.len()).collect();
            order.sort_by_key(|&i| keys[i]);
            return Some(order);
        }
        prev = Some(k);
    }
    None
}

/// The three time columns shared by the intraday tables.
struct TimeColumns {
    local: Vec<NaiveDateTime>,
    utc: Vec<Option<NaiveDateTime>>,
    offset: Column,
}

impl TimeColumns {
    fn new(times: impl Iterator<Item = Timestamp>) -> Self {
        let (lower, _) = times.size_hint();
        let mut local = Vec::with_capacity(lower);
        let mut utc = Vec::with_capacity(lower);
        // Offsets repeat: keep each distinct one's text once and index it per row.
        let mut distinct: Vec<(FixedOffset, String)> = Vec::new();
        let mut offset_index: Vec<Option<usize>> = Vec::with_capacity(lower);
        for t in times {
            local.push(t.local);
            utc.push(t.utc().map(|u| u.naive_utc()));
            offset_index.push(t.offset.map(|off| {
                match distinct.iter().position(|(known, _)| *known == off) {
                    Some(i) => i,
                    None => {
                        distinct.push((off, off.to_string()));
                        distinct.len() - 1
                    }
                }
            }));
        }
        let offset_text: Vec<Option<&str>> = offset_index
            .iter()
            .map(|i| i.map(|i| distinct[i].1.as_str()))
            .collect();
        TimeColumns {
            local,
            utc,
            offset: Column::new("utc_offset".into(), offset_text),
        }
    }
}
