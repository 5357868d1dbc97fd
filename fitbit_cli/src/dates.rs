//! Date arguments: `YYYY-MM-DD` or `today`, and inclusive ranges.

use fitbit_core::chrono::{Local, NaiveDate};
use fitbit_core::{Error, Result};

/// Parses `YYYY-MM-DD` or `today` (the local date of this machine).
pub fn parse_date(s: &str) -> std::result::Result<NaiveDate, String> {
    if s == "today" {
        return Ok(Local::now().date_naive());
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        format!("{s:?} is not a date: use YYYY-MM-DD (for example 2026-09-25) or `today`")
    })
}

/// The days `start..=end`; `end` defaults to `start`.
pub fn days(start: NaiveDate, end: Option<NaiveDate>) -> Result<Vec<NaiveDate>> {
    let end = end.unwrap_or(start);
    if end < start {
        return Err(Error::InvalidInput {
            what: format!("range {start} .. {end}"),
            hint: "--end must not be before the start date".into(),
        });
    }
    Ok(start.iter_days().take_while(|d| *d <= end).collect())
}
