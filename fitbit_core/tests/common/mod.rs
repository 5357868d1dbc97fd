//! Shared helpers for the tests that run the library against the in-process emulator.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use fitbit_core::auth::Session;
use fitbit_core::chrono::{DateTime, Utc};
use fitbit_core::config::ConfigStore;
use fitbit_core::http::{HttpClient, Request, ReqwestTransport, RetryPolicy, Sleeper, Transport};
use fitbit_core::{Config, Secret};
use fitbit_sim::{Provider, Sim, SimConfig, SimHandle};

pub const FITBIT_SCOPES: &str = "heartrate profile sleep settings";
pub const GOOGLE_SCOPES: &str = "https://www.googleapis.com/auth/googlehealth.health_metrics_and_measurements.readonly https://www.googleapis.com/auth/googlehealth.activity_and_fitness.readonly https://www.googleapis.com/auth/googlehealth.sleep.readonly https://www.googleapis.com/auth/googlehealth.settings.readonly";

/// An emulator with a frozen clock at a fixed instant, so rate-limit windows never flake.
pub fn sim(config: SimConfig) -> SimHandle {
    let config = SimConfig {
        frozen_clock: Some("2026-10-26T10:30:00Z".parse::<DateTime<Utc>>().unwrap()),
        ..config
    };
    Sim::start(config).expect("start the emulator")
}

/// A sleeper that, instead of sleeping, advances the emulator's clock by the same amount.
pub struct SimClockSleeper {
    pub url: String,
}

impl Sleeper for SimClockSleeper {
    fn sleep(&self, d: Duration) {
        let t = ReqwestTransport::new().unwrap();
        let url = format!(
            "{}/_sim/clock/advance?seconds={}",
            self.url,
            d.as_secs().max(1)
        );
        let resp = t.send(&Request::post_form(url, &[])).unwrap();
        assert_eq!(resp.status, 200, "advancing the emulator clock");
    }
}

/// Writes a config for `provider` holding tokens the emulator just issued.
/// `expires_in_secs` may be negative (an already expired access token in the file's view).
pub fn write_config(
    sim: &SimHandle,
    dir: &Path,
    provider: Provider,
    expires_in_secs: i64,
) -> PathBuf {
    let (id, secret, scope) = match provider {
        Provider::Fitbit => ("23DEMO", "demo-fitbit-secret", FITBIT_SCOPES),
        Provider::Google => (
            "demo.apps.googleusercontent.com",
            "demo-google-secret",
            GOOGLE_SCOPES,
        ),
    };
    let (access, refresh) = sim.control().issue_tokens(provider, id, scope);
    let mut cfg = Config::new(id, Secret::new(secret));
    cfg.access_token = Secret::new(access);
    cfg.refresh_token = Secret::new(refresh);
    cfg.expires_at = Some(Utc::now() + fitbit_core::chrono::Duration::seconds(expires_in_secs));
    let path = dir.join("fb_conf.json");
    ConfigStore::new(&path).save(&cfg).unwrap();
    path
}

/// A session on `path` against the emulator; waits advance the emulator's clock.
pub fn session(sim: &SimHandle, path: &Path) -> Session {
    let http = HttpClient::new(ReqwestTransport::new().unwrap())
        .with_sleeper(SimClockSleeper { url: sim.url() })
        .with_policy(RetryPolicy {
            max_retries: 8,
            ..RetryPolicy::default()
        })
        .with_notifier(|_| {});
    session_with(sim, path, http)
}

/// A session on `path` against the emulator through `http`.
pub fn session_with(sim: &SimHandle, path: &Path, http: HttpClient) -> Session {
    Session::new(
        ConfigStore::new(path),
        http,
        fitbit_core::demo::endpoints(&sim.url()),
    )
    .unwrap()
}

/// Virtual time shared by the emulator and the client: sleeping advances the emulator's clock
/// and this clock by the same amount, so quota windows pass without waiting.
#[derive(Clone, Default)]
pub struct SimTime {
    pub url: String,
    pub elapsed: std::sync::Arc<std::sync::Mutex<Duration>>,
}

impl SimTime {
    pub fn new(sim: &SimHandle) -> SimTime {
        SimTime {
            url: sim.url(),
            elapsed: Default::default(),
        }
    }
    pub fn elapsed(&self) -> Duration {
        *self.elapsed.lock().unwrap()
    }
}

impl Sleeper for SimTime {
    fn sleep(&self, d: Duration) {
        // Whole seconds, rounded up on both clocks: never earlier than asked.
        let secs = (d.as_secs() + u64::from(d.subsec_nanos() > 0)).max(1);
        SimClockSleeper {
            url: self.url.clone(),
        }
        .sleep(Duration::from_secs(secs));
        *self.elapsed.lock().unwrap() += Duration::from_secs(secs);
    }
}

impl fitbit_core::http::Clock for SimTime {
    fn now(&self) -> Duration {
        self.elapsed()
    }
}

/// A session on `path` whose waits advance `time`.
pub fn session_on(sim: &SimHandle, path: &Path, time: &SimTime) -> Session {
    let http = HttpClient::new(ReqwestTransport::new().unwrap())
        .with_sleeper(time.clone())
        .with_notifier(|_| {});
    session_with(sim, path, http)
}
