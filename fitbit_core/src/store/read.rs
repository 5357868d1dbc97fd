//! Reading a store: the same DataFrames the API calls give, for a day or a range, and lazy scans
//! of a whole dataset (every user and day, with the hive keys `user` and `date` as columns).

use chrono::NaiveDate;
use polars::prelude::{
    DataFrame, DataType, HiveOptions, IntoLazy, LazyFrame, PlRefPath, ScanArgsParquet, UnionArgs,
    all, concat, lit,
};

use super::{Dataset, PART_FILE, Store, UserId};
use crate::Result;

impl Store {
    /// Intraday heart rate of `user` for the local days `start..=end`: the columns of
    /// [`crate::table::hr_intraday`], ascending.
    pub fn heart_rate(&self, user: &UserId, start: NaiveDate, end: NaiveDate) -> Result<DataFrame> {
        self.read(Dataset::HeartRate, user, start, end)
    }

    /// Resting heart rate per day ([`crate::table::hr_daily`]'s columns).
    pub fn resting_heart_rate(
        &self,
        user: &UserId,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<DataFrame> {
        self.read(Dataset::RestingHeartRate, user, start, end)
    }

    /// Nightly HRV ([`crate::table::hrv_daily`]'s columns).
    pub fn hrv_daily(&self, user: &UserId, start: NaiveDate, end: NaiveDate) -> Result<DataFrame> {
        self.read(Dataset::HrvDaily, user, start, end)
    }

    /// HRV during sleep ([`crate::table::hrv_intraday`]'s columns).
    pub fn hrv_intraday(
        &self,
        user: &UserId,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<DataFrame> {
        self.read(Dataset::HrvIntraday, user, start, end)
    }

    /// One dataset of `user` for `start..=end`, eagerly (see [`Store::scan_range`]).
    pub fn read(
        &self,
        dataset: Dataset,
        user: &UserId,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<DataFrame> {
        Ok(self.scan_range(dataset, user, start, end)?.collect()?)
    }

    /// One dataset of `user` for `start..=end` as a polars LazyFrame over the day files that
    /// exist (a day without data has none); the columns of the table builder, no hive keys.
    pub fn scan_range(
        &self,
        dataset: Dataset,
        user: &UserId,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<LazyFrame> {
        crate::time::check_range(start, end)?;
        let files: Vec<_> = start
            .iter_days()
            .take_while(|d| *d <= end)
            .map(|d| (d, self.partition_dir(dataset, user, d).join(PART_FILE)))
            .filter(|(_, p)| p.is_file())
            .collect();
        if files.is_empty() {
            return Ok(dataset.empty_frame()?.lazy());
        }
        let args = ScanArgsParquet {
            hive_options: HiveOptions {
                enabled: Some(false),
                ..HiveOptions::default()
            },
            ..ScanArgsParquet::default()
        };
        let frames = files
            .iter()
            .map(|(d, p)| {
                let path = PlRefPath::try_from_path(p)?;
                let scan = LazyFrame::scan_parquet(path, args.clone())?;
                // Daily files leave out `date` (the partition key carries it); a date literal
                // is a Datetime in polars, so cast it to the table's Date.
                Ok(if dataset.is_daily() {
                    scan.select([lit(*d).cast(DataType::Date).alias("date"), all().as_expr()])
                } else {
                    scan
                })
            })
            .collect::<polars::error::PolarsResult<Vec<_>>>()?;
        Ok(concat(frames, UnionArgs::default())?)
    }

    /// Every user and day of `dataset` as one LazyFrame, with the hive keys `user` (String)
    /// and `date` (Date) as extra columns: the whole study for the analysis that follows.
    pub fn scan(&self, dataset: Dataset) -> Result<LazyFrame> {
        let dir = self.root.join(dataset.name());
        if !dir.is_dir() {
            return Ok(dataset.empty_frame()?.lazy());
        }
        let glob = format!("{}/**/*.parquet", dir.display());
        let args = ScanArgsParquet {
            hive_options: HiveOptions {
                enabled: Some(true),
                try_parse_dates: true,
                ..HiveOptions::default()
            },
            ..ScanArgsParquet::default()
        };
        Ok(LazyFrame::scan_parquet(PlRefPath::new(glob), args)?)
    }
}
