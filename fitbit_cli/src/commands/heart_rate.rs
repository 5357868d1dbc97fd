//! `fitbit heart-rate`: intraday HR per day to `Fitbit_HR_{DATE}.csv`, resting HR of the range.

use std::path::{Path, PathBuf};

use clap::Parser;
use fitbit_core::chrono::NaiveDate;
use fitbit_core::{Detail, Result, table};

use crate::dates::{days, parse_date};

#[derive(Parser, Debug)]
pub struct Args {
    /// The day (YYYY-MM-DD or `today`), in your local time zone.
    #[arg(long, value_parser = parse_date)]
    date: NaiveDate,
    /// Last day of a range (inclusive); one CSV per day.
    #[arg(long, value_parser = parse_date)]
    end: Option<NaiveDate>,
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
    let days = days(args.date, args.end)?;
    let bar = crate::progress::bar(days.len() as u64, "heart rate");
    if days.len() < 2 {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut summaries = Vec::new();
    for day in &days {
        let (samples, summary) = client.heart_rate_day(*day, args.detail)?;
        summaries.extend(summary);
        // Straight from the records: the same bytes as write_csv(hr_intraday(..)), faster.
        let path = table::write_hr_intraday_csv(&samples, out.join(table::hr_csv_name(*day)))?;
        bar.suspend(|| println!("{} ({} samples)", path.display(), samples.len()));
        bar.inc(1);
    }
    bar.finish_and_clear();
    let (start, end) = (days[0], *days.last().unwrap_or(&days[0]));
    // The Fitbit API's intraday answers carry each day's summary; otherwise ask for the range.
    let daily = if summaries.len() == days.len() {
        summaries
    } else {
        client.heart_rate_daily(start, end)?
    };
    let mut df = table::hr_daily(&daily)?;
    let path = table::write_csv(&mut df, out.join(table::hr_daily_csv_name(start, end)))?;
    println!("{} ({} days)", path.display(), daily.len());
    super::report_token_note(&client);
    Ok(())
}
