//! Typed serde structs for the Google Health API v4 JSON (proto3 JSON mapping).
//!
//! proto3 JSON omits default values, so almost everything is optional here: an empty page is
//! `{}`, a midnight `TimeOfDay` is `{}` or absent, zero parts of a time are left out. `int64`
//! fields are JSON strings (`"49"`); numbers are accepted too. Unknown fields are ignored.

use serde::{Deserialize, Deserializer};

/// One page of `GET /v4/users/me/dataTypes/{type}/dataPoints`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDataPointsResponse {
    /// Absent when the page is empty. Newest first.
    #[serde(default)]
    pub data_points: Vec<DataPoint>,
    /// Absent or `""` on the last page.
    pub next_page_token: Option<String>,
}

/// A data point; exactly one payload is set, matching the listed data type.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataPoint {
    /// Only for identifiable types (exercise, sleep); absent for heart rate.
    pub name: Option<String>,
    /// The payload of `heart-rate`.
    pub heart_rate: Option<HeartRate>,
    /// The payload of `heart-rate-variability`.
    pub heart_rate_variability: Option<HeartRateVariability>,
    /// The payload of `daily-heart-rate-variability`.
    pub daily_heart_rate_variability: Option<DailyHeartRateVariability>,
    /// The payload of `daily-resting-heart-rate`.
    pub daily_resting_heart_rate: Option<DailyRestingHeartRate>,
}

/// `heart-rate` sample.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeartRate {
    /// When the sample was taken.
    pub sample_time: ObservationSampleTime,
    /// Required by the schema; proto3 would omit a zero.
    #[serde(default, deserialize_with = "int64")]
    pub beats_per_minute: Option<i64>,
}

/// `heart-rate-variability` sample (no coverage, LF or HF in v4).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeartRateVariability {
    /// When the measurement was taken.
    pub sample_time: ObservationSampleTime,
    /// RMSSD, ms.
    pub root_mean_square_of_successive_differences_milliseconds: Option<f64>,
    /// SDNN, ms.
    pub standard_deviation_milliseconds: Option<f64>,
}

/// `daily-heart-rate-variability`, dated in the user's time zone.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DailyHeartRateVariability {
    /// The day, in the user's time zone.
    pub date: Option<Date>,
    /// Average RMSSD of the night, ms (the legacy `dailyRmssd`).
    pub average_heart_rate_variability_milliseconds: Option<f64>,
    /// RMSSD during deep sleep, ms (the legacy `deepRmssd`).
    pub deep_sleep_root_mean_square_of_successive_differences_milliseconds: Option<f64>,
    /// Shannon entropy of the beat intervals.
    pub entropy: Option<f64>,
    /// Non-REM heart rate, bpm (int64 string on the wire).
    #[serde(default, deserialize_with = "int64")]
    pub non_rem_heart_rate_beats_per_minute: Option<i64>,
}

/// `daily-resting-heart-rate`, dated in the user's time zone.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DailyRestingHeartRate {
    /// The day, in the user's time zone.
    pub date: Option<Date>,
    /// Resting heart rate, bpm (int64 string on the wire).
    #[serde(default, deserialize_with = "int64")]
    pub beats_per_minute: Option<i64>,
}

/// When a sample was taken: the UTC instant, the offset then, and the civil (local) time.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObservationSampleTime {
    /// RFC 3339 UTC, fractional seconds possible.
    pub physical_time: String,
    /// A Duration string, e.g. `"32400s"`, `"-18000s"`.
    pub utc_offset: Option<String>,
    /// Output only; `physical_time + utc_offset`.
    pub civil_time: Option<CivilDateTime>,
}

/// A local date and time of day without zone or offset.
#[derive(Debug, Clone, Deserialize)]
pub struct CivilDateTime {
    /// The calendar date.
    pub date: Option<Date>,
    /// Missing or `{}` means midnight.
    pub time: Option<TimeOfDay>,
}

/// `google.type.Date`.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
pub struct Date {
    /// Year, e.g. 2026.
    #[serde(default)]
    pub year: i32,
    /// Month, 1–12.
    #[serde(default)]
    pub month: u32,
    /// Day of the month, 1–31.
    #[serde(default)]
    pub day: u32,
}

/// `google.type.TimeOfDay`; omitted parts are 0.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
pub struct TimeOfDay {
    /// Hours, 0–23.
    #[serde(default)]
    pub hours: u32,
    /// Minutes, 0–59.
    #[serde(default)]
    pub minutes: u32,
    /// Seconds, 0–59.
    #[serde(default)]
    pub seconds: u32,
    /// Fractions of a second, in nanoseconds.
    #[serde(default)]
    pub nanos: u32,
}

/// `GET /v4/users/me/settings` (only the time fields).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsResponse {
    /// IANA name, e.g. `Asia/Tokyo`.
    pub time_zone: Option<String>,
    /// Duration string, e.g. `"32400s"`.
    pub utc_offset: Option<String>,
}

/// An int64 as proto3 JSON sends it (a string), or as a plain integer.
fn int64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Int64 {
        Text(String),
        Int(i64),
        Float(f64),
    }
    use serde::de::Error;
    match Option::<Int64>::deserialize(d)? {
        None => Ok(None),
        Some(Int64::Int(i)) => Ok(Some(i)),
        Some(Int64::Text(s)) => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| D::Error::custom(format!("expected an int64 string, got {s:?}"))),
        Some(Int64::Float(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
        Some(Int64::Float(f)) => Err(D::Error::custom(format!("expected an integer, got {f}"))),
    }
}
