//! The library against the emulator playing the legacy Fitbit Web API.

mod common;

use common::*;
use fitbit_core::chrono::NaiveDate;
use fitbit_core::config::ConfigStore;
use fitbit_core::http::{HttpClient, RecordingSleeper, ReqwestTransport, RetryPolicy};
use fitbit_core::{Client, Detail, Error, table};
use fitbit_sim::{Faults, IntradayAccess, Provider, SimConfig};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn client(sim: &fitbit_sim::SimHandle, dir: &tempfile::TempDir) -> Client {
    let path = write_config(sim, dir.path(), Provider::Fitbit, 3600);
    Client::from_session(session(sim, &path))
}

#[test]
fn intraday_day_has_local_time_utc_instant_and_resting_hr() {
    let sim = sim(SimConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let mut c = client(&sim, &dir);
    let d = day("2026-10-20");
    let hr = c.heart_rate_intraday(d, Detail::OneMinute).unwrap();
    assert!(hr.len() > 600, "a worn day has most minutes: {}", hr.len());
    assert!(hr.iter().all(|s| s.time.local.date() == d));
    // Europe/Berlin in October before the change: UTC+2.
    assert!(
        hr.iter()
            .all(|s| s.time.offset.map(|o| o.local_minus_utc()) == Some(7200))
    );
    assert!(hr.windows(2).all(|w| w[0].time.utc() < w[1].time.utc()));
    let daily = c.heart_rate_daily(d, day("2026-10-22")).unwrap();
    assert!(!daily.is_empty() && daily.len() <= 3);
    assert!(
        daily
            .iter()
            .all(|r| r.resting_bpm.is_none_or(|b| (40.0..90.0).contains(&b)))
    );
}

#[test]
fn dst_fall_back_keeps_both_hours() {
    let sim = sim(SimConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let mut c = client(&sim, &dir);
    let hr = c
        .heart_rate_intraday(day("2026-10-25"), Detail::OneMinute)
        .unwrap();
    let at_0230: Vec<_> = hr
        .iter()
        .filter(|s| s.time.local.format("%H:%M").to_string() == "02:30")
        .collect();
    assert_eq!(
        at_0230.len(),
        2,
        "02:30 happens twice on 2026-10-25 in Berlin"
    );
    assert_ne!(at_0230[0].time.utc(), at_0230[1].time.utc());
    assert_eq!(at_0230[0].time.offset.unwrap().local_minus_utc(), 7200);
    assert_eq!(at_0230[1].time.offset.unwrap().local_minus_utc(), 3600);
    let utc: Vec<_> = hr.iter().map(|s| s.time.utc().unwrap()).collect();
    assert!(
        utc.windows(2).all(|w| w[0] < w[1]),
        "UTC instants strictly ascending"
    );
    let df = table::hr_intraday(&hr).unwrap();
    assert_eq!(df.height(), hr.len(), "no row merged");
}

#[test]
fn expired_token_is_refreshed_and_the_rotated_pair_persisted() {
    let sim = sim(SimConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&sim, dir.path(), Provider::Fitbit, -60);
    let before = ConfigStore::new(&path).load().unwrap();
    let mut c = Client::from_session(session(&sim, &path));
    assert!(c.ensure_token().unwrap(), "an expired token is refreshed");
    let after = ConfigStore::new(&path).load().unwrap();
    assert_ne!(
        before.refresh_token, after.refresh_token,
        "Fitbit rotates refresh tokens"
    );
    assert_ne!(before.access_token, after.access_token);
    assert!(after.expires_at.unwrap() > fitbit_core::chrono::Utc::now());
    c.check().unwrap();
    assert_eq!(sim.control().counters().token_refreshes, 1);
}

#[test]
fn a_401_expired_token_triggers_one_refresh_then_the_request_succeeds() {
    let sim = sim(SimConfig::default());
    let dir = tempfile::tempdir().unwrap();
    // The file says the token is fine, but the emulator's clock is 9 h later: 401 expired_token.
    let path = write_config(&sim, dir.path(), Provider::Fitbit, 3600);
    sim.control()
        .advance_clock(std::time::Duration::from_secs(9 * 3600));
    let mut c = Client::from_session(session(&sim, &path));
    c.check().unwrap();
    assert_eq!(sim.control().counters().token_refreshes, 1);
}

#[test]
fn reused_refresh_token_asks_to_authorize_again_and_keeps_the_file() {
    let sim = sim(SimConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&sim, dir.path(), Provider::Fitbit, -60);
    let copy = dir.path().join("old.json");
    std::fs::copy(&path, &copy).unwrap();
    Client::from_session(session(&sim, &path))
        .ensure_token()
        .unwrap();
    // Another copy of the old file uses the already-rotated refresh token.
    let bytes = std::fs::read(&copy).unwrap();
    let err = Client::from_session(session(&sim, &copy))
        .ensure_token()
        .unwrap_err();
    assert!(matches!(err, Error::Reauthorize { .. }), "{err}");
    assert!(err.to_string().contains("authorize the app again"), "{err}");
    assert_eq!(err.fix(), Some(fitbit_core::Fix::Reauthorize));
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        bytes,
        "the config is left as it was"
    );
}

#[test]
fn rate_limit_429_waits_for_the_reset_then_continues() {
    let sim = sim(SimConfig {
        fitbit_hourly_limit: 3,
        ..SimConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let mut c = client(&sim, &dir);
    // profile + 5 days of HRV... more requests than the hourly budget of 3.
    for d in ["2026-10-10", "2026-10-11", "2026-10-12", "2026-10-13"] {
        c.heart_rate_intraday(day(d), Detail::FifteenMinutes)
            .unwrap();
    }
    let n = sim.control().counters();
    assert!(n.rate_limited >= 1, "the budget ran out at least once");
    let before = sim.control().now();
    assert!(
        before
            > "2026-10-26T11:00:00Z"
                .parse::<fitbit_core::chrono::DateTime<fitbit_core::chrono::Utc>>()
                .unwrap(),
        "the client waited past the top of the hour"
    );
}

#[test]
fn injected_faults_give_the_same_csv_as_a_clean_run() {
    let d = day("2026-10-21");
    let csv = |faults: Faults| {
        let sim = sim(SimConfig {
            faults,
            ..SimConfig::default()
        });
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(&sim, dir.path(), Provider::Fitbit, 3600);
        let http = HttpClient::new(ReqwestTransport::new().unwrap())
            .with_sleeper(RecordingSleeper::new())
            .with_policy(RetryPolicy {
                max_retries: 12,
                ..RetryPolicy::default()
            })
            .with_notifier(|_| {});
        let s = fitbit_core::auth::Session::new(
            ConfigStore::new(&path),
            http,
            fitbit_core::demo::endpoints(&sim.url()),
        )
        .unwrap();
        let mut c = Client::from_session(s);
        let hr = c.heart_rate_intraday(d, Detail::OneSecond).unwrap();
        let df = table::hr_intraday(&hr).unwrap();
        (
            table::csv_string(&df).unwrap(),
            sim.control().counters().faults_injected,
        )
    };
    let (clean, none) = csv(Faults::default());
    let faulty = Faults {
        error_rate: 0.3,
        drop_rate: 0.15,
        truncate_rate: 0.15,
        latency_ms: 0,
        seed: 7,
    };
    let (noisy, injected) = csv(faulty);
    assert_eq!(none, 0);
    assert!(injected > 0, "faults were injected");
    assert_eq!(clean, noisy);
}

#[test]
fn gone_missing_intraday_and_forbidden_intraday_are_explained() {
    let sim = sim(SimConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let mut c = client(&sim, &dir);
    let d = day("2026-10-20");
    sim.control().set_intraday(IntradayAccess::Missing);
    let e = c.heart_rate_intraday(d, Detail::OneMinute).unwrap_err();
    assert!(matches!(e, Error::IntradayUnavailable), "{e}");
    assert!(e.to_string().contains("Personal"));
    sim.control().set_intraday(IntradayAccess::Forbidden);
    let e = c.heart_rate_intraday(d, Detail::OneMinute).unwrap_err();
    assert!(e.to_string().contains("Personal"), "{e}");
    sim.control().set_gone(true);
    let e = c.heart_rate_daily(d, d).unwrap_err();
    assert!(matches!(e, Error::LegacyApiGone), "{e}");
    assert!(e.to_string().contains("2026-11-02") && e.to_string().contains("Google Health API"));
}

#[test]
fn hrv_ranges_are_split_into_30_day_requests() {
    let sim = sim(SimConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let mut c = client(&sim, &dir);
    let nights = c.hrv_daily(day("2026-08-01"), day("2026-10-15")).unwrap();
    assert!(nights.len() > 50, "most nights have HRV: {}", nights.len());
    assert!(nights.windows(2).all(|w| w[0].date < w[1].date));
    let per_path = sim.control().counters().per_path;
    let hrv_requests: u64 = per_path
        .iter()
        .filter(|(k, _)| k.contains("/hrv/"))
        .map(|(_, v)| *v)
        .sum();
    assert_eq!(
        hrv_requests, 3,
        "76 days = 3 requests of at most 30 days: {per_path:?}"
    );
    let five_min = c
        .hrv_intraday(day("2026-10-14"), day("2026-10-15"))
        .unwrap();
    assert!(
        five_min
            .iter()
            .all(|s| s.rmssd.is_some() && s.coverage.is_some() && s.sdnn.is_none())
    );
}

#[test]
fn the_demo_authorizes_through_the_real_oauth_code() {
    let sim = sim(SimConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.json");
    fitbit_core::demo::authorize(&sim.url(), fitbit_core::Provider::Fitbit, &path).unwrap();
    let cfg = ConfigStore::new(&path).load().unwrap();
    assert!(!cfg.access_token.is_empty() && !cfg.refresh_token.is_empty());
    assert_eq!(sim.control().counters().token_exchanges, 1);
    let mut c = Client::from_session(session(&sim, &path));
    c.check().unwrap();
}
