//! An export into the store: the same partitions as a sync, one day at a time (the memory of
//! the import stays bounded by a day), merged with rows already there (one row per instant).

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use super::{Dataset, DayState, Origin, Store, UserId};
use crate::source::export::{ImportOptions, ImportSummary, Progress, import};
use crate::{Result, table};

/// What an import into the store wrote.
#[derive(Debug)]
pub struct StoreImport {
    /// The importer's summary (its report says what was read, skipped and decided).
    pub summary: ImportSummary,
    /// Days written per dataset.
    pub days: BTreeMap<Dataset, u64>,
    /// Rows stored per dataset after the merge.
    pub rows: BTreeMap<Dataset, u64>,
}

impl Store {
    /// Imports the export at `path` (folder, .zip, .tgz) into `user`'s partitions, taking the
    /// user's sync lock for the duration. Days are recorded as complete with origin
    /// [`Origin::Export`] ([`Origin::ApiAndExport`] where API rows were there already).
    pub fn import_export(
        &self,
        path: &Path,
        user: &UserId,
        opts: &ImportOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<StoreImport> {
        let _lock = self.try_lock(user)?;
        let ledger = self.ledger(user)?;
        let mut days: BTreeMap<Dataset, u64> = BTreeMap::new();
        let mut rows: BTreeMap<Dataset, u64> = BTreeMap::new();
        let mut put = |dataset: Dataset, date: NaiveDate, frame| -> Result<()> {
            let e = self.write_day(
                &ledger,
                user,
                dataset,
                date,
                frame,
                Origin::Export,
                0,
                DayState::Complete,
            )?;
            *days.entry(dataset).or_default() += 1;
            *rows.entry(dataset).or_default() += e.rows;
            Ok(())
        };
        let summary = import(
            path,
            opts,
            &mut |day| {
                if !day.hr.is_empty() {
                    put(Dataset::HeartRate, day.date, table::hr_intraday(&day.hr)?)?;
                }
                if !day.hrv.is_empty() {
                    put(
                        Dataset::HrvIntraday,
                        day.date,
                        table::hrv_intraday(&day.hrv)?,
                    )?;
                }
                Ok(())
            },
            progress,
        )?;
        for d in &summary.daily_hr {
            put(
                Dataset::RestingHeartRate,
                d.date,
                table::hr_daily(std::slice::from_ref(d))?,
            )?;
        }
        for d in &summary.daily_hrv {
            put(
                Dataset::HrvDaily,
                d.date,
                table::hrv_daily(std::slice::from_ref(d))?,
            )?;
        }
        Ok(StoreImport {
            summary,
            days,
            rows,
        })
    }
}
