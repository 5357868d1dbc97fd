//! `fitbit sync`: fill a [`Store`] from an API, fetching only what is missing, provisional or
//! damaged, paced to the provider's quota, resumable at any point.
//!
//! Order of writes for every day: the Parquet file (temporary file, fsync, rename, fsync of the
//! folder), then its ledger entry (one SQLite transaction). A sync killed between the two
//! refetches that day next time and merges it into the same file (one row per instant), so a
//! resumed sync ends with exactly the rows of an uninterrupted one.
//!
//! ```no_run
//! use fitbit_core::{Client, store::{Store, UserId}, sync::{SyncOptions, sync}};
//! let mut client = Client::open("fb_conf.json")?;
//! let store = Store::open("my-store")?;
//! let user = UserId::new("me")?;
//! let report = sync(&mut client, &store, &user, &SyncOptions::default(), &mut |_event| {})?;
//! println!("{} requests, {} rows", report.requests, report.rows);
//! # Ok::<(), fitbit_core::Error>(())
//! ```

mod plan;
mod reader;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use polars::prelude::DataFrame;

pub use plan::{Plan, Task, is_provisional, user_quota};
pub use reader::Reader;

use crate::http::{Budget, Pacer};
use crate::record::{DailyHr, DailyHrv, Detail};
use crate::store::{Dataset, DayEntry, DayState, Ledger, Origin, Store, UserId};
use crate::{Client, Error, Provider, Result, table};

/// Days a watch may still upload samples for a past day: Fitbit's study guidance is to sync at
/// least every 5 days; a week covers that with margin. Days that ended less than this long ago
/// are provisional and fetched again.
pub const SETTLE_DAYS: u32 = 7;
/// The range of a first sync without `--start`: the last 30 days.
pub const DEFAULT_DAYS: u64 = 30;

/// What to sync.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// First local day (default: the first day the ledger has, else [`DEFAULT_DAYS`] ago).
    pub start: Option<NaiveDate>,
    /// Last local day (default: today in the user's zone).
    pub end: Option<NaiveDate>,
    /// Which datasets (default: all four).
    pub datasets: Vec<Dataset>,
    /// Fetch every day of the range again, complete or not (a repair on purpose).
    pub refetch: bool,
    /// See [`SETTLE_DAYS`].
    pub settle_days: u32,
    /// Stop cleanly after this many requests; the next run continues.
    pub max_requests: Option<u64>,
    /// Intraday detail (legacy Fitbit API only).
    pub detail: Detail,
    /// Quotas shared with other syncs (a study's project-wide quota); the per-user quota of the
    /// provider is always added.
    pub shared_pacers: Vec<Arc<Pacer>>,
    /// The per-user pacer (default: the provider's documented quota, see [`user_quota`], on the
    /// real clock).
    pub user_pacer: Option<Arc<Pacer>>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            start: None,
            end: None,
            datasets: Dataset::ALL.to_vec(),
            refetch: false,
            settle_days: SETTLE_DAYS,
            max_requests: None,
            detail: Detail::OneSecond,
            shared_pacers: Vec::new(),
            user_pacer: None,
        }
    }
}

/// What happens during a sync, for a progress display.
#[derive(Debug)]
#[non_exhaustive]
pub enum SyncEvent<'a> {
    /// The plan, before the first data request.
    Planned(&'a Plan),
    /// A task's days are stored.
    Stored {
        /// The task.
        task: &'a Task,
        /// Rows written.
        rows: u64,
        /// Requests it took.
        requests: u64,
    },
    /// A task failed for good; its days are recorded as failed.
    Failed {
        /// The task.
        task: &'a Task,
        /// What went wrong.
        error: &'a Error,
    },
}

/// A dataset that failed, with what to do.
#[derive(Debug)]
pub struct Failure {
    /// The dataset.
    pub dataset: Dataset,
    /// Days recorded as failed.
    pub days: u64,
    /// The error of the first failed day.
    pub error: Error,
}

/// How a sync ended.
#[derive(Debug)]
pub struct SyncReport {
    /// The plan it ran.
    pub plan: Plan,
    /// Requests sent (data and time zone; token refreshes not counted).
    pub requests: u64,
    /// Rows written.
    pub rows: u64,
    /// Days written (including days without data).
    pub days: u64,
    /// Datasets that failed for good.
    pub failures: Vec<Failure>,
    /// True when `max_requests` stopped the run before the plan was done.
    pub budget_spent: bool,
    /// Wall time.
    pub elapsed: Duration,
}

impl SyncReport {
    /// True when every task was stored.
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty() && !self.budget_spent
    }
}

/// Syncs `user`'s data from `client` into `store`. Takes the user's sync lock for the whole run
/// (failing at once with [`Error::Locked`] when another sync holds it).
pub fn sync(
    client: &mut Client,
    store: &Store,
    user: &UserId,
    opts: &SyncOptions,
    on_event: &mut dyn FnMut(SyncEvent<'_>),
) -> Result<SyncReport> {
    let _lock = store.try_lock(user)?;
    sync_locked(client, store, user, opts, on_event)
}

/// The plan for `opts` in the user's time zone `tz` (which fixes "today", the default end).
fn plan_in(
    store: &Store,
    ledger: &Ledger,
    user: &UserId,
    provider: Provider,
    opts: &SyncOptions,
    tz: Tz,
) -> Result<Plan> {
    let today = Utc::now().with_timezone(&tz).date_naive();
    let end = opts.end.unwrap_or(today);
    let start = match opts.start {
        Some(s) => s,
        None => first_recorded(ledger)?.unwrap_or_else(|| {
            end.checked_sub_days(chrono::Days::new(DEFAULT_DAYS - 1))
                .unwrap_or(end)
        }),
    };
    plan::plan(plan::PlanInput {
        store,
        ledger,
        user,
        provider,
        start,
        end,
        datasets: &opts.datasets,
        refetch: opts.refetch,
    })
}

/// [`sync`] for a caller that already holds the user's lock.
pub fn sync_locked(
    client: &mut Client,
    store: &Store,
    user: &UserId,
    opts: &SyncOptions,
    on_event: &mut dyn FnMut(SyncEvent<'_>),
) -> Result<SyncReport> {
    let started = std::time::Instant::now();
    let provider = client.provider();
    let (limit, window) = user_quota(provider);
    let user_pacer = opts
        .user_pacer
        .clone()
        .unwrap_or_else(|| Arc::new(Pacer::new("per user", limit, window)));
    let mut pacers = vec![user_pacer];
    pacers.extend(opts.shared_pacers.iter().cloned());
    let budget = opts.max_requests.map(|n| Arc::new(Budget::new(n)));
    {
        let http = client.session_mut().http_mut();
        http.set_pacers(pacers);
        http.set_budget(budget.clone());
    }
    let sent_before = client.session_mut().http().requests_sent();
    let ledger = store.ledger(user)?;
    // Plan with the time zone the ledger remembers, so a run with nothing to fetch sends no
    // request at all; before fetching anything, ask the provider (the user may have travelled)
    // and plan again if the zone changed.
    let remembered = ledger.time_zone()?;
    let mut tz = match remembered {
        Some(tz) => tz,
        None => client.time_zone()?.unwrap_or(Tz::UTC),
    };
    let mut plan = plan_in(store, &ledger, user, provider, opts, tz)?;
    if remembered.is_some() && !plan.tasks.is_empty() {
        let current = client.time_zone()?.unwrap_or(Tz::UTC);
        if current != tz {
            tz = current;
            plan = plan_in(store, &ledger, user, provider, opts, tz)?;
        }
    }
    if remembered != Some(tz) {
        ledger.set_time_zone(tz)?;
    }
    let sync_id = ledger.begin_sync(Utc::now())?;
    on_event(SyncEvent::Planned(&plan));
    let mut report = SyncReport {
        plan: plan.clone(),
        requests: 0,
        rows: 0,
        days: 0,
        failures: Vec::new(),
        budget_spent: false,
        elapsed: Duration::ZERO,
    };
    let mut failed: BTreeMap<Dataset, ()> = BTreeMap::new();
    let run = (|| -> Result<()> {
        for task in &plan.tasks {
            if failed.contains_key(&task.dataset) {
                continue;
            }
            let before = client.session_mut().http().requests_sent();
            let fetched = fetch(client, task, opts.detail);
            let requests = client.session_mut().http().requests_sent() - before;
            match fetched {
                Ok(frames) => {
                    let mut rows = 0;
                    for (i, (date, frame)) in frames.into_iter().enumerate() {
                        let state = if is_provisional(date, tz, Utc::now(), opts.settle_days) {
                            DayState::Provisional
                        } else {
                            DayState::Complete
                        };
                        // A range's requests are booked on its first day.
                        let share = if i == 0 { requests } else { 0 };
                        let e = store.write_day(
                            &ledger,
                            user,
                            task.dataset,
                            date,
                            frame,
                            Origin::Api,
                            share,
                            state,
                        )?;
                        rows += e.rows;
                        report.days += 1;
                    }
                    report.rows += rows;
                    on_event(SyncEvent::Stored {
                        task,
                        rows,
                        requests,
                    });
                }
                Err(e) if is_permanent(&e) => {
                    for date in task.start.iter_days().take_while(|d| *d <= task.end) {
                        ledger.record(&DayEntry {
                            dataset: task.dataset,
                            date,
                            state: DayState::Failed,
                            rows: 0,
                            origin: Origin::Api,
                            fetched_at: Utc::now(),
                            requests: 0,
                            checksum: None,
                            file: None,
                            error: Some(e.to_string()),
                        })?;
                    }
                    on_event(SyncEvent::Failed { task, error: &e });
                    failed.insert(task.dataset, ());
                    report.failures.push(Failure {
                        dataset: task.dataset,
                        days: task.days(),
                        error: e,
                    });
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    })();
    report.requests = client.session_mut().http().requests_sent() - sent_before;
    report.elapsed = started.elapsed();
    let outcome = match &run {
        Ok(()) if report.failures.is_empty() => "ok",
        Ok(()) => "failed",
        Err(Error::BudgetSpent { .. }) => "budget",
        Err(_) => "error",
    };
    ledger.end_sync(sync_id, Utc::now(), report.requests, outcome)?;
    client.session_mut().http_mut().set_budget(None);
    match run {
        Ok(()) => Ok(report),
        Err(Error::BudgetSpent { .. }) => {
            report.budget_spent = true;
            Ok(report)
        }
        Err(e) => Err(e),
    }
}

fn first_recorded(ledger: &Ledger) -> Result<Option<NaiveDate>> {
    let mut first: Option<NaiveDate> = None;
    for d in Dataset::ALL {
        if let Some(e) = ledger.days(d, None, None)?.first() {
            first = Some(first.map_or(e.date, |f| f.min(e.date)));
        }
    }
    Ok(first)
}

/// Errors that will not go away by trying again now: a missing scope, a 403, a 404, a 400, an
/// app without intraday access. Everything else (network, re-authorization, 410) stops the sync.
fn is_permanent(e: &Error) -> bool {
    match e {
        Error::Api { status, .. } => matches!(status, 400 | 403 | 404),
        Error::IntradayUnavailable => true,
        _ => false,
    }
}

/// One task's rows, one frame per day of the task.
fn fetch(client: &mut Client, task: &Task, detail: Detail) -> Result<Vec<(NaiveDate, DataFrame)>> {
    let days = || task.start.iter_days().take_while(|d| *d <= task.end);
    match task.dataset {
        Dataset::HeartRate => {
            let samples = client.heart_rate_intraday(task.start, detail)?;
            Ok(vec![(task.start, table::hr_intraday(&samples)?)])
        }
        // Partitioned by the day asked for: with Google the samples of that local day; with
        // the legacy API the night that ended that morning (Fitbit dates HRV so), evening
        // samples included.
        Dataset::HrvIntraday => {
            let samples = client.hrv_intraday(task.start, task.end)?;
            Ok(vec![(task.start, table::hrv_intraday(&samples)?)])
        }
        Dataset::RestingHeartRate => {
            let rows = client.heart_rate_daily(task.start, task.end)?;
            by_day(days(), &rows, |d: &DailyHr| d.date, table::hr_daily)
        }
        Dataset::HrvDaily => {
            let rows = client.hrv_daily(task.start, task.end)?;
            by_day(days(), &rows, |d: &DailyHrv| d.date, table::hrv_daily)
        }
    }
}

fn by_day<T: Clone>(
    days: impl Iterator<Item = NaiveDate>,
    rows: &[T],
    date: impl Fn(&T) -> NaiveDate,
    build: fn(&[T]) -> Result<DataFrame>,
) -> Result<Vec<(NaiveDate, DataFrame)>> {
    let mut grouped: BTreeMap<NaiveDate, Vec<T>> = BTreeMap::new();
    for r in rows {
        grouped.entry(date(r)).or_default().push(r.clone());
    }
    days.map(|d| {
        let v = grouped.remove(&d).unwrap_or_default();
        Ok((d, build(&v)?))
    })
    .collect()
}
