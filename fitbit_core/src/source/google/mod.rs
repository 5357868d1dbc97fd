//! The Google Health API v4: endpoints, paging, serde models, parsers.
//!
//! - [`models`]: typed serde structs of `ListDataPointsResponse` and `Settings`
//!   (docs/google-health-api.md §4.5; int64 fields arrive as JSON strings).
//! - [`parse`]: pure functions body → [`crate::record`] types.
//! - `fast`: a hand-read fast path for `heart-rate` pages in Google's layout (serde fallback).
//! - [`query`]: data types, AIP-160 filters and list URLs.
//! - [`fetch`]: paging over [`crate::http::ApiGet`] and the fetchers.

pub(crate) mod fast;
#[cfg(test)]
mod fast_proptest;
pub mod fetch;
pub mod models;
pub mod parse;
pub mod query;

pub use fetch::{
    MAX_PAGES, PAGE_SIZE, Paged, fetch_heart_intraday, fetch_hrv_daily, fetch_hrv_intraday,
    fetch_resting_daily, fetch_settings,
};
pub use parse::{
    Settings, parse_heart_rate, parse_hrv, parse_hrv_daily, parse_page, parse_resting_daily,
    parse_settings,
};
pub use query::DataType;
