//! `fitbit_sim [--addr 127.0.0.1:8790] [--seed N] [--time-zone Europe/Berlin] [--accounts N]
//! [--project-per-minute N] [--user-cap N|none] [--intraday personal|missing|forbidden] [--gone] [--dense-1sec] [--pixel-watch] [--hr-every-secs N]
//! [--google-page-cap N] [--google-pretty] [--error-rate F] [--latency-ms N] [--drop-rate F]
//! [--truncate-rate F] [--fault-seed N]`
//!
//! Prints `fitbit_sim listening on http://127.0.0.1:PORT` as its first line and runs until killed.

use std::io::Write;
use std::process::ExitCode;

use fitbit_sim::{Sim, SimConfig};

const USAGE: &str = "usage: fitbit_sim [--addr 127.0.0.1:8790] [--seed N] [--time-zone Europe/Berlin] \
[--accounts N] [--project-per-minute N] [--user-cap N|none] \
[--intraday personal|missing|forbidden] [--gone] [--dense-1sec] [--pixel-watch] [--hr-every-secs N] [--google-page-cap N] \
[--google-pretty] [--error-rate F] [--latency-ms N] \
[--drop-rate F] [--truncate-rate F] [--fault-seed N]";

fn parse(args: &[String]) -> Result<SimConfig, String> {
    let mut c = SimConfig {
        addr: std::net::SocketAddr::from(([127, 0, 0, 1], 8790)),
        ..SimConfig::default()
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (flag.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        let bad = |v: &str, what: &str| format!("{name} {v:?}: expected {what}\n{USAGE}");
        match name {
            "--addr" => {
                let v = value()?;
                c.addr = v
                    .parse()
                    .map_err(|_| bad(&v, "an address like 127.0.0.1:8790"))?;
            }
            "--seed" => {
                let v = value()?;
                c.seed = v.parse().map_err(|_| bad(&v, "an unsigned integer"))?;
            }
            "--time-zone" => {
                let v = value()?;
                c.time_zone = v
                    .parse()
                    .map_err(|_| bad(&v, "an IANA time zone like Europe/Berlin"))?;
            }
            "--accounts" => {
                let v = value()?;
                c.accounts = v
                    .parse()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| bad(&v, "a number of accounts, at least 1"))?;
            }
            "--project-per-minute" => {
                let v = value()?;
                c.google_project_per_minute = v
                    .parse()
                    .map_err(|_| bad(&v, "requests a minute, a whole number"))?;
            }
            "--user-cap" => {
                let v = value()?;
                c.google_user_cap =
                    fitbit_sim::server::parse_user_cap(&v).map_err(|e| bad(&v, &e))?;
            }
            "--intraday" => c.intraday = value()?.parse().map_err(|e| format!("{e}\n{USAGE}"))?,
            "--gone" => c.legacy_gone = true,
            "--dense-1sec" => c.dense_1sec = true,
            // The documented Pixel Watch day: ~38k samples, ~5,000 a page, pretty-printed.
            "--pixel-watch" => {
                c.pixel_watch = true;
                c.google_page_cap = 5_000;
                c.google_pretty_print = true;
            }
            // One HR sample every N seconds of worn time (benchmarks of many people).
            "--hr-every-secs" => {
                let v = value()?;
                c.hr_every_secs = Some(
                    v.parse()
                        .ok()
                        .filter(|n| (1..=3600).contains(n))
                        .ok_or_else(|| bad(&v, "seconds from 1 to 3600"))?,
                );
            }
            "--google-page-cap" => {
                let v = value()?;
                c.google_page_cap = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=10_000).contains(n))
                    .ok_or_else(|| bad(&v, "a number of points from 1 to 10000"))?;
            }
            "--google-pretty" => c.google_pretty_print = true,
            "--error-rate" | "--drop-rate" | "--truncate-rate" => {
                let v = value()?;
                let f: f64 = v
                    .parse()
                    .ok()
                    .filter(|f| (0.0..=1.0).contains(f))
                    .ok_or_else(|| bad(&v, "a number from 0 to 1"))?;
                match name {
                    "--error-rate" => c.faults.error_rate = f,
                    "--drop-rate" => c.faults.drop_rate = f,
                    _ => c.faults.truncate_rate = f,
                }
            }
            "--latency-ms" => {
                let v = value()?;
                c.faults.latency_ms = v.parse().map_err(|_| bad(&v, "whole milliseconds"))?;
            }
            "--fault-seed" => {
                let v = value()?;
                c.faults.seed = v.parse().map_err(|_| bad(&v, "an unsigned integer"))?;
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(c)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match parse(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let sim = match Sim::start(config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("fitbit_sim: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "fitbit_sim listening on {}", sim.url());
    let _ = out.flush();
    drop(out);
    loop {
        std::thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn defaults_are_one_account_and_google_quotas() {
        let c = parse(&[]).expect("no arguments parse");
        assert_eq!(c.accounts, 1);
        assert_eq!(c.google_project_per_minute, 120_000);
        assert_eq!(c.google_per_minute_limit, 300);
        assert_eq!(c.google_user_cap, Some(100));
    }

    #[test]
    fn account_and_quota_flags() {
        let c = parse(&args(&[
            "--accounts",
            "1000",
            "--project-per-minute=600",
            "--user-cap",
            "none",
        ]))
        .expect("valid flags parse");
        assert_eq!(c.accounts, 1000);
        assert_eq!(c.google_project_per_minute, 600);
        assert_eq!(c.google_user_cap, None);
        let c = parse(&args(&["--user-cap=5"])).expect("a numeric cap parses");
        assert_eq!(c.google_user_cap, Some(5));
        let c = parse(&args(&["--hr-every-secs", "60"])).expect("a spacing parses");
        assert_eq!(
            (c.hr_every_secs, parse(&[]).unwrap().hr_every_secs),
            (Some(60), None)
        );
    }

    #[test]
    fn bad_account_and_quota_values_say_what_is_expected() {
        for bad in [
            &["--accounts", "0"][..],
            &["--accounts", "many"],
            &["--project-per-minute", "-1"],
            &["--user-cap", "lots"],
            &["--accounts"],
            &["--hr-every-secs", "0"],
            &["--hr-every-secs", "1m"],
        ] {
            let e = parse(&args(bad)).expect_err("must be refused");
            assert!(e.contains(bad[0]), "{e}");
        }
    }
}
