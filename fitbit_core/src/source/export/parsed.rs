//! What one parsed file yields, before the time basis is applied.

use std::collections::BTreeMap;

use crate::{DailyHr, DailyHrv};

use super::layout::FileKind;
use super::timebasis::RawTime;

/// One heart-rate row as read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawHr {
    pub time: RawTime,
    pub bpm: u16,
    pub confidence: Option<i8>,
}

/// One HRV row as read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawHrv {
    pub time: RawTime,
    pub rmssd: Option<f64>,
    pub coverage: Option<f64>,
    pub hf: Option<f64>,
    pub lf: Option<f64>,
    pub sdnn: Option<f64>,
}

/// Skip reasons, shared so reports group them.
pub mod reason {
    pub const BPM_SENTINEL: &str = "heart rate sentinel (0, -1, null or missing bpm)";
    pub const BPM_RANGE: &str = "heart rate out of range (above 300 bpm)";
    pub const BAD_TIME: &str = "unreadable timestamp";
    pub const HRV_SENTINEL: &str = "HRV sentinel (0, -1, null or missing rmssd)";
    pub const RESTING_SENTINEL: &str = "resting heart rate sentinel (null date or value 0)";
    pub const CORRUPT_FILE: &str = "truncated or corrupt file (rows before the damage kept)";
    pub const BAD_HEADER: &str = "CSV file with unknown header (file skipped)";
    pub const UNREADABLE_FILE: &str = "file could not be read from the archive";
    pub const DST_GAP: &str = "local time inside a DST gap (does not exist)";
    pub const LATE: &str = "sample for a day already emitted (file far from its name date)";
    pub const DUPLICATE: &str = "duplicate sample (same instant in two files)";
}

/// The content of one file.
#[derive(Debug, Default)]
pub struct ParsedFile {
    pub kind: Option<FileKind>,
    pub hr: Vec<RawHr>,
    pub hrv: Vec<RawHrv>,
    pub daily_hr: Vec<DailyHr>,
    pub daily_hrv: Vec<DailyHrv>,
    /// Rows accepted.
    pub rows: usize,
    /// Reason → count of rows or files skipped.
    pub skipped: BTreeMap<&'static str, usize>,
    /// A message naming the file and what was wrong, for the report.
    pub warnings: Vec<String>,
}

impl ParsedFile {
    /// An empty result for a file of this kind.
    pub fn new(kind: FileKind) -> Self {
        ParsedFile {
            kind: Some(kind),
            ..Default::default()
        }
    }

    /// Counts one skipped row or file.
    pub fn skip(&mut self, why: &'static str) {
        *self.skipped.entry(why).or_default() += 1;
    }
}

/// Parses a number that may be null, a string, an int or a float; `None` when absent or junk.
pub(crate) fn lenient_f64<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<f64>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Option<f64>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a number, a numeric string or null")
        }
        fn visit_i64<E>(self, v: i64) -> std::result::Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_u64<E>(self, v: u64) -> std::result::Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_f64<E>(self, v: f64) -> std::result::Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_str<E>(self, v: &str) -> std::result::Result<Self::Value, E> {
            Ok(v.trim().parse().ok())
        }
        fn visit_unit<E>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_bool<E>(self, _: bool) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(V)
}
