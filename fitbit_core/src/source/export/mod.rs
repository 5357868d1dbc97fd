//! The user's own data export (Google Takeout "Fitbit" / "Google Health", or the older
//! fitbit.com `MyFitbitData`), read offline.
//!
//! The public surface is [`load`], [`import`], [`ImportOptions`], [`TzChoice`] and what they
//! return, and the standard files: [`Export::write_csv`] and (feature `parquet`) `import_files`.
//! The modules behind them are private:
//!
//! - `layout`: which files hold HR/HRV, by file-name pattern anywhere in the tree.
//! - `archive`: folders, `.zip` and `.tgz` (multi-part too).
//! - `json_files`, `csv_files`, `clock`: the per-format parsers.
//! - `timebasis`: what the clock means (the UTC-or-local dispute of `heart_rate-*.json`).
//! - `assemble`: local days, emitted in order with bounded memory.
//! - `pipeline`: parallel parsing, in-order delivery.
//! - `report`: the summary.
//! - `files`: the standard CSV (and Parquet) files of an export.
//!
//! ## Time zones (docs/takeout-export.md §3: the sources disagree)
//!
//! - GoogleData CSV timestamps end in `Z`: UTC instants. Local time = that instant in the
//!   user's zone ([`ImportOptions::tz`]); without a zone, UTC is shown and the report warns.
//! - HRV CSV timestamps have no `Z`: local wall-clock (the offset comes from the zone; in a
//!   DST fall-back the repeated hour gets the later offset the second time round).
//! - Legacy `heart_rate-*.json` has no zone. [`TzChoice::Auto`] decides from the data: the
//!   midnight between consecutive day files (watch worn at night) sits at 00:00 of the clock in
//!   a local export and at `-offset` in a UTC export; failing that, a UTC file for local day
//!   D starts on D-1 (users east of UTC) or ends on D+1 (west). The first few decisive files
//!   decide; the evidence over all files is in [`ImportReport::time_basis`], with a warning if
//!   it disagrees. Without any evidence UTC is assumed (the duckdb-fitbit observation).
//!   `--tz utc:<zone>` / `--tz local:<zone>` override; without a zone the offset implied by
//!   the data is used (with a warning: it ignores DST).
//!
//! ## Memory
//!
//! Files are read in name-date order (tgz parts in their tar order) with at most
//! `2 × threads + 1` files in flight; a local day is emitted as soon as every file still to come
//! is dated more than `assemble::SLACK_DAYS` later. So memory is a few files plus about five
//! days of samples, whatever the size of the export. A tgz is listed once (streamed, not
//! stored) and then streamed again; zips are read by index; files over
//! `archive::MAX_FILE_BYTES` are skipped.
//!
//! ```no_run
//! use fitbit_core::source::export::{load, ImportOptions};
//! let opts = ImportOptions { tz: "Europe/Berlin".parse()?, ..Default::default() };
//! let export = load("takeout-20260101T000000Z-001.zip".as_ref(), &opts)?;
//! println!("{} samples\n{}", export.hr.len(), export.report);
//! # Ok::<(), fitbit_core::Error>(())
//! ```

mod archive;
mod assemble;
mod clock;
mod csv_files;
mod files;
mod importer;
mod json_files;
mod layout;
mod parsed;
mod pipeline;
mod report;
mod timebasis;

use std::path::Path;

use chrono::NaiveDate;

use crate::{DailyHr, DailyHrv, HrSample, HrvSample, Result};

pub use assemble::DayData;
#[cfg(feature = "parquet")]
pub use files::{ImportedFiles, import_files};
pub use report::{ImportReport, Progress, Rendered};
pub use timebasis::{TzChoice, Zone};

/// What to import and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    /// First local day to keep (inclusive); `None` = from the start.
    pub start: Option<NaiveDate>,
    /// Last local day to keep (inclusive); `None` = to the end.
    pub end: Option<NaiveDate>,
    /// Time basis of the legacy JSON and the user's zone (the CLI's `--tz`).
    pub tz: TzChoice,
    /// Parser threads (0 = 2, the sweet spot on 2 cores: one more thread reads).
    pub threads: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            start: None,
            end: None,
            tz: TzChoice::default(),
            threads: 2,
        }
    }
}

/// What [`import`] returns once every day has been handed to `on_day`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportSummary {
    /// Resting heart rate per local day (from `resting_heart_rate-*.json`), ascending.
    pub daily_hr: Vec<DailyHr>,
    /// Nightly HRV summaries, ascending by date (sources merged field by field).
    pub daily_hrv: Vec<DailyHrv>,
    /// What was read, skipped and decided.
    pub report: ImportReport,
}

/// Everything in a (small) range, in memory. For notebooks; use [`import`] for years of data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Export {
    /// Heart-rate samples, ascending by instant.
    pub hr: Vec<HrSample>,
    /// Resting heart rate per local day, ascending.
    pub daily_hr: Vec<DailyHr>,
    /// HRV measurements, ascending.
    pub hrv: Vec<HrvSample>,
    /// Nightly HRV summaries, ascending by date.
    pub daily_hrv: Vec<DailyHrv>,
    /// What was read, skipped and decided.
    pub report: ImportReport,
}

/// Streams an export: calls `on_day` once per LOCAL day with data, in ascending date order,
/// each day's samples ascending; `progress` after every file. Memory holds a few days and a
/// few files, never the whole export (see [`assemble`] and [`pipeline`]).
///
/// Bad rows and files are skipped and counted in the report, never fatal. Errors: the path
/// cannot be read, it holds no recognised HR/HRV file (the message lists what was looked
/// for), or `on_day` failed.
pub fn import(
    path: &Path,
    opts: &ImportOptions,
    on_day: &mut dyn FnMut(DayData) -> Result<()>,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportSummary> {
    importer::run(path, opts, on_day, progress)
}

/// Reads a whole (small) range into memory. See [`import`].
pub fn load(path: &Path, opts: &ImportOptions) -> Result<Export> {
    let mut hr = Vec::new();
    let mut hrv = Vec::new();
    let summary = import(
        path,
        opts,
        &mut |day| {
            hr.extend(day.hr);
            hrv.extend(day.hrv);
            Ok(())
        },
        &mut |_| {},
    )?;
    Ok(Export {
        hr,
        hrv,
        daily_hr: summary.daily_hr,
        daily_hrv: summary.daily_hrv,
        report: summary.report,
    })
}
