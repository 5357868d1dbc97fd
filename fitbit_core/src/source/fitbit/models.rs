//! Typed serde structs for the legacy Fitbit Web API bodies this crate reads.
//!
//! Unknown fields are ignored; fields that real responses sometimes omit are `Option` or
//! default to empty (zone `minutes`, `restingHeartRate`, `customHeartRateZones`).

use serde::Deserialize;

/// `GET /1/user/-/activities/heart/date/…json`: daily summaries and, for intraday requests,
/// the samples. `activities-heart-intraday` is absent without intraday access (docs/fitbit-web-api.md §3.4).
#[derive(Debug, Clone, Deserialize)]
pub struct HeartResponse {
    /// `activities-heart`: one summary per day.
    #[serde(rename = "activities-heart", default)]
    pub activities_heart: Vec<HeartDay>,
    /// `activities-heart-intraday`: the samples (intraday requests with access only).
    #[serde(rename = "activities-heart-intraday")]
    pub intraday: Option<HeartIntraday>,
}

/// [`HeartResponse`] with the intraday `dataset` left as raw JSON text, borrowed from the body,
/// for the fast reader in `dataset.rs`.
#[derive(Debug, Deserialize)]
pub(crate) struct HeartResponseRaw<'a> {
    #[serde(rename = "activities-heart", default)]
    pub activities_heart: Vec<HeartDay>,
    #[serde(rename = "activities-heart-intraday", borrow)]
    pub intraday: Option<HeartIntradayRaw<'a>>,
}

/// `activities-heart-intraday` with the `dataset` as raw JSON text.
#[derive(Debug, Deserialize)]
pub(crate) struct HeartIntradayRaw<'a> {
    #[serde(borrow)]
    pub dataset: Option<&'a serde_json::value::RawValue>,
}

/// One day of `activities-heart`, in either documented shape.
///
/// - Summary shape: `{"dateTime", "value": {"heartRateZones", "restingHeartRate"?}}`.
/// - Time-window shape (`/time/HH:mm/HH:mm`): zones at the top level and `"value": "55.44"`,
///   the day's average as a string.
#[derive(Debug, Clone, Deserialize)]
pub struct HeartDay {
    /// `yyyy-MM-dd` (or `today` in some answers).
    #[serde(rename = "dateTime")]
    pub date_time: String,
    /// The summary object, or the time-window shape's average.
    pub value: Option<HeartDayValue>,
    /// Zones of the time-window shape.
    #[serde(rename = "heartRateZones", default)]
    pub heart_rate_zones: Vec<HeartRateZone>,
    /// User-defined zones of the time-window shape (usually empty).
    #[serde(rename = "customHeartRateZones", default)]
    pub custom_heart_rate_zones: Vec<HeartRateZone>,
}

/// The `value` of an `activities-heart` element.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum HeartDayValue {
    /// The summary object.
    Summary(HeartSummary),
    /// The time-window shape's average, e.g. `"55.44"`.
    AverageText(String),
    /// An average sent as a number.
    AverageNumber(f64),
}

/// The summary object of the usual shape.
#[derive(Debug, Clone, Deserialize)]
pub struct HeartSummary {
    /// The four default zones (Out of Range, Fat Burn, Cardio, Peak).
    #[serde(rename = "heartRateZones", default)]
    pub heart_rate_zones: Vec<HeartRateZone>,
    /// User-defined zones (usually empty).
    #[serde(rename = "customHeartRateZones", default)]
    pub custom_heart_rate_zones: Vec<HeartRateZone>,
    /// Absent on days without enough data.
    #[serde(rename = "restingHeartRate")]
    pub resting_heart_rate: Option<f64>,
}

/// A heart-rate zone; every number may be missing (`minutes` was seen missing in 2025).
#[derive(Debug, Clone, Deserialize)]
pub struct HeartRateZone {
    /// `Out of Range`, `Fat Burn`, `Cardio`, `Peak` or a custom name.
    pub name: Option<String>,
    /// Lower bound, bpm.
    pub min: Option<f64>,
    /// Upper bound, bpm.
    pub max: Option<f64>,
    /// Minutes spent in the zone that day.
    pub minutes: Option<f64>,
    /// Calories burned in the zone.
    #[serde(rename = "caloriesOut")]
    pub calories_out: Option<f64>,
}

/// `activities-heart-intraday`.
#[derive(Debug, Clone, Deserialize)]
pub struct HeartIntraday {
    /// The samples, only where there was a reading (gaps are normal).
    #[serde(default)]
    pub dataset: Vec<HeartPoint>,
    /// The detail level's step in `dataset_type` units (1 for `1sec` and `1min`).
    #[serde(rename = "datasetInterval")]
    pub dataset_interval: Option<u32>,
    /// `"second"` or `"minute"`.
    #[serde(rename = "datasetType")]
    pub dataset_type: Option<String>,
}

/// One intraday sample: local wall-clock `HH:mm:ss` (no offset) and bpm.
#[derive(Debug, Clone, Deserialize)]
pub struct HeartPoint {
    /// Local wall-clock time of the sample.
    pub time: Clock,
    /// Heart rate, bpm.
    pub value: f64,
}

/// A wall-clock time read straight from the JSON string (no `String` per sample: a 1sec day has
/// 86,400). `None` when the text is not `HH:mm:ss` or `HH:mm`; the parser reports where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock(pub Option<chrono::NaiveTime>);

impl<'de> Deserialize<'de> for Clock {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Clock, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Clock;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a time HH:mm:ss")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Clock, E> {
                Ok(Clock(parse_clock(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// `HH:mm:ss` or `HH:mm`. The common `HH:mm:ss` is read by hand: a 1sec day has 86,400 of them.
fn parse_clock(s: &str) -> Option<chrono::NaiveTime> {
    let s = s.trim();
    crate::time::read_hms(s.as_bytes()).or_else(|| {
        chrono::NaiveTime::parse_from_str(s, "%H:%M:%S")
            .or_else(|_| chrono::NaiveTime::parse_from_str(s, "%H:%M"))
            .ok()
    })
}

/// `GET /1/user/-/hrv/date/{start}/{end}.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct HrvSummaryResponse {
    /// One element per night with a value (nights without one are absent).
    #[serde(default)]
    pub hrv: Vec<HrvSummaryDay>,
}

/// One night's HRV summary, dated by the day the main sleep ended.
#[derive(Debug, Clone, Deserialize)]
pub struct HrvSummaryDay {
    /// `yyyy-MM-dd`.
    #[serde(rename = "dateTime")]
    pub date_time: String,
    /// The night's values.
    pub value: HrvSummaryValue,
}

/// `dailyRmssd` and `deepRmssd`, ms.
#[derive(Debug, Clone, Deserialize)]
pub struct HrvSummaryValue {
    /// RMSSD over the main sleep, ms.
    #[serde(rename = "dailyRmssd")]
    pub daily_rmssd: Option<f64>,
    /// RMSSD over its deep sleep, ms.
    #[serde(rename = "deepRmssd")]
    pub deep_rmssd: Option<f64>,
}

/// `GET /1/user/-/hrv/date/{start}/{end}/all.json`: one element per date.
#[derive(Debug, Clone, Deserialize)]
pub struct HrvIntradayResponse {
    /// One element per night.
    #[serde(default)]
    pub hrv: Vec<HrvIntradayDay>,
}

/// The 5-minute HRV points of one night.
#[derive(Debug, Clone, Deserialize)]
pub struct HrvIntradayDay {
    /// `yyyy-MM-dd`.
    #[serde(rename = "dateTime")]
    pub date_time: String,
    /// The night's points, 5 minutes apart.
    #[serde(default)]
    pub minutes: Vec<HrvMinute>,
}

/// One HRV point; `minute` is local time without offset, e.g. `2021-10-25T09:10:00.000`.
#[derive(Debug, Clone, Deserialize)]
pub struct HrvMinute {
    /// Local time without offset.
    pub minute: String,
    /// The point's measurements.
    pub value: HrvMinuteValue,
}

/// The measurements of one HRV point.
#[derive(Debug, Clone, Deserialize)]
pub struct HrvMinuteValue {
    /// RMSSD, ms.
    pub rmssd: Option<f64>,
    /// Share of usable beat intervals, 0–1.
    pub coverage: Option<f64>,
    /// Power in the 0.15–0.4 Hz band.
    pub hf: Option<f64>,
    /// Power in the 0.04–0.15 Hz band.
    pub lf: Option<f64>,
}

/// `GET /1/user/-/profile.json` (only what this crate needs).
#[derive(Debug, Clone, Deserialize)]
pub struct ProfileResponse {
    /// The `user` object.
    pub user: Profile,
}

/// The user's time zone settings.
#[derive(Debug, Clone, Deserialize)]
pub struct Profile {
    /// IANA name, e.g. `Europe/London`.
    pub timezone: Option<String>,
    /// The current offset; informational only (the documented sample does not match its zone).
    #[serde(rename = "offsetFromUTCMillis")]
    pub offset_from_utc_millis: Option<f64>,
}
