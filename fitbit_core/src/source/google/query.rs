//! Data types, AIP-160 filters (only `>=` and `<`, joined by `AND`, snake_case members) and
//! list URLs, percent-encoded (`%20` for spaces, as in Google's own examples).

use chrono::{DateTime, NaiveDate, Utc};

use crate::http::query_value;

/// The list data types this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataType {
    /// `heart-rate` samples.
    HeartRate,
    /// `heart-rate-variability` samples.
    HeartRateVariability,
    /// `daily-heart-rate-variability`, one per night.
    DailyHeartRateVariability,
    /// `daily-resting-heart-rate`, one per day.
    DailyRestingHeartRate,
}

impl DataType {
    /// The kebab-case id in the URL, e.g. `heart-rate`.
    pub fn url_id(self) -> &'static str {
        match self {
            DataType::HeartRate => "heart-rate",
            DataType::HeartRateVariability => "heart-rate-variability",
            DataType::DailyHeartRateVariability => "daily-heart-rate-variability",
            DataType::DailyRestingHeartRate => "daily-resting-heart-rate",
        }
    }
    /// The snake_case member prefix in filters, e.g. `heart_rate`.
    pub fn filter_id(self) -> &'static str {
        match self {
            DataType::HeartRate => "heart_rate",
            DataType::HeartRateVariability => "heart_rate_variability",
            DataType::DailyHeartRateVariability => "daily_heart_rate_variability",
            DataType::DailyRestingHeartRate => "daily_resting_heart_rate",
        }
    }
}

/// Samples with `start <= physical_time < end`.
///
/// ```
/// use fitbit_core::{chrono::{TimeZone, Utc}, source::google::{DataType, query::physical_time_filter}};
/// let a = Utc.with_ymd_and_hms(2026, 9, 24, 15, 0, 0).unwrap();
/// let b = Utc.with_ymd_and_hms(2026, 9, 25, 15, 0, 0).unwrap();
/// assert_eq!(physical_time_filter(DataType::HeartRate, a, b),
///     r#"heart_rate.sample_time.physical_time >= "2026-09-24T15:00:00Z" AND heart_rate.sample_time.physical_time < "2026-09-25T15:00:00Z""#);
/// ```
pub fn physical_time_filter(dt: DataType, start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    let m = dt.filter_id();
    let fmt = "%Y-%m-%dT%H:%M:%SZ";
    format!(
        r#"{m}.sample_time.physical_time >= "{}" AND {m}.sample_time.physical_time < "{}""#,
        start.format(fmt),
        end.format(fmt)
    )
}

/// Daily summaries with `start <= date < end_exclusive`.
pub fn date_filter(dt: DataType, start: NaiveDate, end_exclusive: NaiveDate) -> String {
    let m = dt.filter_id();
    format!(r#"{m}.date >= "{start}" AND {m}.date < "{end_exclusive}""#)
}

/// `{base}/v4/users/me/dataTypes/{id}/dataPoints?filter=…&pageSize=…[&pageToken=…]&prettyPrint=false`.
///
/// `prettyPrint=false` (a standard parameter of Google's APIs, default `true`) asks for compact
/// JSON: a Pixel Watch day of heart rate is then some 12 MB instead of 24 MB to send and read.
pub fn list_url(
    base: &str,
    dt: DataType,
    filter: &str,
    page_size: u32,
    page_token: Option<&str>,
) -> String {
    let mut url = format!(
        "{}/v4/users/me/dataTypes/{}/dataPoints?filter={}&pageSize={page_size}",
        trim(base),
        dt.url_id(),
        query_value(filter)
    );
    if let Some(t) = page_token {
        url.push_str("&pageToken=");
        url.push_str(&query_value(t));
    }
    url.push_str("&prettyPrint=false");
    url
}

/// `{base}/v4/users/me/settings`.
pub fn settings_url(base: &str) -> String {
    format!("{}/v4/users/me/settings", trim(base))
}

fn trim(base: &str) -> &str {
    base.trim().trim_end_matches('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_is_encoded_and_round_trips() {
        let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let f = date_filter(DataType::DailyRestingHeartRate, d(9, 1), d(10, 1));
        let u = list_url(
            "http://h:1/",
            DataType::DailyRestingHeartRate,
            &f,
            10000,
            Some("a+b/=="),
        );
        assert!(
            u.starts_with(
                "http://h:1/v4/users/me/dataTypes/daily-resting-heart-rate/dataPoints?filter=\
             daily_resting_heart_rate.date%20%3E%3D%20%222026-09-01%22%20AND%20"
            ),
            "{u}"
        );
        let parsed = url::Url::parse(&u).unwrap();
        let q: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
        assert_eq!(q[0], ("filter".into(), f));
        assert_eq!(q[1], ("pageSize".into(), "10000".into()));
        assert_eq!(q[2], ("pageToken".into(), "a+b/==".into()));
        assert_eq!(q[3], ("prettyPrint".into(), "false".into()));
    }
}
