//! Helpers shared by the `export_*` integration tests: a tiny export writer and archivers.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

use fitbit_core::chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use fitbit_core::chrono_tz::Tz;
use fitbit_core::source::export::{DayData, ImportOptions, ImportSummary, import};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/export")
        .join(name)
}

pub fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

pub fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A legacy `heart_rate-D.json` body for local day `d` in `tz`, one sample every `step`
/// seconds over the whole day, written in UTC (`utc = true`) or in local wall-clock.
/// bpm = 60 + (minute of the UTC instant % 30), so tests can check values.
pub fn legacy_day(tz: Tz, d: NaiveDate, step: i64, utc: bool) -> String {
    let start = tz
        .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap())
        .earliest()
        .unwrap()
        .with_timezone(&Utc);
    let end = tz
        .from_local_datetime(&(d + Duration::days(1)).and_hms_opt(0, 0, 0).unwrap())
        .earliest()
        .unwrap()
        .with_timezone(&Utc);
    let mut recs = Vec::new();
    let mut t = start;
    while t < end {
        let shown = if utc {
            t.naive_utc()
        } else {
            t.with_timezone(&tz).naive_local()
        };
        recs.push(format!(
            "{{\"dateTime\":\"{}\",\"value\":{{\"bpm\":{},\"confidence\":2}}}}",
            shown.format("%m/%d/%y %H:%M:%S"),
            bpm_at(t)
        ));
        t += Duration::seconds(step);
    }
    format!("[{}]", recs.join(",\n"))
}

pub fn bpm_at(t: DateTime<Utc>) -> u16 {
    60 + (t.timestamp() / 60 % 30) as u16
}

/// Writes `days` legacy day files under the 2023-era Takeout layout.
pub fn legacy_export(root: &Path, tz: Tz, start: NaiveDate, days: i64, step: i64, utc: bool) {
    for i in 0..days {
        let d = start + Duration::days(i);
        write(
            root,
            &format!("Takeout/Fitbit/Global Export Data/heart_rate-{d}.json"),
            legacy_day(tz, d, step, utc).as_bytes(),
        );
    }
}

/// Runs an import, collecting the days.
pub fn run(path: &Path, opts: &ImportOptions) -> (Vec<DayData>, ImportSummary) {
    let mut days = Vec::new();
    let summary = import(
        path,
        opts,
        &mut |d| {
            days.push(d);
            Ok(())
        },
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("import of {} failed: {e}", path.display()));
    (days, summary)
}

/// All files under `dir`, relative, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, d: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut v = Vec::new();
    walk(dir, dir, &mut v);
    v.sort();
    v
}

/// Zips `dir` into `parts` archives `out_prefix-00N.zip` (files dealt round-robin).
pub fn zip_parts(dir: &Path, out_prefix: &Path, parts: usize) -> Vec<PathBuf> {
    let names: Vec<PathBuf> = (1..=parts)
        .map(|n| PathBuf::from(format!("{}-{n:03}.zip", out_prefix.display())))
        .collect();
    let mut zs: Vec<_> = names
        .iter()
        .map(|p| zip::ZipWriter::new(std::fs::File::create(p).unwrap()))
        .collect();
    for (i, rel) in files(dir).iter().enumerate() {
        let z = &mut zs[i % parts];
        z.start_file(
            rel.to_string_lossy(),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        z.write_all(&std::fs::read(dir.join(rel)).unwrap()).unwrap();
    }
    for z in zs {
        z.finish().unwrap();
    }
    names
}

/// Tars and gzips `dir` into `parts` archives `out_prefix-00N.tgz` (files in path order,
/// split into consecutive chunks as Takeout does).
pub fn tgz_parts(dir: &Path, out_prefix: &Path, parts: usize) -> Vec<PathBuf> {
    let all = files(dir);
    let per = all.len().div_ceil(parts);
    let mut names = Vec::new();
    for (n, chunk) in all.chunks(per).enumerate() {
        let name = PathBuf::from(format!("{}-{:03}.tgz", out_prefix.display(), n + 1));
        let gz = flate2::write::GzEncoder::new(
            std::fs::File::create(&name).unwrap(),
            flate2::Compression::fast(),
        );
        let mut tar = tar::Builder::new(gz);
        for rel in chunk {
            tar.append_path_with_name(dir.join(rel), rel).unwrap();
        }
        tar.into_inner().unwrap().finish().unwrap();
        names.push(name);
    }
    names
}
