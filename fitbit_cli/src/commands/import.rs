//! `fitbit import`: a Takeout / Fitbit data export, offline, to the same CSV files as the API
//! commands (one `Fitbit_HR_{DATE}.csv` per day, resting HR, HRV), plus Parquet for the whole
//! range, streaming one day at a time (`fitbit_core::source::export::import_files`).

use std::path::PathBuf;

use clap::Parser;
use fitbit_core::Result;
use fitbit_core::day::{self, DaySpec};
use fitbit_core::source::export::{ImportOptions, TzChoice, import_files};
use fitbit_core::store::{Store, UserId};
use fitbit_core::table::{FileKind, Written};

use crate::dates::parse_day;

#[derive(Parser, Debug)]
pub struct Args {
    /// The export: an extracted folder, a .zip or a .tgz (any part of a multi-part archive;
    /// its sibling parts are found beside it).
    path: PathBuf,
    /// First local day to import (YYYY-MM-DD, `today` or `yesterday`; default: the first in
    /// the export).
    #[arg(long, value_parser = parse_day)]
    start: Option<DaySpec>,
    /// Last local day to import, inclusive (default: the last in the export).
    #[arg(long, value_parser = parse_day)]
    end: Option<DaySpec>,
    /// Your time zone, and how to read the legacy heart_rate-*.json timestamps (sources disagree
    /// whether they are UTC): `auto` (decide from the data, the default), `Europe/Berlin`
    /// (auto, with this zone for local times), `utc:Europe/Berlin` or `local:Europe/Berlin`
    /// to force a reading. The decision and its evidence are printed at the end.
    #[arg(long, default_value = "auto")]
    tz: TzChoice,
    /// Output directory (created when missing).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Do not write the one-file-per-day CSVs, only the range files and Parquet.
    #[arg(long)]
    no_daily_csv: bool,
    /// Import into this store (the partitions `fitbit sync` writes) instead of CSV files.
    #[arg(long)]
    store: Option<PathBuf>,
    /// With --store: the user id to file the data under (as `fitbit sync` does: the config's
    /// "user", else the provider's user id; `me` for a single person).
    #[arg(long, default_value = "me")]
    user: String,
}

pub fn run(args: &Args) -> Result<()> {
    // `today` / `yesterday` in the zone given with --tz, else this machine's.
    let today = day::today(args.tz.zone());
    let opts = ImportOptions {
        start: args.start.map(|d| d.on(today)),
        end: args.end.map(|d| d.on(today)),
        tz: args.tz,
        ..ImportOptions::default()
    };
    if let Some(dir) = &args.store {
        return into_store(args, dir, &opts);
    }
    let out = super::out_dir(&args.out)?;
    let bar = crate::progress::bar(0, "importing");
    let done = import_files(&args.path, &opts, &out, !args.no_daily_csv, &mut |p| {
        bar.set_length(p.files_total as u64);
        bar.set_position(p.files_done as u64);
        bar.set_message(format!("{} days", p.days_emitted));
    })?;
    bar.finish_and_clear();
    if done.written.is_empty() {
        println!("{}", done.summary.report.render(crate::fix::command));
        println!("No day with data in the selected range.");
        return Ok(());
    }
    let is_day_csv = |w: &&Written| {
        w.kind == FileKind::HeartRate && w.path.extension().is_some_and(|e| e == "csv")
    };
    let day_csvs = done.written.iter().filter(is_day_csv).count();
    if day_csvs > 0 {
        println!(
            "{day_csvs} files Fitbit_HR_{{DATE}}.csv in {}",
            out.display()
        );
    }
    for file in done.written.iter().filter(|w| !is_day_csv(w)) {
        println!("{}", super::describe(file));
    }
    println!();
    println!("{}", done.summary.report.render(crate::fix::command));
    Ok(())
}

fn into_store(args: &Args, dir: &std::path::Path, opts: &ImportOptions) -> Result<()> {
    let store = Store::open(dir)?;
    let user = UserId::new(args.user.clone())?;
    let bar = crate::progress::bar(0, "importing");
    let done = store.import_export(&args.path, &user, opts, &mut |p| {
        bar.set_length(p.files_total as u64);
        bar.set_position(p.files_done as u64);
    })?;
    bar.finish_and_clear();
    for (d, n) in &done.days {
        println!(
            "{d}: {n} days, {} rows (after merging with what was stored)",
            done.rows[d]
        );
    }
    println!("Imported into {} as user {user}.", store.root().display());
    println!();
    println!("{}", done.summary.report.render(crate::fix::command));
    Ok(())
}
