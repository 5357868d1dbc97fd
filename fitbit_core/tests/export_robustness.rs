//! Bad input is skipped, counted and reported, never a crash; memory is bounded by design.

mod export_support;

use export_support::{date, legacy_day, legacy_export, run, write};
use fitbit_core::chrono_tz::Tz;
use fitbit_core::source::export::{ImportOptions, TzChoice, import};
use proptest::prelude::*;

fn berlin() -> Tz {
    "Europe/Berlin".parse().unwrap()
}

fn local_opts() -> ImportOptions {
    ImportOptions {
        tz: TzChoice::Local(berlin()),
        ..Default::default()
    }
}

const GED: &str = "Takeout/Fitbit/Global Export Data";

#[test]
fn sentinels_and_a_truncated_file_are_counted_and_summarised() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &format!("{GED}/heart_rate-2024-03-01.json"),
        br#"[{"dateTime":"03/01/24 10:00:00","value":{"bpm":70,"confidence":2}},
             {"dateTime":"03/01/24 10:00:05","value":{"bpm":0,"confidence":0}},
             {"dateTime":"03/01/24 10:00:10","value":{"bpm":-1,"confidence":-1}},
             {"dateTime":"03/01/24 10:00:15","value":{"bpm":null,"confidence":null}},
             {"dateTime":"03/01/24 10:00:20","value":{"confidence":1}},
             {"dateTime":"13/45/24 10:00:25","value":{"bpm":71,"confidence":2}},
             {"dateTime":"03/01/24 10:00:30","value":{"bpm":72,"confidence":3}}]"#,
    );
    let full = legacy_day(berlin(), date("2024-03-02"), 60, false);
    write(
        dir.path(),
        &format!("{GED}/heart_rate-2024-03-02.json"),
        &full.as_bytes()[..full.len() / 2],
    );
    write(
        dir.path(),
        "Takeout/Fitbit/Physical Activity_GoogleData/heart_rate_2024-03-03.csv",
        b"timestamp,beats per minute,data source\n2024-03-03T08:00:00Z,0,w\n2024-03-03T08:00:05Z,66.0,w\n2024-03-03T08:00:1",
    );
    let (days, s) = run(dir.path(), &local_opts());
    let r = &s.report;
    assert_eq!(
        r.skipped["heart rate sentinel (0, -1, null or missing bpm)"], 5,
        "{r}"
    );
    assert_eq!(r.skipped["unreadable timestamp"], 2, "{r}");
    // the half JSON file and the CSV that stops inside a row
    assert_eq!(
        r.skipped["truncated or corrupt file (rows before the damage kept)"], 2,
        "{r}"
    );
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("heart_rate_2024-03-03.csv") && w.contains("truncated")),
        "{r}"
    );
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("heart_rate-2024-03-02.json") && w.contains("damaged")),
        "{r}"
    );
    let day1 = days.iter().find(|d| d.date == date("2024-03-01")).unwrap();
    assert_eq!(day1.hr.iter().map(|s| s.bpm).collect::<Vec<_>>(), [70, 72]);
    let day2 = days.iter().find(|d| d.date == date("2024-03-02")).unwrap();
    assert!(
        day2.hr.len() > 600 && day2.hr.len() < 800,
        "half a day kept: {}",
        day2.hr.len()
    );
    let summary = r.to_string();
    assert!(
        summary.contains("skipped:") && summary.contains("5 × heart rate sentinel"),
        "{summary}"
    );
}

#[test]
fn dates_come_from_timestamps_not_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let tz = berlin();
    legacy_export(dir.path(), tz, date("2024-05-01"), 2, 600, false);
    // the data of May 3rd in a file named May 4th
    write(
        dir.path(),
        &format!("{GED}/heart_rate-2024-05-04.json"),
        legacy_day(tz, date("2024-05-03"), 600, false).as_bytes(),
    );
    let (days, s) = run(dir.path(), &local_opts());
    let dates: Vec<_> = days.iter().map(|d| d.date).collect();
    assert_eq!(
        dates,
        [date("2024-05-01"), date("2024-05-02"), date("2024-05-03")]
    );
    assert_eq!(days[2].hr.len(), 144);
    assert!(s.report.skipped.is_empty(), "{}", s.report);
}

#[test]
fn a_file_named_far_from_its_data_is_reported_not_silently_merged() {
    let dir = tempfile::tempdir().unwrap();
    let tz = berlin();
    legacy_export(dir.path(), tz, date("2024-05-01"), 10, 600, false);
    // a second copy of May 1st, named June 30th: May 1st was emitted long before
    write(
        dir.path(),
        &format!("{GED}/heart_rate-2024-06-30.json"),
        legacy_day(tz, date("2024-05-01"), 300, false).as_bytes(),
    );
    let (days, s) = run(dir.path(), &local_opts());
    assert_eq!(days.len(), 10);
    let late = s
        .report
        .skipped
        .iter()
        .find(|(k, _)| k.contains("already emitted"))
        .map(|(_, v)| *v);
    assert_eq!(late, Some(288), "{}", s.report);
}

#[test]
fn no_recognised_files_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Takeout/Fitbit/Global Export Data/steps-2024-01-01.json",
        b"[]",
    );
    write(dir.path(), "notes.txt", b"hello");
    let err = import(
        dir.path(),
        &ImportOptions::default(),
        &mut |_| Ok(()),
        &mut |_| {},
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("no heart-rate or HRV files found"), "{err}");
    assert!(err.contains("2 other file(s)"), "{err}");
    assert!(
        err.contains("heart_rate-*.json") && err.contains("heart_rate_variability_*.csv"),
        "{err}"
    );
    assert!(err.contains(".zip/.tgz"), "{err}");
    let missing = import(
        &dir.path().join("nope"),
        &ImportOptions::default(),
        &mut |_| Ok(()),
        &mut |_| {},
    );
    assert!(missing.is_err());
    let bad = ImportOptions {
        start: Some(date("2024-02-02")),
        end: Some(date("2024-02-01")),
        ..Default::default()
    };
    assert!(import(dir.path(), &bad, &mut |_| Ok(()), &mut |_| {}).is_err());
}

#[test]
fn a_callback_error_stops_the_import() {
    let dir = tempfile::tempdir().unwrap();
    legacy_export(dir.path(), berlin(), date("2024-05-01"), 8, 600, false);
    let mut seen = 0;
    let res = import(
        dir.path(),
        &local_opts(),
        &mut |_| {
            seen += 1;
            if seen == 2 {
                Err(fitbit_core::Error::Plot("disk full".into()))
            } else {
                Ok(())
            }
        },
        &mut |_| {},
    );
    assert!(res.unwrap_err().to_string().contains("disk full"));
    assert_eq!(seen, 2);
}

/// Memory is bounded by design: files are read in name-date order and a day is emitted as
/// soon as no later file can hold it (see `assemble`), with at most `2 × threads + 1` files in
/// flight (see `pipeline`). Observable: days are emitted while files are still being read,
/// trailing the files read by a constant, not at the end.
#[test]
fn days_stream_out_while_files_are_read() {
    let dir = tempfile::tempdir().unwrap();
    legacy_export(dir.path(), berlin(), date("2024-01-01"), 40, 3600, false);
    let mut trail = Vec::new();
    let mut emitted = Vec::new();
    import(
        dir.path(),
        &local_opts(),
        &mut |d| {
            assert!(d.hr.windows(2).all(|w| w[0].time.local < w[1].time.local));
            emitted.push(d.date);
            Ok(())
        },
        &mut |p| trail.push(p.files_done - p.days_emitted),
    )
    .unwrap();
    assert_eq!(emitted.len(), 40);
    assert!(emitted.windows(2).all(|w| w[0] < w[1]));
    let worst = trail.iter().max().copied().unwrap();
    assert!(worst <= 4, "days held back at most {worst} files behind");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600), kind in 0usize..6) {
        let dir = tempfile::tempdir().unwrap();
        let name = [
            "Global Export Data/heart_rate-2024-01-01.json",
            "Global Export Data/resting_heart_rate-2024-01-01.json",
            "Heart Rate Variability/Heart Rate Variability Details - 2024-01-01.csv",
            "x_GoogleData/heart_rate_2024-01-01.csv",
            "x_GoogleData/daily_heart_rate_variability_2024-01-01.csv",
            "takeout-001.zip",
        ][kind];
        write(dir.path(), name, &bytes);
        let res = import(dir.path(), &ImportOptions::default(), &mut |_| Ok(()), &mut |_| {});
        if let Ok(s) = res {
            prop_assert!(s.report.files <= 1);
        }
        let mut prefixed = b"[{\"dateTime\":\"01/01/24 00:00:00\",\"value\":{\"bpm\":".to_vec();
        prefixed.extend_from_slice(&bytes);
        write(dir.path(), "Global Export Data/heart_rate-2024-01-02.json", &prefixed);
        let _ = import(dir.path(), &ImportOptions::default(), &mut |_| Ok(()), &mut |_| {});
    }
}

#[test]
fn both_layouts_for_the_same_day_are_merged_without_double_counting() {
    let dir = tempfile::tempdir().unwrap();
    let tz = berlin();
    legacy_export(dir.path(), tz, date("2024-03-10"), 1, 3600, true);
    // the same hours again as a GoogleData CSV (UTC), plus one extra sample
    let mut csv = String::from("timestamp,beats per minute,data source\n");
    for h in 0..23 {
        let t = date("2024-03-09").and_hms_opt(23, 0, 0).unwrap()
            + fitbit_core::chrono::Duration::hours(h);
        let bpm = export_support::bpm_at(t.and_utc());
        csv.push_str(&format!(
            "{}Z,{bpm}.0,Pixel Watch\n",
            t.format("%Y-%m-%dT%H:%M:%S")
        ));
    }
    csv.push_str("2024-03-10T22:30:00Z,61.0,Pixel Watch\n");
    write(
        dir.path(),
        "Takeout/Fitbit/Physical Activity_GoogleData/heart_rate_2024-03-10.csv",
        csv.as_bytes(),
    );
    let opts = ImportOptions {
        tz: TzChoice::Utc(tz),
        ..Default::default()
    };
    let (days, s) = run(dir.path(), &opts);
    let hr: Vec<_> = days.iter().flat_map(|d| d.hr.iter()).collect();
    assert_eq!(hr.len(), 25, "24 hourly samples + the extra one");
    assert!(hr.windows(2).all(|w| w[0].time.utc() < w[1].time.utc()));
    assert_eq!(
        s.report.skipped["duplicate sample (same instant in two files)"], 23,
        "{}",
        s.report
    );
}
