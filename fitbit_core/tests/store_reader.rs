//! The notebooks' one-call helpers against the in-process emulator: [`Reader`] through a store
//! gives exactly the API's records and CSV, and a second read sends no request;
//! [`Store::sync`] fills a range once; the demo signs in the first of several accounts; and
//! [`enroll_demo`] lays out a study whose participants each reach their own account, and
//! [`study_coverage`] stacks their coverage for the heatmap.

mod common;

use common::*;
use fitbit_core::chrono::NaiveDate;
use fitbit_core::cohort::{enroll_demo, participant_summary, study_coverage};
use fitbit_core::polars::prelude::DataType;
use fitbit_core::store::{Dataset, Store, summary};
use fitbit_core::sync::Reader;
use fitbit_core::{Client, Detail, table};
use fitbit_sim::{Provider, SimConfig};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn requests(client: &mut Client) -> u64 {
    client.session_mut().http().requests_sent()
}

#[test]
fn reading_through_a_store_gives_the_api_records_and_fetches_once() {
    let sim = sim(SimConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&sim, dir.path(), Provider::Google, 3000);
    let mut api = Client::from_session(session(&sim, &path));
    let client = Client::from_session(session(&sim, &path));
    let mut reader = Reader::new(client, Some(dir.path().join("store"))).unwrap();
    let (d, start, end) = (day("2026-10-20"), day("2026-10-18"), day("2026-10-20"));

    let hr = reader.heart_rate_intraday(d, Detail::OneSecond).unwrap();
    let rest = reader.heart_rate_daily(start, end).unwrap();
    let nights = reader.hrv_daily(start, end).unwrap();
    let hrv = reader.hrv_intraday(start, end).unwrap();
    assert!(!hr.is_empty() && !rest.is_empty() && !nights.is_empty() && !hrv.is_empty());
    assert!(reader.last_sync().unwrap().requests > 0);

    let csv = |mut df| table::csv_string(&mut df).unwrap();
    let api_hr = api.heart_rate_intraday(d, Detail::OneSecond).unwrap();
    assert_eq!(hr, api_hr);
    assert_eq!(
        csv(table::hr_intraday(&hr).unwrap()),
        csv(table::hr_intraday(&api_hr).unwrap())
    );
    assert_eq!(rest, api.heart_rate_daily(start, end).unwrap());
    assert_eq!(nights, api.hrv_daily(start, end).unwrap());
    let api_hrv = api.hrv_intraday(start, end).unwrap();
    assert_eq!(
        csv(table::hrv_intraday(&hrv).unwrap()),
        csv(table::hrv_intraday(&api_hrv).unwrap())
    );

    // Again: every day is complete in the store, so nothing is fetched.
    let before = requests(reader.client_mut());
    assert_eq!(
        reader.heart_rate_intraday(d, Detail::OneSecond).unwrap(),
        hr
    );
    assert_eq!(reader.hrv_intraday(start, end).unwrap(), hrv);
    assert_eq!(requests(reader.client_mut()), before);
    assert_eq!(reader.last_sync().unwrap().requests, 0);

    // Without a store the reader is the client.
    let mut direct = Reader::new(api, None::<&str>).unwrap();
    assert!(direct.store().is_none());
    assert_eq!(direct.heart_rate_daily(start, end).unwrap(), rest);
}

#[test]
fn store_sync_fills_a_range_once() {
    let sim = sim(SimConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&sim, dir.path(), Provider::Google, 3000);
    let mut client = Client::from_session(session(&sim, &path));
    let store = Store::open(dir.path().join("store")).unwrap();
    let (start, end) = (day("2026-10-15"), day("2026-10-20"));
    let first = store.sync(&mut client, start, end).unwrap();
    assert!(first.is_complete() && first.requests > 0 && first.rows > 0);
    let user = client.store_user().unwrap();
    let hr = store.heart_rate(&user, start, end).unwrap();
    assert_eq!(
        hr.height() as u64 + rows_except_hr(&store, &user, start, end),
        first.rows
    );
    // The same columns and types as the API's tables (a daily `date` is a Date).
    let rest = store.resting_heart_rate(&user, start, end).unwrap();
    assert_eq!(rest.schema(), table::hr_daily(&[]).unwrap().schema());
    let nights = store.hrv_daily(&user, start, end).unwrap();
    assert_eq!(nights.schema(), table::hrv_daily(&[]).unwrap().schema());
    assert_eq!(hr.schema(), table::hr_intraday(&[]).unwrap().schema());
    let again = store.sync(&mut client, start, end).unwrap();
    assert_eq!((again.requests, again.rows), (0, 0));
    assert_eq!(again.plan.complete.values().sum::<u64>(), 4 * 6);
}

fn rows_except_hr(
    store: &Store,
    user: &fitbit_core::store::UserId,
    start: NaiveDate,
    end: NaiveDate,
) -> u64 {
    [
        Dataset::RestingHeartRate,
        Dataset::HrvDaily,
        Dataset::HrvIntraday,
    ]
    .into_iter()
    .map(|d| store.read(d, user, start, end).unwrap().height() as u64)
    .sum()
}

#[test]
fn the_demo_signs_in_the_first_of_several_accounts() {
    let sim = sim(SimConfig {
        accounts: 3,
        ..SimConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.json");
    fitbit_core::demo::authorize(&sim.url(), fitbit_core::Provider::Google, &path).unwrap();
    let mut c = Client::from_session(session(&sim, &path));
    c.check().unwrap();
    assert!(sim.control().counters_for(0).data_requests > 0);
    assert_eq!(sim.control().counters_for(1).data_requests, 0);
}

#[test]
fn a_demo_study_enrolls_each_participant_with_their_own_account() {
    // Account 0 is the single-user demo's; the study gets accounts 1..=3.
    let sim = sim(SimConfig {
        accounts: 4,
        ..SimConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let cohort = enroll_demo(&sim.url(), dir.path(), 3).unwrap();
    let store = Store::open(dir.path().join("store")).unwrap();
    let (start, end) = (day("2026-10-18"), day("2026-10-20"));
    let ids: Vec<String> = cohort
        .participants()
        .iter()
        .map(|p| p.id.to_string())
        .collect();
    assert_eq!(ids, ["P01", "P02", "P03"]);
    for (k, p) in cohort.participants().iter().enumerate() {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p.config).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", p.config.display());
        }
        let mut c = Client::from_session(session(&sim, &p.config));
        assert_eq!(c.store_user().unwrap(), p.id);
        let before = sim.control().counters_for(k + 1).data_requests;
        c.check().unwrap();
        assert_eq!(sim.control().counters_for(k + 1).data_requests, before + 1);
        store.sync(&mut c, start, end).unwrap();
    }
    // The study's coverage: every participant, every day, in cohort order.
    let coverage = study_coverage(&store, &cohort, start, end).unwrap();
    let users: Vec<Option<&str>> = coverage
        .column("user")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .collect();
    let want: Vec<Option<&str>> = ["P01", "P02", "P03"]
        .iter()
        .flat_map(|u| [Some(*u); 3])
        .collect();
    assert_eq!(users, want);
    let p2 = fitbit_core::store::UserId::new("P02").unwrap();
    let own = summary::coverage_per_day(&store.heart_rate(&p2, start, end).unwrap()).unwrap();
    assert_eq!(
        coverage.slice(3, 3).drop("user").unwrap(),
        own,
        "P02's rows are P02's own coverage"
    );
    assert_eq!(
        sim.control().counters_for(0).data_requests,
        0,
        "the single-user demo's account is not a participant"
    );
    let per_user = participant_summary(&store).unwrap();
    assert_eq!(per_user.height(), 3);
    let days: Vec<Option<u32>> = per_user
        .column("hr_days")
        .unwrap()
        .cast(&DataType::UInt32)
        .unwrap()
        .u32()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(days, vec![Some(3); 3]);
    // More participants than accounts: a clear error that says how to start the emulator.
    let err = enroll_demo(&sim.url(), &dir.path().join("more"), 4)
        .unwrap_err()
        .to_string();
    assert!(err.contains("at least 5 accounts"), "{err}");
}
