//! Shared helpers of the `fitbit` binary's tests: the in-process emulator, the command pointed
//! at it, configs holding tokens the emulator issued.
#![allow(dead_code)]

pub mod browser;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use fitbit_core::chrono::{Duration, Utc};
use fitbit_core::config::ConfigStore;
use fitbit_core::{Config, Secret};
use fitbit_sim::{Provider, Sim, SimConfig, SimHandle};

pub const FITBIT_SCOPES: &str = "heartrate profile sleep settings";
pub const GOOGLE_SCOPES: &str = "https://www.googleapis.com/auth/googlehealth.health_metrics_and_measurements.readonly https://www.googleapis.com/auth/googlehealth.settings.readonly";

pub fn sim() -> SimHandle {
    Sim::start(SimConfig::default()).unwrap()
}

pub fn fitbit(sim: &SimHandle, dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fitbit"));
    let url = sim.url();
    c.current_dir(dir)
        .env("FITBIT_API_URL", &url)
        .env("FITBIT_AUTHORIZE_URL", format!("{url}/oauth2/authorize"))
        .env("GOOGLE_HEALTH_API_URL", &url)
        .env("GOOGLE_OAUTH_TOKEN_URL", format!("{url}/token"))
        .env(
            "GOOGLE_OAUTH_AUTHORIZE_URL",
            format!("{url}/o/oauth2/v2/auth"),
        )
        .stdin(Stdio::null());
    c
}

pub fn run(mut c: Command) -> Output {
    c.output().unwrap()
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn config(sim: &SimHandle, dir: &Path, provider: Provider, expires_in: i64) -> PathBuf {
    let (id, secret, scope) = match provider {
        Provider::Fitbit => ("23DEMO", "demo-fitbit-secret", FITBIT_SCOPES),
        Provider::Google => (
            "demo.apps.googleusercontent.com",
            "demo-google-secret",
            GOOGLE_SCOPES,
        ),
    };
    let (a, r) = sim.control().issue_tokens(provider, id, scope);
    let mut cfg = Config::new(id, Secret::new(secret));
    cfg.access_token = Secret::new(a);
    cfg.refresh_token = Secret::new(r);
    cfg.expires_at = Some(Utc::now() + Duration::seconds(expires_in));
    let path = dir.join("fb_conf.json");
    ConfigStore::new(&path).save(&cfg).unwrap();
    path
}

/// `fitbit sync --cohort cohort.csv --store st` over 2026-10-10..12, three participants at once.
pub fn sync_cohort(sim: &SimHandle, dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut c = fitbit(sim, dir);
    c.args([
        "sync",
        "--cohort",
        "cohort.csv",
        "--store",
        "st",
        "--start",
        "2026-10-10",
        "--end",
        "2026-10-12",
        "--jobs",
        "3",
    ]);
    c.args(extra);
    run(c)
}

/// A Google-era export under `dir/Takeout`: one `*_GoogleData/heart_rate_2024-10-27.csv` (the
/// fixture: 7 samples, UTC `Z` instants, on Berlin's DST fall-back day).
pub fn google_export(dir: &Path) {
    export_fixture(
        dir,
        "Takeout/Google Health/Physical Activity_GoogleData",
        "takeout_heart_rate_googledata_2024-10-27.csv",
        "heart_rate_2024-10-27.csv",
    );
}

/// A Fitbit Global Export folder under `dir/Takeout` holding one day (2019-04-22) of the
/// legacy `heart_rate-*.json` fixture; returns the folder.
pub fn legacy_export_day(dir: &Path) -> PathBuf {
    export_fixture(
        dir,
        "Takeout/Fitbit/Global Export Data",
        "takeout_heart_rate_global_export_sample.json",
        "heart_rate-2019-04-22.json",
    )
}

/// Copies the export fixture `fixture` to `dir/folder/name`; returns `dir/folder`.
fn export_fixture(dir: &Path, folder: &str, fixture: &str, name: &str) -> PathBuf {
    let fixtures =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../fitbit_core/tests/fixtures/export");
    let folder = dir.join(folder);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(fixtures.join(fixture), folder.join(name)).unwrap();
    folder
}
