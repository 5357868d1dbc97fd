//! The same export as a folder, a zip, a tgz and multi-part archives gives the same days.

mod export_support;

use std::path::Path;

use export_support::{date, legacy_export, run, tgz_parts, write, zip_parts};
use fitbit_core::chrono_tz::Tz;
use fitbit_core::source::export::{DayData, ImportOptions, TzChoice};

fn sample_export(root: &Path) {
    let tz: Tz = "Europe/Berlin".parse().unwrap();
    legacy_export(root, tz, date("2024-05-01"), 6, 120, true);
    write(
        root,
        "Takeout/Fitbit/Heart Rate Variability/Heart Rate Variability Details - 2024-05-02.csv",
        b"timestamp,rmssd,coverage,low_frequency,high_frequency\n2024-05-02T03:00:00,30.1,0.9,1,2\n",
    );
    write(
        root,
        "Takeout/Fitbit/Global Export Data/steps-2024-05-01.json",
        b"[]",
    );
}

fn opts() -> ImportOptions {
    ImportOptions {
        tz: TzChoice::Utc("Europe/Berlin".parse().unwrap()),
        ..Default::default()
    }
}

fn days_of(path: &Path) -> Vec<DayData> {
    let (days, s) = run(path, &opts());
    assert_eq!(s.report.files, 7, "{}: {}", path.display(), s.report);
    assert_eq!(s.report.other_files, 1);
    assert!(s.report.skipped.is_empty(), "{}", s.report);
    days
}

#[test]
fn zip_tgz_and_multi_part_match_the_folder() {
    let src = tempfile::tempdir().unwrap();
    sample_export(src.path());
    let reference = days_of(src.path());
    assert_eq!(reference.len(), 6);
    assert_eq!(reference.iter().map(|d| d.hr.len()).sum::<usize>(), 6 * 720);

    let out = tempfile::tempdir().unwrap();
    let one_zip = zip_parts(src.path(), &out.path().join("single"), 1);
    assert_eq!(days_of(&one_zip[0]), reference, "single zip");

    let zips = zip_parts(src.path(), &out.path().join("takeout-20260101T000000Z"), 3);
    // any part finds its siblings
    assert_eq!(days_of(&zips[1]), reference, "multi-part zip via part 2");

    let tgz_dir = tempfile::tempdir().unwrap();
    let one_tgz = tgz_parts(src.path(), &tgz_dir.path().join("one"), 1);
    assert_eq!(days_of(&one_tgz[0]), reference, "single tgz");

    let parts_dir = tempfile::tempdir().unwrap();
    let tgzs = tgz_parts(
        src.path(),
        &parts_dir.path().join("takeout-20260101T000000Z"),
        3,
    );
    assert_eq!(tgzs.len(), 3);
    assert_eq!(days_of(&tgzs[0]), reference, "multi-part tgz");
    // a folder holding the parts
    assert_eq!(days_of(parts_dir.path()), reference, "folder of tgz parts");
}

#[test]
fn a_truncated_tgz_keeps_what_it_can_and_says_so() {
    let src = tempfile::tempdir().unwrap();
    sample_export(src.path());
    let out = tempfile::tempdir().unwrap();
    let tgz = tgz_parts(src.path(), &out.path().join("t"), 1).remove(0);
    let bytes = std::fs::read(&tgz).unwrap();
    let cut = out.path().join("cut.tgz");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let (days, s) = run(&cut, &opts());
    assert!(!days.is_empty());
    let text = s.report.to_string();
    assert!(
        s.report
            .skipped
            .keys()
            .any(|k| k.contains("could not be read") || k.contains("truncated")),
        "{text}"
    );
    assert!(days.windows(2).all(|w| w[0].date < w[1].date));
}

#[test]
fn date_range_reads_only_the_files_it_needs() {
    let src = tempfile::tempdir().unwrap();
    sample_export(src.path());
    let out = tempfile::tempdir().unwrap();
    let zip = zip_parts(src.path(), &out.path().join("z"), 1).remove(0);
    let o = ImportOptions {
        start: Some(date("2024-05-06")),
        end: Some(date("2024-05-06")),
        ..opts()
    };
    let (days, s) = run(&zip, &o);
    assert_eq!(days.len(), 1);
    assert_eq!(days[0].date, date("2024-05-06"));
    assert_eq!(days[0].hr.len(), 720);
    assert!(s.report.files_outside_range >= 2, "{}", s.report);
}
