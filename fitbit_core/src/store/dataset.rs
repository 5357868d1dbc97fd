//! The four datasets of a store, their folders, keys and table builders.

use polars::prelude::DataFrame;

use crate::{Error, Result};

/// One dataset of the store: a folder of hive partitions `user=<id>/date=<YYYY-MM-DD>/`, with
/// exactly the columns of the matching [`crate::table`] builder.
///
/// ```
/// use fitbit_core::store::Dataset;
/// assert_eq!("hrv_daily".parse::<Dataset>()?, Dataset::HrvDaily);
/// assert_eq!(Dataset::HeartRate.name(), "heart_rate");
/// assert!(Dataset::RestingHeartRate.is_daily());
/// # Ok::<(), fitbit_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dataset {
    /// Intraday heart rate ([`crate::table::hr_intraday`]), partitioned by the local day.
    HeartRate,
    /// Daily resting heart rate ([`crate::table::hr_daily`]).
    RestingHeartRate,
    /// Nightly HRV ([`crate::table::hrv_daily`]), dated by the morning the sleep ended.
    HrvDaily,
    /// HRV during sleep ([`crate::table::hrv_intraday`]), partitioned by the local day.
    HrvIntraday,
}

impl Dataset {
    /// Every dataset, in the order a sync fetches them (daily tables first: one request each).
    pub const ALL: [Dataset; 4] = [
        Dataset::RestingHeartRate,
        Dataset::HrvDaily,
        Dataset::HeartRate,
        Dataset::HrvIntraday,
    ];

    /// The folder name and the name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Dataset::HeartRate => "heart_rate",
            Dataset::RestingHeartRate => "resting_heart_rate",
            Dataset::HrvDaily => "hrv_daily",
            Dataset::HrvIntraday => "hrv_intraday",
        }
    }

    /// One row per day (fetched for whole ranges at once) rather than samples.
    pub fn is_daily(self) -> bool {
        matches!(self, Dataset::RestingHeartRate | Dataset::HrvDaily)
    }

    /// The columns that identify a row: the instant for samples (`timestamp_utc`, or the local
    /// `timestamp` where the source gave no offset), the date for daily rows.
    pub(crate) fn key_columns(self) -> (&'static str, Option<&'static str>) {
        if self.is_daily() {
            ("date", None)
        } else {
            ("timestamp_utc", Some("timestamp"))
        }
    }

    /// The frame as its file holds it: daily datasets leave out `date`, which the partition
    /// key `date=` carries (hive readers such as pyarrow refuse a column that repeats a key).
    pub(crate) fn to_file(self, df: &DataFrame) -> Result<DataFrame> {
        Ok(if self.is_daily() {
            df.drop("date")?
        } else {
            df.clone()
        })
    }

    /// The frame of a file with the table's columns again (`date` first for daily datasets).
    pub(crate) fn from_file(self, mut df: DataFrame, date: chrono::NaiveDate) -> Result<DataFrame> {
        if self.is_daily() && df.column("date").is_err() {
            let dates = vec![date; df.height()];
            df.insert_column(0, polars::prelude::Column::new("date".into(), dates))?;
        }
        Ok(df)
    }

    /// An empty frame with this dataset's schema.
    pub fn empty_frame(self) -> Result<DataFrame> {
        match self {
            Dataset::HeartRate => crate::table::hr_intraday(&[]),
            Dataset::RestingHeartRate => crate::table::hr_daily(&[]),
            Dataset::HrvDaily => crate::table::hrv_daily(&[]),
            Dataset::HrvIntraday => crate::table::hrv_intraday(&[]),
        }
    }
}

impl std::fmt::Display for Dataset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Dataset {
    type Err = Error;
    fn from_str(s: &str) -> Result<Dataset> {
        Dataset::ALL
            .into_iter()
            .find(|d| d.name() == s.trim())
            .ok_or_else(|| Error::InvalidInput {
                what: format!("table {s:?}"),
                hint: "use heart_rate, resting_heart_rate, hrv_daily or hrv_intraday".into(),
            })
    }
}
