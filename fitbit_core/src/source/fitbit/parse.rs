//! Pure parsers: a Fitbit response body → [`crate::record`] types. No I/O.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;

use super::dataset::split_heart_body;
use super::models::{
    HeartDay, HeartDayValue, HeartResponse, HeartResponseRaw, HrvIntradayResponse,
    HrvSummaryResponse, ProfileResponse,
};
use crate::record::{DailyHr, DailyHrv, HrSample, HrvSample, Timestamp};
use crate::source::json::{decode, decode_borrowed, invalid};
use crate::{Error, Result, time};

const HEART_DAILY: &str = "Fitbit heart rate time series";
const HEART_INTRADAY: &str = "Fitbit heart rate intraday";
const HRV_DAILY: &str = "Fitbit HRV summary";
const HRV_INTRADAY: &str = "Fitbit HRV intraday";
const PROFILE: &str = "Fitbit profile";

/// Daily resting heart rate from an `activities-heart` time series, ascending, one per date.
///
/// ```
/// let body = br#"{"activities-heart":[{"dateTime":"2017-08-16","value":{"heartRateZones":[]}},
///   {"dateTime":"2017-08-15","value":{"heartRateZones":[],"restingHeartRate":51}}]}"#;
/// let days = fitbit_core::source::fitbit::parse_heart_daily(body).unwrap();
/// assert_eq!(days[0].resting_bpm, Some(51.0));
/// assert_eq!(days[1].resting_bpm, None);
/// ```
pub fn parse_heart_daily(body: &[u8]) -> Result<Vec<DailyHr>> {
    let resp: HeartResponse = decode(body, HEART_DAILY)?;
    let mut by_date = BTreeMap::new();
    for (i, day) in resp.activities_heart.iter().enumerate() {
        let path = format!("activities-heart[{i}].dateTime");
        let date = parse_date(&day.date_time, HEART_DAILY, &path)?;
        by_date.insert(date, resting(&day.value));
    }
    Ok(by_date
        .into_iter()
        .map(|(date, resting_bpm)| DailyHr { date, resting_bpm })
        .collect())
}

/// The day's summary and samples of an intraday heart-rate body for local day `day`.
///
/// Local timestamps are `day` + `time`; a dataset that wraps past midnight (time drops by more
/// than 12 h) continues on the next day, and a repeated DST hour stays in dataset order. With a
/// time zone, offsets come from [`time::attach_offsets`]; without one they are `None`.
/// A 200 body without `activities-heart-intraday` is [`Error::IntradayUnavailable`].
pub fn parse_heart_intraday(
    body: &[u8],
    day: NaiveDate,
    tz: Option<Tz>,
) -> Result<(Option<DailyHr>, Vec<HrSample>)> {
    // Fast path: the dataset in the layout Fitbit writes is read by hand and the rest of the
    // body by serde (see `dataset.rs`). Anything else, errors included, goes through the typed
    // models below.
    if let Some(split) = split_heart_body(body)
        && let Some(resp) = decode_borrowed::<HeartResponseRaw>(&split.rest)
        && let Some(dataset) = resp.intraday.as_ref().and_then(|i| i.dataset)
        && split.is_dataset(dataset)
    {
        let mut clock = SampleClock::new(day, tz);
        let samples = split
            .points
            .iter()
            .map(|&(t, bpm)| HrSample {
                time: clock.next(t),
                bpm,
                confidence: None,
            })
            .collect();
        return Ok((day_summary(&resp.activities_heart, day), samples));
    }
    let resp: HeartResponse = decode(body, HEART_INTRADAY)?;
    let summary = day_summary(&resp.activities_heart, day);
    let intraday = resp.intraday.ok_or(Error::IntradayUnavailable)?;
    let mut clock = SampleClock::new(day, tz);
    let mut samples = Vec::with_capacity(intraday.dataset.len());
    for (i, point) in intraday.dataset.iter().enumerate() {
        // Paths are built only on error: a 1sec day has 86,400 points.
        let path = |field: &str| format!("activities-heart-intraday.dataset[{i}].{field}");
        let t = point
            .time
            .0
            .ok_or_else(|| invalid(HEART_INTRADAY, path("time"), "expected HH:mm:ss"))?;
        let bpm = to_bpm(point.value).map_err(|m| invalid(HEART_INTRADAY, path("value"), m))?;
        samples.push(HrSample {
            time: clock.next(t),
            bpm,
            confidence: None,
        });
    }
    Ok((summary, samples))
}

/// The first `activities-heart` element as the day's summary.
fn day_summary(days: &[HeartDay], day: NaiveDate) -> Option<DailyHr> {
    days.first().map(|d| DailyHr {
        // `today` and other non-dates stand for the requested day.
        date: NaiveDate::parse_from_str(&d.date_time, "%Y-%m-%d").unwrap_or(day),
        resting_bpm: resting(&d.value),
    })
}

/// Turns the clock times of one day's dataset, in order, into timestamps: a time that drops by
/// more than 12 h continues on the next day; offsets follow [`time::OffsetTracker`].
struct SampleClock {
    date: NaiveDate,
    prev: Option<NaiveTime>,
    offsets: Option<time::OffsetTracker>,
}

impl SampleClock {
    fn new(day: NaiveDate, tz: Option<Tz>) -> Self {
        SampleClock {
            date: day,
            prev: None,
            offsets: tz.map(time::OffsetTracker::new),
        }
    }

    fn next(&mut self, t: NaiveTime) -> Timestamp {
        if let Some(p) = self.prev
            && t < p
            && p - t > Duration::hours(12)
        {
            self.date = self.date.succ_opt().unwrap_or(self.date);
        }
        self.prev = Some(t);
        let local = self.date.and_time(t);
        Timestamp::new(local, self.offsets.as_mut().and_then(|o| o.offset(local)))
    }
}

/// Nightly HRV summaries (`dailyRmssd`, `deepRmssd`), ascending, one per date.
pub fn parse_hrv_daily(body: &[u8]) -> Result<Vec<DailyHrv>> {
    let resp: HrvSummaryResponse = decode(body, HRV_DAILY)?;
    let mut by_date = BTreeMap::new();
    for (i, day) in resp.hrv.iter().enumerate() {
        let date = parse_date(&day.date_time, HRV_DAILY, &format!("hrv[{i}].dateTime"))?;
        by_date.insert(
            date,
            DailyHrv {
                date,
                daily_rmssd: day.value.daily_rmssd,
                deep_rmssd: day.value.deep_rmssd,
                ..DailyHrv::default()
            },
        );
    }
    Ok(by_date.into_values().collect())
}

/// The 5-minute HRV points of every night in the body, nights ascending, points in order.
/// `minute` is local wall-clock; offsets come from `tz` when known.
pub fn parse_hrv_intraday(body: &[u8], tz: Option<Tz>) -> Result<Vec<HrvSample>> {
    let resp: HrvIntradayResponse = decode(body, HRV_INTRADAY)?;
    let mut nights = Vec::with_capacity(resp.hrv.len());
    for (i, night) in resp.hrv.iter().enumerate() {
        let date = parse_date(
            &night.date_time,
            HRV_INTRADAY,
            &format!("hrv[{i}].dateTime"),
        )?;
        nights.push((date, i, night));
    }
    nights.sort_by_key(|(date, i, _)| (*date, *i));
    let mut locals = Vec::new();
    let mut values = Vec::new();
    for (_, i, night) in nights {
        for (j, m) in night.minutes.iter().enumerate() {
            let local = parse_local_datetime(&m.minute).ok_or_else(|| {
                invalid(
                    HRV_INTRADAY,
                    format!("hrv[{i}].minutes[{j}].minute"),
                    format!(
                        "expected a local time like 2021-10-25T09:10:00.000, got {:?}",
                        m.minute
                    ),
                )
            })?;
            locals.push(local);
            values.push(&m.value);
        }
    }
    let offsets = offsets_for(&locals, tz);
    Ok(locals
        .into_iter()
        .zip(offsets)
        .zip(values)
        .map(|((local, offset), v)| HrvSample {
            time: Timestamp::new(local, offset),
            rmssd: v.rmssd,
            coverage: v.coverage,
            hf: v.hf,
            lf: v.lf,
            sdnn: None,
        })
        .collect())
}

/// The profile's IANA time zone; `None` when the profile has none.
pub fn parse_profile_tz(body: &[u8]) -> Result<Option<Tz>> {
    let resp: ProfileResponse = decode(body, PROFILE)?;
    match resp.user.timezone.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(name) => name.parse::<Tz>().map(Some).map_err(|_| {
            invalid(
                PROFILE,
                "user.timezone",
                format!("{name:?} is not an IANA time zone this program knows; update fitbit_core"),
            )
        }),
    }
}

fn resting(value: &Option<HeartDayValue>) -> Option<f64> {
    match value {
        Some(HeartDayValue::Summary(s)) => s.resting_heart_rate,
        _ => None,
    }
}

fn offsets_for(locals: &[NaiveDateTime], tz: Option<Tz>) -> Vec<Option<chrono::FixedOffset>> {
    match tz {
        Some(tz) => time::attach_offsets(locals, tz),
        None => vec![None; locals.len()],
    }
}

fn parse_date(s: &str, what: &str, path: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|e| {
        invalid(
            what,
            path,
            format!("expected a date yyyy-MM-dd, got {s:?}: {e}"),
        )
    })
}

/// `2021-10-25T09:10:00.000` (fraction optional), no offset.
fn parse_local_datetime(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M:%S%.f").ok()
}

/// A bpm value, or the message saying why it is not one.
fn to_bpm(v: f64) -> std::result::Result<u16, String> {
    if v.is_finite() && (0.0..=f64::from(u16::MAX)).contains(&v) {
        Ok(v.round() as u16)
    } else {
        Err(format!("heart rate {v} is not a bpm value"))
    }
}
