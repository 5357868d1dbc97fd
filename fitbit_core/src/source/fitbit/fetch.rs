//! The request plan for the legacy API: URLs, one request per day for intraday heart rate,
//! ranges split to the documented maxima (1 year for the heart time series, 30 days for HRV).

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use chrono_tz::Tz;

use super::parse;
use crate::Result;
use crate::http::ApiGet;
use crate::record::{DailyHr, DailyHrv, Detail, HrSample, HrvSample};

/// Longest range of one heart-rate time-series request, in days (inclusive; "1 year").
pub const HEART_DAILY_MAX_DAYS: u64 = 365;
/// Longest range of one HRV request, in days (inclusive; "30 days").
pub const HRV_MAX_DAYS: u64 = 30;

/// The profile's time zone (`GET {base}/1/user/-/profile.json`, scope `profile`).
pub fn fetch_profile_tz(api: &mut dyn ApiGet, base: &str) -> Result<Option<Tz>> {
    let body = api.get(&format!("{}/1/user/-/profile.json", trim(base)))?;
    parse::parse_profile_tz(&body)
}

/// One day of intraday heart rate in ONE request:
/// `{base}/1/user/-/activities/heart/date/{day}/1d/{detail}.json`.
pub fn fetch_heart_intraday(
    api: &mut dyn ApiGet,
    base: &str,
    day: NaiveDate,
    detail: Detail,
    tz: Option<Tz>,
) -> Result<(Option<DailyHr>, Vec<HrSample>)> {
    let url = format!(
        "{}/1/user/-/activities/heart/date/{day}/1d/{detail}.json",
        trim(base)
    );
    let body = api.get(&url)?;
    parse::parse_heart_intraday(&body, day, tz)
}

/// Daily resting heart rate for `start..=end`, ascending, one per date, in requests of at most
/// [`HEART_DAILY_MAX_DAYS`]: `{base}/1/user/-/activities/heart/date/{start}/{end}.json`.
pub fn fetch_heart_daily(
    api: &mut dyn ApiGet,
    base: &str,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Vec<DailyHr>> {
    let mut by_date = BTreeMap::new();
    for (a, b) in split_range(start, end, HEART_DAILY_MAX_DAYS)? {
        let url = format!("{}/1/user/-/activities/heart/date/{a}/{b}.json", trim(base));
        for d in parse::parse_heart_daily(&api.get(&url)?)? {
            by_date.insert(d.date, d);
        }
    }
    Ok(by_date.into_values().collect())
}

/// Nightly HRV for `start..=end`, ascending, one per date, in requests of at most
/// [`HRV_MAX_DAYS`]: `{base}/1/user/-/hrv/date/{start}/{end}.json`.
pub fn fetch_hrv_daily(
    api: &mut dyn ApiGet,
    base: &str,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Vec<DailyHrv>> {
    let mut by_date = BTreeMap::new();
    for (a, b) in split_range(start, end, HRV_MAX_DAYS)? {
        let url = format!("{}/1/user/-/hrv/date/{a}/{b}.json", trim(base));
        for d in parse::parse_hrv_daily(&api.get(&url)?)? {
            by_date.insert(d.date, d);
        }
    }
    Ok(by_date.into_values().collect())
}

/// 5-minute HRV points for the nights ending `start..=end`, ascending, in requests of at most
/// [`HRV_MAX_DAYS`]: `{base}/1/user/-/hrv/date/{start}/{end}/all.json`.
pub fn fetch_hrv_intraday(
    api: &mut dyn ApiGet,
    base: &str,
    start: NaiveDate,
    end: NaiveDate,
    tz: Option<Tz>,
) -> Result<Vec<HrvSample>> {
    let mut out = Vec::new();
    for (a, b) in split_range(start, end, HRV_MAX_DAYS)? {
        let url = format!("{}/1/user/-/hrv/date/{a}/{b}/all.json", trim(base));
        out.extend(parse::parse_hrv_intraday(&api.get(&url)?, tz)?);
    }
    Ok(out)
}

/// `start..=end` cut into consecutive inclusive ranges of at most `max_days` days.
///
/// ```
/// use fitbit_core::{chrono::NaiveDate, source::fitbit::fetch::split_range};
/// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
/// assert_eq!(split_range(d(1, 1), d(2, 5), 30).unwrap(),
///            vec![(d(1, 1), d(1, 30)), (d(1, 31), d(2, 5))]);
/// assert!(split_range(d(2, 1), d(1, 1), 30).is_err());
/// ```
pub fn split_range(
    start: NaiveDate,
    end: NaiveDate,
    max_days: u64,
) -> Result<Vec<(NaiveDate, NaiveDate)>> {
    crate::time::check_range(start, end)?;
    let step = max_days.max(1);
    let mut out = Vec::new();
    let mut a = start;
    loop {
        let b = a
            .checked_add_days(Days::new(step - 1))
            .map_or(end, |b| b.min(end));
        out.push((a, b));
        match b.succ_opt() {
            Some(next) if b < end => a = next,
            _ => break,
        }
    }
    Ok(out)
}

fn trim(base: &str) -> &str {
    base.trim().trim_end_matches('/')
}
