//! `fitbit sync`, `fitbit status` and `fitbit import --store` end to end: a sync killed
//! (SIGKILL) at random moments resumes to exactly the store an uninterrupted run gives.

use std::path::Path;
use std::time::Duration;

use fitbit_core::chrono::NaiveDate;
use fitbit_core::store::{Dataset, Store, UserId};
use fitbit_sim::Provider;

mod common;
use common::*;

const RANGE: [&str; 4] = ["--start", "2026-10-01", "--end", "2026-10-05"];

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn sync_cmd(sim: &fitbit_sim::SimHandle, dir: &Path, store: &str) -> std::process::Command {
    let mut c = fitbit(sim, dir);
    c.args(["sync", "--store", store]).args(RANGE);
    c
}

fn assert_same_store(a: &Store, b: &Store) {
    let user = UserId::new("me").unwrap();
    for d in Dataset::ALL {
        let x = a
            .read(d, &user, day("2026-10-01"), day("2026-10-05"))
            .unwrap();
        let y = b
            .read(d, &user, day("2026-10-01"), day("2026-10-05"))
            .unwrap();
        assert!(x.height() > 0, "{d} has rows");
        assert!(
            x.equals_missing(&y),
            "{d}: {} rows vs {}",
            x.height(),
            y.height()
        );
        let la = a.ledger(&user).unwrap().days(d, None, None).unwrap();
        let lb = b.ledger(&user).unwrap().days(d, None, None).unwrap();
        let key = |v: &[fitbit_core::store::DayEntry]| {
            v.iter()
                .map(|e| (e.date, e.state, e.rows, e.file.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(key(&la), key(&lb), "{d}: the ledgers agree");
    }
}

fn temp_files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.to_string_lossy().ends_with(".tmp") {
                out.push(p.display().to_string());
            }
        }
    }
    out
}

#[test]
fn a_sync_killed_at_random_moments_resumes_to_the_identical_store() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    config(&sim, dir.path(), Provider::Google, 3600);
    let began = std::time::Instant::now();
    let o = run(sync_cmd(&sim, dir.path(), "whole"));
    let whole_ms = began.elapsed().as_millis() as u64;
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("Plan for user me"),
        "the plan comes first: {}",
        text(&o)
    );
    // The same sync, killed again and again (delays from a fixed seed, spread over the time
    // an uninterrupted run takes).
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut kills = 0;
    // Each run is killed within the first third of a whole run's time, until one finishes by
    // itself: every killed run leaves some days durable, so the next has less to do.
    for _ in 0..40 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_millis(20 + seed % (whole_ms / 3).max(1));
        let mut child = sync_cmd(&sim, dir.path(), "killed")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_some() {
            break;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        kills += 1;
    }
    assert!(kills >= 3, "the test killed running syncs ({kills})");
    let o = run(sync_cmd(&sim, dir.path(), "killed"));
    assert!(o.status.success(), "{}", text(&o));
    let whole = Store::open(dir.path().join("whole")).unwrap();
    let killed = Store::open(dir.path().join("killed")).unwrap();
    assert_same_store(&whole, &killed);
    assert!(
        temp_files(killed.root()).is_empty(),
        "{:?}",
        temp_files(killed.root())
    );
    // Complete days: the next run sends no data request.
    sim.control().reset_counters();
    let o = run(sync_cmd(&sim, dir.path(), "killed"));
    assert!(o.status.success(), "{}", text(&o));
    let c = sim.control().counters();
    assert_eq!(
        c.per_path
            .keys()
            .filter(|p| p.contains("dataPoints"))
            .count(),
        0,
        "{:?}",
        c.per_path
    );
}

#[test]
fn status_shows_the_store_and_the_next_command() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    config(&sim, dir.path(), Provider::Google, 3600);
    assert!(run(sync_cmd(&sim, dir.path(), "st")).status.success());
    let mut c = fitbit(&sim, dir.path());
    c.args(["status", "--store", "st"]);
    let o = run(c);
    assert!(o.status.success(), "{}", text(&o));
    let t = text(&o);
    for needle in [
        "user me",
        "heart_rate",
        "2026-10-01",
        "2026-10-05",
        "Token (Google)",
        "Next: fitbit sync --store st",
    ] {
        assert!(t.contains(needle), "{needle:?} in {t}");
    }
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir.path().join("st"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o700, "the store is private");
    // No secret in the store's files or the output.
    let cfg = fitbit_core::config::ConfigStore::new(dir.path().join("fb_conf.json"))
        .load()
        .unwrap();
    let ledger = std::fs::read(dir.path().join("st/_ledger/user=me.sqlite")).unwrap();
    for s in [cfg.access_token.expose(), cfg.refresh_token.expose()] {
        assert!(!t.contains(s));
        assert!(!ledger.windows(s.len()).any(|w| w == s.as_bytes()));
    }
}

#[test]
fn a_failing_table_exits_non_zero_with_a_summary_and_keeps_the_others() {
    let sim = fitbit_sim::Sim::start(fitbit_sim::SimConfig {
        intraday: fitbit_sim::IntradayAccess::Forbidden,
        ..fitbit_sim::SimConfig::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    config(&sim, dir.path(), Provider::Fitbit, 3600);
    let o = run(sync_cmd(&sim, dir.path(), "st"));
    assert!(!o.status.success());
    let t = text(&o);
    assert!(
        t.contains("FAILED heart_rate") && t.contains("FAILED hrv_intraday"),
        "{t}"
    );
    let store = Store::open(dir.path().join("st")).unwrap();
    let user = UserId::new("me").unwrap();
    let daily = store
        .resting_heart_rate(&user, day("2026-10-01"), day("2026-10-05"))
        .unwrap();
    assert_eq!(daily.height(), 5);
}

#[test]
fn import_into_the_store_merges_with_synced_days() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    google_export(dir.path());
    let import = || {
        let mut c = fitbit(&sim, dir.path());
        c.args([
            "import",
            "Takeout",
            "--tz",
            "utc:Europe/Berlin",
            "--store",
            "st",
        ]);
        run(c)
    };
    let o = import();
    assert!(o.status.success(), "{}", text(&o));
    let store = Store::open(dir.path().join("st")).unwrap();
    let user = UserId::new("me").unwrap();
    let d = day("2024-10-27");
    assert_eq!(store.heart_rate(&user, d, d).unwrap().height(), 7);
    // Importing the same export again keeps one row per instant.
    assert!(import().status.success());
    assert_eq!(store.heart_rate(&user, d, d).unwrap().height(), 7);
    let e = store
        .ledger(&user)
        .unwrap()
        .day(Dataset::HeartRate, d)
        .unwrap()
        .unwrap();
    assert_eq!(e.origin, fitbit_core::store::Origin::Export);
}
