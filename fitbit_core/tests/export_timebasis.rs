//! The UTC-or-local decision for legacy `heart_rate-*.json`, on generated data.

mod export_support;

use export_support::{bpm_at, date, legacy_export, run};
use fitbit_core::chrono::{FixedOffset, TimeZone, Utc};
use fitbit_core::chrono_tz::Tz;
use fitbit_core::source::export::{ImportOptions, TzChoice};

fn tz(s: &str) -> Tz {
    s.parse().unwrap()
}

/// Every emitted sample must carry the bpm generated for its UTC instant, and its local clock
/// must be that instant in `zone`.
fn assert_true_instants(days: &[fitbit_core::source::export::DayData], zone: Tz) {
    for d in days {
        for s in &d.hr {
            let utc = s.time.utc().expect("offset known");
            assert_eq!(s.bpm, bpm_at(utc), "bpm at {utc}");
            assert_eq!(utc.with_timezone(&zone).naive_local(), s.time.local);
            assert_eq!(s.time.local.date(), d.date);
        }
    }
}

#[test]
fn auto_detects_utc_east_of_utc_and_infers_the_offset() {
    let dir = tempfile::tempdir().unwrap();
    let sydney = tz("Australia/Sydney");
    legacy_export(dir.path(), sydney, date("2023-01-24"), 4, 600, true);
    let (days, s) = run(dir.path(), &ImportOptions::default());
    assert!(
        s.report.time_basis.contains("read as UTC (auto"),
        "{}",
        s.report.time_basis
    );
    assert!(
        s.report
            .time_basis
            .contains("4 file(s) start on the day before"),
        "{}",
        s.report.time_basis
    );
    // no --tz: the implied offset (+11:00 in January) is used, with a warning
    assert!(
        s.report.warnings.iter().any(|w| w.contains("+11:00")),
        "{}",
        s.report
    );
    assert_eq!(days.len(), 4);
    assert_eq!(days[0].date, date("2023-01-24"));
    assert_eq!(days[0].hr.len(), 144);
    assert_eq!(days[0].hr[0].time.local.to_string(), "2023-01-24 00:00:00");
    assert_eq!(days[0].hr[0].time.offset, FixedOffset::east_opt(11 * 3600));
    assert_true_instants(&days, sydney);
}

#[test]
fn auto_detects_utc_west_of_utc_with_a_named_zone() {
    let dir = tempfile::tempdir().unwrap();
    let ny = tz("America/New_York");
    legacy_export(dir.path(), ny, date("2024-01-10"), 5, 300, true);
    let opts = ImportOptions {
        tz: TzChoice::Auto(Some(ny)),
        ..Default::default()
    };
    let (days, s) = run(dir.path(), &opts);
    assert!(
        s.report.time_basis.contains("read as UTC"),
        "{}",
        s.report.time_basis
    );
    assert!(
        s.report.time_basis.contains("5 run into the next day"),
        "{}",
        s.report.time_basis
    );
    assert_eq!(
        days.iter().map(|d| d.date).collect::<Vec<_>>(),
        (10..15)
            .map(|d| date(&format!("2024-01-{d}")))
            .collect::<Vec<_>>()
    );
    assert!(days.iter().all(|d| d.hr.len() == 288));
    assert_true_instants(&days, ny);
}

#[test]
fn auto_detects_local_wall_clock() {
    let dir = tempfile::tempdir().unwrap();
    let berlin = tz("Europe/Berlin");
    legacy_export(dir.path(), berlin, date("2024-02-01"), 6, 900, false);
    let opts = ImportOptions {
        tz: "Europe/Berlin".parse().unwrap(),
        ..Default::default()
    };
    let (days, s) = run(dir.path(), &opts);
    assert!(
        s.report
            .time_basis
            .contains("read as local wall-clock (auto"),
        "{}",
        s.report.time_basis
    );
    assert!(
        s.report
            .time_basis
            .contains("6 lie exactly on their name date")
    );
    assert_eq!(days.len(), 6);
    assert_true_instants(&days, berlin);
}

#[test]
fn tz_override_wins_over_the_evidence_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let berlin = tz("Europe/Berlin");
    legacy_export(dir.path(), berlin, date("2024-02-01"), 3, 900, true);
    // the data is UTC, the user insists it is local
    let opts = ImportOptions {
        tz: "local:Europe/Berlin".parse().unwrap(),
        ..Default::default()
    };
    let (days, s) = run(dir.path(), &opts);
    assert!(
        s.report
            .time_basis
            .contains("as chosen: local:Europe/Berlin"),
        "{}",
        s.report.time_basis
    );
    assert!(
        s.report
            .warnings
            .iter()
            .any(|w| w.contains("overrides the evidence")),
        "{}",
        s.report
    );
    // read as local, the first sample (23:00 UTC on Jan 31) is 23:00 Berlin on Jan 31
    assert_eq!(days[0].date, date("2024-01-31"));
    assert_eq!(days[0].hr[0].time.local.to_string(), "2024-01-31 23:00:00");
    // and the utc: form gives the true instants
    let opts = ImportOptions {
        tz: "utc:Europe/Berlin".parse().unwrap(),
        ..Default::default()
    };
    let (days, s) = run(dir.path(), &opts);
    assert!(s.report.warnings.is_empty(), "{}", s.report);
    assert_eq!(days.len(), 3);
    assert_true_instants(&days, berlin);
}

#[test]
fn dst_fall_back_keeps_both_hours_apart() {
    let dir = tempfile::tempdir().unwrap();
    let berlin = tz("Europe/Berlin");
    // 2024-10-27 has 25 hours in Berlin; local wall-clock repeats 02:00–03:00
    legacy_export(dir.path(), berlin, date("2024-10-26"), 3, 600, false);
    let opts = ImportOptions {
        tz: TzChoice::Local(berlin),
        ..Default::default()
    };
    let (days, _) = run(dir.path(), &opts);
    let d = days.iter().find(|d| d.date == date("2024-10-27")).unwrap();
    assert_eq!(d.hr.len(), 150, "25 hours of 10-minute samples");
    let at_0230: Vec<_> =
        d.hr.iter()
            .filter(|s| s.time.local.to_string() == "2024-10-27 02:30:00")
            .collect();
    assert_eq!(at_0230.len(), 2);
    assert_ne!(at_0230[0].time.utc(), at_0230[1].time.utc());
    assert!(d.hr.windows(2).all(|w| w[0].time.utc() < w[1].time.utc()));
    assert_true_instants(&days, berlin);
    let first = Utc.with_ymd_and_hms(2024, 10, 27, 0, 30, 0).unwrap();
    assert_eq!(at_0230[0].time.utc(), Some(first));
}

/// Hourly local wall-clock data through New York's fall-back: 01:00 is written twice, with
/// nothing between. Both passes stay (25 hours), with the offsets the API parsers give the same
/// clock readings (`time::attach_offsets`): one fall-back rule for every source.
#[test]
fn dst_fall_back_hourly_new_york_matches_the_api_rule() {
    let dir = tempfile::tempdir().unwrap();
    let new_york = tz("America/New_York");
    legacy_export(dir.path(), new_york, date("2024-11-02"), 3, 3600, false);
    let opts = ImportOptions {
        tz: TzChoice::Local(new_york),
        ..Default::default()
    };
    let (days, s) = run(dir.path(), &opts);
    let d = days.iter().find(|d| d.date == date("2024-11-03")).unwrap();
    assert_eq!(d.hr.len(), 25, "{}", s.report);
    let at_0100: Vec<_> =
        d.hr.iter()
            .filter(|s| s.time.local.to_string() == "2024-11-03 01:00:00")
            .collect();
    assert_eq!(at_0100.len(), 2);
    assert_eq!(
        at_0100[0].time.utc(),
        Some(Utc.with_ymd_and_hms(2024, 11, 3, 5, 0, 0).unwrap())
    );
    assert_eq!(
        at_0100[1].time.utc(),
        Some(Utc.with_ymd_and_hms(2024, 11, 3, 6, 0, 0).unwrap())
    );
    let locals: Vec<_> = d.hr.iter().map(|s| s.time.local).collect();
    let offsets: Vec<_> = d.hr.iter().map(|s| s.time.offset).collect();
    assert_eq!(
        offsets,
        fitbit_core::time::attach_offsets(&locals, new_york)
    );
    assert_true_instants(&days, new_york);
}

#[test]
fn tz_choice_strings() {
    assert_eq!("auto".parse::<TzChoice>().unwrap(), TzChoice::Auto(None));
    assert_eq!(
        "Europe/Berlin".parse::<TzChoice>().unwrap(),
        TzChoice::Auto(Some(tz("Europe/Berlin")))
    );
    assert_eq!(
        "LOCAL:UTC".parse::<TzChoice>().unwrap(),
        TzChoice::Local(tz("UTC"))
    );
    let err = "utc:Nowhere/Land"
        .parse::<TzChoice>()
        .unwrap_err()
        .to_string();
    assert!(err.contains("IANA zone"), "{err}");
}
