//! Paging over [`ApiGet`] and the fetchers: one filtered list query per request, followed
//! through `nextPageToken`, results ascending.

use std::collections::{BTreeMap, HashSet};

use chrono::{Days, NaiveDate};
use chrono_tz::Tz;

use super::models::DataPoint;
use super::parse::{self, Settings, sort_by_instant};
use super::query::{DataType, date_filter, list_url, physical_time_filter, settings_url};
use crate::http::ApiGet;
use crate::record::{DailyHr, DailyHrv, HrSample, HrvSample};
use crate::source::json::invalid;
use crate::{Error, Result, time};

/// `pageSize` sent with every list request: the documented maximum, so a day takes the fewest
/// pages (the server may still return fewer points per page).
pub const PAGE_SIZE: u32 = 10_000;
/// Give up after this many pages of one query (a server that never stops paging).
pub const MAX_PAGES: usize = 1_000;

/// Items gathered over all pages of a query, and how many pages (requests) that took.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Paged<T> {
    /// Everything gathered, in the fetcher's order.
    pub items: Vec<T>,
    /// Requests made (one per page).
    pub pages: usize,
}

/// The user's time zone and current offset: `GET {base}/v4/users/me/settings`.
pub fn fetch_settings(api: &mut dyn ApiGet, base: &str) -> Result<Settings> {
    parse::parse_settings(&api.get(&settings_url(base))?)
}

/// Heart-rate samples of the user's LOCAL day `day` in zone `tz` (23 h or 25 h on DST days),
/// ascending. Filter: `heart_rate.sample_time.physical_time` within the day's UTC bounds.
pub fn fetch_heart_intraday(
    api: &mut dyn ApiGet,
    base: &str,
    day: NaiveDate,
    tz: Tz,
) -> Result<Paged<HrSample>> {
    let (start, end) = time::local_day_bounds(day, tz);
    let filter = physical_time_filter(DataType::HeartRate, start, end);
    let what = "Google Health heart-rate list";
    let mut paged = list_all(api, base, DataType::HeartRate, &filter, what, |p, w| {
        parse::heart_rate_samples(p, Some(tz), w)
    })?;
    sort_by_instant(&mut paged.items, |s| s.time);
    Ok(paged)
}

/// HRV samples (RMSSD, SDNN) from local midnight of `start` to local midnight after `end`.
pub fn fetch_hrv_intraday(
    api: &mut dyn ApiGet,
    base: &str,
    start: NaiveDate,
    end: NaiveDate,
    tz: Tz,
) -> Result<Paged<HrvSample>> {
    check_range(start, end)?;
    let (from, _) = time::local_day_bounds(start, tz);
    let (_, to) = time::local_day_bounds(end, tz);
    let filter = physical_time_filter(DataType::HeartRateVariability, from, to);
    let what = "Google Health heart-rate-variability list";
    let mut paged = list_all(
        api,
        base,
        DataType::HeartRateVariability,
        &filter,
        what,
        |p, w| parse::hrv_samples(p, Some(tz), w),
    )?;
    sort_by_instant(&mut paged.items, |s| s.time);
    Ok(paged)
}

/// Daily resting heart rate for `start..=end`, ascending, one per date.
pub fn fetch_resting_daily(
    api: &mut dyn ApiGet,
    base: &str,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Paged<DailyHr>> {
    let dt = DataType::DailyRestingHeartRate;
    let filter = date_filter(dt, start, day_after(start, end)?);
    let what = "Google Health daily-resting-heart-rate list";
    let paged = list_all(api, base, dt, &filter, what, parse::resting_days)?;
    Ok(one_per_date(paged, |d| d.date))
}

/// Nightly HRV for `start..=end`, ascending, one per date.
pub fn fetch_hrv_daily(
    api: &mut dyn ApiGet,
    base: &str,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Paged<DailyHrv>> {
    let dt = DataType::DailyHeartRateVariability;
    let filter = date_filter(dt, start, day_after(start, end)?);
    let what = "Google Health daily-heart-rate-variability list";
    let paged = list_all(api, base, dt, &filter, what, parse::hrv_days)?;
    Ok(one_per_date(paged, |d| d.date))
}

/// Run one list query through all its pages. Stops when `nextPageToken` is absent or empty;
/// empty pages with a token are followed; a repeated token is an error.
fn list_all<T>(
    api: &mut dyn ApiGet,
    base: &str,
    dt: DataType,
    filter: &str,
    what: &str,
    convert: impl Fn(&[DataPoint], &str) -> Result<Vec<T>>,
) -> Result<Paged<T>> {
    let mut items = Vec::new();
    let mut pages = 0;
    let mut token: Option<String> = None;
    let mut seen = HashSet::new();
    loop {
        if pages >= MAX_PAGES {
            return Err(invalid(
                what,
                "nextPageToken",
                format!("still more pages after {MAX_PAGES}; ask for a shorter date range"),
            ));
        }
        let body = api.get(&list_url(base, dt, filter, PAGE_SIZE, token.as_deref()))?;
        pages += 1;
        let page_what = format!("{what} (page {pages})");
        let page = parse::parse_page(&body, &page_what)?;
        items.extend(convert(&page.data_points, &page_what)?);
        match page.next_page_token.filter(|t| !t.is_empty()) {
            None => break,
            Some(t) if !seen.insert(t.clone()) => {
                return Err(invalid(
                    &page_what,
                    "nextPageToken",
                    "the server sent a page token it had sent before; stopped to avoid an \
                     endless loop. Try again later",
                ));
            }
            Some(t) => token = Some(t),
        }
    }
    Ok(Paged { items, pages })
}

fn one_per_date<T>(paged: Paged<T>, date: impl Fn(&T) -> NaiveDate) -> Paged<T> {
    let mut by_date = BTreeMap::new();
    for item in paged.items {
        by_date.insert(date(&item), item);
    }
    Paged {
        items: by_date.into_values().collect(),
        pages: paged.pages,
    }
}

fn check_range(start: NaiveDate, end: NaiveDate) -> Result<()> {
    if end < start {
        return Err(Error::InvalidInput {
            what: format!("date range {start} to {end}"),
            hint: "the end date must be on or after the start date".into(),
        });
    }
    Ok(())
}

/// `end + 1`, the exclusive upper bound of a `.date` filter.
fn day_after(start: NaiveDate, end: NaiveDate) -> Result<NaiveDate> {
    check_range(start, end)?;
    end.checked_add_days(Days::new(1))
        .ok_or_else(|| Error::InvalidInput {
            what: format!("end date {end}"),
            hint: "use a date before the year 262143".into(),
        })
}
