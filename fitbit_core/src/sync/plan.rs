//! What a sync will fetch: per dataset, the days that are missing, provisional, failed or
//! corrupt, grouped into the fewest requests the APIs allow.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::Provider;
use crate::Result;
use crate::store::{Dataset, DayState, Ledger, Store, UserId};

/// One unit of fetching: a run of days of a daily dataset (one list query), or one day of an
/// intraday dataset (one paging sequence).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Task {
    /// The dataset.
    pub dataset: Dataset,
    /// First day.
    pub start: NaiveDate,
    /// Last day (the same as `start` for intraday datasets).
    pub end: NaiveDate,
}

impl Task {
    /// Days covered.
    pub fn days(&self) -> u64 {
        (self.end - self.start).num_days() as u64 + 1
    }
}

/// The plan of one user's sync, printed before it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The user.
    pub user: UserId,
    /// The provider.
    pub provider: Provider,
    /// The range synced.
    pub start: NaiveDate,
    /// Last day synced.
    pub end: NaiveDate,
    /// What will be fetched, in order.
    pub tasks: Vec<Task>,
    /// Days already complete and intact, per dataset: not fetched.
    pub complete: BTreeMap<Dataset, u64>,
    /// Days the ledger claimed whose file was missing or corrupt: fetched again.
    pub repaired: u64,
    /// Requests the tasks are expected to take.
    pub expected_requests: u64,
    /// The per-user quota: requests per window.
    pub quota: (u32, Duration),
}

impl Plan {
    /// Days to fetch, per dataset.
    pub fn days_to_fetch(&self) -> BTreeMap<Dataset, u64> {
        let mut m = BTreeMap::new();
        for t in &self.tasks {
            *m.entry(t.dataset).or_default() += t.days();
        }
        m
    }

    /// The expected requests at the quota: requests ÷ limit × window (the quota floor).
    pub fn expected_duration(&self) -> Duration {
        let (limit, window) = self.quota;
        window.mul_f64(self.expected_requests as f64 / f64::from(limit))
    }
}

/// The per-user quota of each provider: Google 300 requests a minute, Fitbit 150 an hour.
pub fn user_quota(provider: Provider) -> (u32, Duration) {
    match provider {
        Provider::Google => (300, Duration::from_secs(60)),
        Provider::Fitbit => (150, Duration::from_secs(3600)),
    }
}

/// True when the local day `date` ended less than `settle_days` ago: a watch may still upload
/// samples for it, so it is fetched again by the next sync.
pub fn is_provisional(date: NaiveDate, tz: Tz, now: DateTime<Utc>, settle_days: u32) -> bool {
    let (_, day_end) = crate::time::local_day_bounds(date, tz);
    now < day_end + chrono::Duration::days(i64::from(settle_days))
}

pub(crate) struct PlanInput<'a> {
    pub store: &'a Store,
    pub ledger: &'a Ledger,
    pub user: &'a UserId,
    pub provider: Provider,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub datasets: &'a [Dataset],
    pub refetch: bool,
}

/// Builds the plan; forgets ledger entries whose file is missing or corrupt.
pub(crate) fn plan(input: PlanInput<'_>) -> Result<Plan> {
    let PlanInput {
        store,
        ledger,
        user,
        provider,
        start,
        end,
        datasets,
        refetch,
    } = input;
    crate::time::check_range(start, end)?;
    let mut tasks = Vec::new();
    let mut complete = BTreeMap::new();
    let mut repaired = 0;
    let mut expected = 1; // the time-zone lookup
    for &dataset in Dataset::ALL.iter().filter(|d| datasets.contains(d)) {
        let entries: BTreeMap<NaiveDate, _> = ledger
            .days(dataset, Some(start), Some(end))?
            .into_iter()
            .map(|e| (e.date, e))
            .collect();
        let mut todo = Vec::new();
        let mut per_day_requests = Vec::new();
        for day in start.iter_days().take_while(|d| *d <= end) {
            let keep = match entries.get(&day) {
                Some(e) if !store.verify(e) => {
                    ledger.forget(dataset, day)?;
                    repaired += 1;
                    false
                }
                Some(e) => {
                    if e.requests > 0 && !dataset.is_daily() {
                        per_day_requests.push(e.requests);
                    }
                    !refetch && e.state == DayState::Complete
                }
                None => false,
            };
            if keep {
                *complete.entry(dataset).or_default() += 1;
            } else {
                todo.push(day);
            }
        }
        let typical = typical_requests(dataset, provider, &per_day_requests);
        if dataset.is_daily() {
            for (a, b) in runs(&todo, max_days_per_request(dataset, provider)) {
                tasks.push(Task {
                    dataset,
                    start: a,
                    end: b,
                });
                expected += 1;
            }
        } else {
            for d in &todo {
                tasks.push(Task {
                    dataset,
                    start: *d,
                    end: *d,
                });
                expected += typical;
            }
        }
    }
    Ok(Plan {
        user: user.clone(),
        provider,
        start,
        end,
        tasks,
        complete,
        repaired,
        expected_requests: expected,
        quota: user_quota(provider),
    })
}

/// The longest range one request of a daily dataset may cover: Google lists up to 10,000
/// points a page (27 years of days); Fitbit's heart time series 1 year, HRV 30 days.
fn max_days_per_request(dataset: Dataset, provider: Provider) -> u64 {
    match (provider, dataset) {
        (Provider::Google, _) => 10_000,
        (Provider::Fitbit, Dataset::RestingHeartRate) => 365,
        (Provider::Fitbit, _) => 30,
    }
}

/// Requests an intraday day takes: the median of the days fetched before, else a guess (a
/// Google heart-rate day of 20–40k samples at up to 10,000 a page; one for the rest).
fn typical_requests(dataset: Dataset, provider: Provider, seen: &[u64]) -> u64 {
    if !seen.is_empty() {
        let mut v = seen.to_vec();
        v.sort_unstable();
        return v[v.len() / 2];
    }
    match (provider, dataset) {
        (Provider::Google, Dataset::HeartRate) => 4,
        _ => 1,
    }
}

/// Consecutive days grouped into runs of at most `max` days.
fn runs(days: &[NaiveDate], max: u64) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for &d in days {
        match out.last_mut() {
            Some((a, b))
                if b.checked_add_days(Days::new(1)) == Some(d)
                    && ((d - *a).num_days() as u64) < max =>
            {
                *b = d
            }
            _ => out.push((d, d)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_split_at_gaps_and_at_the_request_limit() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let days: Vec<NaiveDate> = d("2026-01-01")
            .iter_days()
            .take(70)
            .filter(|x| *x != d("2026-01-10"))
            .collect();
        let r = runs(&days, 30);
        assert_eq!(
            r,
            vec![
                (d("2026-01-01"), d("2026-01-09")),
                (d("2026-01-11"), d("2026-02-09")),
                (d("2026-02-10"), d("2026-03-11")),
            ]
        );
    }

    #[test]
    fn a_day_is_provisional_until_it_has_settled() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let tz = chrono_tz::Europe::Berlin;
        let now: DateTime<Utc> = "2026-11-10T12:00:00Z".parse().unwrap();
        assert!(is_provisional(d("2026-11-10"), tz, now, 7));
        assert!(is_provisional(d("2026-11-03"), tz, now, 7));
        assert!(!is_provisional(d("2026-11-02"), tz, now, 7));
        assert!(!is_provisional(d("2026-11-09"), tz, now, 0));
        assert!(
            is_provisional(d("2026-11-10"), tz, now, 0),
            "today is never complete"
        );
    }
}
