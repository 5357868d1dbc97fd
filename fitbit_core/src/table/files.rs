//! The standard files, named as the original tool named them: a day's `Fitbit_HR_{DATE}.csv`
//! and a range's resting-HR and HRV files. One writer for the CLI and the notebooks, so both
//! write the same names and the same bytes.
//!
//! ```
//! use fitbit_core::{HrSample, Timestamp, chrono::NaiveDate, table::{FileKind, HrDay, RangeTables}};
//! let day = NaiveDate::from_ymd_opt(2023, 7, 31).unwrap();
//! let sample = HrSample { time: Timestamp::new(day.and_hms_opt(0, 0, 5).unwrap(), None), bpm: 62, confidence: None };
//! let dir = std::env::temp_dir().join("fitbit_core_doc_files");
//! let written = HrDay::new(day, vec![sample]).write_csv(&dir)?;
//! assert!(written.path.ends_with("Fitbit_HR_2023-07-31.csv"));
//! assert_eq!((written.kind, written.rows), (FileKind::HeartRate, 1));
//! let range = RangeTables::new(day, day)?.with_resting_hr(vec![]).write_csv(&dir)?;
//! assert!(range[0].path.ends_with("Fitbit_RestingHR_2023-07-31.csv"));
//! # Ok::<(), fitbit_core::Error>(())
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use polars::prelude::DataFrame;

use super::{
    hr_csv_name, hr_daily, hr_daily_csv_name, hr_intraday, hrv_daily, hrv_daily_csv_name,
    hrv_intraday, hrv_intraday_csv_name, write_csv, write_hr_intraday_csv,
};
use crate::{DailyHr, DailyHrv, HrSample, HrvSample, Result};

/// Which standard table a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// Intraday heart rate ([`hr_intraday`]): one day's `Fitbit_HR_{DATE}.csv`, or an export's
    /// `Fitbit_HR_{START}_{END}.parquet`.
    HeartRate,
    /// Resting heart rate per day ([`hr_daily`]).
    RestingHeartRate,
    /// Nightly HRV summaries ([`hrv_daily`]).
    HrvDaily,
    /// HRV measurements during sleep ([`hrv_intraday`]).
    HrvIntraday,
}

/// A file that was written: what it holds, where (absolute), and how many rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The table in the file.
    pub kind: FileKind,
    /// Its absolute path.
    pub path: PathBuf,
    /// Data rows (the header not counted).
    pub rows: usize,
}

/// One local day of intraday heart rate, written as `Fitbit_HR_{DATE}.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct HrDay {
    /// The local calendar day.
    pub date: NaiveDate,
    /// Its samples (any order: the file is in UTC order, as [`hr_intraday`]).
    pub samples: Vec<HrSample>,
}

impl HrDay {
    /// The day `date` with its `samples`.
    pub fn new(date: NaiveDate, samples: Vec<HrSample>) -> HrDay {
        HrDay { date, samples }
    }

    /// `samples` grouped by local day, ascending by date; each day keeps the samples' order.
    ///
    /// ```
    /// use fitbit_core::{HrSample, Timestamp, chrono::NaiveDate, table::HrDay};
    /// let d = |day| NaiveDate::from_ymd_opt(2026, 9, day).unwrap();
    /// let at = |day, h| HrSample { time: Timestamp::new(d(day).and_hms_opt(h, 0, 0).unwrap(), None), bpm: 60, confidence: None };
    /// let days = HrDay::split(&[at(2, 23), at(3, 0), at(3, 1)]);
    /// assert_eq!(days.iter().map(|x| (x.date, x.samples.len())).collect::<Vec<_>>(), [(d(2), 1), (d(3), 2)]);
    /// ```
    pub fn split(samples: &[HrSample]) -> Vec<HrDay> {
        let mut days: BTreeMap<NaiveDate, Vec<HrSample>> = BTreeMap::new();
        for s in samples {
            days.entry(s.time.local.date()).or_default().push(*s);
        }
        days.into_iter()
            .map(|(date, samples)| HrDay { date, samples })
            .collect()
    }

    /// `Fitbit_HR_{DATE}.csv`.
    pub fn file_name(&self) -> String {
        hr_csv_name(self.date)
    }

    /// The day as a DataFrame ([`hr_intraday`]).
    pub fn table(&self) -> Result<DataFrame> {
        hr_intraday(&self.samples)
    }

    /// Writes `dir/Fitbit_HR_{DATE}.csv` (atomically; `dir` is created when missing). The bytes
    /// are those of [`write_csv`] on [`HrDay::table`], written straight from the records.
    pub fn write_csv(&self, dir: impl AsRef<Path>) -> Result<Written> {
        let path = write_hr_intraday_csv(&self.samples, dir.as_ref().join(self.file_name()))?;
        Ok(Written {
            kind: FileKind::HeartRate,
            path,
            rows: self.samples.len(),
        })
    }
}

/// The daily tables of the days `start..=end`; each one present is written to its standard
/// file by [`RangeTables::write_csv`]. A table that is present but empty is written too (a
/// header only): the file says "nothing in this range", where a missing one says "not asked".
#[derive(Debug, Clone, PartialEq)]
pub struct RangeTables {
    /// The first day of the range.
    pub start: NaiveDate,
    /// The last day, inclusive.
    pub end: NaiveDate,
    /// Resting heart rate per day → `Fitbit_RestingHR_{START}_{END}.csv`.
    pub resting_hr: Option<Vec<DailyHr>>,
    /// Nightly HRV → `Fitbit_HRV_{START}_{END}.csv`.
    pub hrv_daily: Option<Vec<DailyHrv>>,
    /// HRV measurements → `Fitbit_HRV_intraday_{START}_{END}.csv`.
    pub hrv_intraday: Option<Vec<HrvSample>>,
}

impl RangeTables {
    /// The range `start..=end` with no table yet; an error when `end` is before `start`.
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<RangeTables> {
        crate::time::check_range(start, end)?;
        Ok(RangeTables {
            start,
            end,
            resting_hr: None,
            hrv_daily: None,
            hrv_intraday: None,
        })
    }

    /// With the resting heart rate of the range.
    pub fn with_resting_hr(self, days: Vec<DailyHr>) -> RangeTables {
        RangeTables {
            resting_hr: Some(days),
            ..self
        }
    }

    /// With the nightly HRV of the range.
    pub fn with_hrv_daily(self, nights: Vec<DailyHrv>) -> RangeTables {
        RangeTables {
            hrv_daily: Some(nights),
            ..self
        }
    }

    /// With the HRV measurements of the range.
    pub fn with_hrv_intraday(self, samples: Vec<HrvSample>) -> RangeTables {
        RangeTables {
            hrv_intraday: Some(samples),
            ..self
        }
    }

    /// Writes each table present to `dir` (created when missing), in the order resting HR,
    /// HRV, HRV intraday; returns what was written.
    pub fn write_csv(&self, dir: impl AsRef<Path>) -> Result<Vec<Written>> {
        write_range_csv(
            dir.as_ref(),
            self.start,
            self.end,
            self.resting_hr.as_deref(),
            self.hrv_daily.as_deref(),
            self.hrv_intraday.as_deref(),
        )
    }
}

/// What [`RangeTables::write_csv`] writes, from borrowed records (for callers that keep them).
pub(crate) fn write_range_csv(
    dir: &Path,
    start: NaiveDate,
    end: NaiveDate,
    resting_hr: Option<&[DailyHr]>,
    nights: Option<&[DailyHrv]>,
    hrv: Option<&[HrvSample]>,
) -> Result<Vec<Written>> {
    let mut written = Vec::new();
    if let Some(days) = resting_hr {
        let path = write_csv(&hr_daily(days)?, dir.join(hr_daily_csv_name(start, end)))?;
        written.push(Written {
            kind: FileKind::RestingHeartRate,
            path,
            rows: days.len(),
        });
    }
    if let Some(nights) = nights {
        let path = write_csv(
            &hrv_daily(nights)?,
            dir.join(hrv_daily_csv_name(start, end)),
        )?;
        written.push(Written {
            kind: FileKind::HrvDaily,
            path,
            rows: nights.len(),
        });
    }
    if let Some(samples) = hrv {
        let name = hrv_intraday_csv_name(start, end);
        let path = write_csv(&hrv_intraday(samples)?, dir.join(name))?;
        written.push(Written {
            kind: FileKind::HrvIntraday,
            path,
            rows: samples.len(),
        });
    }
    Ok(written)
}
