//! `fitbit import`: a Takeout / Fitbit data export to the same CSV files as the API commands.

use std::path::PathBuf;

use clap::Parser;
use fitbit_core::chrono::NaiveDate;
use fitbit_core::{Error, Result};

use crate::dates::parse_date;

#[derive(Parser, Debug)]
pub struct Args {
    /// The export: an extracted folder, a .zip or a .tgz (the first part of a multi-part
    /// archive is enough; its siblings are found beside it).
    path: PathBuf,
    #[arg(long, value_parser = parse_date)]
    start: Option<NaiveDate>,
    #[arg(long, value_parser = parse_date)]
    end: Option<NaiveDate>,
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(args: &Args) -> Result<()> {
    let _ = args;
    Err(Error::InvalidInput {
        what: "import".into(),
        hint: "not wired yet".into(),
    })
}
