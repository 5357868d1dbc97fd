//! Reading a whole study from a store into polars: every participant and day of each table
//! through [`scan_study`], collected into one DataFrame per table. Run in release:
//!
//! ```text
//! cargo bench -p fitbit_core --features store --bench study_read -- STORE
//! ```
//!
//! `bench/cohort.sh` runs it on the store its cohort sync wrote. Without `STORE` it first writes
//! a small synthetic study (20 participants × 30 days of one heart-rate sample a minute) into a
//! temp dir, through `Store::write_day` as a sync does. Prints, per table, the rows, the
//! participants and the time of each of 3 reads, then the peak RSS.

use std::time::Instant;

use fitbit_core::chrono::{Duration, FixedOffset, NaiveDate};
use fitbit_core::cohort::scan_study;
use fitbit_core::store::{Dataset, DayState, Origin, Store, UserId};
use fitbit_core::{HrSample, Timestamp, table};

/// A synthetic study: `users` participants × `days` days of 1-minute heart rate.
fn synthetic_study(users: usize, days: u32) -> Result<Store, fitbit_core::Error> {
    let store = Store::open(std::env::temp_dir().join("fitbit_bench_study"))?;
    let start = NaiveDate::from_ymd_opt(2026, 10, 1).expect("valid date");
    for u in 0..users {
        let user = UserId::new(&format!("S{u:03}"))?;
        let ledger = store.ledger(&user)?;
        for day in start.iter_days().take(days as usize) {
            if ledger.day(Dataset::HeartRate, day)?.is_some() {
                continue;
            }
            let midnight = day.and_hms_opt(0, 0, 0).expect("valid time");
            let samples: Vec<HrSample> = (0..1440i64)
                .map(|m| HrSample {
                    time: Timestamp::new(midnight + Duration::minutes(m), FixedOffset::east_opt(0)),
                    bpm: (55 + (m / 17 + u as i64) % 70) as u16,
                    confidence: None,
                })
                .collect();
            let df = table::hr_intraday(&samples)?;
            store.write_day(
                &ledger,
                &user,
                Dataset::HeartRate,
                day,
                df,
                Origin::Api,
                0,
                DayState::Complete,
            )?;
        }
    }
    Ok(store)
}

fn main() -> Result<(), fitbit_core::Error> {
    let store = match std::env::args().skip(1).find(|a| !a.starts_with('-')) {
        // cargo runs benches in the package's folder: a relative path would name another store.
        Some(path) if !std::path::Path::new(&path).is_dir() => {
            return Err(fitbit_core::Error::InvalidInput {
                what: format!("store {path}"),
                hint: "no such folder; give the store's absolute path".into(),
            });
        }
        Some(path) => Store::open(path)?,
        None => synthetic_study(20, 30)?,
    };
    println!("study at {}", store.root().display());
    for dataset in Dataset::ALL {
        for i in 0..3 {
            let t = Instant::now();
            let df = scan_study(&store, dataset)?.collect()?;
            let secs = t.elapsed().as_secs_f64();
            let users = df.column("user")?.n_unique()?;
            println!(
                "{dataset}: read {i}: {} rows x {} columns, {users} participants in {secs:.3} s",
                df.height(),
                df.width()
            );
        }
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM")) {
        println!("peak RSS: {}", line.trim_start_matches("VmHWM:").trim());
    }
    Ok(())
}
