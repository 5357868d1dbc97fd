//! `fitbit hrv`: nightly HRV (and with --intraday the 5-minute measurements) to CSV.

use std::path::{Path, PathBuf};

use clap::Parser;
use fitbit_core::Result;
use fitbit_core::day::DaySpec;
use fitbit_core::table::RangeTables;

use crate::dates::{parse_day, resolve, resolve_opt};

#[derive(Parser, Debug)]
pub struct Args {
    /// First night (YYYY-MM-DD, `today` or `yesterday`; HRV is dated by the day the main sleep
    /// ended).
    #[arg(long, value_parser = parse_day)]
    start: DaySpec,
    /// Last night, inclusive (default: the start date). Longer ranges are split into
    /// requests of at most 30 days.
    #[arg(long, value_parser = parse_day)]
    end: Option<DaySpec>,
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
    let start = resolve(&mut client, args.start)?;
    let end = resolve_opt(&mut client, args.end)?.unwrap_or(start);
    let nights = RangeTables::new(start, end)?.with_hrv_daily(client.hrv_daily(start, end)?);
    super::print_written(&nights.write_csv(&out)?);
    if args.intraday {
        let samples = client.hrv_intraday(start, end)?;
        let measurements = RangeTables::new(start, end)?.with_hrv_intraday(samples);
        super::print_written(&measurements.write_csv(&out)?);
    }
    super::report_token_note(&client);
    Ok(())
}
