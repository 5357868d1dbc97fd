//! The legacy Fitbit Web API: endpoints, serde models, parsers.
//!
//! The API was shut down on 2026-11-02 (HTTP 410, mapped to [`crate::Error::LegacyApiGone`] by
//! the HTTP layer); these parsers still read archived responses and the local emulator.
//!
//! - [`models`]: typed serde structs of the documented bodies (docs/fitbit-web-api.md §3, §4, §6).
//! - [`parse`]: pure functions body → [`crate::record`] types; `dataset` reads the 1sec
//!   intraday array fast.
//! - [`fetch`]: the request plan (URLs, range splitting) over [`crate::http::ApiGet`].

mod dataset;
pub mod fetch;
pub mod models;
pub mod parse;

pub use fetch::{
    fetch_heart_daily, fetch_heart_intraday, fetch_hrv_daily, fetch_hrv_intraday, fetch_profile_tz,
};
pub use parse::{
    parse_heart_daily, parse_heart_intraday, parse_hrv_daily, parse_hrv_intraday, parse_profile_tz,
};
