//! Day assembly: samples are grouped by LOCAL day and a day is emitted once no file still to
//! come can contain it. Files are read in name-date order, and a file's samples lie within
//! [`SLACK_DAYS`] of its name date (UTC vs local shifts, the HRV summary's D-1 naming), so a
//! day is complete when every remaining file is dated more than `SLACK_DAYS` after it. Memory
//! is therefore about `2 × SLACK_DAYS + 1` days of samples, never the whole export.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};

use crate::{HrSample, HrvSample, Timestamp};

/// How far a file's samples may lie from its name date.
pub const SLACK_DAYS: u64 = 2;

/// One local day's samples, ascending.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayData {
    /// The local calendar day.
    pub date: NaiveDate,
    /// Its heart-rate samples.
    pub hr: Vec<HrSample>,
    /// Its HRV measurements.
    pub hrv: Vec<HrvSample>,
}

/// Sort key: the UTC instant where known, else the local clock; then the local clock so the
/// two 01:30 of a fall-back stay distinct and in order.
fn key(t: &Timestamp) -> (NaiveDateTime, NaiveDateTime) {
    (t.utc().map(|u| u.naive_utc()).unwrap_or(t.local), t.local)
}

/// Open days waiting to be emitted.
#[derive(Debug, Default)]
pub struct DayBuffer {
    open: BTreeMap<NaiveDate, DayData>,
    /// The last day emitted; samples for it or earlier days arrive too late.
    pub emitted_through: Option<NaiveDate>,
    pub emitted: usize,
}

impl DayBuffer {
    fn day(&mut self, date: NaiveDate) -> Option<&mut DayData> {
        if self.emitted_through.is_some_and(|d| date <= d) {
            return None;
        }
        Some(self.open.entry(date).or_insert_with(|| DayData {
            date,
            ..Default::default()
        }))
    }

    /// Adds a heart-rate sample; false if its day was already emitted.
    pub fn push_hr(&mut self, s: HrSample) -> bool {
        self.day(s.time.local.date())
            .map(|d| d.hr.push(s))
            .is_some()
    }

    /// Adds an HRV sample; false if its day was already emitted.
    pub fn push_hrv(&mut self, s: HrvSample) -> bool {
        self.day(s.time.local.date())
            .map(|d| d.hrv.push(s))
            .is_some()
    }

    /// Emits, in order, every day before `watermark - SLACK_DAYS` (all days when `None`),
    /// sorted and de-duplicated. Returns how many duplicates were dropped.
    pub fn flush(
        &mut self,
        watermark: Option<NaiveDate>,
        emit: &mut dyn FnMut(DayData) -> crate::Result<()>,
    ) -> crate::Result<usize> {
        let cut = match watermark {
            Some(w) => match w.checked_sub_days(chrono::Days::new(SLACK_DAYS)) {
                Some(c) => c,
                None => return Ok(0),
            },
            None => NaiveDate::MAX,
        };
        let mut dups = 0;
        while let Some(entry) = self.open.first_entry() {
            if *entry.key() >= cut {
                break;
            }
            let mut day = entry.remove();
            // files are usually in order already: check before sorting
            if !day.hr.is_sorted_by_key(|s| key(&s.time)) {
                day.hr.sort_by_cached_key(|s| key(&s.time));
            }
            let n = day.hr.len();
            day.hr.dedup_by_key(|s| key(&s.time));
            dups += n - day.hr.len();
            if !day.hrv.is_sorted_by_key(|s| key(&s.time)) {
                day.hrv.sort_by_cached_key(|s| key(&s.time));
            }
            let n = day.hrv.len();
            day.hrv.dedup_by_key(|s| key(&s.time));
            dups += n - day.hrv.len();
            self.emitted_through = Some(day.date);
            self.emitted += 1;
            emit(day)?;
        }
        Ok(dups)
    }
}
