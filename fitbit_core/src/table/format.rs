//! Text forms of table cells, shared by the CSV writer and the HTML display.
//!
//! Local datetimes: `YYYY-MM-DD HH:MM:SS` (what the original tool wrote); UTC instants (columns
//! named `*_utc`): `YYYY-MM-DDTHH:MM:SSZ`; dates `YYYY-MM-DD`. Milliseconds are appended
//! (`.250`) only when non-zero. Floats use the shortest text that reads back to the same value,
//! with `.0` on whole numbers (`59.0`), as pandas and polars write them.

use chrono::{Datelike, NaiveDate};
use polars::prelude::TimeUnit;

/// How a datetime column is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DatetimeStyle {
    /// `2023-07-31 00:00:05`
    Local,
    /// `2023-07-31T00:00:05Z`
    Utc,
}

impl DatetimeStyle {
    /// Columns whose name ends in `_utc` hold UTC instants; all others local wall-clock.
    pub(crate) fn for_column(name: &str) -> Self {
        if name.ends_with("_utc") {
            DatetimeStyle::Utc
        } else {
            DatetimeStyle::Local
        }
    }
}

/// A polars datetime value in `unit` as milliseconds since the epoch (sub-ms is dropped).
pub(crate) fn to_millis(value: i64, unit: TimeUnit) -> i64 {
    match unit {
        TimeUnit::Milliseconds => value,
        TimeUnit::Microseconds => value.div_euclid(1_000),
        TimeUnit::Nanoseconds => value.div_euclid(1_000_000),
    }
}

/// Appends a datetime given as milliseconds since the epoch.
pub(crate) fn push_datetime(out: &mut String, millis: i64, style: DatetimeStyle) {
    DatetimeWriter::new(style).push(out, millis);
}

/// Writes many datetimes fast: the date part is formatted once per day, the time of day with
/// plain arithmetic (a day of 1-second samples shares one date prefix).
pub(crate) struct DatetimeWriter {
    style: DatetimeStyle,
    /// Days since the epoch whose `YYYY-MM-DD` + separator is in `prefix`.
    day: Option<i64>,
    prefix: String,
}

const MS_PER_DAY: i64 = 86_400_000;
/// `00` … `99`, for two-digit fields.
const TWO_DIGITS: &str = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

impl DatetimeWriter {
    pub(crate) fn new(style: DatetimeStyle) -> Self {
        DatetimeWriter {
            style,
            day: None,
            prefix: String::new(),
        }
    }

    pub(crate) fn push(&mut self, out: &mut String, millis: i64) {
        let day = millis.div_euclid(MS_PER_DAY);
        if self.day != Some(day) {
            self.prefix.clear();
            match i32::try_from(day) {
                Ok(days) => push_date(&mut self.prefix, days),
                Err(_) => self.prefix.push_str("out-of-range date"),
            }
            self.prefix.push(if self.style == DatetimeStyle::Utc {
                'T'
            } else {
                ' '
            });
            self.day = Some(day);
        }
        out.push_str(&self.prefix);
        let ms = millis.rem_euclid(MS_PER_DAY) as usize;
        let (secs, frac) = (ms / 1000, ms % 1000);
        push_two(out, secs / 3600);
        out.push(':');
        push_two(out, secs / 60 % 60);
        out.push(':');
        push_two(out, secs % 60);
        if frac != 0 {
            out.push('.');
            push_digits(out, frac as u32, 3);
        }
        if self.style == DatetimeStyle::Utc {
            out.push('Z');
        }
    }
}

/// Appends `value` (< 100) as two digits.
fn push_two(out: &mut String, value: usize) {
    let i = (value % 100) * 2;
    out.push_str(&TWO_DIGITS[i..i + 2]);
}

/// Appends a date given as days since 1970-01-01 (polars `Date`).
pub(crate) fn push_date(out: &mut String, days: i32) {
    match NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_signed(chrono::Duration::days(i64::from(days))))
    {
        Some(date) => push_naive_date(out, date),
        None => out.push_str("out-of-range date"),
    }
}

/// Appends a float: shortest round-trip text, `.0` on whole numbers, empty for NaN.
pub(crate) fn push_float(out: &mut String, value: f64) {
    use std::fmt::Write;
    if value.is_nan() {
        return;
    }
    let start = out.len();
    let _ = write!(out, "{value}");
    if value.is_finite() && !out[start..].contains(['.', 'e']) {
        out.push_str(".0");
    }
}

/// Appends an integer.
pub(crate) fn push_int(out: &mut String, value: i64) {
    use std::fmt::Write;
    match value {
        0..=9 => push_digits(out, value as u32, 1),
        10..=99 => push_two(out, value as usize),
        100..=999 => push_digits(out, value as u32, 3),
        _ => {
            let _ = write!(out, "{value}");
        }
    }
}

fn push_naive_date(out: &mut String, date: NaiveDate) {
    let year = date.year();
    if (0..=9999).contains(&year) {
        push_digits(out, year as u32, 4);
    } else {
        use std::fmt::Write;
        let _ = write!(out, "{year:+05}");
    }
    out.push('-');
    push_digits(out, date.month(), 2);
    out.push('-');
    push_digits(out, date.day(), 2);
}

/// Appends `value` zero-padded to exactly `width` digits (`value < 10^width`).
fn push_digits(out: &mut String, value: u32, width: u32) {
    let mut div = 10u32.pow(width - 1);
    while div > 0 {
        out.push(char::from(b'0' + ((value / div) % 10) as u8));
        div /= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(millis: i64, style: DatetimeStyle) -> String {
        let mut s = String::new();
        push_datetime(&mut s, millis, style);
        s
    }

    #[test]
    fn datetimes_have_the_documented_shapes() {
        // 2023-07-31 00:00:05 = 1690761605 s
        assert_eq!(
            dt(1_690_761_605_000, DatetimeStyle::Local),
            "2023-07-31 00:00:05"
        );
        assert_eq!(
            dt(1_690_761_605_000, DatetimeStyle::Utc),
            "2023-07-31T00:00:05Z"
        );
        assert_eq!(
            dt(1_690_761_605_250, DatetimeStyle::Utc),
            "2023-07-31T00:00:05.250Z"
        );
        assert_eq!(dt(-1, DatetimeStyle::Local), "1969-12-31 23:59:59.999");
    }

    #[test]
    fn floats_are_plain() {
        let f = |v: f64| {
            let mut s = String::new();
            push_float(&mut s, v);
            s
        };
        assert_eq!(f(59.0), "59.0");
        assert_eq!(f(29.232), "29.232");
        assert_eq!(f(-0.5), "-0.5");
        assert_eq!(f(f64::NAN), "");
        assert_eq!(f(f64::INFINITY), "inf");
    }

    #[test]
    fn integers_are_plain() {
        for v in [0, 7, 10, 62, 99, 100, 187, 999, 1000, -5, i64::MIN] {
            let mut s = String::new();
            push_int(&mut s, v);
            assert_eq!(s, v.to_string());
        }
    }

    #[test]
    fn dates_count_days_from_the_epoch() {
        let mut s = String::new();
        push_date(&mut s, 19_569);
        assert_eq!(s, "2023-07-31");
    }
}
