//! Which local day the user means: `today`, `yesterday` or `YYYY-MM-DD`, and inclusive ranges.
//!
//! A day is the user's LOCAL calendar day, so `today` depends on a time zone: at 23:30 UTC it
//! is already tomorrow in Tokyo. [`DaySpec`] is what the user wrote; it becomes a date once the
//! zone is known ([`DaySpec::at`], [`DaySpec::in_zone`], or [`crate::Client::today`] for the
//! account's own zone).
//!
//! ```
//! use fitbit_core::{chrono::{NaiveDate, TimeZone, Utc}, chrono_tz::Asia::Tokyo, day::DaySpec};
//! let now = Utc.with_ymd_and_hms(2026, 9, 25, 23, 30, 0).unwrap();
//! let today: DaySpec = "today".parse()?;
//! assert_eq!(today.at(now, Tokyo), NaiveDate::from_ymd_opt(2026, 9, 26).unwrap());
//! let yesterday: DaySpec = "yesterday".parse()?;
//! assert_eq!(yesterday.at(now, Tokyo), NaiveDate::from_ymd_opt(2026, 9, 25).unwrap());
//! let fixed: DaySpec = "2026-09-20".parse()?;
//! assert_eq!(fixed.at(now, Tokyo), NaiveDate::from_ymd_opt(2026, 9, 20).unwrap());
//! # Ok::<(), fitbit_core::Error>(())
//! ```

use chrono::{DateTime, Days, Local, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::{Error, Result};

/// A day as the user writes it: `today`, `yesterday` or a date `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DaySpec {
    /// The user's local date now.
    Today,
    /// The local date before today.
    Yesterday,
    /// A calendar date.
    Date(NaiveDate),
}

impl DaySpec {
    /// Whether the date depends on today's date (and so on the time zone).
    pub fn is_relative(self) -> bool {
        !matches!(self, DaySpec::Date(_))
    }

    /// The date, given the user's local date `today`.
    pub fn on(self, today: NaiveDate) -> NaiveDate {
        match self {
            DaySpec::Today => today,
            DaySpec::Yesterday => today.checked_sub_days(Days::new(1)).unwrap_or(today),
            DaySpec::Date(d) => d,
        }
    }

    /// The date at the instant `now` for a user in `tz`.
    pub fn at(self, now: DateTime<Utc>, tz: Tz) -> NaiveDate {
        self.on(now.with_timezone(&tz).date_naive())
    }

    /// The date now for a user in `tz`.
    pub fn in_zone(self, tz: Tz) -> NaiveDate {
        self.at(Utc::now(), tz)
    }
}

impl std::str::FromStr for DaySpec {
    type Err = Error;

    /// `today`, `yesterday` (any case) or `YYYY-MM-DD`; surrounding spaces are ignored.
    fn from_str(s: &str) -> Result<DaySpec> {
        let text = s.trim();
        if text.eq_ignore_ascii_case("today") {
            return Ok(DaySpec::Today);
        }
        if text.eq_ignore_ascii_case("yesterday") {
            return Ok(DaySpec::Yesterday);
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(DaySpec::Date)
            .map_err(|_| Error::InvalidInput {
                what: format!("date {text:?}"),
                hint: "use YYYY-MM-DD (for example 2026-09-25), today or yesterday".into(),
            })
    }
}

impl std::fmt::Display for DaySpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DaySpec::Today => f.write_str("today"),
            DaySpec::Yesterday => f.write_str("yesterday"),
            DaySpec::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
        }
    }
}

/// Parses `today` / `yesterday` / `YYYY-MM-DD` as the date now in `tz`, in one step.
///
/// ```
/// use fitbit_core::{chrono::NaiveDate, chrono_tz::Europe::Berlin, day};
/// assert_eq!(day::parse("2026-09-25", Berlin)?, NaiveDate::from_ymd_opt(2026, 9, 25).unwrap());
/// assert!(day::parse("25.09.2026", Berlin).is_err());
/// # Ok::<(), fitbit_core::Error>(())
/// ```
pub fn parse(text: &str, tz: Tz) -> Result<NaiveDate> {
    text.parse::<DaySpec>().map(|d| d.in_zone(tz))
}

/// The user's local date now: in `tz` when the zone is known, else this machine's.
pub fn today(tz: Option<Tz>) -> NaiveDate {
    match tz {
        Some(tz) => Utc::now().with_timezone(&tz).date_naive(),
        None => Local::now().date_naive(),
    }
}

/// The days `start..=end`, ascending; an error when `end` is before `start`.
///
/// ```
/// use fitbit_core::{chrono::NaiveDate, day::days};
/// let d = |day| NaiveDate::from_ymd_opt(2026, 10, day).unwrap();
/// assert_eq!(days(d(30), d(31))?, vec![d(30), d(31)]);
/// assert!(days(d(31), d(30)).is_err());
/// # Ok::<(), fitbit_core::Error>(())
/// ```
pub fn days(start: NaiveDate, end: NaiveDate) -> Result<Vec<NaiveDate>> {
    crate::time::check_range(start, end)?;
    Ok(start.iter_days().take_while(|d| *d <= end).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::{America::Los_Angeles, Asia::Tokyo, Europe::Berlin, Pacific::Kiritimati};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn today_and_yesterday_are_the_users_local_days_not_utcs() {
        // 2026-09-25 23:30 UTC: already the 26th in Tokyo (08:30) and Berlin (01:30 CEST),
        // still the 25th in UTC and Los Angeles (16:30).
        let now = Utc.with_ymd_and_hms(2026, 9, 25, 23, 30, 0).unwrap();
        assert_eq!(DaySpec::Today.at(now, Tokyo), d(2026, 9, 26));
        assert_eq!(DaySpec::Today.at(now, Berlin), d(2026, 9, 26));
        assert_eq!(DaySpec::Today.at(now, Los_Angeles), d(2026, 9, 25));
        assert_eq!(DaySpec::Today.at(now, Tz::UTC), d(2026, 9, 25));
        assert_eq!(DaySpec::Yesterday.at(now, Tokyo), d(2026, 9, 25));
        assert_eq!(DaySpec::Yesterday.at(now, Los_Angeles), d(2026, 9, 24));
        // New Year 05:00 UTC: still the old year in Los Angeles, the new one at UTC+14.
        let early = Utc.with_ymd_and_hms(2027, 1, 1, 5, 0, 0).unwrap();
        assert_eq!(DaySpec::Today.at(early, Los_Angeles), d(2026, 12, 31));
        assert_eq!(DaySpec::Yesterday.at(early, Los_Angeles), d(2026, 12, 30));
        assert_eq!(DaySpec::Today.at(early, Kiritimati), d(2027, 1, 1));
        // A fixed date is the same everywhere.
        let fixed = DaySpec::Date(d(2026, 3, 29));
        assert_eq!(fixed.at(now, Tokyo), fixed.at(early, Los_Angeles));
    }

    #[test]
    fn parses_what_users_type_and_refuses_the_rest_with_the_fix() {
        assert_eq!(" Today ".parse::<DaySpec>().unwrap(), DaySpec::Today);
        assert_eq!("YESTERDAY".parse::<DaySpec>().unwrap(), DaySpec::Yesterday);
        assert_eq!(
            "2024-02-29".parse::<DaySpec>().unwrap(),
            DaySpec::Date(d(2024, 2, 29))
        );
        for bad in ["2026-02-29", "2026-9-25x", "25.09.2026", "", "tomorrow"] {
            let e = bad.parse::<DaySpec>().unwrap_err().to_string();
            assert!(
                e.contains("YYYY-MM-DD") && e.contains("yesterday"),
                "{bad:?}: {e}"
            );
        }
        assert!(!DaySpec::Date(d(2026, 1, 1)).is_relative());
        assert!(DaySpec::Yesterday.is_relative());
        for spec in [
            DaySpec::Today,
            DaySpec::Yesterday,
            DaySpec::Date(d(2026, 1, 2)),
        ] {
            assert_eq!(spec.to_string().parse::<DaySpec>().unwrap(), spec);
        }
    }

    #[test]
    fn yesterday_crosses_months_years_and_leap_days() {
        assert_eq!(DaySpec::Yesterday.on(d(2026, 3, 1)), d(2026, 2, 28));
        assert_eq!(DaySpec::Yesterday.on(d(2024, 3, 1)), d(2024, 2, 29));
        assert_eq!(DaySpec::Yesterday.on(d(2027, 1, 1)), d(2026, 12, 31));
    }

    #[test]
    fn a_range_lists_every_day_including_dst_days() {
        let all = days(d(2026, 10, 24), d(2026, 10, 26)).unwrap();
        assert_eq!(all, vec![d(2026, 10, 24), d(2026, 10, 25), d(2026, 10, 26)]);
        assert_eq!(
            days(d(2026, 1, 1), d(2026, 1, 1)).unwrap(),
            vec![d(2026, 1, 1)]
        );
        let e = days(d(2026, 1, 2), d(2026, 1, 1)).unwrap_err().to_string();
        assert!(e.contains("on or after"), "{e}");
    }
}
