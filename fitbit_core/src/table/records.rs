//! DataFrames → records: the inverse of the table builders, for tables read back from a store
//! (or a Parquet file), so the plots and CSV writers that take records work on them too.
//! `from(build(records)) == records` for every builder (tested), in the builders' row order.
//!
//! ```
//! use fitbit_core::{HrSample, Timestamp, chrono::{FixedOffset, NaiveDate}, table};
//! let local = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap().and_hms_opt(2, 30, 0).unwrap();
//! let samples = vec![
//!     HrSample { time: Timestamp::new(local, FixedOffset::east_opt(7200)), bpm: 58, confidence: None },
//!     HrSample { time: Timestamp::new(local, FixedOffset::east_opt(3600)), bpm: 57, confidence: Some(2) },
//! ];
//! let df = table::hr_intraday(&samples)?;
//! assert_eq!(table::hr_samples(&df)?, samples);  // the two 02:30 of the fall-back stay two
//! # Ok::<(), fitbit_core::Error>(())
//! ```

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime};
use polars::prelude::{DataFrame, DataType, TimeUnit};

use crate::record::{DailyHr, DailyHrv, HrSample, HrvSample, Timestamp};
use crate::{Error, Result};

/// The rows of a [`super::hr_intraday`] table.
pub fn hr_samples(df: &DataFrame) -> Result<Vec<HrSample>> {
    let times = timestamps(df)?;
    let bpm = ints(df, "heartrate")?;
    let confidence = ints(df, "confidence")?;
    times
        .into_iter()
        .zip(bpm)
        .zip(confidence)
        .enumerate()
        .map(|(row, ((time, bpm), confidence))| {
            Ok(HrSample {
                time,
                bpm: bpm
                    .and_then(|v| u16::try_from(v).ok())
                    .ok_or_else(|| bad(row, "heartrate", "a whole number of bpm"))?,
                confidence: confidence.and_then(|v| i8::try_from(v).ok()),
            })
        })
        .collect()
}

/// The rows of a [`super::hr_daily`] table.
pub fn daily_hr(df: &DataFrame) -> Result<Vec<DailyHr>> {
    let rest = floats(df, "resting_heart_rate")?;
    Ok(dates(df)?
        .into_iter()
        .zip(rest)
        .map(|(date, resting_bpm)| DailyHr { date, resting_bpm })
        .collect())
}

/// The rows of a [`super::hrv_daily`] table.
pub fn daily_hrv(df: &DataFrame) -> Result<Vec<DailyHrv>> {
    let (daily, deep) = (floats(df, "daily_rmssd")?, floats(df, "deep_rmssd")?);
    let (entropy, non_rem) = (floats(df, "entropy")?, floats(df, "non_rem_heart_rate")?);
    Ok(dates(df)?
        .into_iter()
        .enumerate()
        .map(|(i, date)| DailyHrv {
            date,
            daily_rmssd: daily[i],
            deep_rmssd: deep[i],
            entropy: entropy[i],
            non_rem_hr: non_rem[i],
        })
        .collect())
}

/// The rows of a [`super::hrv_intraday`] table.
pub fn hrv_samples(df: &DataFrame) -> Result<Vec<HrvSample>> {
    let times = timestamps(df)?;
    let (rmssd, coverage) = (floats(df, "rmssd")?, floats(df, "coverage")?);
    let (hf, lf, sdnn) = (floats(df, "hf")?, floats(df, "lf")?, floats(df, "sdnn")?);
    Ok(times
        .into_iter()
        .enumerate()
        .map(|(i, time)| HrvSample {
            time,
            rmssd: rmssd[i],
            coverage: coverage[i],
            hf: hf[i],
            lf: lf[i],
            sdnn: sdnn[i],
        })
        .collect())
}

fn bad(row: usize, column: &str, expected: &str) -> Error {
    Error::InvalidInput {
        what: format!("table row {row}: {column} is missing or not {expected}"),
        hint: "read tables written by fitbit_core (the store, or the table builders)".into(),
    }
}

/// `timestamp` (local clock, Datetime) with `utc_offset` (`+09:00`, or null) per row.
fn timestamps(df: &DataFrame) -> Result<Vec<Timestamp>> {
    let local = df.column("timestamp")?;
    let unit = match local.dtype() {
        DataType::Datetime(unit, _) => *unit,
        other => {
            return Err(Error::InvalidInput {
                what: format!("column timestamp of type {other}"),
                hint: "a table of the table builders has a Datetime timestamp".into(),
            });
        }
    };
    let ticks = local.cast(&DataType::Int64)?;
    let offsets = df.column("utc_offset")?.cast(&DataType::String)?;
    ticks
        .i64()?
        .iter()
        .zip(offsets.str()?.iter())
        .enumerate()
        .map(|(row, (t, off))| {
            let local = t
                .and_then(|t| naive_time(t, unit))
                .ok_or_else(|| bad(row, "timestamp", "a time"))?;
            let offset = match off {
                Some(text) => Some(
                    text.parse::<FixedOffset>()
                        .map_err(|_| bad(row, "utc_offset", "an offset like +09:00"))?,
                ),
                None => None,
            };
            Ok(Timestamp::new(local, offset))
        })
        .collect()
}

fn naive_time(ticks: i64, unit: TimeUnit) -> Option<NaiveDateTime> {
    let t = match unit {
        TimeUnit::Milliseconds => DateTime::from_timestamp_millis(ticks)?,
        TimeUnit::Microseconds => DateTime::from_timestamp_micros(ticks)?,
        TimeUnit::Nanoseconds => DateTime::from_timestamp_nanos(ticks),
    };
    Some(t.naive_utc())
}

/// The `date` column as dates; a missing date is an error naming its row.
pub(crate) fn dates(df: &DataFrame) -> Result<Vec<NaiveDate>> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
    let days = df.column("date")?.cast(&DataType::Int32)?;
    days.i32()?
        .iter()
        .enumerate()
        .map(|(row, d)| {
            d.map(|d| epoch + Duration::days(i64::from(d)))
                .ok_or_else(|| bad(row, "date", "a date"))
        })
        .collect()
}

/// A numeric column as `f64`s (missing values kept as `None`).
pub(crate) fn floats(df: &DataFrame, column: &str) -> Result<Vec<Option<f64>>> {
    Ok(df
        .column(column)?
        .cast(&DataType::Float64)?
        .f64()?
        .iter()
        .collect())
}

fn ints(df: &DataFrame, column: &str) -> Result<Vec<Option<i64>>> {
    Ok(df
        .column(column)?
        .cast(&DataType::Int64)?
        .i64()?
        .iter()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table;

    fn at(h: u32, m: u32, off_h: i32) -> Timestamp {
        let local = NaiveDate::from_ymd_opt(2026, 10, 25)
            .unwrap()
            .and_hms_milli_opt(h, m, 0, 250)
            .unwrap();
        Timestamp::new(local, FixedOffset::east_opt(off_h * 3600))
    }

    #[test]
    fn every_table_reads_back_into_its_records() {
        let hr = vec![
            HrSample {
                time: at(2, 30, 2),
                bpm: 61,
                confidence: Some(3),
            },
            HrSample {
                time: at(2, 30, 1),
                bpm: 59,
                confidence: None,
            },
            HrSample {
                time: Timestamp::new(at(4, 0, 1).local, None),
                bpm: 250,
                confidence: None,
            },
        ];
        assert_eq!(hr_samples(&table::hr_intraday(&hr).unwrap()).unwrap(), hr);
        let d = |day| NaiveDate::from_ymd_opt(2026, 10, day).unwrap();
        let rest = vec![
            DailyHr {
                date: d(24),
                resting_bpm: Some(58.5),
            },
            DailyHr {
                date: d(25),
                resting_bpm: None,
            },
        ];
        assert_eq!(daily_hr(&table::hr_daily(&rest).unwrap()).unwrap(), rest);
        let nights = vec![DailyHrv {
            date: d(25),
            daily_rmssd: Some(41.2),
            entropy: Some(2.1),
            non_rem_hr: Some(55.0),
            ..DailyHrv::default()
        }];
        assert_eq!(
            daily_hrv(&table::hrv_daily(&nights).unwrap()).unwrap(),
            nights
        );
        let hrv = vec![HrvSample {
            time: at(3, 5, 1),
            rmssd: Some(39.0),
            coverage: None,
            hf: Some(120.5),
            lf: None,
            sdnn: Some(44.0),
        }];
        assert_eq!(
            hrv_samples(&table::hrv_intraday(&hrv).unwrap()).unwrap(),
            hrv
        );
    }

    #[test]
    fn a_table_of_another_shape_is_refused_with_a_hint() {
        let rest = table::hr_daily(&[]).unwrap();
        let err = hr_samples(&rest).unwrap_err().to_string();
        assert!(err.contains("timestamp"), "{err}");
    }
}
