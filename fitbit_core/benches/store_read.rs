//! Reading a year of one user's heart rate from a store into polars: 365 day partitions of a
//! Pixel Watch day (about 33,000 samples, one every 2–3 s), about 12 M rows. Run in release:
//!
//! ```text
//! cargo bench -p fitbit_core --features store --bench store_read
//! ```
//!
//! Writes the store into a temp dir (once, through `Store::write_day`, as a sync does), then
//! reads the whole year 5 times and prints each time, the rows and the peak RSS.

use std::time::Instant;

use fitbit_core::chrono::{Duration, FixedOffset, NaiveDate};
use fitbit_core::store::{Dataset, DayState, Origin, Store, UserId};
use fitbit_core::{HrSample, Timestamp, table};

fn main() -> Result<(), fitbit_core::Error> {
    let dir = std::env::temp_dir().join("fitbit_bench_store");
    let store = Store::open(&dir)?;
    let user = UserId::new("bench")?;
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).expect("valid date");
    let end = NaiveDate::from_ymd_opt(2025, 12, 31).expect("valid date");
    let ledger = store.ledger(&user)?;
    let write = Instant::now();
    let mut written = 0;
    for day in start.iter_days().take_while(|d| *d <= end) {
        if ledger.day(Dataset::HeartRate, day)?.is_some() {
            continue;
        }
        let off = FixedOffset::east_opt(3600);
        let midnight = day.and_hms_opt(0, 0, 0).expect("valid time");
        let samples: Vec<HrSample> = (0..86_400i64)
            .step_by(2)
            .filter(|s| s % 7 != 0)
            .map(|s| HrSample {
                time: Timestamp::new(midnight + Duration::seconds(s), off),
                bpm: (60 + (s / 97) % 60) as u16,
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
        written += 1;
    }
    if written > 0 {
        println!(
            "wrote {written} days in {:.1} s",
            write.elapsed().as_secs_f64()
        );
    }
    for i in 0..5 {
        let t = Instant::now();
        let df = store.heart_rate(&user, start, end)?;
        println!(
            "read {i}: {} rows x {} columns in {:.3} s",
            df.height(),
            df.width(),
            t.elapsed().as_secs_f64()
        );
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM")) {
        println!("peak RSS: {}", line.trim_start_matches("VmHWM:").trim());
    }
    Ok(())
}
