//! `fitbit sync`: fill a local store (hive-partitioned Parquet + a ledger) with the days that
//! are missing, provisional or damaged; paced to the provider's quota; resumable.

use std::path::{Path, PathBuf};

use clap::Parser;
use fitbit_core::cohort::{DEFAULT_MAX_USERS, DEFAULT_PROJECT_PER_MINUTE, Shard};
use fitbit_core::day::DaySpec;
use fitbit_core::store::{Dataset, Store};
use fitbit_core::sync::{SETTLE_DAYS, SyncEvent, SyncOptions};
use fitbit_core::{Detail, Error, Result};

use crate::dates::{parse_day, resolve_opt};

#[derive(Parser, Debug)]
pub struct Args {
    /// The store folder (created, mode 0700, when missing).
    #[arg(long)]
    store: PathBuf,
    /// First local day: YYYY-MM-DD, `today` or `yesterday` (default: the first day already in
    /// the store, else 30 days ago).
    #[arg(long, value_parser = parse_day)]
    start: Option<DaySpec>,
    /// Last local day (default: today).
    #[arg(long, value_parser = parse_day)]
    end: Option<DaySpec>,
    /// Datasets, comma-separated: heart_rate,resting_heart_rate,hrv_daily,hrv_intraday.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "heart_rate,resting_heart_rate,hrv_daily,hrv_intraday"
    )]
    tables: Vec<Dataset>,
    /// Fetch every day of the range again, complete or not.
    #[arg(long)]
    refetch: bool,
    /// Stop cleanly after N requests (for cron); the next run continues.
    #[arg(long)]
    max_requests: Option<u64>,
    /// Days after which a past day counts as complete (a watch may upload late until then).
    #[arg(long, default_value_t = SETTLE_DAYS)]
    settle_days: u32,
    /// Wait for another sync of the same user to finish instead of exiting.
    #[arg(long)]
    wait: bool,
    /// Detail level (legacy Fitbit API only).
    #[arg(long, default_value = "1sec")]
    detail: Detail,
    /// A study's cohort file (CSV: participant,config[,start,end]): sync every participant.
    #[arg(long)]
    cohort: Option<PathBuf>,
    /// With --cohort: participants synced at once.
    #[arg(long, default_value_t = 4, requires = "cohort")]
    jobs: usize,
    /// With --cohort: sync only shard I of N (participants by a stable hash of their id).
    #[arg(long, value_parser = parse_shard, requires = "cohort")]
    shard: Option<Shard>,
    /// With --cohort: the project-wide quota, requests a minute (Google: 120,000).
    #[arg(long, default_value_t = DEFAULT_PROJECT_PER_MINUTE, requires = "cohort")]
    project_quota: u32,
    /// With --cohort: refuse more participants than this (Google's cap for unverified apps: 100).
    #[arg(long, default_value_t = DEFAULT_MAX_USERS, requires = "cohort")]
    max_users: usize,
}

fn parse_shard(s: &str) -> std::result::Result<Shard, String> {
    Shard::parse(s).map_err(|e| e.to_string())
}

pub fn run(config: &Path, demo: bool, args: &Args) -> Result<()> {
    let mut opts = SyncOptions {
        datasets: args.tables.clone(),
        refetch: args.refetch,
        settle_days: args.settle_days,
        max_requests: args.max_requests,
        detail: args.detail,
        ..SyncOptions::default()
    };
    if let Some(cohort) = &args.cohort {
        // Participants live in different zones: `today` is this machine's date here.
        let today = fitbit_core::day::today(None);
        opts.start = args.start.map(|d| d.on(today));
        opts.end = args.end.map(|d| d.on(today));
        return super::cohort::sync(
            cohort,
            &args.store,
            opts,
            args.jobs,
            args.shard.unwrap_or(Shard::ALL),
            args.project_quota,
            args.max_users,
        );
    }
    let mut client = super::open_client(config, demo)?;
    opts.start = resolve_opt(&mut client, args.start)?;
    opts.end = resolve_opt(&mut client, args.end)?;
    let store = Store::open(&args.store)?;
    let user = client.store_user()?;
    let _lock = if args.wait {
        store.lock(&user)?
    } else {
        store.try_lock(&user)?
    };
    let bar = crate::progress::sync_bar("syncing");
    let notify_bar = bar.clone();
    client
        .session_mut()
        .http_mut()
        .set_notifier(move |m| crate::progress::say(&notify_bar, m));
    let mut rows = 0u64;
    let mut requests = 0u64;
    let report = fitbit_core::sync::sync_locked(&mut client, &store, &user, &opts, &mut |ev| {
        match ev {
            SyncEvent::Planned(plan) => {
                let todo = plan.days_to_fetch();
                let line: Vec<String> = todo.iter().map(|(d, n)| format!("{d} {n}")).collect();
                let done: u64 = plan.complete.values().sum();
                let (limit, window) = plan.quota;
                bar.suspend(|| println!(
                "Plan for user {} ({}), {} to {}: fetch {} days ({}); {done} days already complete{}.\n\
                 Expected about {} requests, at least {} at the quota of {limit} requests per {} s.",
                plan.user,
                plan.provider,
                plan.start,
                plan.end,
                todo.values().sum::<u64>(),
                if line.is_empty() { "nothing".into() } else { line.join(", ") },
                if plan.repaired > 0 { format!("; {} damaged or missing files fetched again", plan.repaired) } else { String::new() },
                plan.expected_requests,
                crate::progress::human(plan.expected_duration()),
                window.as_secs(),
            ));
                bar.set_length(plan.tasks.iter().map(|t| t.days()).sum());
            }
            SyncEvent::Stored {
                task,
                rows: r,
                requests: q,
            } => {
                rows += r;
                requests += q;
                bar.inc(task.days());
                bar.set_message(format!("{} {}", task.dataset, task.end));
                bar.set_prefix(format!("{requests} requests, {rows} rows"));
            }
            SyncEvent::Failed { task, error } => {
                bar.inc(task.days());
                bar.println(format!(
                    "{} from {} failed: {error}",
                    task.dataset, task.start
                ));
            }
            _ => {}
        }
    })?;
    bar.finish_and_clear();
    println!(
        "Synced user {} into {}: {} days written, {} rows, {} requests, {}.",
        user,
        store.root().display(),
        report.days,
        report.rows,
        report.requests,
        crate::progress::human(report.elapsed)
    );
    if report.budget_spent {
        println!(
            "Stopped at the budget of {} requests: run the same command again to continue.",
            args.max_requests.unwrap_or(0)
        );
    }
    if report.failures.is_empty() {
        return Ok(());
    }
    for f in &report.failures {
        println!("FAILED {}: {} days: {}", f.dataset, f.days, f.error);
        if let Some(line) = crate::fix::line(&f.error) {
            println!("  {line}");
        }
    }
    Err(Error::Store {
        path: store.root().to_path_buf(),
        message: format!(
            "{} of {} datasets failed (see above); the others were stored",
            report.failures.len(),
            args.tables.len()
        ),
    })
}
