//! Imports a data export and prints the summary, throughput and a progress line on stderr.
//! Used by `scripts/bench_import.sh`.
//!
//! ```text
//! cargo run --release -p fitbit_core --example import_export -- PATH [--tz ZONE|auto|utc:Z|local:Z]
//!     [--start YYYY-MM-DD] [--end YYYY-MM-DD] [--threads N]
//! ```

use std::time::Instant;

use fitbit_core::source::export::{ImportOptions, import};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut path = None;
    let mut opts = ImportOptions::default();
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--tz" => opts.tz = val()?.parse()?,
            "--start" => opts.start = Some(val()?.parse()?),
            "--end" => opts.end = Some(val()?.parse()?),
            "--threads" => opts.threads = val()?.parse()?,
            _ => path = Some(a),
        }
    }
    let path = path.ok_or("usage: import_export PATH [--tz ZONE] [--start D] [--end D]")?;
    let t0 = Instant::now();
    let (mut hr, mut hrv, mut max_day) = (0usize, 0usize, 0usize);
    let summary = import(
        path.as_ref(),
        &opts,
        &mut |day| {
            hr += day.hr.len();
            hrv += day.hrv.len();
            max_day = max_day.max(day.hr.len());
            Ok(())
        },
        &mut |p| {
            if p.files_done % 200 == 0 || p.files_done == p.files_total {
                eprint!(
                    "\r{}/{} files, {} / {} MB, {} days",
                    p.files_done,
                    p.files_total,
                    p.bytes_done >> 20,
                    p.bytes_total >> 20,
                    p.days_emitted
                );
            }
        },
    )?;
    let secs = t0.elapsed().as_secs_f64();
    eprintln!();
    println!("{}", summary.report);
    println!(
        "emitted {hr} HR + {hrv} HRV samples, {} daily HR, {} daily HRV; largest day {max_day} HR samples",
        summary.daily_hr.len(),
        summary.daily_hrv.len()
    );
    println!(
        "elapsed {secs:.2} s; {:.0} rows/s",
        summary.report.rows as f64 / secs.max(1e-9)
    );
    Ok(())
}
