//! The standard files written by the core (`HrDay`, `RangeTables`, `Export::write_csv`,
//! `import_files`): the names and bytes `fitbit import` / `fitbit heart-rate` wrote when the
//! CLI wrote them itself (the reference below is that code, on the table primitives).

mod export_support;

use std::collections::BTreeMap;
use std::path::Path;

use export_support::{date, legacy_export, write};
use fitbit_core::chrono::{FixedOffset, NaiveDate};
use fitbit_core::chrono_tz::Europe::Berlin;
use fitbit_core::source::export::{ImportOptions, TzChoice, import, import_files, load};
use fitbit_core::table::{self, FileKind, HrDay, RangeTables};
use fitbit_core::{DailyHr, DailyHrv, HrSample, HrvSample, Timestamp};

/// Three local days around Berlin's DST fall-back (2026-10-25 has 25 hours), one sample a
/// minute, with resting HR, HRV measurements and nightly summaries.
fn export(root: &Path) {
    legacy_export(root, Berlin, date("2026-10-24"), 3, 60, false);
    write(
        root,
        "Takeout/Fitbit/Global Export Data/resting_heart_rate-2026-10-24.json",
        br#"[{"dateTime":"10/24/26 00:00:00","value":{"date":"10/24/26","value":55.5,"error":6.1}},
            {"dateTime":"10/25/26 00:00:00","value":{"date":"10/25/26","value":54.25,"error":6.0}}]"#,
    );
    write(
        root,
        "Takeout/Fitbit/Heart Rate Variability/Heart Rate Variability Details - 2026-10-25.csv",
        b"timestamp,rmssd,coverage,low_frequency,high_frequency\n\
          2026-10-25T02:00:00,31.5,0.97,800.1,400.2\n2026-10-25T02:05:00,29.0,0.9,700.0,350.5\n",
    );
    write(
        root,
        "Takeout/Fitbit/Heart Rate Variability/Daily Heart Rate Variability Summary - 2026-10-(25).csv",
        b"timestamp,rmssd,nremhr,entropy\n2026-10-25T00:00:00,29.232,49.623,2.472\n",
    );
}

fn opts() -> ImportOptions {
    ImportOptions {
        tz: TzChoice::Local(Berlin),
        ..ImportOptions::default()
    }
}

/// What `fitbit import --out DIR` wrote before the core did (its code, on the primitives):
/// a CSV per day with heart rate, then the range files of the first to last day emitted.
fn reference_import(path: &Path, out: &Path) {
    let mut days = Vec::new();
    let mut hrv = Vec::new();
    let summary = import(
        path,
        &opts(),
        &mut |day| {
            days.push(day.date);
            if !day.hr.is_empty() {
                let df = table::hr_intraday(&day.hr)?;
                table::write_csv(&df, out.join(table::hr_csv_name(day.date)))?;
            }
            hrv.extend(day.hrv);
            Ok(())
        },
        &mut |_| {},
    )
    .unwrap();
    let (first, last) = (days[0], *days.last().unwrap());
    let df = table::hr_daily(&summary.daily_hr).unwrap();
    table::write_csv(&df, out.join(table::hr_daily_csv_name(first, last))).unwrap();
    let df = table::hrv_daily(&summary.daily_hrv).unwrap();
    table::write_csv(&df, out.join(table::hrv_daily_csv_name(first, last))).unwrap();
    let df = table::hrv_intraday(&hrv).unwrap();
    table::write_csv(&df, out.join(table::hrv_intraday_csv_name(first, last))).unwrap();
}

/// Every file in `dir` by name, with its bytes.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn csvs(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut all = contents(dir);
    all.retain(|name, _| name.ends_with(".csv"));
    all
}

#[test]
fn an_export_writes_the_files_the_cli_wrote_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    export(dir.path());
    let (before, in_memory, streamed) = (
        dir.path().join("before"),
        dir.path().join("in_memory"),
        dir.path().join("streamed"),
    );
    std::fs::create_dir_all(&before).unwrap();
    reference_import(dir.path(), &before);

    let loaded = load(dir.path(), &opts()).unwrap();
    assert_eq!(
        loaded.days(),
        Some((date("2026-10-24"), date("2026-10-26")))
    );
    let written = loaded.write_csv(&in_memory).unwrap();
    let imported = import_files(dir.path(), &opts(), &streamed, true, &mut |_| {}).unwrap();

    let names: Vec<String> = csvs(&before).into_keys().collect();
    assert_eq!(
        names,
        [
            "Fitbit_HRV_2026-10-24_2026-10-26.csv",
            "Fitbit_HRV_intraday_2026-10-24_2026-10-26.csv",
            "Fitbit_HR_2026-10-24.csv",
            "Fitbit_HR_2026-10-25.csv",
            "Fitbit_HR_2026-10-26.csv",
            "Fitbit_RestingHR_2026-10-24_2026-10-26.csv",
        ]
    );
    assert_eq!(csvs(&in_memory), csvs(&before), "Export::write_csv");
    assert_eq!(csvs(&streamed), csvs(&before), "import_files");

    // The fall-back day has 25 hours, and its repeated 02:30 stays two rows.
    let fall_back = String::from_utf8(csvs(&before)["Fitbit_HR_2026-10-25.csv"].clone()).unwrap();
    assert_eq!(fall_back.lines().count(), 1 + 25 * 60);
    let twice: Vec<&str> = fall_back
        .lines()
        .filter(|l| l.starts_with("2026-10-25 02:30:00,"))
        .collect();
    assert_eq!(twice.len(), 2, "{twice:?}");
    assert!(twice[0].contains("T00:30:00Z,+02:00") && twice[1].contains("T01:30:00Z,+01:00"));

    // What was written, as data: kind, absolute path, rows; in the order written.
    let kinds: Vec<(FileKind, String, usize)> = written
        .iter()
        .map(|w| {
            assert!(w.path.is_absolute(), "{}", w.path.display());
            (
                w.kind,
                w.path.file_name().unwrap().to_string_lossy().into_owned(),
                w.rows,
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (
                FileKind::HeartRate,
                "Fitbit_HR_2026-10-24.csv".to_string(),
                24 * 60
            ),
            (
                FileKind::HeartRate,
                "Fitbit_HR_2026-10-25.csv".to_string(),
                25 * 60
            ),
            (
                FileKind::HeartRate,
                "Fitbit_HR_2026-10-26.csv".to_string(),
                24 * 60
            ),
            (
                FileKind::RestingHeartRate,
                "Fitbit_RestingHR_2026-10-24_2026-10-26.csv".to_string(),
                2
            ),
            (
                FileKind::HrvDaily,
                "Fitbit_HRV_2026-10-24_2026-10-26.csv".to_string(),
                1
            ),
            (
                FileKind::HrvIntraday,
                "Fitbit_HRV_intraday_2026-10-24_2026-10-26.csv".to_string(),
                2
            ),
        ]
    );
    // The streamed import also writes Parquet for the whole range, and says so.
    let parquet: Vec<(String, usize)> = imported
        .written
        .iter()
        .filter(|w| w.path.extension().is_some_and(|e| e == "parquet"))
        .map(|w| {
            (
                w.path.file_name().unwrap().to_string_lossy().into_owned(),
                w.rows,
            )
        })
        .collect();
    assert_eq!(
        parquet,
        [
            (
                "Fitbit_HR_2026-10-24_2026-10-26.parquet".to_string(),
                (24 + 25 + 24) * 60
            ),
            (
                "Fitbit_HRV_intraday_2026-10-24_2026-10-26.parquet".to_string(),
                2
            ),
        ]
    );
    assert_eq!(imported.summary.daily_hr, loaded.daily_hr);
}

#[test]
fn an_import_written_again_replaces_its_files_and_leaves_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    export(dir.path());
    let out = dir.path().join("out");
    import_files(dir.path(), &opts(), &out, true, &mut |_| {}).unwrap();
    let first = contents(&out);
    let again = import_files(dir.path(), &opts(), &out, false, &mut |_| {}).unwrap();
    assert_eq!(
        contents(&out),
        first,
        "same bytes, and no `.tmp` left beside them"
    );
    assert_eq!(first.len(), 6 + 2);
    // Without the per-day CSVs: the range files and Parquet only.
    assert!(again.written.iter().all(
        |w| w.kind != FileKind::HeartRate || w.path.extension().is_some_and(|e| e == "parquet")
    ));
    assert_eq!(again.written.len(), 5);
}

#[test]
fn an_export_without_samples_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    export(dir.path());
    let late = ImportOptions {
        start: Some(date("2027-01-01")),
        ..opts()
    };
    let out = dir.path().join("out");
    let loaded = load(dir.path(), &late).unwrap();
    assert_eq!(loaded.days(), None);
    assert!(loaded.write_csv(&out).unwrap().is_empty());
    let imported = import_files(dir.path(), &late, &out, true, &mut |_| {}).unwrap();
    assert!(imported.written.is_empty());
    assert!(contents(&out).is_empty(), "no file, no temporary");
}

fn sample(day: u32, h: u32, m: u32, offset_hours: i32, bpm: u16) -> HrSample {
    let local = NaiveDate::from_ymd_opt(2026, 10, day)
        .unwrap()
        .and_hms_opt(h, m, 0)
        .unwrap();
    HrSample {
        time: Timestamp::new(local, FixedOffset::east_opt(offset_hours * 3600)),
        bpm,
        confidence: Some(2),
    }
}

#[test]
fn a_day_file_is_named_for_its_day_and_holds_the_tables_csv() {
    // Out of order, across the fall-back: the file is in UTC order, as the table.
    let samples = vec![
        sample(25, 2, 30, 1, 71),
        sample(25, 2, 30, 2, 70),
        sample(25, 1, 0, 2, 60),
    ];
    let day = HrDay::new(date("2026-10-25"), samples.clone());
    assert_eq!(day.file_name(), "Fitbit_HR_2026-10-25.csv");
    let dir = tempfile::tempdir().unwrap();
    let written = day.write_csv(dir.path().join("new/folder")).unwrap();
    assert_eq!(written.kind, FileKind::HeartRate);
    assert_eq!(written.rows, 3);
    assert_eq!(
        written.path,
        dir.path().join("new/folder/Fitbit_HR_2026-10-25.csv")
    );
    let text = std::fs::read_to_string(&written.path).unwrap();
    assert_eq!(text, table::csv_string(&day.table().unwrap()).unwrap());
    assert_eq!(
        text,
        table::csv_string(&table::hr_intraday(&samples).unwrap()).unwrap()
    );
    assert_eq!(
        text.lines().skip(1).collect::<Vec<_>>(),
        [
            "2026-10-25 01:00:00,60,2026-10-24T23:00:00Z,+02:00,2",
            "2026-10-25 02:30:00,70,2026-10-25T00:30:00Z,+02:00,2",
            "2026-10-25 02:30:00,71,2026-10-25T01:30:00Z,+01:00,2",
        ]
    );
}

#[test]
fn samples_split_into_their_local_days() {
    // A flight west: the local date goes back to the 24th after the 25th had begun.
    let samples = [
        sample(24, 23, 0, 2, 60),
        sample(25, 0, 30, 2, 61),
        sample(24, 20, 0, -4, 62),
        sample(26, 7, 0, -4, 63),
    ];
    let days = HrDay::split(&samples);
    let got: Vec<(NaiveDate, Vec<u16>)> = days
        .iter()
        .map(|d| (d.date, d.samples.iter().map(|s| s.bpm).collect()))
        .collect();
    assert_eq!(
        got,
        [
            (date("2026-10-24"), vec![60, 62]),
            (date("2026-10-25"), vec![61]),
            (date("2026-10-26"), vec![63]),
        ]
    );
    assert!(HrDay::split(&[]).is_empty());
}

#[test]
fn range_tables_write_what_they_hold_under_the_original_names() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (date("2026-09-01"), date("2026-09-07"));
    let resting = vec![DailyHr {
        date: a,
        resting_bpm: Some(58.0),
    }];
    let nights = vec![DailyHrv {
        date: b,
        daily_rmssd: Some(29.232),
        deep_rmssd: None,
        entropy: None,
        non_rem_hr: None,
    }];
    let range = RangeTables::new(a, b)
        .unwrap()
        .with_resting_hr(resting.clone())
        .with_hrv_daily(nights.clone())
        .with_hrv_intraday(Vec::<HrvSample>::new());
    let written = range.write_csv(dir.path()).unwrap();
    let names: Vec<_> = written
        .iter()
        .map(|w| (w.kind, w.path.file_name().unwrap().to_owned(), w.rows))
        .collect();
    assert_eq!(
        names,
        [
            (
                FileKind::RestingHeartRate,
                "Fitbit_RestingHR_2026-09-01_2026-09-07.csv".into(),
                1
            ),
            (
                FileKind::HrvDaily,
                "Fitbit_HRV_2026-09-01_2026-09-07.csv".into(),
                1
            ),
            (
                FileKind::HrvIntraday,
                "Fitbit_HRV_intraday_2026-09-01_2026-09-07.csv".into(),
                0
            ),
        ]
    );
    // The bytes of the table primitives; an empty table is its header.
    let read = |i: usize| std::fs::read_to_string(&written[i].path).unwrap();
    assert_eq!(
        read(0),
        table::csv_string(&table::hr_daily(&resting).unwrap()).unwrap()
    );
    assert_eq!(read(0), "date,resting_heart_rate\n2026-09-01,58.0\n");
    assert_eq!(
        read(1),
        table::csv_string(&table::hrv_daily(&nights).unwrap()).unwrap()
    );
    assert_eq!(
        read(2),
        "timestamp,rmssd,coverage,hf,lf,timestamp_utc,utc_offset,sdnn\n"
    );

    // One day: one date in the name. A table not given is not written.
    let one = dir.path().join("one");
    let written = RangeTables::new(a, a)
        .unwrap()
        .with_hrv_daily(vec![])
        .write_csv(&one)
        .unwrap();
    assert_eq!(written.len(), 1);
    assert_eq!(
        contents(&one).into_keys().collect::<Vec<_>>(),
        ["Fitbit_HRV_2026-09-01.csv"]
    );
    assert!(
        RangeTables::new(a, b)
            .unwrap()
            .write_csv(&one)
            .unwrap()
            .is_empty()
    );
    let e = RangeTables::new(b, a).unwrap_err().to_string();
    assert!(e.contains("on or after"), "{e}");
}
