//! `fitbit status`: what a store holds (per user and dataset: first and last day, complete
//! days, gaps, rows, last sync), the token's state, and the command to run next.

use std::path::{Path, PathBuf};

use clap::Parser;
use fitbit_core::chrono::Utc;
use fitbit_core::store::{Store, UserStatus};
use fitbit_core::{Client, Result};

#[derive(Parser, Debug)]
pub struct Args {
    /// The store folder.
    #[arg(long)]
    store: PathBuf,
    /// A study's cohort file: one row per participant instead.
    #[arg(long)]
    cohort: Option<PathBuf>,
    /// With --cohort: also write the rows as CSV to this file.
    #[arg(long, requires = "cohort")]
    csv: Option<PathBuf>,
}

pub fn run(config: &Path, demo: bool, args: &Args) -> Result<()> {
    if let Some(cohort) = &args.cohort {
        return super::cohort::status(cohort, &args.store, args.csv.as_ref());
    }
    if !args.store.is_dir() {
        println!(
            "No store at {}. Fill one with: fitbit sync --store {}",
            args.store.display(),
            args.store.display()
        );
        return Ok(());
    }
    let store = Store::open(&args.store)?;
    let client = if demo {
        Client::demo().ok()
    } else if config.exists() {
        Client::open(config).ok()
    } else {
        None
    };
    let users = store.users()?;
    if users.is_empty() {
        println!("The store {} is empty.", store.root().display());
    }
    for user in &users {
        print_user(&store.status(user, None)?);
    }
    if let Some(c) = &client {
        println!();
        println!("{}", token_line(c));
    }
    println!();
    let flags = if demo {
        " --demo".to_string()
    } else if config != Path::new("fb_conf.json") {
        format!(" --config {}", config.display())
    } else {
        String::new()
    };
    println!(
        "Next: fitbit sync{flags} --store {}",
        store.root().display()
    );
    Ok(())
}

fn print_user(st: &UserStatus) {
    println!("user {}", st.user);
    match &st.last_sync {
        Some((t, outcome)) => {
            println!("  last sync {} UTC ({outcome})", t.format("%Y-%m-%d %H:%M"))
        }
        None => println!("  never synced"),
    }
    if let Some((a, b)) = st.window {
        println!("  window {a} to {b}");
    }
    println!(
        "  {:<20} {:>10} {:>10} {:>9} {:>12} {:>8} {:>12}  gaps",
        "dataset", "first", "last", "complete", "provisional", "failed", "rows"
    );
    for t in &st.tables {
        let day = |d: Option<fitbit_core::chrono::NaiveDate>| {
            d.map(|d| d.to_string()).unwrap_or_else(|| "-".into())
        };
        let gaps: Vec<String> = t
            .gaps
            .iter()
            .take(5)
            .map(|g| {
                if g.start == g.end {
                    g.start.to_string()
                } else {
                    format!("{}..{}", g.start, g.end)
                }
            })
            .collect();
        let more = t.gaps.len().saturating_sub(5);
        println!(
            "  {:<20} {:>10} {:>10} {:>9} {:>12} {:>8} {:>12}  {}{}",
            t.dataset.name(),
            day(t.first),
            day(t.last),
            t.complete_days,
            t.provisional_days,
            t.failed_days,
            t.rows,
            if gaps.is_empty() {
                "none".into()
            } else {
                gaps.join(", ")
            },
            if more > 0 {
                format!(" (+{more} more)")
            } else {
                String::new()
            }
        );
        if let Some(e) = &t.last_error {
            println!("    last error: {e}");
        }
    }
}

fn token_line(c: &Client) -> String {
    let st = c.token_status();
    let now = Utc::now();
    let mut s = format!("Token ({}): ", st.provider);
    match st.expires_at {
        Some(t) if t > now => s.push_str(&format!(
            "access token valid for {} min",
            (t - now).num_minutes()
        )),
        Some(_) => s.push_str("access token expired (refreshed at the next request)"),
        None => s.push_str("access token expiry unknown"),
    }
    if let Some(r) = st.refresh_token_expires_at {
        let days = (r - now).num_hours() as f64 / 24.0;
        if days > 0.0 {
            s.push_str(&format!("; refresh token expires in {days:.1} days (Google apps in Testing: 7 days after consent), run `fitbit auth` before then"));
        } else {
            s.push_str("; the refresh token has expired: run `fitbit auth`");
        }
    }
    if !st.has_refresh_token {
        s.push_str("; not authorized yet: run `fitbit auth`");
    }
    s
}
