//! What an emulator instance looks like: accounts, limits, lifetimes and faults.

use std::net::SocketAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// Which of the two emulated services a client or token belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    /// The legacy Fitbit Web API (`/oauth2/*`, `/1/`, `/1.1/`, `/1.2/`).
    Fitbit,
    /// Google OAuth (`/o/oauth2/v2/auth`, `/token`) and the Google Health API (`/v4/`).
    Google,
}

/// The intraday access the Fitbit app has (docs/fitbit-web-api.md §3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IntradayAccess {
    /// A Personal app reading its owner's data: intraday bodies are served.
    #[default]
    Personal,
    /// HTTP 200 with the summary only: the `activities-heart-intraday` key is absent.
    Missing,
    /// HTTP 403 `insufficient_permissions` on every intraday path.
    Forbidden,
}

impl std::str::FromStr for IntradayAccess {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "personal" => Ok(IntradayAccess::Personal),
            "missing" => Ok(IntradayAccess::Missing),
            "forbidden" => Ok(IntradayAccess::Forbidden),
            other => Err(format!(
                "unknown intraday access {other:?}: use personal, missing or forbidden"
            )),
        }
    }
}

/// Injected failures on DATA endpoints only (never OAuth or `/_sim/`). Deterministic: the n-th
/// data request gets the same fault for the same `seed`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Faults {
    /// Share of data requests answered 500, 502 or 503 with a plausible body.
    pub error_rate: f64,
    /// Delay before every data answer.
    pub latency_ms: u64,
    /// Share of data requests whose connection is closed without any answer.
    pub drop_rate: f64,
    /// Share of data requests whose body is cut short (Content-Length larger than what is sent).
    pub truncate_rate: f64,
    /// Seed of the fault sequence.
    pub seed: u64,
}

impl Faults {
    /// True when no fault and no latency is configured.
    pub fn is_off(&self) -> bool {
        self.error_rate <= 0.0
            && self.drop_rate <= 0.0
            && self.truncate_rate <= 0.0
            && self.latency_ms == 0
    }
}

/// How an app authenticates at the token endpoint (docs/fitbit-web-api.md §2.1, docs/google-health-api.md §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppType {
    /// Fitbit Personal: Basic auth or `client_id` in the body; intraday for the owner.
    Personal,
    /// Fitbit Server: Basic auth required.
    Server,
    /// Fitbit Client (public): `client_id` in the body, no secret.
    Client,
    /// Google Web application: exact registered redirect URIs.
    Web,
    /// Google Desktop ("installed"): any loopback redirect URI on any port.
    Desktop,
}

/// An OAuth client registered with the emulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredClient {
    pub provider: Provider,
    pub client_id: String,
    pub client_secret: String,
    /// Exact redirect URIs. A `*` in place of the port (`http://127.0.0.1:*`) accepts any port
    /// followed by any path or none.
    pub redirect_uris: Vec<String>,
    pub app_type: AppType,
}

/// Configuration of one emulator instance. `Default` registers the two demo clients.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Listening address; loopback only. Default `127.0.0.1:0` (any free port).
    pub addr: SocketAddr,
    /// Seed of the synthetic person and of the user id (account 0; account k has `seed + k`).
    pub seed: u64,
    /// Account 0's time zone (the others cycle through [`crate::accounts::ZONES`]).
    pub time_zone: Tz,
    /// How many synthetic accounts (people) the emulator serves; at least 1.
    pub accounts: usize,
    pub intraday: IntradayAccess,
    /// Every legacy Fitbit URL, OAuth included, answers 410 Gone.
    pub legacy_gone: bool,
    /// Fitbit requests per user per clock hour (150).
    pub fitbit_hourly_limit: u32,
    /// Google Health API requests per user per minute (300).
    pub google_per_minute_limit: u32,
    /// Google Health API requests per minute across all users of the project (120,000;
    /// docs/google-health-api.md §5.1).
    pub google_project_per_minute: u32,
    /// Distinct accounts that may consent to a Google client before new ones are refused, as
    /// for an unverified app (100; docs/google-health-api.md §2.3). `None`: no cap.
    pub google_user_cap: Option<usize>,
    /// Fitbit access-token lifetime (8 h).
    pub fitbit_access_ttl: Duration,
    /// Google access-token lifetime (3599 s).
    pub google_access_ttl: Duration,
    /// Google refresh-token lifetime from consent; `Some(7 days)` in the Testing status,
    /// `None` for a production app.
    pub google_refresh_ttl: Option<Duration>,
    /// One HR sample per second (the benchmark day).
    pub dense_1sec: bool,
    /// A Pixel Watch's HR spacing: about one sample every 2 s, ~38,000 on a worn day
    /// ([`crate::person::Person::pixel_watch`]).
    pub pixel_watch: bool,
    /// One HR sample every this many seconds of worn time instead of every 1–5 s
    /// ([`crate::person::Person::hr_every`]): many people's months in a benchmark's minutes.
    pub hr_every_secs: Option<u32>,
    /// Most points on one Google list page, whatever `pageSize` asks (10,000, the documented
    /// maximum; the live API was seen giving about 5,000 for `pageSize=10000`).
    pub google_page_cap: usize,
    /// Google bodies pretty-printed unless the request says `prettyPrint=false` (the documented
    /// default of the standard `prettyPrint` parameter is `true`). Off: compact unless
    /// `prettyPrint=true`.
    pub google_pretty_print: bool,
    pub faults: Faults,
    pub clients: Vec<RegisteredClient>,
    /// `None`: the emulated clock follows the real clock (plus [`crate::Control::advance_clock`]).
    /// `Some(t)`: the clock stands still at `t` and moves only when advanced (for tests that
    /// must not cross a real hour boundary).
    pub frozen_clock: Option<DateTime<Utc>>,
}

impl SimConfig {
    /// The two demo clients: Fitbit Personal `23DEMO` and Google Desktop
    /// `demo.apps.googleusercontent.com`.
    pub fn demo_clients() -> Vec<RegisteredClient> {
        vec![
            RegisteredClient {
                provider: Provider::Fitbit,
                client_id: "23DEMO".into(),
                client_secret: "demo-fitbit-secret".into(),
                redirect_uris: vec!["http://localhost:8000".into(), "http://127.0.0.1:*".into()],
                app_type: AppType::Personal,
            },
            RegisteredClient {
                provider: Provider::Google,
                client_id: "demo.apps.googleusercontent.com".into(),
                client_secret: "demo-google-secret".into(),
                redirect_uris: vec![],
                app_type: AppType::Desktop,
            },
        ]
    }
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: 1,
            time_zone: chrono_tz::Europe::Berlin,
            accounts: 1,
            intraday: IntradayAccess::Personal,
            legacy_gone: false,
            fitbit_hourly_limit: 150,
            google_per_minute_limit: 300,
            google_project_per_minute: 120_000,
            google_user_cap: Some(100),
            fitbit_access_ttl: Duration::from_secs(28_800),
            google_access_ttl: Duration::from_secs(3_599),
            google_refresh_ttl: Some(Duration::from_secs(604_800)),
            dense_1sec: false,
            pixel_watch: false,
            hr_every_secs: None,
            google_page_cap: 10_000,
            google_pretty_print: false,
            faults: Faults::default(),
            clients: SimConfig::demo_clients(),
            frozen_clock: None,
        }
    }
}
