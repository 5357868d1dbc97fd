//! `sync` into a store against the emulator: the fewest requests, nothing fetched twice, quotas
//! kept, 429s and token expiry waited out, failures recorded, damage repaired, exports merged.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use fitbit_core::chrono::NaiveDate;
use fitbit_core::http::Pacer;
use fitbit_core::source::google;
use fitbit_core::store::{Dataset, DayState, Origin, Store, UserId};
use fitbit_core::sync::{SyncOptions, sync};
use fitbit_core::{Client, Error};
use fitbit_sim::{IntradayAccess, Provider, SimConfig, SimHandle};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn opts(start: &str, end: &str, time: &SimTime, limit: u32) -> SyncOptions {
    SyncOptions {
        start: Some(day(start)),
        end: Some(day(end)),
        user_pacer: Some(Arc::new(Pacer::with_clock(
            "per user",
            limit,
            Duration::from_secs(60),
            time.clone(),
        ))),
        ..SyncOptions::default()
    }
}

/// Requests to data paths (not settings), as the emulator counted them.
fn data_requests(sim: &SimHandle) -> u64 {
    sim.control()
        .counters()
        .per_path
        .iter()
        .filter(|(p, _)| {
            p.contains("/dataTypes/") || p.contains("/activities/") || p.contains("/hrv/")
        })
        .map(|(_, n)| *n)
        .sum()
}

fn google_client(sim: &SimHandle, dir: &std::path::Path, time: &SimTime) -> Client {
    let path = write_config(sim, dir, Provider::Google, 3000);
    Client::from_session(session_on(sim, &path, time))
}

/// One sync without progress events.
fn run(
    client: &mut Client,
    store: &Store,
    user: &UserId,
    o: &SyncOptions,
) -> fitbit_core::Result<fitbit_core::sync::SyncReport> {
    sync(client, store, user, o, &mut |_| {})
}

/// One emulator, a Google client on virtual time, an empty store, user `p1`.
struct Fixture {
    sim: SimHandle,
    _dir: tempfile::TempDir,
    time: SimTime,
    client: Client,
    store: Store,
    user: UserId,
}

fn google_fixture(config: SimConfig) -> Fixture {
    let sim = sim(config);
    let dir = tempfile::tempdir().unwrap();
    let time = SimTime::new(&sim);
    let client = google_client(&sim, dir.path(), &time);
    let store = Store::open(dir.path().join("store")).unwrap();
    Fixture {
        sim,
        _dir: dir,
        time,
        client,
        store,
        user: UserId::new("p1").unwrap(),
    }
}

#[test]
fn the_fewest_requests_then_none_at_all() {
    let Fixture {
        sim,
        _dir,
        time,
        mut client,
        store,
        user,
    } = google_fixture(SimConfig::default());
    // The minimum, measured with the plain fetchers: one paging sequence per heart-rate day,
    // one per HRV day, one list query per daily table for the whole range.
    let tz = fitbit_core::chrono_tz::Europe::Berlin;
    let (start, end) = ("2026-10-10", "2026-10-16");
    let mut pages = 0;
    for d in day(start).iter_days().take(7) {
        pages += google::fetch_heart_intraday(client.session_mut(), &sim.url(), d, tz)
            .unwrap()
            .pages as u64;
        pages += google::fetch_hrv_intraday(client.session_mut(), &sim.url(), d, d, tz)
            .unwrap()
            .pages as u64;
    }
    let minimum = pages + 1 + 1;
    sim.control().reset_counters();
    let report = run(&mut client, &store, &user, &opts(start, end, &time, 300)).unwrap();
    assert!(report.is_complete(), "{:?}", report.failures);
    assert_eq!(
        data_requests(&sim),
        minimum,
        "requests = the minimum the API allows: {:?}",
        sim.control().counters().per_path
    );
    assert_eq!(report.days, 4 * 7);
    let hr = store.heart_rate(&user, day(start), day(end)).unwrap();
    assert_eq!(
        hr.height() as u64,
        store.status(&user, None).unwrap().tables[2].rows
    );
    assert!(hr.height() > 5 * 15_000);
    for e in store
        .ledger(&user)
        .unwrap()
        .days(Dataset::HeartRate, None, None)
        .unwrap()
    {
        assert_eq!(
            e.state,
            DayState::Complete,
            "October has settled by the real today"
        );
        assert!(
            e.requests >= 1 && (e.rows == 0) == e.checksum.is_none(),
            "{e:?}"
        );
    }
    // Again, from a new process (a fresh client): nothing is sent at all, not even the time-zone
    // lookup, which the ledger remembers.
    let mut fresh = google_client(&sim, _dir.path(), &time);
    sim.control().reset_counters();
    let again = run(&mut fresh, &store, &user, &opts(start, end, &time, 300)).unwrap();
    let counters = sim.control().counters();
    assert_eq!(
        (counters.data_requests, counters.token_refreshes),
        (0, 0),
        "a second sync over complete days sends no request: {:?}",
        counters.per_path
    );
    assert_eq!(again.requests, 0);
    assert!(again.plan.tasks.is_empty());
    // --refetch repairs on purpose, and changes no row.
    let refetch = SyncOptions {
        refetch: true,
        ..opts(start, start, &time, 300)
    };
    run(&mut client, &store, &user, &refetch).unwrap();
    assert!(data_requests(&sim) > 0);
    let hr2 = store.heart_rate(&user, day(start), day(end)).unwrap();
    assert!(hr2.equals_missing(&hr));
}

#[test]
fn paced_to_the_quota_the_emulator_never_answers_429() {
    let Fixture {
        sim,
        _dir,
        time,
        mut client,
        store,
        user,
    } = google_fixture(SimConfig {
        google_per_minute_limit: 12,
        ..SimConfig::default()
    });
    let report = run(
        &mut client,
        &store,
        &user,
        &opts("2026-10-01", "2026-10-10", &time, 12),
    )
    .unwrap();
    assert!(report.is_complete());
    assert_eq!(
        sim.control().counters().rate_limited,
        0,
        "no request over the quota"
    );
    let floor = Duration::from_secs(60 * (report.requests / 12));
    assert!(time.elapsed() >= floor, "{:?} < {floor:?}", time.elapsed());
    assert!(
        time.elapsed() <= floor + Duration::from_secs(60),
        "{:?}",
        time.elapsed()
    );
}

#[test]
fn rate_limits_and_an_expiring_token_mid_sync_are_waited_out() {
    let Fixture {
        sim,
        _dir,
        time,
        mut client,
        store,
        user,
    } = google_fixture(SimConfig {
        google_per_minute_limit: 10,
        google_access_ttl: Duration::from_secs(90),
        ..SimConfig::default()
    });
    // A pacer far above the emulator's limit: the 429s come, and are waited out.
    let report = run(
        &mut client,
        &store,
        &user,
        &opts("2026-10-01", "2026-10-06", &time, 10_000),
    )
    .unwrap();
    assert!(report.is_complete(), "{:?}", report.failures);
    let c = sim.control().counters();
    assert!(c.rate_limited > 0, "the test provoked 429s");
    assert!(
        c.token_refreshes >= 1,
        "the access token expired during the sync"
    );
    let st = store.status(&user, None).unwrap();
    assert!(
        st.tables
            .iter()
            .all(|t| t.complete_days == 6 && t.failed_days == 0),
        "{st:?}"
    );
}

#[test]
fn a_forbidden_table_is_recorded_and_the_others_go_on() {
    let sim = sim(SimConfig {
        intraday: IntradayAccess::Forbidden,
        ..SimConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&sim, dir.path(), Provider::Fitbit, 3000);
    let time = SimTime::new(&sim);
    let mut client = Client::from_session(session_on(&sim, &path, &time));
    let store = Store::open(dir.path().join("store")).unwrap();
    let user = UserId::new("p1").unwrap();
    let report = run(
        &mut client,
        &store,
        &user,
        &opts("2026-10-01", "2026-10-03", &time, 150),
    )
    .unwrap();
    let failed: Vec<Dataset> = report.failures.iter().map(|f| f.dataset).collect();
    assert_eq!(failed, vec![Dataset::HeartRate, Dataset::HrvIntraday]);
    assert!(!report.is_complete());
    let st = store.status(&user, None).unwrap();
    for t in &st.tables {
        match t.dataset {
            Dataset::RestingHeartRate | Dataset::HrvDaily => assert_eq!(t.complete_days, 3),
            _ => {
                assert!(t.failed_days >= 1 && t.last_error.is_some(), "{t:?}");
                assert_eq!(t.rows, 0);
            }
        }
    }
}

#[test]
fn a_damaged_or_missing_file_is_fetched_again() {
    let Fixture {
        sim,
        _dir,
        time,
        mut client,
        store,
        user,
    } = google_fixture(SimConfig::default());
    let o = opts("2026-10-01", "2026-10-03", &time, 300);
    run(&mut client, &store, &user, &o).unwrap();
    let before = store
        .heart_rate(&user, day("2026-10-01"), day("2026-10-03"))
        .unwrap();
    let file = store
        .partition_dir(Dataset::HeartRate, &user, day("2026-10-02"))
        .join("part-0.parquet");
    let mut bytes = std::fs::read(&file).unwrap();
    let n = bytes.len();
    bytes[n / 2] ^= 0xff;
    std::fs::write(&file, &bytes).unwrap();
    std::fs::remove_file(
        store
            .partition_dir(Dataset::HrvDaily, &user, day("2026-10-03"))
            .join("part-0.parquet"),
    )
    .unwrap();
    sim.control().reset_counters();
    let report = run(&mut client, &store, &user, &o).unwrap();
    assert_eq!(report.plan.repaired, 2);
    assert_eq!(
        report.plan.tasks.len(),
        2,
        "only the two damaged days: {:?}",
        report.plan.tasks
    );
    let after = store
        .heart_rate(&user, day("2026-10-01"), day("2026-10-03"))
        .unwrap();
    assert!(after.equals_missing(&before));
}

#[test]
fn export_and_api_rows_of_a_day_merge_one_per_instant() {
    let sim = sim(SimConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let time = SimTime::new(&sim);
    let mut client = google_client(&sim, dir.path(), &time);
    let d = day("2026-10-05");
    let api = client
        .heart_rate_intraday(d, fitbit_core::Detail::OneSecond)
        .unwrap();
    // The export holds the first half of the API's samples plus one the API does not have.
    let mut export: Vec<_> = api[..api.len() / 2].to_vec();
    let mut extra = api[0];
    extra.time.local -= fitbit_core::chrono::Duration::seconds(1);
    extra.bpm = 201;
    export.push(extra);
    let store = Store::open(dir.path().join("store")).unwrap();
    let user = UserId::new("p1").unwrap();
    let ledger = store.ledger(&user).unwrap();
    let frame = fitbit_core::table::hr_intraday(&export).unwrap();
    store
        .write_day(
            &ledger,
            &user,
            Dataset::HeartRate,
            d,
            frame,
            Origin::Export,
            0,
            DayState::Complete,
        )
        .unwrap();
    let o = SyncOptions {
        datasets: vec![Dataset::HeartRate],
        refetch: true,
        ..opts("2026-10-05", "2026-10-05", &time, 300)
    };
    run(&mut client, &store, &user, &o).unwrap();
    let e = ledger.day(Dataset::HeartRate, d).unwrap().unwrap();
    assert_eq!(e.origin, Origin::ApiAndExport);
    assert_eq!(e.rows as usize, api.len() + 1, "one row per instant");
    let df = store.heart_rate(&user, d, d).unwrap();
    assert_eq!(df.height(), api.len() + 1);
    let utc = df
        .column("timestamp_utc")
        .unwrap()
        .cast(&fitbit_core::polars::prelude::DataType::Int64)
        .unwrap();
    let v: Vec<i64> = utc.i64().unwrap().into_no_null_iter().collect();
    assert!(
        v.windows(2).all(|w| w[0] < w[1]),
        "ascending, no duplicate instant"
    );
}

#[test]
fn a_second_sync_of_the_same_user_is_refused_with_the_holder() {
    let Fixture {
        sim,
        _dir,
        time,
        mut client,
        store,
        user,
    } = google_fixture(SimConfig::default());
    let held = store.try_lock(&user).unwrap();
    sim.control().reset_counters();
    match run(
        &mut client,
        &store,
        &user,
        &opts("2026-10-01", "2026-10-01", &time, 300),
    ) {
        Err(Error::Locked { holder, .. }) => assert!(
            holder.contains(&format!("process {}", std::process::id())),
            "{holder}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(data_requests(&sim), 0);
    drop(held);
    assert!(
        run(
            &mut client,
            &store,
            &user,
            &opts("2026-10-01", "2026-10-01", &time, 300)
        )
        .is_ok()
    );
}

#[test]
fn a_budget_stops_cleanly_and_the_next_run_continues() {
    let Fixture {
        sim,
        _dir,
        time,
        mut client,
        store,
        user,
    } = google_fixture(SimConfig::default());
    let full_dir = tempfile::tempdir().unwrap();
    let full = Store::open(full_dir.path()).unwrap();
    run(
        &mut client,
        &full,
        &user,
        &opts("2026-10-01", "2026-10-04", &time, 300),
    )
    .unwrap();
    let mut runs = 0;
    loop {
        runs += 1;
        sim.control().reset_counters();
        let o = SyncOptions {
            max_requests: Some(5),
            ..opts("2026-10-01", "2026-10-04", &time, 300)
        };
        let r = run(&mut client, &store, &user, &o).unwrap();
        assert!(
            sim.control().counters().data_requests <= 5,
            "within the budget"
        );
        if !r.budget_spent {
            break;
        }
        assert!(runs < 20);
    }
    assert!(runs > 2);
    for d in Dataset::ALL {
        let a = full
            .read(d, &user, day("2026-10-01"), day("2026-10-04"))
            .unwrap();
        let b = store
            .read(d, &user, day("2026-10-01"), day("2026-10-04"))
            .unwrap();
        assert!(a.equals_missing(&b), "{d}");
    }
}
