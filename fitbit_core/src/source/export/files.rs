//! An export as the standard files: one `Fitbit_HR_{DATE}.csv` per local day with heart rate,
//! and the resting-HR, HRV and HRV-intraday files of the export's first to last day; with the
//! `parquet` feature, streamed straight from the archive ([`import_files`]) with Parquet files
//! of the whole range.

use std::path::Path;

use chrono::NaiveDate;

use super::Export;
use crate::Result;
use crate::table::{HrDay, Written, write_range_csv};

impl Export {
    /// The first and last local day with heart rate or HRV samples (what the file names of the
    /// range files say), or `None` for an export without samples.
    pub fn days(&self) -> Option<(NaiveDate, NaiveDate)> {
        let dates = self
            .hr
            .iter()
            .map(|s| s.time.local.date())
            .chain(self.hrv.iter().map(|s| s.time.local.date()));
        dates.fold(None, |range, d| match range {
            None => Some((d, d)),
            Some((a, b)) => Some((a.min(d), b.max(d))),
        })
    }

    /// Writes the export's standard CSV files to `dir` (created when missing) and returns them:
    /// a `Fitbit_HR_{DATE}.csv` per local day with heart rate, then the resting HR, HRV and HRV
    /// intraday files of [`Export::days`]. The same names and bytes as `fitbit import`. Nothing
    /// is written for an export without samples.
    ///
    /// ```no_run
    /// use fitbit_core::source::export::{load, ImportOptions};
    /// let export = load("takeout.zip".as_ref(), &ImportOptions::default())?;
    /// for file in export.write_csv(".")? {
    ///     println!("{} ({} rows)", file.path.display(), file.rows);
    /// }
    /// # Ok::<(), fitbit_core::Error>(())
    /// ```
    pub fn write_csv(&self, dir: impl AsRef<Path>) -> Result<Vec<Written>> {
        let dir = dir.as_ref();
        let Some((first, last)) = self.days() else {
            return Ok(Vec::new());
        };
        let mut written = HrDay::split(&self.hr)
            .iter()
            .map(|day| day.write_csv(dir))
            .collect::<Result<Vec<_>>>()?;
        written.extend(write_range_csv(
            dir,
            first,
            last,
            Some(&self.daily_hr),
            Some(&self.daily_hrv),
            Some(&self.hrv),
        )?);
        Ok(written)
    }
}

#[cfg(feature = "parquet")]
pub use streamed::{ImportedFiles, import_files};

#[cfg(feature = "parquet")]
mod streamed {
    use std::path::Path;

    use chrono::NaiveDate;

    use super::super::{ImportOptions, ImportSummary, Progress, import};
    use crate::Result;
    use crate::table::{
        FileKind, ParquetSink, Written, hr_csv_name, hr_intraday, hr_parquet_name, hrv_intraday,
        hrv_intraday_csv_name, write_csv, write_parquet, write_range_csv,
    };

    /// What [`import_files`] wrote, in order, and the import's summary.
    #[derive(Debug, Clone, PartialEq)]
    pub struct ImportedFiles {
        /// The files written: the per-day CSVs (unless left out), the heart-rate Parquet file,
        /// the resting HR, HRV and HRV intraday CSVs, the HRV intraday Parquet file. Empty when
        /// the export had no day with data in the range.
        pub written: Vec<Written>,
        /// What was read, skipped and decided.
        pub summary: ImportSummary,
    }

    /// Streams the export at `path` into the standard files in `dir` (created when missing),
    /// one local day at a time (memory bounded by a few days, as [`import`]): a
    /// `Fitbit_HR_{DATE}.csv` per day with heart rate when `daily_csv`, all heart rate in
    /// `Fitbit_HR_{FIRST}_{LAST}.parquet`, and the range files of the days seen (as
    /// [`super::Export::write_csv`]) plus the HRV measurements as Parquet. What `fitbit import
    /// --out DIR` writes.
    pub fn import_files(
        path: &Path,
        opts: &ImportOptions,
        dir: &Path,
        daily_csv: bool,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ImportedFiles> {
        std::fs::create_dir_all(dir).map_err(|e| crate::Error::io(dir, e))?;
        let mut hr_parquet = ParquetSink::new(dir, "Fitbit_HR.parquet");
        let mut written = Vec::new();
        let mut hrv_samples = Vec::new();
        let mut days: Option<(NaiveDate, NaiveDate)> = None;
        let summary = import(
            path,
            opts,
            &mut |day| {
                days = Some(days.map_or((day.date, day.date), |(a, _)| (a, day.date)));
                if !day.hr.is_empty() {
                    let df = hr_intraday(&day.hr)?;
                    if daily_csv {
                        let path = write_csv(&df, dir.join(hr_csv_name(day.date)))?;
                        written.push(Written {
                            kind: FileKind::HeartRate,
                            path,
                            rows: day.hr.len(),
                        });
                    }
                    hr_parquet.write(&df)?;
                }
                hrv_samples.extend(day.hrv);
                Ok(())
            },
            progress,
        )?;
        let Some((first, last)) = days else {
            return Ok(ImportedFiles { written, summary });
        };
        if let Some((path, rows)) = hr_parquet.finish(dir.join(hr_parquet_name(first, last)))? {
            written.push(Written {
                kind: FileKind::HeartRate,
                path,
                rows,
            });
        }
        let range = write_range_csv(
            dir,
            first,
            last,
            Some(&summary.daily_hr),
            Some(&summary.daily_hrv),
            Some(&hrv_samples),
        )?;
        written.extend(range);
        let parquet = dir
            .join(hrv_intraday_csv_name(first, last))
            .with_extension("parquet");
        let path = write_parquet(&hrv_intraday(&hrv_samples)?, parquet)?;
        written.push(Written {
            kind: FileKind::HrvIntraday,
            path,
            rows: hrv_samples.len(),
        });
        Ok(ImportedFiles { written, summary })
    }
}
