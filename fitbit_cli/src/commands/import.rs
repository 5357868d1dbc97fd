//! `fitbit import`: a Takeout / Fitbit data export, offline, to the same CSV files as the API
//! commands (one `Fitbit_HR_{DATE}.csv` per day, resting HR, HRV), plus Parquet for the whole
//! range, streaming one day at a time.

use std::path::PathBuf;

use clap::Parser;
use fitbit_core::chrono::NaiveDate;
use fitbit_core::source::export::{ImportOptions, TzChoice, import};
use fitbit_core::store::{Store, UserId};
use fitbit_core::{Result, table};

use crate::dates::parse_date;

#[derive(Parser, Debug)]
pub struct Args {
    /// The export: an extracted folder, a .zip or a .tgz (any part of a multi-part archive;
    /// its sibling parts are found beside it).
    path: PathBuf,
    /// First local day to import (default: the first in the export).
    #[arg(long, value_parser = parse_date)]
    start: Option<NaiveDate>,
    /// Last local day to import, inclusive (default: the last in the export).
    #[arg(long, value_parser = parse_date)]
    end: Option<NaiveDate>,
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
    let opts = ImportOptions {
        start: args.start,
        end: args.end,
        tz: args.tz,
        ..ImportOptions::default()
    };
    if let Some(dir) = &args.store {
        return into_store(args, dir, &opts);
    }
    let out = super::out_dir(&args.out)?;
    let mut hr_parquet = table::ParquetSink::create(out.join(".Fitbit_HR.parquet.tmp"));
    let mut hrv_samples = Vec::new();
    let mut days: Vec<NaiveDate> = Vec::new();
    let bar = crate::progress::bar(0, "importing");
    let summary = import(
        &args.path,
        &opts,
        &mut |day| {
            days.push(day.date);
            if !day.hr.is_empty() {
                let mut df = table::hr_intraday(&day.hr)?;
                if !args.no_daily_csv {
                    table::write_csv(&mut df, out.join(table::hr_csv_name(day.date)))?;
                }
                hr_parquet.write(&df)?;
            }
            hrv_samples.extend(day.hrv);
            Ok(())
        },
        &mut |p| {
            bar.set_length(p.files_total as u64);
            bar.set_position(p.files_done as u64);
            bar.set_message(format!("{} days", p.days_emitted));
        },
    )?;
    bar.finish_and_clear();
    let (Some(first), Some(last)) = (days.first().copied(), days.last().copied()) else {
        println!("{}", summary.report.render(crate::fix::command));
        println!("No day with data in the selected range.");
        return Ok(());
    };
    if !args.no_daily_csv {
        println!(
            "{} files Fitbit_HR_{{DATE}}.csv in {}",
            days.len(),
            out.display()
        );
    }
    let parquet = out.join(format!("Fitbit_HR_{first}_{last}.parquet"));
    if let Some((path, rows)) = hr_parquet.finish(parquet)? {
        println!("{} ({rows} samples)", path.display());
    }
    let mut df = table::hr_daily(&summary.daily_hr)?;
    let p = table::write_csv(&mut df, out.join(table::hr_daily_csv_name(first, last)))?;
    println!("{} ({} days)", p.display(), summary.daily_hr.len());
    let mut df = table::hrv_daily(&summary.daily_hrv)?;
    let p = table::write_csv(&mut df, out.join(table::hrv_daily_csv_name(first, last)))?;
    println!("{} ({} nights)", p.display(), summary.daily_hrv.len());
    let mut df = table::hrv_intraday(&hrv_samples)?;
    let p = table::write_csv(&mut df, out.join(table::hrv_intraday_csv_name(first, last)))?;
    table::write_parquet(&mut df, p.with_extension("parquet"))?;
    println!("{} ({} measurements)", p.display(), hrv_samples.len());
    println!();
    println!("{}", summary.report.render(crate::fix::command));
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
