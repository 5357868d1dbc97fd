//! `fitbit_sim`: a local emulator of the legacy Fitbit Web API and the Google Health API v4,
//! built from their documented behaviour (`shared/reference/`), for tests and the demo.
//!
//! - [`person`]: one deterministic synthetic person (HR, sleep, HRV) in physical (UTC) time.
//! - [`render`]: that person's data as the JSON each API documents (pure functions).
//! - server modules: HTTP routing, OAuth, rate limits, fault injection, test controls.

pub mod person;
pub mod render;
