//! One row per instant: merging a day's new rows with the rows already stored, and the order
//! rows are stored in (by UTC instant, falling back to the local time where no offset is known).

use std::collections::HashSet;

use polars::prelude::{DataFrame, DataType, IdxCa, IdxSize};

use super::Dataset;
use crate::Result;

/// The identity of a row: the instant, or (rows without an offset) the local time, or the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key {
    Instant(i64),
    Local(i64),
}

fn keys(dataset: Dataset, df: &DataFrame) -> Result<Vec<Key>> {
    let (primary, fallback) = dataset.key_columns();
    let primary = df.column(primary)?.cast(&DataType::Int64)?;
    let primary = primary.i64()?;
    let fallback = match fallback {
        Some(f) => Some(df.column(f)?.cast(&DataType::Int64)?),
        None => None,
    };
    let fallback = match &fallback {
        Some(c) => Some(c.i64()?),
        None => None,
    };
    Ok((0..df.height())
        .map(
            |i| match (primary.get(i), fallback.and_then(|f| f.get(i))) {
                (Some(k), _) => Key::Instant(k),
                (None, Some(l)) => Key::Local(l),
                (None, None) => Key::Local(i64::MIN),
            },
        )
        .collect())
}

/// `new` and `old` as one frame: a row of `old` whose key `new` also has is dropped; the result
/// is sorted by key (stable).
pub(super) fn merge(dataset: Dataset, new: &DataFrame, old: &DataFrame) -> Result<DataFrame> {
    if old.schema() != new.schema() {
        // A file of another layout: the new rows replace it.
        return sort(dataset, new.clone());
    }
    let both = new.vstack(old)?;
    let ks = keys(dataset, &both)?;
    let mut seen = HashSet::with_capacity(ks.len());
    let keep: Vec<IdxSize> = (0..ks.len())
        .filter(|&i| seen.insert(ks[i]))
        .map(|i| i as IdxSize)
        .collect();
    let mut order: Vec<(Key, IdxSize)> = keep.iter().map(|&i| (ks[i as usize], i)).collect();
    order.sort_by_key(|(k, i)| (sort_key(*k), *i));
    let idx = IdxCa::from_vec("idx".into(), order.into_iter().map(|(_, i)| i).collect());
    Ok(both.take(&idx)?)
}

/// `df` sorted by key (stable), duplicates of a key kept as they are.
pub(super) fn sort(dataset: Dataset, df: DataFrame) -> Result<DataFrame> {
    let ks = keys(dataset, &df)?;
    if ks.windows(2).all(|w| sort_key(w[0]) <= sort_key(w[1])) {
        return Ok(df);
    }
    let mut order: Vec<(Key, IdxSize)> = ks
        .iter()
        .enumerate()
        .map(|(i, k)| (*k, i as IdxSize))
        .collect();
    order.sort_by_key(|(k, i)| (sort_key(*k), *i));
    let idx = IdxCa::from_vec("idx".into(), order.into_iter().map(|(_, i)| i).collect());
    Ok(df.take(&idx)?)
}

/// Instants and local times on one axis (a local time is close to its instant), so rows without
/// an offset land near their neighbours.
fn sort_key(k: Key) -> i64 {
    match k {
        Key::Instant(v) | Key::Local(v) => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{HrSample, Timestamp};
    use chrono::{FixedOffset, NaiveDate};

    fn hr(h: u32, m: u32, off: i32, bpm: u16) -> HrSample {
        let local = NaiveDate::from_ymd_opt(2026, 10, 25)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap();
        HrSample {
            time: Timestamp::new(local, FixedOffset::east_opt(off * 3600)),
            bpm,
            confidence: None,
        }
    }

    #[test]
    fn one_row_per_instant_new_rows_win_and_dst_hours_stay_two() {
        // 02:30 at +02:00 and 02:30 at +01:00 are two instants of Berlin's fall-back day.
        let old = crate::table::hr_intraday(&[hr(2, 30, 2, 60), hr(2, 30, 1, 61), hr(4, 0, 1, 70)])
            .unwrap();
        let new = crate::table::hr_intraday(&[hr(2, 30, 1, 99), hr(5, 0, 1, 80)]).unwrap();
        let m = merge(Dataset::HeartRate, &new, &old).unwrap();
        let bpm: Vec<i64> = m
            .column("heartrate")
            .unwrap()
            .i64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        assert_eq!(bpm, vec![60, 99, 70, 80]);
        // Merging again changes nothing.
        let again = merge(Dataset::HeartRate, &new, &m).unwrap();
        assert!(again.equals_missing(&m));
    }
}
