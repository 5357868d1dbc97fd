//! Charts with plotters, rendered to SVG strings (inline in notebooks, files from the CLI).
//!
//! Text in the SVG is emitted as `<text>` elements, so no font crates are needed.
//!
//! ```
//! use fitbit_core::{HrSample, Timestamp, chrono::NaiveDate};
//! let start = NaiveDate::from_ymd_opt(2026, 9, 25).unwrap().and_hms_opt(8, 0, 0).unwrap();
//! let samples: Vec<HrSample> = (0..600)
//!     .map(|i| HrSample {
//!         time: Timestamp::new(start + fitbit_core::chrono::Duration::seconds(i), None),
//!         bpm: 60 + (i % 20) as u16,
//!         confidence: None,
//!     })
//!     .collect();
//! let svg = fitbit_core::plot::hr_day(&samples, Some(58.0), "2026-09-25")?;
//! assert!(svg.0.contains("<svg"));
//! # Ok::<(), fitbit_core::Error>(())
//! ```

mod axis;
mod frame;
mod history;
mod hr_day;
mod hr_long;
mod hrv_nights;
mod svg;

pub use history::{coverage_calendar, coverage_heatmap, hr_band, trend};
pub use hr_day::hr_day;
pub use hr_long::{daily_mean_min_max, hr_long};
pub use hrv_nights::hrv_nights;
pub use svg::Svg;

/// Chart size in pixels.
const SIZE: (u32, u32) = (960, 420);

/// Heart-rate line colour (#D62728).
const HR_COLOR: plotters::style::RGBColor = plotters::style::RGBColor(214, 39, 40);
/// Resting / secondary series colour (#1F77B4).
const REST_COLOR: plotters::style::RGBColor = plotters::style::RGBColor(31, 119, 180);

/// A plotters error as [`crate::Error::Plot`].
fn plot_error(e: impl std::fmt::Display) -> crate::Error {
    crate::Error::Plot(e.to_string())
}
