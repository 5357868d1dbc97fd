//! Fast, allocation-free parsing of the timestamp texts found in exports.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::timebasis::RawTime;
use crate::time::read_hms;

fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    s.iter().try_fold(0u32, |acc, b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

/// Legacy JSON `dateTime`: `MM/DD/YY HH:MM:SS` (years 2000–2099), no zone.
pub fn legacy(s: &str) -> Option<NaiveDateTime> {
    let b = s.trim().as_bytes();
    if b.len() != 17 || b[2] != b'/' || b[5] != b'/' || b[8] != b' ' {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(
        2000 + digits(&b[6..8])? as i32,
        digits(&b[0..2])?,
        digits(&b[3..5])?,
    )?;
    Some(date.and_time(read_hms(&b[9..17])?))
}

/// Legacy date `MM/DD/YY`.
pub fn legacy_date(s: &str) -> Option<NaiveDate> {
    let b = s.trim().as_bytes();
    if b.len() != 8 || b[2] != b'/' || b[5] != b'/' {
        return None;
    }
    NaiveDate::from_ymd_opt(
        2000 + digits(&b[6..8])? as i32,
        digits(&b[0..2])?,
        digits(&b[3..5])?,
    )
}

/// ISO 8601 as in the CSVs: `YYYY-MM-DD[(T| )HH:MM:SS[.fff]][Z|±HH:MM]`.
/// `Z` or an offset gives a UTC instant; no suffix gives a naive (local) clock.
pub fn iso(s: &str) -> Option<RawTime> {
    let b = s.trim().as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(
        digits(&b[0..4])? as i32,
        digits(&b[5..7])?,
        digits(&b[8..10])?,
    )?;
    if b.len() == 10 {
        return Some(RawTime::Naive(date.and_time(NaiveTime::MIN)));
    }
    if (b[10] != b'T' && b[10] != b' ') || b.len() < 19 {
        return None;
    }
    let mut t = date.and_time(read_hms(&b[11..19])?);
    let mut rest = &b[19..];
    if rest.first() == Some(&b'.') {
        let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        let frac = &rest[1..1 + n.min(9)];
        let nanos = digits(frac)? * 10u32.pow(9 - frac.len() as u32);
        t += Duration::nanoseconds(i64::from(nanos));
        rest = &rest[1 + n..];
    }
    match rest {
        [] => Some(RawTime::Naive(t)),
        [b'Z'] | [b'z'] => Some(RawTime::Utc(t)),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let mins = i64::from(digits(&[*h1, *h2])? * 60 + digits(&[*m1, *m2])?);
            let off = if *sign == b'+' { mins } else { -mins };
            Some(RawTime::Utc(t - Duration::minutes(off)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_and_iso_clocks() {
        assert_eq!(
            legacy("04/22/19 04:00:05").unwrap().to_string(),
            "2019-04-22 04:00:05"
        );
        assert!(legacy("22/04/19 04:00:05").is_none());
        assert!(matches!(iso("2024-10-27T00:00:04Z"), Some(RawTime::Utc(_))));
        assert!(matches!(
            iso("2024-07-21T00:00:00"),
            Some(RawTime::Naive(_))
        ));
        assert_eq!(
            iso("2024-10-27T02:00:04+02:00"),
            iso("2024-10-27T00:00:04Z")
        );
        assert!(iso("2024-10-27T00:0").is_none());
    }

    #[test]
    fn fractions_and_offsets() {
        let a = iso("2024-10-27T00:00:04.500Z").unwrap();
        assert_eq!(a.clock().and_utc().timestamp_subsec_millis(), 500);
        assert_eq!(
            iso("2024-10-27 01:00:04-01:00"),
            iso("2024-10-27T02:00:04Z")
        );
        assert!(iso("2024-10-27T00:00:04X").is_none());
        assert!(iso("").is_none());
        assert!(legacy("04/22/19 24:00:05").is_none());
        assert_eq!(legacy_date("03/01/24"), NaiveDate::from_ymd_opt(2024, 3, 1));
    }
}
