//! Local wall-clock time, UTC instants and time zones, DST-safe.
//!
//! Rules kept everywhere in this crate:
//! - a local time inside a spring-forward gap gets no offset (`None`): it is never invented;
//! - the repeated hour of a fall-back is never merged: the first pass gets the summer (earlier)
//!   offset, the second pass the winter (later) offset.

use chrono::{
    DateTime, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone,
    Timelike, Utc,
};
use chrono_tz::Tz;

use crate::{Error, Result};

/// An IANA time zone name (`"Europe/Berlin"`) as a [`Tz`].
///
/// ```
/// let tz = fitbit_core::time::parse_tz(" Asia/Tokyo ").unwrap();
/// assert_eq!(tz, fitbit_core::chrono_tz::Asia::Tokyo);
/// assert!(fitbit_core::time::parse_tz("Mars/Olympus").is_err());
/// ```
pub fn parse_tz(name: &str) -> Result<Tz> {
    let trimmed = name.trim();
    trimmed.parse::<Tz>().map_err(|_| Error::InvalidInput {
        what: format!("time zone {trimmed:?}"),
        hint: "use an IANA time zone name such as \"Europe/Berlin\", \"America/New_York\" or \
               \"UTC\""
            .into(),
    })
}

/// The UTC offsets of local wall-clock times given in dataset (chronological) order.
///
/// - An unambiguous time gets its offset.
/// - A time inside a spring-forward gap gets `None` (it cannot have happened).
/// - Times inside a fall-back's repeated hour get the earlier (summer) offset until the local
///   time goes backwards (or repeats) inside that window; from then on, the later offset. So the
///   two passes through the repeated hour keep distinct UTC instants.
///
/// ```
/// use fitbit_core::chrono::{NaiveDate, FixedOffset};
/// let d = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap();
/// let t = |h, m| d.and_hms_opt(h, m, 0).unwrap();
/// let offs = fitbit_core::time::attach_offsets(
///     &[t(2, 30), t(2, 45), t(2, 15), t(2, 30)],
///     fitbit_core::chrono_tz::Europe::Berlin,
/// );
/// let cest = FixedOffset::east_opt(7200);
/// let cet = FixedOffset::east_opt(3600);
/// assert_eq!(offs, vec![cest, cest, cet, cet]);
/// ```
pub fn attach_offsets(locals: &[NaiveDateTime], tz: Tz) -> Vec<Option<FixedOffset>> {
    let mut tracker = OffsetTracker::new(tz);
    locals.iter().map(|&local| tracker.offset(local)).collect()
}

/// [`attach_offsets`] one local time at a time, for parsers that build records as they read.
///
/// ```
/// use fitbit_core::chrono::{NaiveDate, FixedOffset};
/// let d = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap();
/// let mut tracker = fitbit_core::time::OffsetTracker::new(fitbit_core::chrono_tz::Europe::Berlin);
/// let first = tracker.offset(d.and_hms_opt(2, 30, 0).unwrap());
/// let again = tracker.offset(d.and_hms_opt(2, 15, 0).unwrap());
/// assert_eq!((first, again), (FixedOffset::east_opt(7200), FixedOffset::east_opt(3600)));
/// ```
#[derive(Debug, Clone)]
pub struct OffsetTracker {
    tz: Tz,
    /// Inside an ambiguous window: the last local time seen there, and whether we passed into
    /// the second (later-offset) pass.
    last_ambiguous: Option<NaiveDateTime>,
    second_pass: bool,
    /// Offsets change only at whole minutes, so one zone lookup per local minute serves every
    /// second in it (a 1sec day: 1,440 lookups instead of 86,400).
    cache: Option<(NaiveDateTime, LocalResult<<Tz as TimeZone>::Offset>)>,
}

impl OffsetTracker {
    /// A tracker for local times of `tz`, given in dataset (chronological) order.
    pub fn new(tz: Tz) -> Self {
        OffsetTracker {
            tz,
            last_ambiguous: None,
            second_pass: false,
            cache: None,
        }
    }

    /// The UTC offset of the next local time, by the rules of [`attach_offsets`].
    pub fn offset(&mut self, local: NaiveDateTime) -> Option<FixedOffset> {
        let minute = local
            .with_second(0)
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(local);
        let found = match &self.cache {
            Some((m, r)) if *m == minute => *r,
            _ => {
                let r = self.tz.offset_from_local_datetime(&minute);
                self.cache = Some((minute, r));
                r
            }
        };
        match found {
            LocalResult::Single(o) => {
                self.last_ambiguous = None;
                self.second_pass = false;
                Some(o.fix())
            }
            LocalResult::Ambiguous(early, late) => {
                if let Some(prev) = self.last_ambiguous
                    && local <= prev
                {
                    self.second_pass = true;
                }
                self.last_ambiguous = Some(local);
                Some(if self.second_pass {
                    late.fix()
                } else {
                    early.fix()
                })
            }
            LocalResult::None => None,
        }
    }
}

/// The UTC instants of local midnight of `day` and of local midnight of `day + 1`.
///
/// The span is 23 h or 25 h on DST days. Where midnight itself is skipped by a transition, the
/// day starts at the first local time that exists; where it repeats, at its first occurrence.
///
/// ```
/// use fitbit_core::chrono::NaiveDate;
/// let day = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap();
/// let (start, end) = fitbit_core::time::local_day_bounds(day, fitbit_core::chrono_tz::Europe::Berlin);
/// assert_eq!(start.to_rfc3339(), "2026-10-24T22:00:00+00:00");
/// assert_eq!((end - start).num_hours(), 25);
/// ```
pub fn local_day_bounds(day: NaiveDate, tz: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    let next = day.succ_opt().unwrap_or(day);
    (day_start(day, tz), day_start(next, tz))
}

/// The UTC instant at which local day `day` begins in `tz`.
fn day_start(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    // Transitions are whole minutes; a gap lasts at most a day (Samoa 2011 skipped one).
    for minute in 0..=(26 * 60) {
        let Some(local) = midnight.checked_add_signed(Duration::minutes(minute)) else {
            break;
        };
        match tz.from_local_datetime(&local) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(early, _) => return early.with_timezone(&Utc),
            LocalResult::None => continue,
        }
    }
    // Only at the ends of chrono's date range: use the offset in force at UTC midnight.
    let utc_guess = DateTime::<Utc>::from_naive_utc_and_offset(midnight, Utc);
    let off = tz.offset_from_utc_datetime(&midnight).fix();
    utc_guess
        .checked_sub_signed(Duration::seconds(i64::from(off.local_minus_utc())))
        .unwrap_or(utc_guess)
}

/// A Google `google.protobuf.Duration` UTC offset such as `"32400s"` or `"-18000s"`.
///
/// Fractional seconds are accepted only when they are zero (`"3600.000s"`): real offsets are
/// whole seconds, and a fractional one is not rounded into an invented value. Offsets beyond
/// ±24 h give `None`.
///
/// ```
/// use fitbit_core::{time::parse_google_offset, chrono::FixedOffset};
/// assert_eq!(parse_google_offset("32400s"), FixedOffset::east_opt(32400));
/// assert_eq!(parse_google_offset("-18000s"), FixedOffset::west_opt(18000));
/// assert_eq!(parse_google_offset("19800.5s"), None);
/// assert_eq!(parse_google_offset("9h"), None);
/// ```
pub fn parse_google_offset(s: &str) -> Option<FixedOffset> {
    let body = s.trim().strip_suffix('s')?;
    let (whole, frac) = match body.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (body, None),
    };
    if let Some(f) = frac
        && (f.is_empty() || !f.bytes().all(|b| b == b'0'))
    {
        return None;
    }
    let (sign, digits) = match whole.as_bytes().first()? {
        b'-' => (-1, &whole[1..]),
        b'+' => (1, &whole[1..]),
        _ => (1, whole),
    };
    if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs: i32 = digits.parse().ok()?;
    FixedOffset::east_opt(sign * secs)
}

/// A wall-clock `HH:MM:SS` text (exactly 8 bytes), read by hand: the crate's one reader of it,
/// for the Fitbit intraday dataset (86,400 per 1sec day) and the export's timestamps.
pub(crate) fn read_hms(b: &[u8]) -> Option<chrono::NaiveTime> {
    let b: &[u8; 8] = b.try_into().ok()?;
    let two = |i: usize| {
        let (a, c) = (b[i], b[i + 1]);
        (a.is_ascii_digit() && c.is_ascii_digit())
            .then(|| u32::from(a - b'0') * 10 + u32::from(c - b'0'))
    };
    if b[2] != b':' || b[5] != b':' {
        return None;
    }
    chrono::NaiveTime::from_hms_opt(two(0)?, two(3)?, two(6)?)
}

/// Checks that `start..=end` is a range: the end on or after the start.
///
/// ```
/// use fitbit_core::{time::check_range, chrono::NaiveDate};
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
/// assert!(check_range(d(1, 1), d(1, 1)).is_ok());
/// assert!(check_range(d(1, 2), d(1, 1)).is_err());
/// ```
pub fn check_range(start: NaiveDate, end: NaiveDate) -> Result<()> {
    if end < start {
        return Err(Error::InvalidInput {
            what: format!("date range {start} to {end}"),
            hint: "the end date must be on or after the start date".into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America, Europe};

    #[test]
    fn hms_reads_only_a_valid_eight_byte_clock() {
        let t = |h, m, s| chrono::NaiveTime::from_hms_opt(h, m, s);
        assert_eq!(read_hms(b"00:00:00"), t(0, 0, 0));
        assert_eq!(read_hms(b"23:59:59"), t(23, 59, 59));
        for bad in [
            &b"24:00:00"[..],
            b"12:60:00",
            b"12:00:60",
            b"1:00:00",
            b"12:00:000",
            b"12-00-00",
            b"1a:00:00",
            b"",
        ] {
            assert_eq!(read_hms(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, 0)
            .unwrap()
    }
    fn off(h: i32) -> Option<FixedOffset> {
        FixedOffset::east_opt(h * 3600)
    }

    #[test]
    fn parse_tz_accepts_iana_and_rejects_garbage() {
        assert_eq!(parse_tz("Europe/Berlin").unwrap(), Europe::Berlin);
        let err = parse_tz("Europe/Nowhere").unwrap_err().to_string();
        assert!(
            err.contains("Europe/Nowhere") && err.contains("IANA"),
            "{err}"
        );
    }

    /// Every 15 minutes from 00:00 to 04:00 through a fall-back, as a device logs it.
    fn fall_back_series(y: i32, mo: u32, d: u32, repeated_hour: u32) -> Vec<NaiveDateTime> {
        let mut v = Vec::new();
        for h in 0..=repeated_hour {
            for m in [0, 15, 30, 45] {
                v.push(at(y, mo, d, h, m));
            }
        }
        for h in repeated_hour..4 {
            for m in [0, 15, 30, 45] {
                v.push(at(y, mo, d, h, m));
            }
        }
        v
    }

    fn check_fall_back(tz: Tz, locals: &[NaiveDateTime], summer: i32, winter: i32, hour: u32) {
        let offs = attach_offsets(locals, tz);
        assert_eq!(offs.len(), locals.len());
        assert!(offs.iter().all(Option::is_some));
        let utc: Vec<_> = locals
            .iter()
            .zip(&offs)
            .map(|(l, o)| *l - Duration::seconds(i64::from(o.unwrap().local_minus_utc())))
            .collect();
        // Strictly increasing instants: the two passes never merge.
        assert!(utc.windows(2).all(|w| w[0] < w[1]), "{utc:?}");
        let first = locals.iter().position(|l| l.time().hour() == hour).unwrap();
        assert_eq!(offs[first], off(summer));
        assert_eq!(offs[first + 4], off(winter));
        assert_eq!(locals[first], locals[first + 4]);
        assert_eq!(*offs.last().unwrap(), off(winter));
        assert_eq!(offs[0], off(summer));
    }

    use chrono::Timelike;

    #[test]
    fn berlin_fall_back_keeps_both_hours() {
        let s = fall_back_series(2026, 10, 25, 2);
        check_fall_back(Europe::Berlin, &s, 2, 1, 2);
    }

    #[test]
    fn new_york_fall_back_keeps_both_hours() {
        let s = fall_back_series(2026, 11, 1, 1);
        check_fall_back(America::New_York, &s, -4, -5, 1);
    }

    #[test]
    fn fall_back_gap_in_data_switches_on_backward_step_only() {
        // 01:50 (first pass) then 01:10 (second pass) with nothing in between.
        let s = [at(2026, 11, 1, 1, 50), at(2026, 11, 1, 1, 10)];
        assert_eq!(
            attach_offsets(&s, America::New_York),
            vec![off(-4), off(-5)]
        );
        // Hourly data: 01:00 twice.
        let s = [at(2026, 11, 1, 1, 0), at(2026, 11, 1, 1, 0)];
        assert_eq!(
            attach_offsets(&s, America::New_York),
            vec![off(-4), off(-5)]
        );
    }

    #[test]
    fn spring_forward_gap_gets_no_offset() {
        let s = [
            at(2026, 3, 29, 1, 59),
            at(2026, 3, 29, 2, 30),
            at(2026, 3, 29, 3, 0),
        ];
        assert_eq!(
            attach_offsets(&s, Europe::Berlin),
            vec![off(1), None, off(2)]
        );
        let s = [at(2026, 3, 8, 2, 0), at(2026, 3, 8, 3, 0)];
        assert_eq!(attach_offsets(&s, America::New_York), vec![None, off(-4)]);
    }

    #[test]
    fn day_bounds_on_dst_days() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let hours = |day, tz| {
            let (a, b) = local_day_bounds(day, tz);
            (b - a).num_hours()
        };
        assert_eq!(hours(d(2026, 10, 25), Europe::Berlin), 25);
        assert_eq!(hours(d(2026, 3, 29), Europe::Berlin), 23);
        assert_eq!(hours(d(2026, 11, 1), America::New_York), 25);
        assert_eq!(hours(d(2026, 3, 8), America::New_York), 23);
        assert_eq!(hours(d(2026, 7, 1), America::New_York), 24);
        let (a, _) = local_day_bounds(d(2026, 11, 1), America::New_York);
        assert_eq!(a.to_rfc3339(), "2026-11-01T04:00:00+00:00");
        let (_, b) = local_day_bounds(d(2026, 3, 8), America::New_York);
        assert_eq!(b.to_rfc3339(), "2026-03-09T04:00:00+00:00");
    }

    #[test]
    fn day_bounds_when_midnight_is_skipped() {
        // America/Santiago springs forward at 24:00 on 2022-09-10: 2022-09-11 00:00 does not
        // exist; the day begins at 01:00 local = 04:00Z.
        let day = NaiveDate::from_ymd_opt(2022, 9, 11).unwrap();
        let (a, b) = local_day_bounds(day, America::Santiago);
        assert_eq!(a.to_rfc3339(), "2022-09-11T04:00:00+00:00");
        assert_eq!((b - a).num_hours(), 23);
    }

    #[test]
    fn google_offsets() {
        assert_eq!(parse_google_offset("0s"), off(0));
        assert_eq!(parse_google_offset("19800s"), FixedOffset::east_opt(19800));
        assert_eq!(parse_google_offset("3600.000s"), off(1));
        for bad in [
            "",
            "s",
            "-s",
            "32400",
            "1e3s",
            "99999999s",
            "86400s",
            " 1 s",
            "1.s",
        ] {
            assert_eq!(parse_google_offset(bad), None, "{bad:?}");
        }
    }
}
