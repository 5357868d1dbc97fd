//! `fitbit`: authorize, check tokens, and export heart rate and HRV to CSV — from the Google
//! Health API, the legacy Fitbit Web API, or a Google Takeout export.

mod commands;
mod dates;
mod fix;
mod progress;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Heart rate and HRV from Fitbit / Google into CSV files.
///
/// The config file (`fb_conf.json`) holds client_id, client_secret, access_token and
/// refresh_token; `"provider": "google"` (or a client_id ending in .apps.googleusercontent.com)
/// selects the Google Health API, otherwise the legacy Fitbit Web API is used.
/// Base URLs can be overridden with FITBIT_API_URL, GOOGLE_HEALTH_API_URL and
/// GOOGLE_OAUTH_TOKEN_URL (the tests point them at the local emulator).
#[derive(Parser, Debug)]
#[command(name = "fitbit", version, about, long_about)]
struct Cli {
    /// Path of the config file.
    #[arg(long, global = true, default_value = "fb_conf.json")]
    config: PathBuf,
    /// Use the local emulator's demo account instead of a config (synthetic data).
    #[arg(long, global = true)]
    demo: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Authorize this tool (OAuth 2.0 with PKCE) and write the tokens to the config.
    ///
    /// Prints the address to open in a browser, then waits for the browser to come back to the
    /// loopback redirect (127.0.0.1 only). On a remote machine or Binder, paste the address the
    /// browser ended on instead and press Enter. With --cohort FILE --participant ID: creates or
    /// renews that participant's config (the path the cohort file gives), with `"user": ID`.
    Auth(commands::auth::Args),
    /// Check the access token, refresh it when needed, and make a test request.
    Token,
    /// Intraday heart rate for a day (or each day of a range) to Fitbit_HR_{DATE}.csv, plus the
    /// resting heart rate of those days to Fitbit_RestingHR_{START}_{END}.csv.
    HeartRate(commands::heart_rate::Args),
    /// Nightly HRV summaries to Fitbit_HRV_{START}_{END}.csv; with --intraday also the 5-minute
    /// measurements to Fitbit_HRV_intraday_{START}_{END}.csv.
    Hrv(commands::hrv::Args),
    /// Read a Google Takeout / Fitbit data export (folder, .zip or .tgz) offline and write the
    /// same CSV files as the API commands, plus Parquet for multi-day output.
    Import(commands::import::Args),
    /// Fill a local store (hive-partitioned Parquet + a ledger) with your history: only days
    /// missing, provisional or damaged are fetched, paced to the quota; safe to kill and rerun.
    Sync(commands::sync::Args),
    /// What a store holds: per dataset the days covered, gaps, rows, last sync; token state.
    Status(commands::status::Args),
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Auth(args) => commands::auth::run(&cli.config, args),
        Command::Token => commands::token::run(&cli.config, cli.demo),
        Command::HeartRate(args) => commands::heart_rate::run(&cli.config, cli.demo, args),
        Command::Hrv(args) => commands::hrv::run(&cli.config, cli.demo, args),
        Command::Import(args) => commands::import::run(args),
        Command::Sync(args) => commands::sync::run(&cli.config, cli.demo, args),
        Command::Status(args) => commands::status::run(&cli.config, cli.demo, args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(line) = fix::line(&e) {
                eprintln!("{line}");
            }
            ExitCode::FAILURE
        }
    }
}

/// A day of 1-second data allocates and frees buffers of several MB (the response body, columns,
/// the CSV text). glibc serves each from a fresh `mmap` and returns it on `free`, so every one
/// costs new page faults; keeping them in the heap instead saved about a quarter of the run time
/// in `bench/cli_vs_python.sh` without raising peak memory.
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator thresholds; it is called before any other thread
    // exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 64 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 << 20);
    }
}
