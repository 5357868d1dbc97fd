//! `fitbit hrv`: nightly HRV (and with --intraday the 5-minute measurements) to CSV.

use std::path::{Path, PathBuf};

use clap::Parser;
use fitbit_core::chrono::NaiveDate;
use fitbit_core::{Result, table};

use crate::dates::parse_date;

#[derive(Parser, Debug)]
pub struct Args {
    /// First night (YYYY-MM-DD or `today`; HRV is dated by the day the main sleep ended).
    #[arg(long, value_parser = parse_date)]
    start: NaiveDate,
    /// Last night, inclusive (default: the start date). Longer ranges are split into
    /// requests of at most 30 days.
    #[arg(long, value_parser = parse_date)]
    end: Option<NaiveDate>,
    /// Also write the 5-minute measurements (rmssd, coverage, hf, lf).
    #[arg(long)]
    intraday: bool,
    /// Output directory (created when missing).
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(config: &Path, demo: bool, args: &Args) -> Result<()> {
    let mut client = super::open_client(config, demo)?;
    let out = super::out_dir(&args.out)?;
    let end = args.end.unwrap_or(args.start);
    let daily = client.hrv_daily(args.start, end)?;
    let mut df = table::hrv_daily(&daily)?;
    let path = table::write_csv(
        &mut df,
        out.join(table::hrv_daily_csv_name(args.start, end)),
    )?;
    println!("{} ({} nights)", path.display(), daily.len());
    if args.intraday {
        let samples = client.hrv_intraday(args.start, end)?;
        let mut df = table::hrv_intraday(&samples)?;
        let name = table::hrv_intraday_csv_name(args.start, end);
        let path = table::write_csv(&mut df, out.join(name))?;
        println!("{} ({} measurements)", path.display(), samples.len());
    }
    super::report_token_note(&client);
    Ok(())
}
