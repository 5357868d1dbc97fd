//! Text forms of table cells, shared by the CSV writer and the HTML display. Cells are written
//! as bytes into a `Vec<u8>` (the CSV goes to a file as bytes; a 1-second day is 86,400 rows);
//! [`text`] gives them as a `String` for the display.
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

/// The text one of the `push_*` functions writes, as a `String`.
pub(crate) fn text(write: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut bytes = Vec::new();
    write(&mut bytes);
    into_text(bytes)
}

/// Written cells as text: every cell came from a `str` or is ASCII, so this never loses anything.
pub(crate) fn into_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Appends a datetime given as milliseconds since the epoch.
pub(crate) fn push_datetime(out: &mut Vec<u8>, millis: i64, style: DatetimeStyle) {
    DatetimeWriter::new(style).push(out, millis);
}

/// Writes many datetimes fast: the date part is formatted once per day, the time of day with
/// plain arithmetic (a day of 1-second samples shares one date prefix), and the whole text is
/// assembled in a fixed buffer so the common shapes are appended with fixed-size copies.
pub(crate) struct DatetimeWriter {
    style: DatetimeStyle,
    /// Days since the epoch whose date + separator is in `line[..prefix_len]`.
    day: Option<i64>,
    /// The text being written: date prefix, then `HH:MM:SS`, `.mmm` and `Z` as needed.
    line: [u8; 40],
    prefix_len: usize,
}

const MS_PER_DAY: i64 = 86_400_000;
/// `00` … `99`, for two-digit fields.
const TWO_DIGITS: &str = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";
/// `YYYY-MM-DD` plus the separator.
const USUAL_PREFIX: usize = 11;

impl DatetimeWriter {
    pub(crate) fn new(style: DatetimeStyle) -> Self {
        DatetimeWriter {
            style,
            day: None,
            line: [0; 40],
            prefix_len: 0,
        }
    }

    pub(crate) fn push(&mut self, out: &mut Vec<u8>, millis: i64) {
        let day = millis.div_euclid(MS_PER_DAY);
        if self.day != Some(day) {
            self.set_day(day);
        }
        let ms = millis.rem_euclid(MS_PER_DAY) as u32;
        let (secs, frac) = (ms / 1000, ms % 1000);
        let p = self.prefix_len;
        let line = &mut self.line;
        put_two(&mut line[p..p + 2], secs / 3600);
        line[p + 2] = b':';
        put_two(&mut line[p + 3..p + 5], secs / 60 % 60);
        line[p + 5] = b':';
        put_two(&mut line[p + 6..p + 8], secs % 60);
        let mut end = p + 8;
        if frac != 0 {
            line[end] = b'.';
            line[end + 1] = b'0' + (frac / 100) as u8;
            put_two(&mut line[end + 2..end + 4], frac % 100);
            end += 4;
        }
        let utc = self.style == DatetimeStyle::Utc;
        if utc {
            line[end] = b'Z';
            end += 1;
        }
        // Whole seconds with a 4-digit year (nearly every value): a fixed-size copy.
        match (p == USUAL_PREFIX && frac == 0, utc) {
            (true, false) => out.extend_from_slice(&line[..USUAL_PREFIX + 8]),
            (true, true) => out.extend_from_slice(&line[..USUAL_PREFIX + 9]),
            _ => out.extend_from_slice(&line[..end]),
        }
    }

    fn set_day(&mut self, day: i64) {
        let mut prefix = Vec::with_capacity(24);
        match i32::try_from(day) {
            Ok(days) => push_date(&mut prefix, days),
            Err(_) => prefix.extend_from_slice(b"out-of-range date"),
        }
        prefix.push(if self.style == DatetimeStyle::Utc {
            b'T'
        } else {
            b' '
        });
        self.prefix_len = prefix.len();
        self.line[..prefix.len()].copy_from_slice(&prefix);
        self.day = Some(day);
    }
}

/// Writes `value` (< 100) as two ASCII digits into `to` (two bytes).
fn put_two(to: &mut [u8], value: u32) {
    let i = (value % 100) as usize * 2;
    to.copy_from_slice(&TWO_DIGITS.as_bytes()[i..i + 2]);
}

/// Appends `value` (< 100) as two digits.
fn push_two(out: &mut Vec<u8>, value: usize) {
    let i = (value % 100) * 2;
    out.extend_from_slice(&TWO_DIGITS.as_bytes()[i..i + 2]);
}

/// Appends a date given as days since 1970-01-01 (polars `Date`).
pub(crate) fn push_date(out: &mut Vec<u8>, days: i32) {
    match NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_signed(chrono::Duration::days(i64::from(days))))
    {
        Some(date) => push_naive_date(out, date),
        None => out.extend_from_slice(b"out-of-range date"),
    }
}

/// Appends a float: shortest round-trip text, `.0` on whole numbers, empty for NaN.
pub(crate) fn push_float(out: &mut Vec<u8>, value: f64) {
    use std::io::Write;
    if value.is_nan() {
        return;
    }
    let start = out.len();
    let _ = write!(out, "{value}");
    if value.is_finite() && !out[start..].iter().any(|&b| b == b'.' || b == b'e') {
        out.extend_from_slice(b".0");
    }
}

/// Appends an integer.
pub(crate) fn push_int(out: &mut Vec<u8>, value: i64) {
    use std::io::Write;
    match value {
        0..=9 => push_digits(out, value as u32, 1),
        10..=99 => push_two(out, value as usize),
        100..=999 => push_digits(out, value as u32, 3),
        _ => {
            let _ = write!(out, "{value}");
        }
    }
}

fn push_naive_date(out: &mut Vec<u8>, date: NaiveDate) {
    let year = date.year();
    if (0..=9999).contains(&year) {
        push_digits(out, year as u32, 4);
    } else {
        use std::io::Write;
        let _ = write!(out, "{year:+05}");
    }
    out.push(b'-');
    push_digits(out, date.month(), 2);
    out.push(b'-');
    push_digits(out, date.day(), 2);
}

/// Appends `value` zero-padded to exactly `width` digits (`value < 10^width`).
fn push_digits(out: &mut Vec<u8>, value: u32, width: u32) {
    let mut div = 10u32.pow(width - 1);
    while div > 0 {
        out.push(b'0' + ((value / div) % 10) as u8);
        div /= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(millis: i64, style: DatetimeStyle) -> String {
        text(|out| push_datetime(out, millis, style))
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
        // Years past 9999 get a sign and a longer date part.
        assert_eq!(
            dt(253_402_300_800_500, DatetimeStyle::Utc),
            "+10000-01-01T00:00:00.500Z"
        );
        let mut w = DatetimeWriter::new(DatetimeStyle::Local);
        let mut out = Vec::new();
        for ms in [253_402_300_800_000, 1_690_761_605_000, 1_690_761_606_007] {
            w.push(&mut out, ms);
            out.push(b'|');
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "+10000-01-01 00:00:00|2023-07-31 00:00:05|2023-07-31 00:00:06.007|"
        );
    }

    #[test]
    fn floats_are_plain() {
        let f = |v: f64| text(|out| push_float(out, v));
        assert_eq!(f(59.0), "59.0");
        assert_eq!(f(29.232), "29.232");
        assert_eq!(f(-0.5), "-0.5");
        assert_eq!(f(f64::NAN), "");
        assert_eq!(f(f64::INFINITY), "inf");
    }

    #[test]
    fn integers_are_plain() {
        for v in [0, 7, 10, 62, 99, 100, 187, 999, 1000, -5, i64::MIN] {
            assert_eq!(text(|out| push_int(out, v)), v.to_string());
        }
    }

    #[test]
    fn dates_count_days_from_the_epoch() {
        assert_eq!(text(|out| push_date(out, 19_569)), "2023-07-31");
    }
}
