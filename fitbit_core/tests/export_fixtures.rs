//! Each real fixture, in each layout users have, read through the public import API.

mod export_support;

use export_support::{date, fixture, run, write};
use fitbit_core::chrono_tz::Tz;
use fitbit_core::source::export::{ImportOptions, TzChoice, load};

fn place(root: &std::path::Path, rel: &str, fixture_name: &str) {
    write(root, rel, &std::fs::read(fixture(fixture_name)).unwrap());
}

#[test]
fn legacy_json_in_every_layout_root() {
    for root in [
        "Takeout/Fitbit/Global Export Data",
        "Google Health/Global Export Data",
        "MyFitbitData/Ann/Physical Activity",
        "somewhere/else/entirely",
    ] {
        let dir = tempfile::tempdir().unwrap();
        place(
            dir.path(),
            &format!("{root}/heart_rate-2019-04-22.json"),
            "takeout_heart_rate_global_export_sample.json",
        );
        // the sample is 2 records: not enough evidence, so the choice is explicit here
        let tz: Tz = "America/New_York".parse().unwrap();
        let opts = ImportOptions {
            tz: TzChoice::Utc(tz),
            ..Default::default()
        };
        let e = load(dir.path(), &opts).unwrap();
        assert_eq!(e.hr.len(), 2, "{root}");
        assert_eq!(e.hr[0].bpm, 69);
        assert_eq!(e.hr[1].bpm, 70);
        assert_eq!(e.hr[0].confidence, Some(2));
        // 04:00:05 UTC is 00:00:05 EDT
        assert_eq!(e.hr[0].time.local.to_string(), "2019-04-22 00:00:05");
        assert_eq!(
            e.hr[0].time.utc().unwrap().to_rfc3339(),
            "2019-04-22T04:00:05+00:00"
        );
        assert_eq!(e.report.files, 1);
        assert!(e.report.skipped.is_empty(), "{}", e.report);
    }
}

#[test]
fn googledata_csv_is_utc_and_converted_to_the_user_zone() {
    let dir = tempfile::tempdir().unwrap();
    place(
        dir.path(),
        "Takeout/Fitbit/Physical Activity_GoogleData/heart_rate_2024-10-27.csv",
        "takeout_heart_rate_googledata_2024-10-27.csv",
    );
    let opts = ImportOptions {
        tz: "Asia/Tokyo".parse().unwrap(),
        ..Default::default()
    };
    let (days, s) = run(dir.path(), &opts);
    assert_eq!(days.len(), 1);
    let hr = &days[0].hr;
    assert_eq!(hr.len(), 7);
    assert_eq!(hr[0].bpm, 65);
    assert_eq!(hr[0].time.local.to_string(), "2024-10-27 09:00:04");
    assert_eq!(
        hr[0].time.utc().unwrap().to_rfc3339(),
        "2024-10-27T00:00:04+00:00"
    );
    assert!(hr.windows(2).all(|w| w[0].time.utc() < w[1].time.utc()));
    assert_eq!(s.report.rows, 7);
    assert!(
        s.report.time_basis.contains("Asia/Tokyo"),
        "{}",
        s.report.time_basis
    );
}

#[test]
fn googledata_without_zone_warns_visibly() {
    let dir = tempfile::tempdir().unwrap();
    place(
        dir.path(),
        "x/heart_rate_2024-10-27.csv",
        "takeout_heart_rate_googledata_2024-10-27.csv",
    );
    let (_, s) = run(dir.path(), &ImportOptions::default());
    assert!(
        s.report.warnings.iter().any(|w| w.contains("no time zone")),
        "{}",
        s.report
    );
    assert!(s.report.to_string().contains("warning: no time zone"));
}

#[test]
fn daily_hrv_summary_is_dated_by_its_timestamp_not_its_name() {
    let dir = tempfile::tempdir().unwrap();
    // FitOut: the file for 2024-07-21 may be named "(20)"
    place(
        dir.path(),
        "Takeout/Fitbit/Heart Rate Variability/Daily Heart Rate Variability Summary - 2024-07-(20).csv",
        "takeout_daily_hrv_summary_2024-07-21.csv",
    );
    let e = load(dir.path(), &ImportOptions::default()).unwrap();
    assert_eq!(e.daily_hrv.len(), 1);
    let d = &e.daily_hrv[0];
    assert_eq!(d.date, date("2024-07-21"));
    assert_eq!(d.daily_rmssd, Some(29.232));
    assert_eq!(d.non_rem_hr, Some(49.623));
    assert_eq!(d.entropy, Some(2.472));
}

#[test]
fn hrv_details_and_2026_csvs_with_data_source() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Google Health/Heart Rate Variability/Heart Rate Variability Details - 2026-03-01.csv",
        b"timestamp,rmssd,coverage,low_frequency,high_frequency\n2026-03-01T02:00:00,31.5,0.97,800.1,400.2\n2026-03-01T02:05:00,0,0.5,1,1\n",
    );
    write(
        dir.path(),
        "Google Health/Physical Activity_GoogleData/heart_rate_variability_2026-03-02.csv",
        "\u{feff}timestamp,root mean square of successive differences ms,standard deviation ms,data source\n2026-03-02T01:00:00Z,40.0,55.5,Pixel Watch 4\n".as_bytes(),
    );
    write(
        dir.path(),
        "Google Health/Health Fitness Data_GoogleData/daily_heart_rate_variability_2026-03-02.csv",
        b"timestamp,average heart rate variability milliseconds,non rem heart rate beats per minute,entropy,deep sleep rmssd ms,data source\n2026-03-02,38.0,51.0,2.3,44.0,Pixel Watch 4\n",
    );
    let opts = ImportOptions {
        tz: "Europe/Berlin".parse().unwrap(),
        ..Default::default()
    };
    let e = load(dir.path(), &opts).unwrap();
    assert_eq!(e.hrv.len(), 2);
    let a = &e.hrv[0];
    assert_eq!(a.time.local.to_string(), "2026-03-01 02:00:00");
    assert_eq!(a.time.offset.unwrap().local_minus_utc(), 3600);
    assert_eq!(
        (a.rmssd, a.coverage, a.lf, a.hf),
        (Some(31.5), Some(0.97), Some(800.1), Some(400.2))
    );
    let b = &e.hrv[1];
    assert_eq!(b.time.local.to_string(), "2026-03-02 02:00:00");
    assert_eq!((b.rmssd, b.sdnn), (Some(40.0), Some(55.5)));
    assert_eq!(e.daily_hrv.len(), 1);
    assert_eq!(e.daily_hrv[0].deep_rmssd, Some(44.0));
    assert_eq!(e.report.skipped.values().sum::<usize>(), 1, "{}", e.report);
}

#[test]
fn resting_heart_rate_with_sentinels() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Takeout/Fitbit/Global Export Data/resting_heart_rate-2024-03-01.json",
        br#"[{"dateTime":"03/01/24 00:00:00","value":{"date":"03/01/24","value":53.01,"error":6.78}},
            {"dateTime":"03/02/24 00:00:00","value":{"date":null,"value":0.0,"error":0.0}},
            {"dateTime":"03/03/24 00:00:00","value":{"date":"03/03/24","value":0,"error":0.0}}]"#,
    );
    let e = load(dir.path(), &ImportOptions::default()).unwrap();
    assert_eq!(e.daily_hr.len(), 1);
    assert_eq!(e.daily_hr[0].date, date("2024-03-01"));
    assert_eq!(e.daily_hr[0].resting_bpm, Some(53.01));
    let s: usize = e
        .report
        .skipped
        .iter()
        .filter(|(k, _)| k.contains("resting"))
        .map(|(_, v)| v)
        .sum();
    assert_eq!(s, 2);
}
