//! `fitbit sync --cohort` and `fitbit status --cohort` against an emulator with several
//! accounts: a revoked grant fails only its participant (non-zero exit, the fix named), a
//! participant added later is backfilled without refetching the others, the status (and its
//! CSV) names the participant to re-authorize, and shards split the cohort.

mod common;

use std::path::Path;

use common::*;
use fitbit_core::chrono::{Duration, Utc};
use fitbit_core::config::ConfigStore;
use fitbit_core::{Config, Secret};
use fitbit_sim::{Provider, Sim, SimConfig, SimHandle};

const CLIENT_ID: &str = "demo.apps.googleusercontent.com";

fn enroll(sim: &SimHandle, dir: &Path, account: usize, id: &str) {
    let (a, r) =
        sim.control()
            .issue_tokens_for(account, Provider::Google, CLIENT_ID, GOOGLE_SCOPES);
    let mut cfg = Config::new(CLIENT_ID, Secret::new("demo-google-secret"));
    cfg.provider = Some(fitbit_core::Provider::Google);
    cfg.access_token = Secret::new(a);
    cfg.refresh_token = Secret::new(r);
    cfg.expires_at = Some(Utc::now() + Duration::seconds(3000));
    cfg.extra.insert("user".into(), id.into());
    ConfigStore::new(dir.join(format!("{id}.json")))
        .save(&cfg)
        .unwrap();
}

#[test]
fn a_cohort_syncs_around_a_revoked_grant_and_backfills_a_late_participant() {
    let sim = Sim::start(SimConfig {
        accounts: 4,
        ..SimConfig::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (k, id) in ["P01", "P02", "P03"].iter().enumerate() {
        enroll(&sim, dir.path(), k, id);
    }
    std::fs::write(
        dir.path().join("cohort.csv"),
        "participant,config\nP01,P01.json\nP02,P02.json\nP03,P03.json\n",
    )
    .unwrap();
    sim.control().revoke(2);

    let o = sync_cohort(&sim, dir.path(), &[]);
    let t = text(&o);
    assert!(!o.status.success(), "{t}");
    assert!(t.contains("Synced 2 of 3 participants"), "{t}");
    assert!(
        t.contains("FAILED P03") && t.contains("fitbit auth --cohort cohort.csv --participant P03"),
        "{t}"
    );
    for k in 0..2 {
        assert!(sim.control().counters_for(k).data_requests > 0);
    }
    assert!(sim.control().counters().max_user_window <= 300);

    // A participant joins later: only they are fetched.
    enroll(&sim, dir.path(), 3, "P04");
    let mut csv = std::fs::read_to_string(dir.path().join("cohort.csv")).unwrap();
    csv.push_str("P04,P04.json\n");
    std::fs::write(dir.path().join("cohort.csv"), csv).unwrap();
    let before: Vec<u64> = (0..4)
        .map(|k| sim.control().counters_for(k).data_requests)
        .collect();
    let o = sync_cohort(&sim, dir.path(), &[]);
    let t = text(&o);
    assert!(t.contains("Synced 3 of 4 participants"), "{t}");
    let after: Vec<u64> = (0..4)
        .map(|k| sim.control().counters_for(k).data_requests)
        .collect();
    assert_eq!(
        (after[0], after[1]),
        (before[0], before[1]),
        "complete participants are not fetched again"
    );
    assert!(after[3] > before[3], "the new participant is backfilled");

    // The status names P03 and the fix, on screen and in the CSV; no secret in either.
    let mut c = fitbit(&sim, dir.path());
    c.args([
        "status",
        "--cohort",
        "cohort.csv",
        "--store",
        "st",
        "--csv",
        "status.csv",
    ]);
    let o = run(c);
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    let p3 = t.lines().find(|l| l.starts_with("P03")).unwrap();
    assert!(p3.contains("authorize again"), "{t}");
    let p1 = t.lines().find(|l| l.starts_with("P01")).unwrap();
    assert!(p1.contains('%') && !p1.contains("authorize"), "{t}");
    let csv = std::fs::read_to_string(dir.path().join("status.csv")).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.starts_with("P03,") && l.contains("reauthorize")),
        "{csv}"
    );
    for secret in ["demo-google-secret", "participant0@example.com"] {
        assert!(!t.contains(secret) && !csv.contains(secret));
    }

    // Shard 1/2 and 2/2 between them take every participant exactly once.
    let mut mine = 0;
    for shard in ["1/2", "2/2"] {
        let mut c = fitbit(&sim, dir.path());
        c.args([
            "sync",
            "--cohort",
            "cohort.csv",
            "--store",
            "st",
            "--shard",
            shard,
        ]);
        let t = text(&run(c));
        let n: usize = t
            .split("Synced ")
            .nth(1)
            .and_then(|r| r.split(" of ").nth(1))
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{t}"));
        mine += n;
    }
    assert_eq!(mine, 4);
}
