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
            return Ok(empty_scan(dataset)?.lazy());
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

/// What [`Store::scan`] gives for a dataset with no file yet: no rows, the same columns as over
/// files (the table's, `date` last for the daily tables as the hive key carries it, then `user`
/// and, for intraday tables, `date`), so a study's code runs on a store that lacks a table.
fn empty_scan(dataset: Dataset) -> Result<DataFrame> {
    let mut df = dataset.to_file(&dataset.empty_frame()?)?;
    let user = polars::prelude::Column::new_empty("user".into(), &DataType::String);
    let date = polars::prelude::Column::new_empty("date".into(), &DataType::Date);
    df.with_column(user)?;
    df.with_column(date)?;
    Ok(df)
}

#[cfg(test)]
mod tests {
    use chrono::{FixedOffset, NaiveDate};

    use super::*;
    use crate::store::{DayState, Origin};
    use crate::{DailyHr, DailyHrv, HrSample, HrvSample, Timestamp, table};

    fn one_row(dataset: Dataset, day: NaiveDate) -> DataFrame {
        let time = Timestamp::new(
            day.and_hms_opt(3, 0, 0).unwrap(),
            FixedOffset::east_opt(3600),
        );
        match dataset {
            Dataset::HeartRate => table::hr_intraday(&[HrSample {
                time,
                bpm: 60,
                confidence: None,
            }]),
            Dataset::RestingHeartRate => table::hr_daily(&[DailyHr {
                date: day,
                resting_bpm: Some(58.0),
            }]),
            Dataset::HrvDaily => table::hrv_daily(&[DailyHrv {
                date: day,
                daily_rmssd: Some(40.0),
                ..DailyHrv::default()
            }]),
            Dataset::HrvIntraday => table::hrv_intraday(&[HrvSample {
                time,
                rmssd: Some(41.0),
                coverage: None,
                hf: None,
                lf: None,
                sdnn: None,
            }]),
        }
        .unwrap()
    }

    /// A study's code (`scan(..).collect()?.column("user")`) must run whether or not the store
    /// holds a table yet: the empty scan has the columns, in the order, of a scan over files.
    #[test]
    fn a_table_without_files_scans_with_the_columns_of_one_with_files() {
        let day = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap();
        let empty = tempfile::tempdir().unwrap();
        let full = tempfile::tempdir().unwrap();
        let (empty, full) = (
            Store::open(empty.path()).unwrap(),
            Store::open(full.path()).unwrap(),
        );
        let user = UserId::new("P01").unwrap();
        let ledger = full.ledger(&user).unwrap();
        for dataset in Dataset::ALL {
            let frame = one_row(dataset, day);
            full.write_day(
                &ledger,
                &user,
                dataset,
                day,
                frame,
                Origin::Api,
                1,
                DayState::Complete,
            )
            .unwrap();
            let over_files = full.scan(dataset).unwrap().collect().unwrap();
            let without = empty.scan(dataset).unwrap().collect().unwrap();
            assert_eq!(over_files.height(), 1, "{dataset}");
            assert_eq!(without.height(), 0, "{dataset}");
            assert_eq!(over_files.schema(), without.schema(), "{dataset}");
            assert!(without.column("user").is_ok() && without.column("date").is_ok());
        }
    }
}
