//! `fitbit heart-rate`: intraday HR per day to `Fitbit_HR_{DATE}.csv`, resting HR of the range.

use std::path::{Path, PathBuf};

use clap::Parser;
use fitbit_core::day::{DaySpec, days};
use fitbit_core::table::{HrDay, RangeTables};
use fitbit_core::{Detail, Result};

use crate::dates::{parse_day, resolve, resolve_opt};

#[derive(Parser, Debug)]
pub struct Args {
    /// The day (YYYY-MM-DD, `today` or `yesterday`), in your local time zone.
    #[arg(long, value_parser = parse_day)]
    date: DaySpec,
    /// Last day of a range (inclusive); one CSV per day.
    #[arg(long, value_parser = parse_day)]
    end: Option<DaySpec>,
    /// Detail level (legacy Fitbit API): 1sec, 1min, 5min or 15min. Google returns every sample.
    #[arg(long, default_value = "1sec")]
    detail: Detail,
    /// Output directory (created when missing).
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(config: &Path, demo: bool, args: &Args) -> Result<()> {
    let mut client = super::open_client(config, demo)?;
    let out = super::out_dir(&args.out)?;
    let start = resolve(&mut client, args.date)?;
    let end = resolve_opt(&mut client, args.end)?.unwrap_or(start);
    let days = days(start, end)?;
    let bar = crate::progress::bar(days.len() as u64, "heart rate");
    if days.len() < 2 {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut summaries = Vec::new();
    for day in &days {
        let (samples, summary) = client.heart_rate_day(*day, args.detail)?;
        summaries.extend(summary);
        let written = HrDay::new(*day, samples).write_csv(&out)?;
        bar.suspend(|| println!("{}", super::describe(&written)));
        bar.inc(1);
    }
    bar.finish_and_clear();
    // The Fitbit API's intraday answers carry each day's summary; otherwise ask for the range.
    let daily = if summaries.len() == days.len() {
        summaries
    } else {
        client.heart_rate_daily(start, end)?
    };
    let range = RangeTables::new(start, end)?.with_resting_hr(daily);
    super::print_written(&range.write_csv(&out)?);
    super::report_token_note(&client);
    Ok(())
}
