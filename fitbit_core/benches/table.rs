//! Times the table path for one day of 1-second heart rate (86,400 samples): records →
//! DataFrame → CSV file, plus the day chart. Run in release:
//!
//! ```text
//! cargo bench -p fitbit_core --bench table [-- OUT_DIR]
//! ```
//!
//! Writes `Fitbit_HR_2026-09-25.csv` and `hr_day.svg` into OUT_DIR (default: a temp dir).
//! Each step runs 5 times and the best time is printed (the machines are shared).

use std::time::{Duration, Instant};

use fitbit_core::chrono::{FixedOffset, NaiveDate, TimeDelta};
use fitbit_core::{HrSample, Timestamp, plot, table};

fn main() -> Result<(), fitbit_core::Error> {
    // `cargo bench` passes `--bench`; the first other argument is the output directory.
    let out = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("fitbit_bench_table"));
    let day = NaiveDate::from_ymd_opt(2026, 9, 25).expect("valid date");
    let midnight = day.and_hms_opt(0, 0, 0).expect("valid time");
    let offset = FixedOffset::east_opt(9 * 3600);
    // A plausible day: a slow sine around 70 bpm, a workout, and a 40-minute gap (no watch).
    let samples: Vec<HrSample> = (0..86_400i64)
        .filter(|s| !(36_000..38_400).contains(s))
        .map(|s| {
            let base = 68.0 + 12.0 * ((s as f64) / 86_400.0 * std::f64::consts::TAU).sin();
            let workout = if (64_800..68_400).contains(&s) {
                60.0
            } else {
                0.0
            };
            let jitter = ((s * 7919) % 9) as f64 - 4.0;
            HrSample {
                time: Timestamp::new(midnight + TimeDelta::seconds(s), offset),
                bpm: (base + workout + jitter).round() as u16,
                confidence: None,
            }
        })
        .collect();

    let (built, df) = best_of(5, || table::hr_intraday(&samples))?;
    let (formatted, text) = best_of(5, || table::csv_string(&df))?;
    let csv_path = out.join(table::hr_csv_name(day));
    let (written, path) = best_of(5, || table::write_csv(&df, &csv_path))?;
    let title = "Heart rate 2026-09-25";
    let (plotted, svg) = best_of(5, || plot::hr_day(&samples, Some(61.0), title))?;
    let svg_path = svg.save(out.join("hr_day.svg"))?;

    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("rows            {}", df.height());
    println!("hr_intraday     {:>8.2} ms", ms(built));
    println!(
        "csv_string      {:>8.2} ms  ({} bytes)",
        ms(formatted),
        text.len()
    );
    println!(
        "write_csv       {:>8.2} ms  {}",
        ms(written),
        path.display()
    );
    let svg_bytes = svg.0.len();
    println!(
        "plot::hr_day    {:>8.2} ms  {} ({svg_bytes} bytes)",
        ms(plotted),
        svg_path.display()
    );
    Ok(())
}

/// Runs `step` `runs` times; the best wall time and the last result.
fn best_of<T>(
    runs: usize,
    mut step: impl FnMut() -> Result<T, fitbit_core::Error>,
) -> Result<(Duration, T), fitbit_core::Error> {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let value = step()?;
        best = best.min(t.elapsed());
        last = Some(value);
    }
    let value = last.ok_or_else(|| fitbit_core::Error::Plot("no runs".into()))?;
    Ok((best, value))
}
