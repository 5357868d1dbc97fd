//! A notebook's settings: each value comes from an environment variable when it is set (the
//! tests and scripts set them), else from the default the settings cell writes. Dates are read
//! by [`crate::day`], the same parser as the `fitbit` command line; a bad value names the setting.
//!
//! ```
//! use fitbit_core::{chrono::NaiveDate, settings};
//! # unsafe { std::env::remove_var("EXAMPLE_DAY"); std::env::remove_var("EXAMPLE_DAYS"); }
//! let day: NaiveDate = settings::day("EXAMPLE_DAY", "2026-09-25")?;
//! assert_eq!(day, NaiveDate::from_ymd_opt(2026, 9, 25).unwrap());
//! assert_eq!(settings::days("EXAMPLE_DAYS", 60)?, 60);
//! assert_eq!(settings::text("EXAMPLE_STORE", "hr-store"), "hr-store");
//! # Ok::<(), fitbit_core::Error>(())
//! ```

use chrono::NaiveDate;

use crate::day::{self, DaySpec};
use crate::{Error, Result};

/// The environment variable `name` when it is set and not blank, else `default`.
pub fn text(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_string())
}

/// A day setting: `today`, `yesterday` or `YYYY-MM-DD`, on this machine's calendar (the
/// notebook's user); `default` is written the same way.
pub fn day(name: &str, default: &str) -> Result<NaiveDate> {
    let value = text(name, default);
    value
        .parse::<DaySpec>()
        .map(|d| d.on(day::today(None)))
        .map_err(|_| Error::InvalidInput {
            what: format!("setting {name} = {value:?}"),
            hint: "use YYYY-MM-DD (for example 2026-09-25), today or yesterday".into(),
        })
}

/// A number-of-days setting: a whole number of at least 1.
pub fn days(name: &str, default: i64) -> Result<i64> {
    let value = text(name, &default.to_string());
    match value.trim().parse::<i64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(Error::InvalidInput {
            what: format!("setting {name} = {value:?}"),
            hint: "use a whole number of days of at least 1, such as 90".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_variable_wins_and_a_bad_one_names_the_setting() {
        // Names only this test uses, so parallel tests do not see them.
        unsafe {
            std::env::set_var("SETTINGS_TEST_DAY", " 2026-10-25 ");
            std::env::set_var("SETTINGS_TEST_BAD", "25.10.2026");
            std::env::set_var("SETTINGS_TEST_DAYS", "0");
            std::env::set_var("SETTINGS_TEST_BLANK", "  ");
        }
        let d = day("SETTINGS_TEST_DAY", "today").unwrap();
        assert_eq!(d, NaiveDate::from_ymd_opt(2026, 10, 25).unwrap());
        let e = day("SETTINGS_TEST_BAD", "today").unwrap_err().to_string();
        assert!(
            e.contains("SETTINGS_TEST_BAD") && e.contains("YYYY-MM-DD"),
            "{e}"
        );
        let e = days("SETTINGS_TEST_DAYS", 60).unwrap_err().to_string();
        assert!(
            e.contains("SETTINGS_TEST_DAYS") && e.contains("at least 1"),
            "{e}"
        );
        assert_eq!(text("SETTINGS_TEST_BLANK", "x"), "x");
        let y = day("SETTINGS_TEST_UNSET", "yesterday").unwrap();
        assert_eq!(y, day::today(None).pred_opt().unwrap());
    }
}
