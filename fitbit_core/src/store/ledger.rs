//! The ledger: what was fetched, per dataset and day, in an SQLite database of one user
//! (`_ledger/user=<id>.sqlite`). A day is recorded only after its file is durable, so the
//! ledger never claims data the store does not hold.
//!
//! One database per user means that shards syncing different participants into one store never
//! write the same ledger file.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::Dataset;
use crate::{Error, Result};

/// How settled a recorded day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayState {
    /// Fetched after the day had settled: never fetched again (unless `--refetch`).
    Complete,
    /// Fetched while the watch could still upload samples for it: fetched again next time.
    Provisional,
    /// Failed for good (a missing scope, a 403): reported, and tried again next time.
    Failed,
}

impl DayState {
    fn as_str(self) -> &'static str {
        match self {
            DayState::Complete => "complete",
            DayState::Provisional => "provisional",
            DayState::Failed => "failed",
        }
    }
    fn parse(s: &str) -> DayState {
        match s {
            "complete" => DayState::Complete,
            "provisional" => DayState::Provisional,
            _ => DayState::Failed,
        }
    }
}

/// Where a day's rows came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// A provider's API.
    Api,
    /// A data export (`fitbit import --store`).
    Export,
    /// Both: rows of the two merged, one per instant.
    ApiAndExport,
}

impl Origin {
    /// `api`, `export` or `api+export`.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Api => "api",
            Origin::Export => "export",
            Origin::ApiAndExport => "api+export",
        }
    }
    fn parse(s: &str) -> Origin {
        match s {
            "api" => Origin::Api,
            "export" => Origin::Export,
            _ => Origin::ApiAndExport,
        }
    }
    /// This origin after rows of `other` were merged in.
    pub fn with(self, other: Origin) -> Origin {
        if self == other {
            self
        } else {
            Origin::ApiAndExport
        }
    }
}

/// One recorded day of one dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct DayEntry {
    /// The dataset.
    pub dataset: Dataset,
    /// The user's local day.
    pub date: NaiveDate,
    /// How settled it is.
    pub state: DayState,
    /// Rows in the day's file (0: no data that day, and no file).
    pub rows: u64,
    /// Where the rows came from.
    pub origin: Origin,
    /// When it was fetched or imported.
    pub fetched_at: DateTime<Utc>,
    /// Requests this day cost (its share, for days fetched as one range).
    pub requests: u64,
    /// SHA-256 of the file (hex), `None` when there is no file.
    pub checksum: Option<String>,
    /// The file, relative to the store's root.
    pub file: Option<String>,
    /// Why it failed (a [`DayState::Failed`] day), for the summary.
    pub error: Option<String>,
}

/// One user's ledger.
pub struct Ledger {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger").field("path", &self.path).finish()
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS days (
    dataset    TEXT NOT NULL,
    date       TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('complete', 'provisional', 'failed')),
    rows       INTEGER NOT NULL,
    origin     TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    requests   INTEGER NOT NULL,
    checksum   TEXT,
    file       TEXT,
    error      TEXT,
    PRIMARY KEY (dataset, date)
);
CREATE TABLE IF NOT EXISTS facts (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS syncs (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    requests    INTEGER NOT NULL DEFAULT 0,
    outcome     TEXT
);
";

impl Ledger {
    /// Opens (creating) the ledger at `path`: WAL journal, `synchronous=FULL`, so a committed
    /// day survives a crash or power loss.
    pub fn open(path: &Path) -> Result<Ledger> {
        let err = |e: rusqlite::Error| ledger_error(path, e);
        let conn = Connection::open(path).map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(err)?;
        conn.execute_batch(SCHEMA).map_err(err)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
        }
        Ok(Ledger {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Records (or replaces) a day.
    pub fn record(&self, e: &DayEntry) -> Result<()> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO days
                 (dataset, date, state, rows, origin, fetched_at, requests, checksum, file, error)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    e.dataset.name(),
                    e.date.to_string(),
                    e.state.as_str(),
                    e.rows as i64,
                    e.origin.as_str(),
                    e.fetched_at.to_rfc3339(),
                    e.requests as i64,
                    e.checksum,
                    e.file,
                    e.error,
                ],
            )
            .map_err(|e| ledger_error(&self.path, e))?;
        Ok(())
    }

    /// Forgets a day (its file was found missing or corrupt).
    pub fn forget(&self, dataset: Dataset, date: NaiveDate) -> Result<()> {
        self.conn
            .execute(
                "DELETE FROM days WHERE dataset = ?1 AND date = ?2",
                params![dataset.name(), date.to_string()],
            )
            .map_err(|e| ledger_error(&self.path, e))?;
        Ok(())
    }

    /// The entry of one day.
    pub fn day(&self, dataset: Dataset, date: NaiveDate) -> Result<Option<DayEntry>> {
        self.conn
            .query_row(
                "SELECT dataset, date, state, rows, origin, fetched_at, requests, checksum, file, error
                 FROM days WHERE dataset = ?1 AND date = ?2",
                params![dataset.name(), date.to_string()],
                row_to_entry,
            )
            .optional()
            .map_err(|e| ledger_error(&self.path, e))?
            .transpose()
    }

    /// Every entry of `dataset` in `start..=end` (all days when both are `None`), by date.
    pub fn days(
        &self,
        dataset: Dataset,
        start: Option<NaiveDate>,
        end: Option<NaiveDate>,
    ) -> Result<Vec<DayEntry>> {
        let lo = start.map(|d| d.to_string()).unwrap_or_default();
        let hi = end
            .map(|d| d.to_string())
            .unwrap_or_else(|| "9999-12-31".into());
        let mut st = self
            .conn
            .prepare(
                "SELECT dataset, date, state, rows, origin, fetched_at, requests, checksum, file, error
                 FROM days WHERE dataset = ?1 AND date >= ?2 AND date <= ?3 ORDER BY date",
            )
            .map_err(|e| ledger_error(&self.path, e))?;
        let rows = st
            .query_map(params![dataset.name(), lo, hi], row_to_entry)
            .map_err(|e| ledger_error(&self.path, e))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(r.map_err(|e| ledger_error(&self.path, e))??);
        }
        Ok(out)
    }

    /// Starts a sync record; returns its id.
    pub fn begin_sync(&self, at: DateTime<Utc>) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO syncs (started_at) VALUES (?1)",
                params![at.to_rfc3339()],
            )
            .map_err(|e| ledger_error(&self.path, e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Closes a sync record.
    pub fn end_sync(&self, id: i64, at: DateTime<Utc>, requests: u64, outcome: &str) -> Result<()> {
        self.conn
            .execute(
                "UPDATE syncs SET finished_at = ?2, requests = ?3, outcome = ?4 WHERE id = ?1",
                params![id, at.to_rfc3339(), requests as i64, outcome],
            )
            .map_err(|e| ledger_error(&self.path, e))?;
        Ok(())
    }

    /// The user's time zone as the last sync that asked the provider saw it (so a sync with
    /// nothing to fetch needs no request at all). `None` before the first such sync.
    pub fn time_zone(&self) -> Result<Option<chrono_tz::Tz>> {
        let name: Option<String> = self
            .conn
            .query_row("SELECT value FROM facts WHERE key = 'time_zone'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| ledger_error(&self.path, e))?;
        Ok(name.and_then(|n| n.parse().ok()))
    }

    /// Remembers the user's time zone (see [`Ledger::time_zone`]).
    pub fn set_time_zone(&self, tz: chrono_tz::Tz) -> Result<()> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO facts (key, value) VALUES ('time_zone', ?1)",
                params![tz.name()],
            )
            .map_err(|e| ledger_error(&self.path, e))?;
        Ok(())
    }

    /// Records why the participant's last sync failed, and the fix (a [`crate::cohort::Fix`]
    /// name), or clears it (`None`) after a sync that completed. No secrets: the message is an
    /// error's text, which never holds tokens.
    pub fn set_last_failure(&self, failure: Option<(&str, &str)>, at: DateTime<Utc>) -> Result<()> {
        let err = |e| ledger_error(&self.path, e);
        match failure {
            Some((fix, message)) => {
                for (k, v) in [
                    ("last_failure_fix", fix.to_string()),
                    ("last_failure", message.to_string()),
                    ("last_failure_at", at.to_rfc3339()),
                ] {
                    self.conn
                        .execute(
                            "INSERT OR REPLACE INTO facts (key, value) VALUES (?1, ?2)",
                            params![k, v],
                        )
                        .map_err(err)?;
                }
            }
            None => {
                self.conn
                    .execute("DELETE FROM facts WHERE key LIKE 'last_failure%'", [])
                    .map_err(err)?;
            }
        }
        Ok(())
    }

    /// The last failure recorded by [`Ledger::set_last_failure`]: fix, message, when.
    pub fn last_failure(&self) -> Result<Option<(String, String, DateTime<Utc>)>> {
        let get = |k: &str| -> Result<Option<String>> {
            self.conn
                .query_row("SELECT value FROM facts WHERE key = ?1", params![k], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(|e| ledger_error(&self.path, e))
        };
        let (Some(fix), Some(msg), Some(at)) = (
            get("last_failure_fix")?,
            get("last_failure")?,
            get("last_failure_at")?,
        ) else {
            return Ok(None);
        };
        let at = DateTime::parse_from_rfc3339(&at)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|_| Utc::now());
        Ok(Some((fix, msg, at)))
    }

    /// The last finished sync: when, and how it ended.
    pub fn last_sync(&self) -> Result<Option<(DateTime<Utc>, String)>> {
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT finished_at, outcome FROM syncs WHERE finished_at IS NOT NULL
                 ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| ledger_error(&self.path, e))?;
        Ok(row.and_then(|(t, o)| {
            DateTime::parse_from_rfc3339(&t)
                .ok()
                .map(|t| (t.with_timezone(&Utc), o))
        }))
    }
}

fn row_to_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<DayEntry>> {
    let dataset: String = r.get(0)?;
    let date: String = r.get(1)?;
    let state: String = r.get(2)?;
    let rows: i64 = r.get(3)?;
    let origin: String = r.get(4)?;
    let fetched_at: String = r.get(5)?;
    let requests: i64 = r.get(6)?;
    let parsed = (|| -> Result<DayEntry> {
        let bad = |what: &str| Error::Store {
            path: PathBuf::new(),
            message: format!(
                "the ledger holds an unreadable {what}; delete the store's _ledger folder to rebuild it"
            ),
        };
        Ok(DayEntry {
            dataset: dataset.parse().map_err(|_| bad("dataset name"))?,
            date: date.parse().map_err(|_| bad("date"))?,
            state: DayState::parse(&state),
            rows: rows.max(0) as u64,
            origin: Origin::parse(&origin),
            fetched_at: DateTime::parse_from_rfc3339(&fetched_at)
                .map_err(|_| bad("time"))?
                .with_timezone(&Utc),
            requests: requests.max(0) as u64,
            checksum: r.get(7).ok().flatten(),
            file: r.get(8).ok().flatten(),
            error: r.get(9).ok().flatten(),
        })
    })();
    Ok(parsed)
}

fn ledger_error(path: &Path, e: rusqlite::Error) -> Error {
    Error::Store {
        path: path.to_path_buf(),
        message: format!("ledger: {e}"),
    }
}
