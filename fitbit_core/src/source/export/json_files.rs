//! The legacy JSON files: `heart_rate-*.json` and `resting_heart_rate-*.json`.
//!
//! A file is a JSON array. It is read element by element, so a truncated or damaged file keeps
//! the rows before the damage and the report names the element where reading stopped.

use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{DeserializeSeed, SeqAccess, Visitor};

use crate::DailyHr;
use crate::source::json::without_bom;

use super::clock;
use super::layout::FileKind;
use super::parsed::{ParsedFile, RawHr, lenient_f64, reason};
use super::timebasis::RawTime;

#[derive(Deserialize)]
struct HrRow<'a> {
    #[serde(rename = "dateTime", borrow)]
    date_time: Option<std::borrow::Cow<'a, str>>,
    value: Option<HrValue>,
}

#[derive(Deserialize)]
struct HrValue {
    #[serde(default, deserialize_with = "lenient_f64")]
    bpm: Option<f64>,
    #[serde(default, deserialize_with = "lenient_f64")]
    confidence: Option<f64>,
}

#[derive(Deserialize)]
struct RestingRow<'a> {
    #[serde(borrow)]
    value: Option<RestingValue<'a>>,
}

#[derive(Deserialize)]
struct RestingValue<'a> {
    #[serde(borrow)]
    date: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, deserialize_with = "lenient_f64")]
    value: Option<f64>,
}

/// Calls `each(index, row)` for every array element; returns the error at the first damaged
/// element as `(index, message)`.
fn for_each_element<'de, T: Deserialize<'de>>(
    bytes: &'de [u8],
    each: &mut dyn FnMut(T),
) -> Result<(), (usize, String)> {
    struct Seed<'f, T> {
        each: &'f mut dyn FnMut(T),
        count: &'f mut usize,
        _t: PhantomData<T>,
    }
    impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Seed<'_, T> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }
    impl<'de, T: Deserialize<'de>> Visitor<'de> for Seed<'_, T> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON array of records")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while let Some(row) = seq.next_element::<T>()? {
                (self.each)(row);
                *self.count += 1;
            }
            Ok(())
        }
    }
    let mut count = 0usize;
    let mut de = serde_json::Deserializer::from_slice(without_bom(bytes));
    let seed = Seed {
        each,
        count: &mut count,
        _t: PhantomData,
    };
    seed.deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| (count, e.to_string()))
}

/// Parses `heart_rate-*.json`. Never fails: damage is counted in the result.
pub fn heart_rate(name: &str, bytes: &[u8]) -> ParsedFile {
    let mut out = ParsedFile::new(FileKind::LegacyHrJson);
    let mut skips: Vec<&'static str> = Vec::new();
    let res = for_each_element(bytes, &mut |row: HrRow| {
        let Some(t) = row.date_time.as_deref().and_then(clock::legacy) else {
            skips.push(reason::BAD_TIME);
            return;
        };
        let value = row.value.as_ref();
        match value.and_then(|v| v.bpm) {
            Some(b) if (1.0..=300.0).contains(&b) => out.hr.push(RawHr {
                time: RawTime::Naive(t),
                bpm: b.round() as u16,
                confidence: value
                    .and_then(|v| v.confidence)
                    .filter(|c| (-128.0..=127.0).contains(c))
                    .map(|c| c as i8),
            }),
            Some(b) if b > 300.0 => skips.push(reason::BPM_RANGE),
            _ => skips.push(reason::BPM_SENTINEL),
        }
    });
    for s in skips {
        out.skip(s);
    }
    out.rows = out.hr.len();
    damaged(&mut out, name, res);
    out
}

/// Parses `resting_heart_rate-*.json` into daily values; null dates and zeros are sentinels.
pub fn resting_heart_rate(name: &str, bytes: &[u8]) -> ParsedFile {
    let mut out = ParsedFile::new(FileKind::RestingHrJson);
    let mut sentinels = 0;
    let res = for_each_element(bytes, &mut |row: RestingRow| {
        let v = row.value.as_ref();
        // a null `value.date` marks a sentinel (FitOut importers)
        let date = v
            .and_then(|v| v.date.as_deref())
            .and_then(clock::legacy_date);
        match (date, v.and_then(|v| v.value)) {
            (Some(date), Some(bpm)) if bpm.is_finite() && bpm > 0.0 => out.daily_hr.push(DailyHr {
                date,
                resting_bpm: Some(bpm),
            }),
            _ => sentinels += 1,
        }
    });
    for _ in 0..sentinels {
        out.skip(reason::RESTING_SENTINEL);
    }
    out.rows = out.daily_hr.len();
    damaged(&mut out, name, res);
    out
}

fn damaged(out: &mut ParsedFile, name: &str, res: Result<(), (usize, String)>) {
    if let Err((index, message)) = res {
        out.skip(reason::CORRUPT_FILE);
        out.warnings.push(format!(
            "{name}: damaged at JSON path [{index}] ({message}); kept the {} row(s) before it",
            out.rows
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_sentinels_and_truncation() {
        let body = br#"[{"dateTime":"04/22/19 04:00:05","value":{"bpm":69,"confidence":2}},
            {"dateTime":"04/22/19 04:00:10","value":{"bpm":0,"confidence":0}},
            {"dateTime":"04/22/19 04:00:15","value":{"bpm":null}},
            {"dateTime":"04/22/19 04:00:20","value":{"bpm":-1,"confidence":-1}},
            {"dateTime":"04/22/19 04:00:25","value":{"bpm":71,"conf"#;
        let p = heart_rate("h.json", body);
        assert_eq!(p.rows, 1);
        assert_eq!(p.skipped[reason::BPM_SENTINEL], 3);
        assert_eq!(p.skipped[reason::CORRUPT_FILE], 1);
        assert!(p.warnings[0].contains("[4]"), "{:?}", p.warnings);
    }

    #[test]
    fn resting_sentinels() {
        let body = "\u{feff}[{\"dateTime\":\"03/01/24 00:00:00\",\"value\":{\"date\":\"03/01/24\",\"value\":53.01,\"error\":6.78}},\
            {\"dateTime\":\"03/02/24 00:00:00\",\"value\":{\"date\":null,\"value\":0.0,\"error\":0.0}}]";
        let p = resting_heart_rate("r.json", body.as_bytes());
        assert_eq!(p.daily_hr.len(), 1);
        assert_eq!(p.daily_hr[0].resting_bpm, Some(53.01));
        assert_eq!(p.skipped[reason::RESTING_SENTINEL], 1);
    }
}
