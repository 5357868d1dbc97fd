//! The CLI renders the library's fixes (data) as its own flags and commands: the library's
//! messages name none, the CLI's output does.

use std::process::Command;

use fitbit_core::store::{Store, UserId};
use fitbit_sim::Provider;

mod common;
use common::*;

#[test]
fn a_held_store_lock_says_to_pass_wait() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    config(&sim, dir.path(), Provider::Google, 3600);
    let store = Store::open(dir.path().join("st")).unwrap();
    let _held = store.try_lock(&UserId::new("me").unwrap()).unwrap();
    let mut c = fitbit(&sim, dir.path());
    c.args([
        "sync",
        "--store",
        "st",
        "--start",
        "2026-10-01",
        "--end",
        "2026-10-01",
    ]);
    let o = run(c);
    assert!(!o.status.success());
    let t = text(&o);
    assert!(t.contains("another sync is running"), "{t}");
    assert!(t.contains("fix: run again with --wait"), "{t}");
}

#[test]
fn an_import_without_a_zone_names_the_tz_flag() {
    let dir = tempfile::tempdir().unwrap();
    legacy_export_day(dir.path());
    let mut c = Command::new(env!("CARGO_BIN_EXE_fitbit"));
    c.current_dir(dir.path())
        .args(["import", "Takeout", "--out", "out"]);
    let o = run(c);
    assert!(o.status.success(), "{}", text(&o));
    let t = text(&o);
    assert!(t.contains("to be exact: pass --tz ZONE"), "{t}");
    assert!(t.contains("--tz utc:ZONE"), "{t}");
    // The CLI's words replace the library's, not add to them.
    assert!(!t.contains("name your time zone"), "{t}");
}
