//! A local store of HR and HRV history that other tools read as it is: one folder, hive-style
//! Parquet partitions per dataset, user and local day, and a ledger of what was fetched.
//!
//! ```text
//! STORE/
//!   heart_rate/user=<id>/date=2026-10-20/part-0.parquet
//!   resting_heart_rate/user=<id>/date=2026-10-20/part-0.parquet
//!   hrv_daily/user=<id>/date=…/part-0.parquet
//!   hrv_intraday/user=<id>/date=…/part-0.parquet
//!   _ledger/user=<id>.sqlite        what was fetched (see [`Ledger`])
//!   _ledger/user=<id>.lock          held by the sync of that user
//! ```
//!
//! Each file has exactly the columns of the matching [`crate::table`] builder; `user` and
//! `date` are hive partition keys (in the path, not in the file). polars, DuckDB
//! (`read_parquet('STORE/heart_rate/**/*.parquet', hive_partitioning = true)`), pyarrow, Spark
//! and BigQuery external tables read it as it is. Names starting with `_` are not data.
//!
//! ```no_run
//! use fitbit_core::store::{Store, UserId};
//! use fitbit_core::chrono::NaiveDate;
//! let store = Store::open("my-store")?;
//! let user = UserId::new("demo")?;
//! let day = NaiveDate::from_ymd_opt(2026, 10, 20).unwrap();
//! let hr = store.heart_rate(&user, day, day)?;
//! println!("{hr}");
//! # Ok::<(), fitbit_core::Error>(())
//! ```

mod dataset;
mod import;
mod ledger;
mod lock;
mod merge;
mod read;
mod status;
pub mod summary;
mod user;

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Utc};
use polars::prelude::{DataFrame, ParquetReader, ParquetWriter, SerReader};
use sha2::{Digest, Sha256};

pub use dataset::Dataset;
pub use import::StoreImport;
pub use ledger::{DayEntry, DayState, Ledger, Origin};
pub use lock::SyncLock;
pub use status::{Gap, TableStatus, UserStatus};
pub use user::UserId;

use crate::{Error, Result, atomic};

/// The folder of non-data files (ledgers, locks).
const META_DIR: &str = "_ledger";
/// The one file of a partition.
const PART_FILE: &str = "part-0.parquet";

/// A store folder. Cheap to clone; every method opens what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// Opens the store at `root`, creating it (mode 0700) when missing.
    pub fn open(root: impl AsRef<Path>) -> Result<Store> {
        let root = root.as_ref();
        if root.exists() && !root.is_dir() {
            return Err(Error::Store {
                path: root.to_path_buf(),
                message: "exists and is not a folder: give the store a folder path".into(),
            });
        }
        atomic::create_private_dir(&root.join(META_DIR))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o700));
        }
        Ok(Store {
            root: root.to_path_buf(),
        })
    }

    /// The store's folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The ledger of `user` (created when missing).
    pub fn ledger(&self, user: &UserId) -> Result<Ledger> {
        Ledger::open(&self.meta_path(user, "sqlite"))
    }

    /// Takes the sync lock of `user` without waiting; [`Error::Locked`] names the holder.
    pub fn try_lock(&self, user: &UserId) -> Result<SyncLock> {
        SyncLock::try_acquire(&self.meta_path(user, "lock"))
    }

    /// Takes the sync lock of `user`, waiting for the holder to finish.
    pub fn lock(&self, user: &UserId) -> Result<SyncLock> {
        SyncLock::acquire(&self.meta_path(user, "lock"))
    }

    /// The users with a ledger in this store, sorted.
    pub fn users(&self) -> Result<Vec<UserId>> {
        let dir = self.root.join(META_DIR);
        let mut out = Vec::new();
        for e in std::fs::read_dir(&dir)
            .map_err(|e| Error::io(&dir, e))?
            .flatten()
        {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(id) = name
                .strip_prefix("user=")
                .and_then(|n| n.strip_suffix(".sqlite"))
                && let Ok(u) = UserId::new(id)
            {
                out.push(u);
            }
        }
        out.sort();
        Ok(out)
    }

    fn meta_path(&self, user: &UserId, ext: &str) -> PathBuf {
        self.root.join(META_DIR).join(format!("user={user}.{ext}"))
    }

    /// The partition folder of one dataset, user and day.
    pub fn partition_dir(&self, dataset: Dataset, user: &UserId, date: NaiveDate) -> PathBuf {
        self.root
            .join(dataset.name())
            .join(format!("user={user}"))
            .join(format!("date={date}"))
    }

    fn relative_file(dataset: Dataset, user: &UserId, date: NaiveDate) -> String {
        format!("{}/user={user}/date={date}/{PART_FILE}", dataset.name())
    }

    /// Writes one day of `dataset` for `user` and records it in `ledger`, in that order: the
    /// file is durable before the ledger names it. Rows already stored for that day (from an
    /// export, or an earlier fetch) are merged in, one row per instant, `frame`'s rows winning.
    /// A day with no rows leaves no file (and records 0 rows).
    #[allow(clippy::too_many_arguments)]
    pub fn write_day(
        &self,
        ledger: &Ledger,
        user: &UserId,
        dataset: Dataset,
        date: NaiveDate,
        frame: DataFrame,
        origin: Origin,
        requests: u64,
        state: DayState,
    ) -> Result<DayEntry> {
        let dir = self.partition_dir(dataset, user, date);
        let path = dir.join(PART_FILE);
        let before = ledger.day(dataset, date)?;
        let (stored, stored_origin) = match self.read_verified(&path, before.as_ref())? {
            Some(df) => (
                Some(dataset.from_file(df, date)?),
                before.as_ref().map(|e| e.origin),
            ),
            None => (None, None),
        };
        let merged = match &stored {
            Some(old) => merge::merge(dataset, &frame, old)?,
            None => merge::sort(dataset, frame)?,
        };
        let origin = match (stored_origin, &stored) {
            (Some(o), Some(_)) => o.with(origin),
            _ => origin,
        };
        let rows = merged.height() as u64;
        let (checksum, file) = if rows == 0 {
            if path.exists() {
                std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
            }
            (None, None)
        } else {
            let bytes = parquet_bytes(dataset.to_file(&merged)?)?;
            atomic::remove_stale_temps(&dir);
            atomic::write_durably(&path, &bytes, 0o644)?;
            (
                Some(hex_sha256(&bytes)),
                Some(Store::relative_file(dataset, user, date)),
            )
        };
        let entry = DayEntry {
            dataset,
            date,
            state,
            rows,
            origin,
            fetched_at: Utc::now(),
            requests,
            checksum,
            file,
            error: None,
        };
        ledger.record(&entry)?;
        Ok(entry)
    }

    /// True when the ledger's entry still describes the store: its file exists with the
    /// recorded checksum (or the entry has no file and none is there).
    pub fn verify(&self, entry: &DayEntry) -> bool {
        match (&entry.file, &entry.checksum) {
            (Some(f), Some(sum)) => std::fs::read(self.root.join(f))
                .map(|b| hex_sha256(&b) == *sum)
                .unwrap_or(false),
            (None, _) => true,
            (Some(_), None) => false,
        }
    }

    /// The stored frame at `path` when it can be trusted: the ledger's checksum matches, or
    /// (a file written just before a crash, which the ledger does not know yet) it parses.
    fn read_verified(&self, path: &Path, entry: Option<&DayEntry>) -> Result<Option<DataFrame>> {
        let Ok(bytes) = std::fs::read(path) else {
            return Ok(None);
        };
        if let Some(sum) = entry.and_then(|e| e.checksum.as_ref())
            && hex_sha256(&bytes) != *sum
        {
            return Ok(None);
        }
        Ok(ParquetReader::new(std::io::Cursor::new(bytes))
            .finish()
            .ok())
    }
}

fn parquet_bytes(mut df: DataFrame) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf).finish(&mut df)?;
    Ok(buf)
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
