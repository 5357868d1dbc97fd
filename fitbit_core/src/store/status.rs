//! What a store holds for a user: per dataset, the days covered, the gaps, the last sync. Facts
//! only; the CLI and the notebooks put them in words.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Dataset, DayState, Store, UserId};
use crate::Result;

/// A run of consecutive days without data (not fetched, failed, or fetched with no rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    /// First day of the gap.
    pub start: NaiveDate,
    /// Last day of the gap.
    pub end: NaiveDate,
}

impl Gap {
    /// Days in the gap.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

/// One dataset of one user.
#[derive(Debug, Clone, PartialEq)]
pub struct TableStatus {
    /// The dataset.
    pub dataset: Dataset,
    /// First and last day with rows.
    pub first: Option<NaiveDate>,
    /// Last day with rows.
    pub last: Option<NaiveDate>,
    /// Days recorded as complete.
    pub complete_days: u64,
    /// Days recorded as provisional (fetched again by the next sync).
    pub provisional_days: u64,
    /// Days that failed for good, with the last error.
    pub failed_days: u64,
    /// Days with at least one row.
    pub days_with_data: u64,
    /// Rows stored.
    pub rows: u64,
    /// Days of the window without rows.
    pub gaps: Vec<Gap>,
    /// The last error of a failed day.
    pub last_error: Option<String>,
}

/// Everything the store knows of one user.
#[derive(Debug, Clone, PartialEq)]
pub struct UserStatus {
    /// The user.
    pub user: UserId,
    /// The window the gaps and coverage refer to.
    pub window: Option<(NaiveDate, NaiveDate)>,
    /// Per dataset, in [`Dataset::ALL`] order.
    pub tables: Vec<TableStatus>,
    /// When the last sync finished, and how (`ok`, `failed`, `budget`).
    pub last_sync: Option<(DateTime<Utc>, String)>,
}

impl Store {
    /// The status of `user` over `window` (default: the first to the last recorded day).
    pub fn status(
        &self,
        user: &UserId,
        window: Option<(NaiveDate, NaiveDate)>,
    ) -> Result<UserStatus> {
        let ledger = self.ledger(user)?;
        let mut tables = Vec::new();
        let mut all_first: Option<NaiveDate> = None;
        let mut all_last: Option<NaiveDate> = None;
        let mut per = Vec::new();
        for dataset in Dataset::ALL {
            let days = ledger.days(dataset, None, None)?;
            if let (Some(f), Some(l)) = (days.first(), days.last()) {
                all_first = Some(all_first.map_or(f.date, |a| a.min(f.date)));
                all_last = Some(all_last.map_or(l.date, |a| a.max(l.date)));
            }
            per.push((dataset, days));
        }
        let window = window.or(all_first.zip(all_last));
        for (dataset, days) in per {
            let with_data: Vec<NaiveDate> =
                days.iter().filter(|d| d.rows > 0).map(|d| d.date).collect();
            let count = |s: DayState| days.iter().filter(|d| d.state == s).count() as u64;
            let gaps = match window {
                Some((a, b)) => gaps_in(a, b, &with_data),
                None => Vec::new(),
            };
            tables.push(TableStatus {
                dataset,
                first: with_data.first().copied(),
                last: with_data.last().copied(),
                complete_days: count(DayState::Complete),
                provisional_days: count(DayState::Provisional),
                failed_days: count(DayState::Failed),
                days_with_data: with_data.len() as u64,
                rows: days.iter().map(|d| d.rows).sum(),
                gaps,
                last_error: days.iter().rev().find_map(|d| d.error.clone()),
            });
        }
        Ok(UserStatus {
            user: user.clone(),
            window,
            tables,
            last_sync: ledger.last_sync()?,
        })
    }
}

/// The runs of days in `start..=end` not in `have` (sorted).
pub(crate) fn gaps_in(start: NaiveDate, end: NaiveDate, have: &[NaiveDate]) -> Vec<Gap> {
    let mut gaps = Vec::new();
    let mut open: Option<NaiveDate> = None;
    let mut it = have.iter().copied().peekable();
    for day in start.iter_days().take_while(|d| *d <= end) {
        while it.peek().is_some_and(|d| *d < day) {
            it.next();
        }
        let present = it.peek() == Some(&day);
        match (present, open) {
            (false, None) => open = Some(day),
            (true, Some(s)) => {
                gaps.push(Gap {
                    start: s,
                    end: day.pred_opt().unwrap_or(day),
                });
                open = None;
            }
            _ => {}
        }
    }
    if let Some(s) = open {
        gaps.push(Gap { start: s, end });
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_are_runs_of_missing_days() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let have = [d("2026-10-02"), d("2026-10-03"), d("2026-10-06")];
        let g = gaps_in(d("2026-10-01"), d("2026-10-08"), &have);
        assert_eq!(
            g,
            vec![
                Gap {
                    start: d("2026-10-01"),
                    end: d("2026-10-01")
                },
                Gap {
                    start: d("2026-10-04"),
                    end: d("2026-10-05")
                },
                Gap {
                    start: d("2026-10-07"),
                    end: d("2026-10-08")
                },
            ]
        );
        assert_eq!(g[1].days(), 2);
        assert!(gaps_in(d("2026-10-02"), d("2026-10-03"), &have).is_empty());
    }
}
