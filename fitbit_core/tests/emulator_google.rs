//! The library against the emulator playing the Google Health API v4.

mod common;

use common::*;
use fitbit_core::chrono::NaiveDate;
use fitbit_core::config::ConfigStore;
use fitbit_core::source::google;
use fitbit_core::{Client, Detail, Error, Provider as P, table};
use fitbit_sim::{Provider, SimConfig};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn a_full_day_of_heart_rate_takes_the_fewest_pages() {
    let sim = sim(SimConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&sim, dir.path(), Provider::Google, 3000);
    let mut s = session(&sim, &path);
    let tz = fitbit_core::chrono_tz::Europe::Berlin;
    sim.control().reset_counters();
    let paged = google::fetch_heart_intraday(&mut s, &sim.url(), day("2026-10-20"), tz).unwrap();
    let n = paged.items.len();
    assert!(n > 15_000, "one sample every 1-5 s over a worn day: {n}");
    assert_eq!(
        paged.pages,
        n.div_ceil(10_000),
        "pageSize=10000, the documented maximum"
    );
    assert_eq!(sim.control().counters().pages_served as usize, paged.pages);
    assert!(
        paged
            .items
            .windows(2)
            .all(|w| w[0].time.utc() < w[1].time.utc()),
        "ascending"
    );
    assert!(
        paged
            .items
            .iter()
            .all(|h| h.time.local.date() == day("2026-10-20"))
    );
}

#[test]
fn same_tables_as_fitbit_with_nulls_where_google_has_nothing() {
    let sim = sim(SimConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&sim, dir.path(), Provider::Google, 3000);
    let mut c = Client::from_session(session(&sim, &path));
    assert_eq!(c.provider(), P::Google);
    assert_eq!(
        c.time_zone().unwrap(),
        Some(fitbit_core::chrono_tz::Europe::Berlin)
    );
    let d = day("2026-10-25");
    let hr = c.heart_rate_intraday(d, Detail::OneSecond).unwrap();
    let df = table::hr_intraday(&hr).unwrap();
    let names: Vec<_> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(&names[..2], ["timestamp", "heartrate"]);
    // 2026-10-25 is 25 hours long in Berlin: the repeated hour stays, UTC strictly ascending.
    let utc: Vec<_> = hr.iter().map(|s| s.time.utc().unwrap()).collect();
    assert!(utc.windows(2).all(|w| w[0] < w[1]));
    assert!(
        utc.last()
            .unwrap()
            .signed_duration_since(utc[0])
            .num_hours()
            >= 24
            || hr.len() < 1000
    );
    let nights = c.hrv_daily(day("2026-10-15"), day("2026-10-21")).unwrap();
    assert!(!nights.is_empty());
    assert!(
        nights
            .iter()
            .all(|n| n.daily_rmssd.is_some() && n.entropy.is_some())
    );
    let samples = c
        .hrv_intraday(day("2026-10-20"), day("2026-10-20"))
        .unwrap();
    assert!(
        samples
            .iter()
            .all(|s| s.coverage.is_none() && s.hf.is_none() && s.sdnn.is_some())
    );
    let resting = c
        .heart_rate_daily(day("2026-10-15"), day("2026-10-21"))
        .unwrap();
    assert!(!resting.is_empty());
}

#[test]
fn refresh_keeps_the_google_refresh_token() {
    let sim = sim(SimConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&sim, dir.path(), Provider::Google, -10);
    let before = ConfigStore::new(&path).load().unwrap();
    let mut c = Client::from_session(session(&sim, &path));
    assert!(c.ensure_token().unwrap());
    let after = ConfigStore::new(&path).load().unwrap();
    assert_eq!(
        before.refresh_token, after.refresh_token,
        "Google does not rotate"
    );
    assert_ne!(before.access_token, after.access_token);
    c.check().unwrap();
}

#[test]
fn testing_apps_lose_the_refresh_token_after_7_days() {
    let sim = sim(SimConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&sim, dir.path(), Provider::Google, -10);
    sim.control()
        .advance_clock(std::time::Duration::from_secs(8 * 24 * 3600));
    let e = Client::from_session(session(&sim, &path))
        .ensure_token()
        .unwrap_err();
    assert!(matches!(e, Error::Reauthorize { .. }), "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("7 days") && msg.contains("authorize again"),
        "{msg}"
    );
}

#[test]
fn the_demo_authorizes_a_google_client() {
    let sim = sim(SimConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.json");
    fitbit_core::demo::authorize(&sim.url(), P::Google, &path).unwrap();
    let cfg = ConfigStore::new(&path).load().unwrap();
    assert!(
        !cfg.refresh_token.is_empty(),
        "access_type=offline gives a refresh token"
    );
    let mut c = Client::from_session(session(&sim, &path));
    c.check().unwrap();
}
