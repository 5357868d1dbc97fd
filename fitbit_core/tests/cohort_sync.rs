//! A cohort of three against an emulator with three accounts: one participant withdrew consent.
//! The other two are stored in full, the third is reported with the fix, the status (and its
//! CSV) names it, no participant went over their quota, two shards make exactly the unsharded
//! dataset, and nothing private reaches the store or the CSV.
//!
//! One test in this binary: it points the library's endpoints at the emulator through the
//! environment, as `FITBIT_SIM_URL`-style variables do for the CLI.

mod common;

use std::path::Path;

use common::*;
use fitbit_core::chrono::{NaiveDate, Utc};
use fitbit_core::cohort::{
    Cohort, CohortOptions, Fix, Outcome, Shard, cohort_status, participant_summary, status_csv,
    sync_cohort,
};
use fitbit_core::config::ConfigStore;
use fitbit_core::store::{Dataset, Store, UserId};
use fitbit_core::sync::SyncOptions;
use fitbit_core::{Config, Secret};
use fitbit_sim::{Provider, SimConfig, SimHandle};

const CLIENT_ID: &str = "demo.apps.googleusercontent.com";

/// Enrolls account `k` of the emulator as participant `id`: a config with the pseudonym as
/// `"user"`, written through the one config writer.
fn enroll(sim: &SimHandle, dir: &Path, k: usize, id: &str) -> (String, String) {
    let (access, refresh) =
        sim.control()
            .issue_tokens_for(k, Provider::Google, CLIENT_ID, GOOGLE_SCOPES);
    let mut cfg = Config::new(CLIENT_ID, Secret::new("demo-google-secret"));
    cfg.provider = Some(fitbit_core::Provider::Google);
    cfg.access_token = Secret::new(access.clone());
    cfg.refresh_token = Secret::new(refresh.clone());
    cfg.expires_at = Some(Utc::now() + fitbit_core::chrono::Duration::seconds(3000));
    cfg.extra.insert("user".into(), id.into());
    ConfigStore::new(dir.join(format!("{id}.json")))
        .save(&cfg)
        .unwrap();
    (access, refresh)
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn options(shard: Shard) -> CohortOptions {
    CohortOptions {
        sync: SyncOptions {
            start: Some(day("2026-10-10")),
            end: Some(day("2026-10-14")),
            ..SyncOptions::default()
        },
        jobs: 3,
        shard,
        ..CohortOptions::default()
    }
}

/// Rows per participant of a dataset in a store, sorted.
fn rows(store: &Store, dataset: Dataset, user: &str) -> usize {
    let u = UserId::new(user).unwrap();
    match dataset {
        Dataset::HeartRate => store
            .heart_rate(&u, day("2026-10-10"), day("2026-10-14"))
            .unwrap()
            .height(),
        _ => store.status(&u, None).unwrap().tables.len(),
    }
}

#[test]
fn a_cohort_with_a_revoked_grant_syncs_the_others_and_names_the_fix() {
    let sim = sim(SimConfig {
        accounts: 3,
        ..SimConfig::default()
    });
    // SAFETY: the only test of this binary sets these before any client exists.
    unsafe {
        std::env::set_var("GOOGLE_HEALTH_API_URL", sim.url());
        std::env::set_var("GOOGLE_OAUTH_TOKEN_URL", format!("{}/token", sim.url()));
    }
    let dir = tempfile::tempdir().unwrap();
    let mut secrets = Vec::new();
    for (k, id) in ["P01", "P02", "P03"].iter().enumerate() {
        let (a, r) = enroll(&sim, dir.path(), k, id);
        secrets.push(a);
        secrets.push(r);
    }
    std::fs::write(
        dir.path().join("cohort.csv"),
        "participant,config\nP01,P01.json\nP02,P02.json\nP03,P03.json\n",
    )
    .unwrap();
    let cohort = Cohort::load(dir.path().join("cohort.csv")).unwrap();
    sim.control().revoke(2);

    let store = Store::open(dir.path().join("store")).unwrap();
    let report = sync_cohort(&cohort, &store, &options(Shard::ALL), &|_| {}).unwrap();
    let by_id = |id: &str| {
        report
            .participants
            .iter()
            .find(|p| p.participant.as_str() == id)
            .unwrap()
    };
    assert!(by_id("P01").is_complete() && by_id("P02").is_complete());
    assert!(
        matches!(by_id("P03").outcome, Outcome::Failed(_)),
        "{:?}",
        by_id("P03").outcome
    );
    assert_eq!(by_id("P03").fix(), Some(Fix::Reauthorize));
    assert_eq!(report.failed().count(), 1);

    // Two participants of their own: different accounts, different data.
    let (hr1, hr2) = (
        rows(&store, Dataset::HeartRate, "P01"),
        rows(&store, Dataset::HeartRate, "P02"),
    );
    assert!(hr1 > 10_000 && hr2 > 10_000 && hr1 != hr2, "{hr1} {hr2}");
    assert_eq!(rows(&store, Dataset::HeartRate, "P03"), 0);
    // Three at once, each within the per-user quota; the project within its own.
    let c = sim.control().counters();
    assert!(c.max_user_window <= 300, "{c:?}");
    assert_eq!((c.rate_limited, c.project_rate_limited), (0, 0));

    // The status names the third participant and the fix, and the CSV says so too.
    let status = cohort_status(&cohort, &store).unwrap();
    let p3 = status
        .iter()
        .find(|s| s.participant.as_str() == "P03")
        .unwrap();
    assert_eq!(
        p3.last_failure.as_ref().map(|f| f.0),
        Some(Fix::Reauthorize)
    );
    let p1 = status
        .iter()
        .find(|s| s.participant.as_str() == "P01")
        .unwrap();
    assert!(p1.coverage(Dataset::HeartRate) > 0.5, "{p1:?}");
    let csv_path = dir.path().join("status.csv");
    status_csv(&status, &csv_path).unwrap();
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let p3_line = csv.lines().find(|l| l.starts_with("P03,")).unwrap();
    assert!(p3_line.contains("reauthorize"), "{p3_line}");

    // The per-participant summary covers the two with data.
    let summary = participant_summary(&store).unwrap();
    assert_eq!(summary.height(), 2, "{summary}");

    // Shards 1/2 and 2/2 into two stores: their union is the unsharded dataset.
    let mut union = Vec::new();
    for i in 1..=2 {
        let shard = Shard::parse(&format!("{i}/2")).unwrap();
        let s = Store::open(dir.path().join(format!("shard{i}"))).unwrap();
        let r = sync_cohort(&cohort, &s, &options(shard), &|_| {}).unwrap();
        assert_eq!(r.participants.len() + r.other_shards, 3);
        for id in ["P01", "P02"] {
            if shard.contains(&UserId::new(id).unwrap()) {
                union.push((id, rows(&s, Dataset::HeartRate, id)));
            } else {
                assert_eq!(
                    rows(&s, Dataset::HeartRate, id),
                    0,
                    "{id} is not in shard {i}"
                );
            }
        }
    }
    union.sort();
    assert_eq!(union, vec![("P01", hr1), ("P02", hr2)]);

    // Privacy: no token, client secret or account email in any file of the store or the CSV.
    let mut files = vec![csv_path];
    let mut stack = vec![dir.path().join("store")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    let private: Vec<String> = secrets
        .into_iter()
        .chain((0..3).map(|k| format!("participant{k}@example.com")))
        .chain(["demo-google-secret".to_string()])
        .collect();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        for p in &private {
            assert!(
                !bytes.windows(p.len()).any(|w| w == p.as_bytes()),
                "{} holds something private",
                f.display()
            );
        }
    }
}
