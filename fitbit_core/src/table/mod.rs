//! Records → polars DataFrames with one schema whatever the source; CSV (and Parquet) writers.
//!
//! Every builder produces the same columns whichever source the records came from. A column a
//! source cannot fill is null, never invented.
//!
//! | table | columns |
//! |---|---|
//! | [`hr_intraday`] | `timestamp`, `heartrate`, `timestamp_utc`, `utc_offset`, `confidence` |
//! | [`hr_daily`] | `date`, `resting_heart_rate` |
//! | [`hrv_daily`] | `date`, `daily_rmssd`, `deep_rmssd`, `entropy`, `non_rem_heart_rate` |
//! | [`hrv_intraday`] | `timestamp`, `rmssd`, `coverage`, `hf`, `lf`, `timestamp_utc`, `utc_offset`, `sdnn` |
//!
//! `timestamp` is the naive LOCAL wall-clock time (what the original tool wrote),
//! `timestamp_utc` the UTC instant (null where the offset is unknown), `utc_offset` the offset in
//! force (`+09:00`). The two rows of a DST fall-back that share a local time stay two rows.
//!
//! ```
//! use fitbit_core::{HrSample, Timestamp, chrono::{NaiveDate, FixedOffset}};
//! let local = NaiveDate::from_ymd_opt(2023, 7, 31).unwrap().and_hms_opt(0, 0, 5).unwrap();
//! let sample = HrSample { time: Timestamp::new(local, None), bpm: 62, confidence: None };
//! let df = fitbit_core::table::hr_intraday(&[sample])?;
//! let csv = fitbit_core::table::csv_string(&df)?;
//! assert_eq!(csv, "timestamp,heartrate,timestamp_utc,utc_offset,confidence\n2023-07-31 00:00:05,62,,,\n");
//! # Ok::<(), fitbit_core::Error>(())
//! ```

mod build;
mod coverage;
mod csv;
mod files;
pub(crate) mod format;
mod hr_csv;
mod names;
#[cfg(feature = "parquet")]
mod parquet;
mod records;
#[cfg(test)]
mod tests;

pub use build::{hr_daily, hr_intraday, hrv_daily, hrv_intraday};
pub use coverage::{Coverage, GAP_SECONDS, hr_coverage};
pub use csv::{csv_string, write_csv};
pub(crate) use files::write_range_csv;
pub use files::{FileKind, HrDay, RangeTables, Written};
pub use hr_csv::write_hr_intraday_csv;
pub use names::{
    hr_csv_name, hr_daily_csv_name, hr_parquet_name, hrv_daily_csv_name, hrv_intraday_csv_name,
};
#[cfg(feature = "parquet")]
pub use parquet::{ParquetSink, write_parquet};
pub use records::{daily_hr, daily_hrv, hr_samples, hrv_samples};
pub(crate) use records::{dates as date_column, floats as float_column};
