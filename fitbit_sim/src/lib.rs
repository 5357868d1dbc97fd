//! `fitbit_sim`: a local emulator of the legacy Fitbit Web API and the Google Health API v4,
//! built from their documented behaviour (`docs/`), for tests and the demo.
//!
//! - [`person`]: one deterministic synthetic person (HR, sleep, HRV) in physical (UTC) time;
//!   [`accounts`]: the N accounts served, one person each, chosen with the OAuth `login_hint`.
//! - [`render`]: that person's data as the JSON each API documents (pure functions).
//! - server modules: HTTP ([`http1`]), OAuth ([`oauth`]), data endpoints with auth, rate limits
//!   and faults ([`data`], [`limits`], [`faults`]), the controllable clock ([`clock`]) and the
//!   test controls ([`control`]).
//!
//! Everything is served from one base URL: Fitbit `/oauth2/authorize`, `/oauth2/token`,
//! `/oauth2/revoke`, `/1.1/oauth2/introspect`, data under `/1/`, `/1.1/`, `/1.2/`; Google
//! `/o/oauth2/v2/auth`, `/token`, `/revoke`, data under `/v4/`; controls under `/_sim/`.
//!
//! ```no_run
//! use fitbit_sim::{Provider, Sim, SimConfig};
//! let sim = Sim::start(SimConfig::default()).expect("start the emulator");
//! let (access, _refresh) = sim.control().issue_tokens(Provider::Fitbit, "23DEMO", "heartrate");
//! println!("GET {}/1/user/-/hrv/date/today.json with Bearer {}", sim.url(), access.len());
//! ```

pub mod accounts;
pub mod clock;
pub mod config;
pub mod control;
pub mod data;
pub mod envelope;
pub mod faults;
pub mod http1;
pub mod limits;
pub mod oauth;
pub mod person;
pub mod render;
pub mod server;
pub mod tokens;

pub use accounts::AccountInfo;
pub use config::{AppType, Faults, IntradayAccess, Provider, RegisteredClient, SimConfig};
pub use control::{Control, Counters, Settings};
pub use server::{Sim, SimHandle};
