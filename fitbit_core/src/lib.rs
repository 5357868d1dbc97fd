//! # fitbit_core
//!
//! Heart rate (HR) and heart-rate variability (HRV) from three sources, into one set of tables:
//!
//! 1. the legacy **Fitbit Web API** ([`source::fitbit`]; shut down by Google on 2026-11-02),
//! 2. the **Google Health API v4** ([`source::google`]), its successor,
//! 3. the user's own **data export** (Google Takeout, [`source::export`]), read offline.
//!
//! Data moves one way:
//!
//! ```text
//! fb_conf.json ─► config ─► auth (tokens, refresh) ─► http (retries, rate limits)
//!      source::{fitbit, google, export} ─► record (owned structs) ─► table (polars) ─► CSV / plot
//! ```
//!
//! Notebooks need one dependency line, `:dep fitbit_core = { package = "fitbit_core_dylib", path =
//! "../fitbit_core/dylib" }`: this crate with the `store` feature, built as one shared library
//! (`fitbit_core/dylib`) so that each cell links against it in a fraction of a second; the same
//! line in every notebook, so polars compiles once. This crate re-exports [`polars`], [`chrono`]
//! and [`plotters`] so versions never skew.
//!
//! ```no_run
//! use fitbit_core::{Client, Detail, chrono::NaiveDate};
//! let mut client = Client::open("fb_conf.json")?;
//! let day = NaiveDate::from_ymd_opt(2026, 9, 25).unwrap();
//! let hr = client.heart_rate_intraday(day, Detail::OneSecond)?;
//! let df = fitbit_core::table::hr_intraday(&hr)?;            // a polars DataFrame
//! fitbit_core::table::HrDay::new(day, hr).write_csv(".")?;   // ./Fitbit_HR_2026-09-25.csv
//! # Ok::<(), fitbit_core::Error>(())
//! ```

#![warn(missing_docs)]

mod atomic;
pub mod auth;
pub mod client;
#[cfg(feature = "store")]
pub mod cohort;
pub mod config;
pub mod day;
pub mod demo;
pub mod display;
pub mod error;
pub mod fix;
pub mod http;
pub mod plot;
pub mod provider;
pub mod record;
pub mod secret;
pub mod settings;
pub mod source;
#[cfg(feature = "store")]
pub mod store;
#[cfg(feature = "store")]
pub mod sync;
pub mod table;
pub mod time;

pub use client::Client;
pub use config::{Config, ConfigStore};
pub use display::Show;
pub use error::{ApiErrorKind, Error, Result};
pub use fix::Fix;
pub use provider::Provider;
pub use record::{DailyHr, DailyHrv, Detail, HrSample, HrvSample, Timestamp};
pub use secret::Secret;

pub use chrono;
pub use chrono_tz;
pub use plotters;
pub use polars;
