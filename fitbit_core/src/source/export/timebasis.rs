//! Time zones: what the export's clock means, and how to turn it into [`Timestamp`]s.
//!
//! - `Z` timestamps (GoogleData CSVs) are UTC instants; local = UTC in the user's zone.
//! - HRV CSV timestamps without `Z` are local wall-clock.
//! - Legacy `heart_rate-*.json` is disputed (docs/takeout-export.md §3). [`TzChoice::Auto`]
//!   decides from the data: in a UTC export the file for local day D starts on D-1 (users east
//!   of UTC) or ends on D+1 (west). See [`Evidence`].

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;

use crate::time::OffsetTracker;
use crate::{Error, Result, Timestamp};

/// A user time zone: a named IANA zone (DST-correct) or a fixed offset inferred from the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// An IANA zone, e.g. `Europe/Berlin`.
    Named(Tz),
    /// A fixed UTC offset.
    Fixed(FixedOffset),
}

impl Zone {
    /// The offset in force at a UTC instant.
    pub fn offset_at_utc(self, utc: NaiveDateTime) -> FixedOffset {
        match self {
            Zone::Named(tz) => tz.offset_from_utc_datetime(&utc).fix(),
            Zone::Fixed(f) => f,
        }
    }
}

/// The offsets of one file's local wall-clock times, in the file's (chronological) order: a
/// named zone goes through the crate's one fall-back rule, [`OffsetTracker`] (the two passes
/// through a repeated hour never merge; a time in a spring-forward gap gets `None`).
#[derive(Debug, Clone)]
enum LocalOffsets {
    Named(OffsetTracker),
    Fixed(FixedOffset),
}

impl LocalOffsets {
    fn offset(&mut self, local: NaiveDateTime) -> Option<FixedOffset> {
        match self {
            LocalOffsets::Named(tracker) => tracker.offset(local),
            LocalOffsets::Fixed(f) => Some(*f),
        }
    }
}

impl std::fmt::Display for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Zone::Named(tz) => write!(f, "{tz}"),
            Zone::Fixed(o) => write!(f, "fixed offset {o}"),
        }
    }
}

/// How to read the clock of the legacy `heart_rate-*.json` files (the `--tz` option).
///
/// Parse from a string: `auto`, `auto:Europe/Berlin` or just `Europe/Berlin` (decide from the
/// data, user zone Berlin), `utc:Australia/Sydney` (JSON is UTC, show Sydney local time),
/// `local:Europe/Berlin` (JSON is Berlin wall-clock).
///
/// ```
/// use fitbit_core::source::export::TzChoice;
/// let c: TzChoice = "utc:Australia/Sydney".parse().unwrap();
/// assert_eq!(c.to_string(), "utc:Australia/Sydney");
/// assert!("mars/olympus".parse::<TzChoice>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TzChoice {
    /// Decide UTC vs local from the data; the zone (if given) is the user's.
    Auto(Option<Tz>),
    /// Legacy JSON is UTC; local times use this zone.
    Utc(Tz),
    /// Legacy JSON is local wall-clock in this zone.
    Local(Tz),
}

impl Default for TzChoice {
    /// `Auto(None)`: decide from the data, no user zone.
    fn default() -> Self {
        TzChoice::Auto(None)
    }
}

impl TzChoice {
    /// The user zone given, if any.
    pub fn zone(self) -> Option<Tz> {
        match self {
            TzChoice::Auto(z) => z,
            TzChoice::Utc(z) | TzChoice::Local(z) => Some(z),
        }
    }
}

impl std::str::FromStr for TzChoice {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let bad = |what: &str| Error::InvalidInput {
            what: format!("time zone {what:?}"),
            hint: "use auto, an IANA zone like Europe/Berlin, utc:<zone> (the export's heart_rate \
                   JSON is UTC) or local:<zone> (it is wall-clock in <zone>)"
                .into(),
        };
        let zone = |z: &str| z.trim().parse::<Tz>().map_err(|_| bad(z));
        let lower = s.trim().to_ascii_lowercase();
        if lower == "auto" || lower.is_empty() {
            return Ok(TzChoice::Auto(None));
        }
        match s.trim().split_once(':') {
            Some((k, z)) if k.eq_ignore_ascii_case("auto") => Ok(TzChoice::Auto(Some(zone(z)?))),
            Some((k, z)) if k.eq_ignore_ascii_case("utc") => Ok(TzChoice::Utc(zone(z)?)),
            Some((k, z)) if k.eq_ignore_ascii_case("local") => Ok(TzChoice::Local(zone(z)?)),
            Some(_) => Err(bad(s)),
            None => Ok(TzChoice::Auto(Some(zone(s)?))),
        }
    }
}

impl std::fmt::Display for TzChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TzChoice::Auto(Some(z)) => write!(f, "auto:{z}"),
            TzChoice::Auto(None) => write!(f, "auto"),
            TzChoice::Utc(z) => write!(f, "utc:{z}"),
            TzChoice::Local(z) => write!(f, "local:{z}"),
        }
    }
}

/// A timestamp as read, before the time basis is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RawTime {
    /// No zone given in the data.
    Naive(NaiveDateTime),
    /// A UTC instant (`Z` or an explicit offset).
    Utc(NaiveDateTime),
}

impl RawTime {
    /// The clock reading as written (UTC for `Utc`).
    pub fn clock(self) -> NaiveDateTime {
        match self {
            RawTime::Naive(t) | RawTime::Utc(t) => t,
        }
    }
}

/// What the decided basis of the legacy JSON is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonBasis {
    Utc,
    Local,
}

/// The resolved way to turn [`RawTime`]s into [`Timestamp`]s for this import.
#[derive(Debug, Clone, Copy)]
pub struct Resolver {
    /// The user's zone; `None` when neither given nor inferable (UTC is then used for `Z` data).
    pub zone: Option<Zone>,
    /// The legacy JSON basis.
    pub json: JsonBasis,
}

impl Resolver {
    /// A converter for one file's samples, given in the file's order (the fall-back rule needs
    /// the order; each file starts afresh).
    pub fn for_file(&self) -> FileResolver {
        FileResolver {
            resolver: *self,
            local: self.zone.map(|z| match z {
                Zone::Named(tz) => LocalOffsets::Named(OffsetTracker::new(tz)),
                Zone::Fixed(f) => LocalOffsets::Fixed(f),
            }),
        }
    }
}

/// [`Resolver`] for the samples of one file, in order (see [`Resolver::for_file`]).
#[derive(Debug, Clone)]
pub struct FileResolver {
    resolver: Resolver,
    local: Option<LocalOffsets>,
}

impl FileResolver {
    /// Converts the file's next raw time; `json` says it is from a legacy `heart_rate-*.json`.
    /// `None` for a local time inside a spring-forward gap.
    pub fn timestamp(&mut self, raw: RawTime, json: bool) -> Option<Timestamp> {
        let res = self.resolver;
        let utc_zone = Zone::Fixed(FixedOffset::east_opt(0).expect("0 is a valid offset"));
        let zone = res.zone.unwrap_or(utc_zone);
        let as_utc = |t: NaiveDateTime| {
            let off = zone.offset_at_utc(t);
            Some(Timestamp::new(t + off, Some(off)))
        };
        match raw {
            RawTime::Utc(t) => as_utc(t),
            RawTime::Naive(t) if json && res.json == JsonBasis::Utc => as_utc(t),
            RawTime::Naive(t) => match &mut self.local {
                Some(offsets) => offsets.offset(t).map(|o| Timestamp::new(t, Some(o))),
                None => Some(Timestamp::new(t, None)),
            },
        }
    }
}

/// Evidence about the legacy JSON clock, gathered from files with a date in their name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// Files whose samples all lie on the file-name date (local clock, or a UTC user).
    pub aligned: usize,
    /// Files starting on the day before the name date (UTC clock, user east of UTC).
    pub starts_day_before: usize,
    /// Files running into the day after the name date (UTC clock, user west of UTC).
    pub ends_day_after: usize,
    /// Files that say nothing (partial days, other shapes).
    pub unclear: usize,
    /// Offsets (minutes east of UTC) implied by the shifted files: local midnight in UTC.
    pub implied_offsets_min: Vec<i32>,
    /// Midnights between consecutive day files (worn through the night) at 00:00 of the clock.
    pub midnight_at_zero: usize,
    /// Such midnights elsewhere in the clock (a UTC clock); their offsets, minutes east.
    pub midnight_shifted: usize,
    pub midnight_offsets_min: Vec<i32>,
}

impl Evidence {
    /// Adds one file: its name date and first/last clock readings.
    pub fn add(&mut self, name: NaiveDate, first: NaiveDateTime, last: NaiveDateTime) {
        let prev = name.pred_opt();
        let next = name.succ_opt();
        let minutes = |t: NaiveDateTime| (t.time().num_seconds_from_midnight() / 60) as i32;
        if Some(first.date()) == prev && last.date() <= name {
            self.starts_day_before += 1;
            // local midnight of `name` = first sample ≈ 24h - offset
            self.implied_offsets_min
                .push(round15(24 * 60 - minutes(first)));
        } else if first.date() == name && Some(last.date()) == next {
            self.ends_day_after += 1;
            // local midnight ≈ first sample at -offset when the device was worn at midnight
            self.implied_offsets_min.push(round15(-minutes(first)));
        } else if first.date() == name && last.date() == name {
            self.aligned += 1;
        } else {
            self.unclear += 1;
        }
    }

    /// Adds the boundary between day files `name` (last sample `last`) and `name + 1`
    /// (first sample `first`). The local midnight between them lies in that gap; a gap over
    /// two hours (watch off at night) says nothing.
    pub fn add_boundary(&mut self, name: NaiveDate, last: NaiveDateTime, first: NaiveDateTime) {
        let Some(midnight) = name.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)) else {
            return;
        };
        if first < last || first - last > chrono::Duration::hours(2) {
            return;
        }
        let boundary = last + (first - last) / 2;
        let diff_min = (boundary - midnight).num_minutes() as i32;
        if diff_min.abs() <= 15 {
            self.midnight_at_zero += 1;
        } else {
            self.midnight_shifted += 1;
            self.midnight_offsets_min.push(round15(-diff_min));
        }
    }

    /// Number of files that support a UTC clock.
    pub fn shifted(&self) -> usize {
        self.starts_day_before + self.ends_day_after
    }

    /// Number of observations so far that can decide.
    pub fn decisive(&self) -> usize {
        self.shifted() + self.aligned + self.midnight_at_zero + self.midnight_shifted
    }

    /// The decision: midnights between files decide when there are any (they need the watch
    /// worn at night, which HRV users do); else `Some(Utc)` if shifted files outnumber
    /// aligned ones, `Some(Local)` if aligned ones win; `None` without evidence.
    pub fn decide(&self) -> Option<JsonBasis> {
        let (s, a) = match (self.midnight_shifted, self.midnight_at_zero) {
            (0, 0) => (self.shifted(), self.aligned),
            m => m,
        };
        match (s, a) {
            (0, 0) => None,
            (s, a) if s > a => Some(JsonBasis::Utc),
            _ => Some(JsonBasis::Local),
        }
    }

    /// The most common implied offset, when the data shows one (midnights first).
    pub fn implied_offset(&self) -> Option<FixedOffset> {
        let mut v = if self.midnight_offsets_min.is_empty() {
            self.implied_offsets_min.clone()
        } else {
            self.midnight_offsets_min.clone()
        };
        v.sort_unstable();
        let mut best: Option<(i32, usize)> = None;
        for chunk in v.chunk_by(|a, b| a == b) {
            if best.is_none_or(|(_, n)| chunk.len() > n) {
                best = Some((chunk[0], chunk.len()));
            }
        }
        best.and_then(|(m, _)| FixedOffset::east_opt(m * 60))
    }
}

impl std::fmt::Display for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} file(s) start on the day before their name date, {} run into the next day, {} \
             lie exactly on their name date, {} unclear; {} midnight(s) between day files fall \
             at 00:00, {} elsewhere",
            self.starts_day_before,
            self.ends_day_after,
            self.aligned,
            self.unclear,
            self.midnight_at_zero,
            self.midnight_shifted
        )
    }
}

fn round15(m: i32) -> i32 {
    let r = ((m as f64) / 15.0).round() as i32 * 15;
    // offsets live in -12h..+14h
    if r > 14 * 60 { r - 24 * 60 } else { r }
}

use chrono::Timelike;

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn evidence_east_and_west() {
        let d = NaiveDate::from_ymd_opt(2023, 1, 26).unwrap();
        let mut e = Evidence::default();
        e.add(d, dt("2023-01-25 13:00:07"), dt("2023-01-26 12:59:58"));
        assert_eq!(e.decide(), Some(JsonBasis::Utc));
        assert_eq!(e.implied_offset(), FixedOffset::east_opt(11 * 3600));
        let mut w = Evidence::default();
        w.add(d, dt("2023-01-26 05:00:02"), dt("2023-01-27 04:59:55"));
        assert_eq!(w.implied_offset(), FixedOffset::east_opt(-5 * 3600));
        let mut b = Evidence::default();
        b.add_boundary(d, dt("2023-01-26 12:59:58"), dt("2023-01-26 13:00:03"));
        assert_eq!(b.decide(), Some(JsonBasis::Utc));
        assert_eq!(b.implied_offset(), FixedOffset::east_opt(11 * 3600));
        let mut b = Evidence::default();
        b.add_boundary(d, dt("2023-01-27 04:59:58"), dt("2023-01-27 05:00:03"));
        assert_eq!(b.implied_offset(), FixedOffset::east_opt(-5 * 3600));
        // partial wear: the files lie on their dates, but the midnight says UTC+2
        b.add(d, dt("2023-01-26 05:00:00"), dt("2023-01-26 20:00:00"));
        b.add(d, dt("2023-01-26 05:00:00"), dt("2023-01-26 20:00:00"));
        assert_eq!(b.decide(), Some(JsonBasis::Utc));
        let mut l = Evidence::default();
        l.add(d, dt("2023-01-26 00:00:02"), dt("2023-01-26 23:59:55"));
        assert_eq!(l.decide(), Some(JsonBasis::Local));
    }

    /// Local wall-clock samples every `step` minutes through a fall-back night, as a device
    /// writes them: the repeated hour appears twice.
    fn fall_back_night(day: &str, repeated: u32, step: u32) -> Vec<NaiveDateTime> {
        let d: NaiveDate = day.parse().unwrap();
        let at = |h: u32, m: u32| d.and_hms_opt(h, m, 0).unwrap();
        let hour = |h: u32| (0..60).step_by(step as usize).map(move |m| (h, m));
        (0..=repeated)
            .flat_map(hour)
            .chain((repeated..4).flat_map(hour))
            .map(|(h, m)| at(h, m))
            .collect()
    }

    /// The export's resolver and the API parsers' [`crate::time::attach_offsets`] give the
    /// same offsets: one rule, and the two passes through the repeated hour stay apart.
    #[test]
    fn fall_back_keeps_both_hours_by_the_crate_rule() {
        for (tz, day, repeated) in [
            (chrono_tz::Europe::Berlin, "2024-10-27", 2),
            (chrono_tz::America::New_York, "2024-11-03", 1),
        ] {
            for step in [10, 60] {
                let locals = fall_back_night(day, repeated, step);
                let res = Resolver {
                    zone: Some(Zone::Named(tz)),
                    json: JsonBasis::Local,
                };
                let mut file = res.for_file();
                let stamps: Vec<Timestamp> = locals
                    .iter()
                    .map(|&t| file.timestamp(RawTime::Naive(t), true).unwrap())
                    .collect();
                let offsets: Vec<_> = stamps.iter().map(|s| s.offset).collect();
                assert_eq!(
                    offsets,
                    crate::time::attach_offsets(&locals, tz),
                    "{tz} {step}"
                );
                let utc: Vec<_> = stamps.iter().map(|s| s.utc().unwrap()).collect();
                assert!(utc.windows(2).all(|w| w[0] < w[1]), "{tz} {step}: {utc:?}");
                assert_eq!(utc.len(), locals.len());
            }
        }
    }

    #[test]
    fn utc_data_and_fixed_zones_need_no_order() {
        let res = Resolver {
            zone: Some(Zone::Fixed(FixedOffset::east_opt(3600).unwrap())),
            json: JsonBasis::Utc,
        };
        let mut file = res.for_file();
        let t = dt("2024-10-27 02:30:00");
        let a = file.timestamp(RawTime::Naive(t), true).unwrap();
        assert_eq!(a.local, dt("2024-10-27 03:30:00"));
        let b = file.timestamp(RawTime::Naive(t), false).unwrap();
        assert_eq!((b.local, b.offset), (t, FixedOffset::east_opt(3600)));
    }
}
