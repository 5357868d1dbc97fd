//! `gen_export`: writes a deterministic synthetic Google Takeout "Fitbit" export in the real
//! layouts, for tests and the import benchmark.
//!
//! ```text
//! gen_export --out DIR --start 2023-01-01 --days N [--samples-per-day 40000]
//!            [--layout legacy|googledata|both] [--zip] [--tz Europe/Berlin]
//! ```
//!
//! - legacy: `Takeout/Fitbit/Global Export Data/heart_rate-D.json` (D = local day, timestamps
//!   in **UTC** as duckdb-fitbit observed), `resting_heart_rate-D.json` (one per 30 days),
//!   `Heart Rate Variability/Heart Rate Variability Details - D.csv` (local time) and
//!   `Daily Heart Rate Variability Summary - YYYY-MM-(DD).csv` (named one day early, as FitOut
//!   describes).
//! - googledata: `Physical Activity_GoogleData/heart_rate_D.csv` (UTC day D, `Z`, with a
//!   `data source` column), `heart_rate_variability_D.csv`, `daily_heart_rate_variability_D.csv`.
//! - Every 7th day (index % 7 == 3) carries sentinels (bpm 0, -1, null; rmssd 0), and the
//!   middle day's heart-rate file is truncated. `DIR/gen_manifest.json` lists the exact counts
//!   an importer should find.
//! - Samples sit on a global grid of `86400 / samples-per-day` seconds, so both layouts give
//!   the same instants.
//! - `--zip` writes `DIR/takeout-20260101T000000Z-001.zip` and `-002.zip` (two parts).

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;

struct Args {
    out: PathBuf,
    start: NaiveDate,
    days: u32,
    samples_per_day: u32,
    legacy: bool,
    google: bool,
    zip: bool,
    tz: Tz,
}

fn usage(msg: &str) -> ! {
    eprintln!(
        "gen_export: {msg}\nusage: gen_export --out DIR --start YYYY-MM-DD --days N \
         [--samples-per-day 40000] [--layout legacy|googledata|both] [--zip] [--tz ZONE]"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut a = Args {
        out: PathBuf::new(),
        start: NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default(),
        days: 7,
        samples_per_day: 40_000,
        legacy: true,
        google: false,
        zip: false,
        tz: chrono_tz::UTC,
    };
    let mut it = std::env::args().skip(1);
    let mut out = None;
    while let Some(flag) = it.next() {
        let mut val = || {
            it.next()
                .unwrap_or_else(|| usage(&format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--out" => out = Some(PathBuf::from(val())),
            "--start" => a.start = val().parse().unwrap_or_else(|_| usage("bad --start")),
            "--days" => a.days = val().parse().unwrap_or_else(|_| usage("bad --days")),
            "--samples-per-day" => {
                a.samples_per_day = val()
                    .parse()
                    .ok()
                    .filter(|n| (1..=86_400).contains(n))
                    .unwrap_or_else(|| usage("--samples-per-day must be 1..=86400"))
            }
            "--layout" => match val().as_str() {
                "legacy" => (a.legacy, a.google) = (true, false),
                "googledata" => (a.legacy, a.google) = (false, true),
                "both" => (a.legacy, a.google) = (true, true),
                _ => usage("--layout is legacy, googledata or both"),
            },
            "--zip" => a.zip = true,
            "--tz" => {
                a.tz = val()
                    .parse()
                    .unwrap_or_else(|_| usage("bad --tz (IANA name)"))
            }
            "-h" | "--help" => usage("help"),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    a.out = out.unwrap_or_else(|| usage("--out is required"));
    a
}

/// splitmix64: a deterministic hash of an integer.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Local midnight of `d` in `tz`, as a UTC clock reading (the emulator's one rule).
fn local_midnight_utc(tz: Tz, d: NaiveDate) -> NaiveDateTime {
    fitbit_sim::person::day_bounds(tz, d).0.naive_utc()
}

fn local_of(tz: Tz, utc: NaiveDateTime) -> NaiveDateTime {
    utc + tz.offset_from_utc_datetime(&utc).fix()
}

/// Heart rate at a UTC instant (whole seconds since epoch): lower at night, with noise.
fn bpm_at(tz: Tz, secs: i64) -> u32 {
    let utc = DateTime::<Utc>::from_timestamp(secs, 0)
        .unwrap_or_default()
        .naive_utc();
    let h = local_of(tz, utc).hour();
    let base = if !(7..23).contains(&h) { 54 } else { 72 };
    base + (mix(secs as u64) % 15) as u32
}

fn is_asleep(tz: Tz, utc: NaiveDateTime) -> bool {
    local_of(tz, utc).hour() < 6
}

#[derive(Default)]
struct Manifest {
    hr_rows: u64,
    hrv_rows: u64,
    daily_hrv_rows: u64,
    resting_rows: u64,
    bpm_sentinels: u64,
    hrv_sentinels: u64,
    resting_sentinels: u64,
    bad_time_rows: u64,
    truncated_files: Vec<String>,
    files: u64,
    bytes: u64,
}

/// Where files go: a folder or zip parts.
enum Sink {
    Dir(PathBuf),
    Zip(Vec<zip::ZipWriter<std::fs::File>>),
}

impl Sink {
    fn put(&mut self, part: usize, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::Dir(root) => {
                let p = root.join(rel);
                if let Some(dir) = p.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                std::fs::write(p, bytes)
            }
            Sink::Zip(parts) => {
                let n = parts.len();
                let z = &mut parts[part.min(n - 1)];
                let o = zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated)
                    .compression_level(Some(1));
                z.start_file(rel, o).map_err(std::io::Error::other)?;
                z.write_all(bytes)
            }
        }
    }
}

const ROOT: &str = "Takeout/Fitbit";

struct Gen {
    a: Args,
    m: Manifest,
    step: i64,
}

impl Gen {
    fn emit(
        &mut self,
        sink: &mut Sink,
        part: usize,
        rel: &str,
        bytes: &[u8],
    ) -> std::io::Result<()> {
        self.m.files += 1;
        self.m.bytes += bytes.len() as u64;
        sink.put(part, rel, bytes)
    }

    /// Grid instants (epoch seconds) in [from, to).
    fn grid(&self, from: NaiveDateTime, to: NaiveDateTime) -> impl Iterator<Item = i64> + use<> {
        let s = self.step;
        let a = from.and_utc().timestamp();
        let b = to.and_utc().timestamp();
        let first = a.div_euclid(s) * s + if a.rem_euclid(s) == 0 { 0 } else { s };
        (0..)
            .map(move |i| first + i * s)
            .take_while(move |t| *t < b)
    }

    fn legacy_hr(
        &mut self,
        sink: &mut Sink,
        part: usize,
        i: u32,
        d: NaiveDate,
        truncate: bool,
    ) -> std::io::Result<()> {
        let tz = self.a.tz;
        let (from, to) = (
            local_midnight_utc(tz, d),
            local_midnight_utc(tz, d + Duration::days(1)),
        );
        let mut body = String::from("[");
        // (end offset of the record, class) for the truncation bookkeeping
        let mut ends: Vec<(usize, u8)> = Vec::new();
        for (k, secs) in self.grid(from, to).enumerate() {
            let t = DateTime::<Utc>::from_timestamp(secs, 0).unwrap_or_default();
            let bpm = match (i % 7 == 3, k) {
                (true, 100) => "0".to_string(),
                (true, 200) => "-1".to_string(),
                (true, 300) => "null".to_string(),
                _ => bpm_at(tz, secs).to_string(),
            };
            let class = if bpm.parse::<u32>().is_ok_and(|b| b > 0) {
                0
            } else {
                1
            };
            if k > 0 {
                body.push(',');
            }
            body.push_str(&format!(
                "{{\n  \"dateTime\" : \"{}\",\n  \"value\" : {{\n    \"bpm\" : {bpm},\n    \"confidence\" : {}\n  }}\n}}",
                t.format("%m/%d/%y %H:%M:%S"),
                mix(secs as u64 ^ 7) % 4
            ));
            ends.push((body.len(), class));
        }
        body.push_str("]\n");
        let name = format!("{ROOT}/Global Export Data/heart_rate-{d}.json");
        let mut bytes = body.into_bytes();
        if truncate {
            let cut = bytes.len() * 3 / 5;
            bytes.truncate(cut);
            self.m.truncated_files.push(name.clone());
            ends.retain(|(end, _)| *end <= cut);
        }
        for (_, class) in &ends {
            if *class == 0 {
                self.m.hr_rows += 1
            } else {
                self.m.bpm_sentinels += 1
            }
        }
        self.emit(sink, part, &name, &bytes)
    }

    fn google_hr(
        &mut self,
        sink: &mut Sink,
        part: usize,
        i: u32,
        d: NaiveDate,
        truncate: bool,
    ) -> std::io::Result<()> {
        let tz = self.a.tz;
        let from = d.and_hms_opt(0, 0, 0).unwrap_or_default();
        let mut body = String::from("timestamp,beats per minute,data source\n");
        let mut rows: Vec<(usize, u8)> = Vec::new();
        for (k, secs) in self.grid(from, from + Duration::days(1)).enumerate() {
            let t = DateTime::<Utc>::from_timestamp(secs, 0).unwrap_or_default();
            let (bpm, class) = match (i % 7 == 3, k) {
                (true, 100) => ("0".to_string(), 1),
                (true, 200) => (String::new(), 1),
                _ => (format!("{}.0", bpm_at(tz, secs)), 0),
            };
            let start = body.len();
            body.push_str(&format!(
                "{},{bpm},Pixel Watch 3\n",
                t.format("%Y-%m-%dT%H:%M:%SZ")
            ));
            rows.push((start, class));
        }
        let name = format!("{ROOT}/Physical Activity_GoogleData/heart_rate_{d}.csv");
        let mut bytes = body.into_bytes();
        if truncate && rows.len() > 2 {
            // cut inside the timestamp of the row at 60%: that row is unreadable
            let (start, _) = rows[rows.len() * 3 / 5];
            bytes.truncate(start + 12);
            rows.retain(|(s, _)| *s < start);
            self.m.bad_time_rows += 1;
            self.m.truncated_files.push(name.clone());
        }
        for (_, class) in &rows {
            if *class == 0 {
                self.m.hr_rows += 1
            } else {
                self.m.bpm_sentinels += 1
            }
        }
        self.emit(sink, part, &name, &bytes)
    }

    /// The night's 5-minute HRV instants for local day D (00:00–06:00 local).
    fn night(&self, d: NaiveDate) -> Vec<i64> {
        let from = local_midnight_utc(self.a.tz, d);
        let to = from + Duration::hours(7);
        let mut v: Vec<i64> = Vec::new();
        let mut t = from.and_utc().timestamp().div_euclid(300) * 300 + 300;
        while t < to.and_utc().timestamp() {
            let utc = DateTime::<Utc>::from_timestamp(t, 0)
                .unwrap_or_default()
                .naive_utc();
            if is_asleep(self.a.tz, utc) {
                v.push(t);
            }
            t += 300;
        }
        v
    }

    fn hrv(
        &mut self,
        sink: &mut Sink,
        part: usize,
        i: u32,
        d: NaiveDate,
        google: bool,
    ) -> std::io::Result<()> {
        let tz = self.a.tz;
        let mut body = String::from(if google {
            "timestamp,root mean square of successive differences ms,standard deviation ms,data source\n"
        } else {
            "timestamp,rmssd,coverage,low_frequency,high_frequency\n"
        });
        for (k, secs) in self.night(d).into_iter().enumerate() {
            let utc = DateTime::<Utc>::from_timestamp(secs, 0).unwrap_or_default();
            let rmssd = if i % 7 == 3 && k == 0 {
                0.0
            } else {
                20.0 + (mix(secs as u64) % 400) as f64 / 10.0
            };
            if rmssd > 0.0 {
                self.m.hrv_rows += 1
            } else {
                self.m.hrv_sentinels += 1
            }
            if google {
                body.push_str(&format!(
                    "{},{rmssd:.3},{:.3},Pixel Watch 3\n",
                    utc.format("%Y-%m-%dT%H:%M:%SZ"),
                    rmssd * 1.3
                ));
            } else {
                let local = local_of(tz, utc.naive_utc());
                body.push_str(&format!(
                    "{},{rmssd:.3},0.95,{:.3},{:.3}\n",
                    local.format("%Y-%m-%dT%H:%M:%S"),
                    rmssd * 40.0,
                    rmssd * 25.0
                ));
            }
        }
        let name = if google {
            format!("{ROOT}/Physical Activity_GoogleData/heart_rate_variability_{d}.csv")
        } else {
            format!("{ROOT}/Heart Rate Variability/Heart Rate Variability Details - {d}.csv")
        };
        self.emit(sink, part, &name, body.as_bytes())
    }

    fn daily_hrv(
        &mut self,
        sink: &mut Sink,
        part: usize,
        d: NaiveDate,
        google: bool,
    ) -> std::io::Result<()> {
        let h = mix(d.num_days_from_ce() as u64);
        let rmssd = 25.0 + (h % 300) as f64 / 10.0;
        let nrem = 48.0 + (h % 90) as f64 / 10.0;
        let entropy = 2.0 + (h % 80) as f64 / 100.0;
        self.m.daily_hrv_rows += 1;
        let (name, body) = if google {
            (
                format!(
                    "{ROOT}/Health Fitness Data_GoogleData/daily_heart_rate_variability_{d}.csv"
                ),
                format!(
                    "timestamp,average heart rate variability milliseconds,non rem heart rate beats per minute,entropy,deep sleep rmssd ms,data source\n{d}T00:00:00,{rmssd:.3},{nrem:.3},{entropy:.3},{:.3},Pixel Watch 3\n",
                    rmssd * 1.1
                ),
            )
        } else {
            let named = d - Duration::days(1);
            (
                format!(
                    "{ROOT}/Heart Rate Variability/Daily Heart Rate Variability Summary - {}-({}).csv",
                    named.format("%Y-%m"),
                    named.format("%d")
                ),
                format!(
                    "timestamp,rmssd,nremhr,entropy\n{d}T00:00:00,{rmssd:.3},{nrem:.3},{entropy:.3}\n"
                ),
            )
        };
        self.emit(sink, part, &name, body.as_bytes())
    }

    fn resting(
        &mut self,
        sink: &mut Sink,
        part: usize,
        first: u32,
        d0: NaiveDate,
    ) -> std::io::Result<()> {
        let mut recs = Vec::new();
        for j in 0..30.min(self.a.days - first) {
            let i = first + j;
            let d = d0 + Duration::days(j as i64);
            let md = d.format("%m/%d/%y");
            if i % 7 == 3 {
                self.m.resting_sentinels += 1;
                recs.push(format!("{{\"dateTime\":\"{md} 00:00:00\",\"value\":{{\"date\":null,\"value\":0.0,\"error\":0.0}}}}"));
            } else {
                self.m.resting_rows += 1;
                let v = 52.0 + (mix(i as u64) % 800) as f64 / 100.0;
                recs.push(format!("{{\"dateTime\":\"{md} 00:00:00\",\"value\":{{\"date\":\"{md}\",\"value\":{v:.5},\"error\":6.78}}}}"));
            }
        }
        let body = format!("\u{feff}[{}]\n", recs.join(","));
        self.emit(
            sink,
            part,
            &format!("{ROOT}/Global Export Data/resting_heart_rate-{d0}.json"),
            body.as_bytes(),
        )
    }

    fn run(&mut self, sink: &mut Sink) -> std::io::Result<()> {
        let days = self.a.days;
        let middle = days / 2;
        for i in 0..days {
            let d = self.a.start + Duration::days(i as i64);
            let part = usize::from(i >= days.div_ceil(2));
            let truncate = days >= 3 && i == middle;
            if self.a.legacy {
                self.legacy_hr(sink, part, i, d, truncate)?;
                self.hrv(sink, part, i, d, false)?;
                self.daily_hrv(sink, part, d, false)?;
                if i % 30 == 0 {
                    self.resting(sink, part, i, d)?;
                }
            }
            if self.a.google {
                self.google_hr(sink, part, i, d, truncate && !self.a.legacy)?;
                self.hrv(sink, part, i, d, true)?;
                self.daily_hrv(sink, part, d, true)?;
            }
        }
        // an unrelated file, as real exports have hundreds
        self.emit(
            sink,
            0,
            &format!("{ROOT}/Global Export Data/steps-{}.json", self.a.start),
            b"[]",
        )?;
        Ok(())
    }

    fn manifest(&self) -> String {
        let m = &self.m;
        format!(
            "{{\n  \"start\": \"{}\",\n  \"days\": {},\n  \"tz\": \"{}\",\n  \"legacy\": {},\n  \"googledata\": {},\n  \
             \"step_seconds\": {},\n  \"hr_rows\": {},\n  \"hrv_rows\": {},\n  \"daily_hrv_rows\": {},\n  \
             \"resting_rows\": {},\n  \"bpm_sentinels\": {},\n  \"hrv_sentinels\": {},\n  \"resting_sentinels\": {},\n  \
             \"bad_time_rows\": {},\n  \"truncated_files\": {:?},\n  \"files\": {},\n  \"bytes\": {}\n}}\n",
            self.a.start,
            self.a.days,
            self.a.tz,
            self.a.legacy,
            self.a.google,
            self.step,
            m.hr_rows,
            m.hrv_rows,
            m.daily_hrv_rows,
            m.resting_rows,
            m.bpm_sentinels,
            m.hrv_sentinels,
            m.resting_sentinels,
            m.bad_time_rows,
            m.truncated_files,
            m.files,
            m.bytes
        )
    }
}

fn main() {
    let a = parse_args();
    let step = (86_400 / i64::from(a.samples_per_day)).max(1);
    let out = a.out.clone();
    let zip = a.zip;
    let mut g = Gen {
        a,
        m: Manifest::default(),
        step,
    };
    let result = (|| -> std::io::Result<()> {
        std::fs::create_dir_all(&out)?;
        let mut sink = if zip {
            let mut parts = Vec::new();
            for n in 1..=2 {
                let f =
                    std::fs::File::create(out.join(format!("takeout-20260101T000000Z-00{n}.zip")))?;
                parts.push(zip::ZipWriter::new(f));
            }
            Sink::Zip(parts)
        } else {
            Sink::Dir(out.clone())
        };
        g.run(&mut sink)?;
        if let Sink::Zip(parts) = sink {
            for z in parts {
                z.finish().map_err(std::io::Error::other)?;
            }
        }
        std::fs::write(out.join("gen_manifest.json"), g.manifest())
    })();
    match result {
        Ok(()) => print!("{}", g.manifest()),
        Err(e) => {
            eprintln!("gen_export: writing {}: {e}", display(&out));
            std::process::exit(1)
        }
    }
}

fn display(p: &Path) -> String {
    p.display().to_string()
}
