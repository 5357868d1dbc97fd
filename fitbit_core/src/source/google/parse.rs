//! Pure parsers: Google Health API v4 bodies → [`crate::record`] types. No I/O.
//!
//! Local wall-clock comes from `civilTime` (else `physicalTime + utcOffset`), the offset from
//! `utcOffset` (else the given time zone at `physicalTime`). Samples come out ascending by
//! instant; daily values ascending and one per date.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use super::models::{
    CivilDateTime, DataPoint, Date, ListDataPointsResponse, ObservationSampleTime, SettingsResponse,
};
use crate::record::{DailyHr, DailyHrv, HrSample, HrvSample, Timestamp};
use crate::source::json::{decode, invalid, without_bom};
use crate::{Result, time};

/// The user's time settings (`GET /v4/users/me/settings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Settings {
    /// IANA zone; `None` when the settings carry none.
    pub time_zone: Option<Tz>,
    /// The current UTC offset.
    pub utc_offset: Option<FixedOffset>,
}

impl Settings {
    /// The zone to compute local days in: `time_zone`, else a whole-hour `utc_offset` as the
    /// fixed zone `Etc/GMT∓N` (no DST), else `None`.
    ///
    /// ```
    /// use fitbit_core::{chrono::FixedOffset, chrono_tz::Tz, source::google::Settings};
    /// let s = Settings { time_zone: None, utc_offset: FixedOffset::east_opt(9 * 3600) };
    /// assert_eq!(s.effective_zone(), Some(Tz::Etc__GMTMinus9));
    /// let s = Settings { time_zone: None, utc_offset: FixedOffset::east_opt(19800) };
    /// assert_eq!(s.effective_zone(), None);
    /// ```
    pub fn effective_zone(&self) -> Option<Tz> {
        if self.time_zone.is_some() {
            return self.time_zone;
        }
        let secs = self.utc_offset?.local_minus_utc();
        if secs % 3600 != 0 {
            return None;
        }
        let hours = secs / 3600;
        let name = match hours {
            0 => "Etc/UTC".to_string(),
            // POSIX-style names: Etc/GMT-9 is UTC+9.
            h if h > 0 => format!("Etc/GMT-{h}"),
            h => format!("Etc/GMT+{}", -h),
        };
        name.parse().ok()
    }
}

/// Parse one list page (BOM tolerated; failures name the JSON path).
pub fn parse_page(body: &[u8], what: &str) -> Result<ListDataPointsResponse> {
    decode(body, what)
}

/// The user's time zone and offset. An unknown zone name or a malformed offset is an error.
pub fn parse_settings(body: &[u8]) -> Result<Settings> {
    const WHAT: &str = "Google Health settings";
    let raw: SettingsResponse = decode(body, WHAT)?;
    let time_zone = match raw.time_zone.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(name) => Some(name.parse::<Tz>().map_err(|_| {
            invalid(
                WHAT,
                "timeZone",
                format!("{name:?} is not an IANA time zone this program knows"),
            )
        })?),
    };
    let utc_offset = match raw.utc_offset.as_deref() {
        None => None,
        Some(s) => Some(time::parse_google_offset(s).ok_or_else(|| {
            invalid(
                WHAT,
                "utcOffset",
                format!("expected a duration like \"32400s\", got {s:?}"),
            )
        })?),
    };
    Ok(Settings {
        time_zone,
        utc_offset,
    })
}

/// Heart-rate samples of one `heart-rate` page, ascending.
pub fn parse_heart_rate(body: &[u8], tz: Option<Tz>) -> Result<Vec<HrSample>> {
    const WHAT: &str = "Google Health heart-rate list";
    Ok(heart_rate_page(body, tz, WHAT)?.0)
}

/// One `heart-rate` page: its samples ascending and its `nextPageToken`. Read by hand when it is
/// in Google's layout ([`super::fast`]), else by the serde models (which name the JSON path of an
/// error); both give the same samples.
pub(crate) fn heart_rate_page(
    body: &[u8],
    tz: Option<Tz>,
    what: &str,
) -> Result<(Vec<HrSample>, Option<String>)> {
    if let Some(page) = super::fast::read_heart_page(without_bom(body)) {
        let mut samples = page.samples;
        samples.reverse();
        sort_by_instant(&mut samples, |s| s.time);
        return Ok((samples, page.next_page_token));
    }
    heart_rate_page_serde(body, tz, what)
}

/// [`heart_rate_page`] by the serde models only.
pub(crate) fn heart_rate_page_serde(
    body: &[u8],
    tz: Option<Tz>,
    what: &str,
) -> Result<(Vec<HrSample>, Option<String>)> {
    let page = parse_page(body, what)?;
    let samples = heart_rate_samples(&page.data_points, tz, what)?;
    Ok((samples, page.next_page_token))
}

/// HRV samples (RMSSD, SDNN) of one `heart-rate-variability` page, ascending.
pub fn parse_hrv(body: &[u8], tz: Option<Tz>) -> Result<Vec<HrvSample>> {
    const WHAT: &str = "Google Health heart-rate-variability list";
    hrv_samples(&parse_page(body, WHAT)?.data_points, tz, WHAT)
}

/// Resting heart rate of one `daily-resting-heart-rate` page, ascending by date.
pub fn parse_resting_daily(body: &[u8]) -> Result<Vec<DailyHr>> {
    const WHAT: &str = "Google Health daily-resting-heart-rate list";
    resting_days(&parse_page(body, WHAT)?.data_points, WHAT)
}

/// Nightly HRV of one `daily-heart-rate-variability` page, ascending by date.
pub fn parse_hrv_daily(body: &[u8]) -> Result<Vec<DailyHrv>> {
    const WHAT: &str = "Google Health daily-heart-rate-variability list";
    hrv_days(&parse_page(body, WHAT)?.data_points, WHAT)
}

/// `heartRate` payloads → samples, ascending by instant. Points without bpm are skipped.
pub(crate) fn heart_rate_samples(
    points: &[DataPoint],
    tz: Option<Tz>,
    what: &str,
) -> Result<Vec<HrSample>> {
    let mut out = Vec::with_capacity(points.len());
    for (i, p) in points.iter().enumerate().rev() {
        let Some(hr) = &p.heart_rate else { continue };
        let Some(bpm) = hr.beats_per_minute else {
            continue;
        };
        let bpm = u16::try_from(bpm).map_err(|_| {
            invalid(
                what,
                format!("dataPoints[{i}].heartRate.beatsPerMinute"),
                format!("{bpm} is not a bpm value"),
            )
        })?;
        // The JSON path is only spelled out for an error.
        let path = || format!("dataPoints[{i}].heartRate.sampleTime");
        out.push(HrSample {
            time: timestamp(&hr.sample_time, tz, what, path)?,
            bpm,
            confidence: None,
        });
    }
    sort_by_instant(&mut out, |s| s.time);
    Ok(out)
}

/// `heartRateVariability` payloads → samples (RMSSD and SDNN only), ascending by instant.
pub(crate) fn hrv_samples(
    points: &[DataPoint],
    tz: Option<Tz>,
    what: &str,
) -> Result<Vec<HrvSample>> {
    let mut out = Vec::with_capacity(points.len());
    for (i, p) in points.iter().enumerate().rev() {
        let Some(v) = &p.heart_rate_variability else {
            continue;
        };
        let path = || format!("dataPoints[{i}].heartRateVariability.sampleTime");
        out.push(HrvSample {
            time: timestamp(&v.sample_time, tz, what, path)?,
            rmssd: v.root_mean_square_of_successive_differences_milliseconds,
            coverage: None,
            hf: None,
            lf: None,
            sdnn: v.standard_deviation_milliseconds,
        });
    }
    sort_by_instant(&mut out, |s| s.time);
    Ok(out)
}

/// `dailyRestingHeartRate` payloads → one row per date, ascending.
pub(crate) fn resting_days(points: &[DataPoint], what: &str) -> Result<Vec<DailyHr>> {
    let mut by_date = BTreeMap::new();
    for (i, p) in points.iter().enumerate().rev() {
        let Some(r) = &p.daily_resting_heart_rate else {
            continue;
        };
        let path = format!("dataPoints[{i}].dailyRestingHeartRate.date");
        let date = required_date(r.date, what, &path)?;
        by_date.insert(date, r.beats_per_minute.map(|b| b as f64));
    }
    Ok(by_date
        .into_iter()
        .map(|(date, resting_bpm)| DailyHr { date, resting_bpm })
        .collect())
}

/// `dailyHeartRateVariability` payloads → one row per date, ascending.
pub(crate) fn hrv_days(points: &[DataPoint], what: &str) -> Result<Vec<DailyHrv>> {
    let mut by_date = BTreeMap::new();
    for (i, p) in points.iter().enumerate().rev() {
        let Some(h) = &p.daily_heart_rate_variability else {
            continue;
        };
        let path = format!("dataPoints[{i}].dailyHeartRateVariability.date");
        let date = required_date(h.date, what, &path)?;
        by_date.insert(
            date,
            DailyHrv {
                date,
                daily_rmssd: h.average_heart_rate_variability_milliseconds,
                deep_rmssd: h.deep_sleep_root_mean_square_of_successive_differences_milliseconds,
                entropy: h.entropy,
                non_rem_hr: h.non_rem_heart_rate_beats_per_minute.map(|b| b as f64),
            },
        );
    }
    Ok(by_date.into_values().collect())
}

/// Stable sort by UTC instant (local time when the offset is unknown). Items already in order
/// (the usual case) are only checked.
pub(crate) fn sort_by_instant<T>(items: &mut [T], time: impl Fn(&T) -> Timestamp) {
    let key = |x: &T| instant_key(time(x));
    if !items.is_sorted_by_key(key) {
        items.sort_by_key(key);
    }
}

/// The sort key of [`sort_by_instant`].
pub(crate) fn instant_key(t: Timestamp) -> NaiveDateTime {
    // Checked arithmetic: a civil date at the end of chrono's range must not panic.
    t.offset
        .and_then(|o| {
            t.local
                .checked_sub_signed(chrono::Duration::seconds(i64::from(o.local_minus_utc())))
        })
        .unwrap_or(t.local)
}

fn timestamp(
    st: &ObservationSampleTime,
    tz: Option<Tz>,
    what: &str,
    path: impl Fn() -> String,
) -> Result<Timestamp> {
    let physical: DateTime<Utc> = DateTime::parse_from_rfc3339(st.physical_time.trim())
        .map_err(|e| {
            invalid(
                what,
                format!("{}.physicalTime", path()),
                format!("expected an RFC 3339 time, got {:?}: {e}", st.physical_time),
            )
        })?
        .with_timezone(&Utc);
    let offset = match st.utc_offset.as_deref() {
        Some(s) => Some(time::parse_google_offset(s).ok_or_else(|| {
            invalid(
                what,
                format!("{}.utcOffset", path()),
                format!("expected a duration like \"32400s\", got {s:?}"),
            )
        })?),
        None => tz.map(|tz| tz.offset_from_utc_datetime(&physical.naive_utc()).fix()),
    };
    let civil = match &st.civil_time {
        Some(c) => civil(c, what, &path)?,
        None => None,
    };
    let local = match (civil, offset) {
        (Some(l), _) => l,
        (None, Some(o)) => physical.with_timezone(&o).naive_local(),
        (None, None) => {
            return Err(invalid(
                what,
                path(),
                "no civilTime and no utcOffset: the local time is unknown (pass a time zone)",
            ));
        }
    };
    Ok(Timestamp::new(local, offset))
}

/// The civil date-time; `None` when it carries no date. Missing time parts are 0. `path` is
/// that of the `sampleTime`.
fn civil(
    c: &CivilDateTime,
    what: &str,
    path: impl Fn() -> String,
) -> Result<Option<NaiveDateTime>> {
    let Some(d) = c.date else { return Ok(None) };
    let date = to_date(d)
        .ok_or_else(|| invalid(what, format!("{}.civilTime.date", path()), bad_date(d)))?;
    let t = c.time.unwrap_or_default();
    let time =
        NaiveTime::from_hms_nano_opt(t.hours, t.minutes, t.seconds, t.nanos).ok_or_else(|| {
            invalid(
                what,
                format!("{}.civilTime.time", path()),
                format!("{t:?} is not a time of day"),
            )
        })?;
    Ok(Some(date.and_time(time)))
}

fn required_date(d: Option<Date>, what: &str, path: &str) -> Result<NaiveDate> {
    let d = d.ok_or_else(|| invalid(what, path, "missing date"))?;
    to_date(d).ok_or_else(|| invalid(what, path, bad_date(d)))
}

fn to_date(d: Date) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(d.year, d.month, d.day)
}

fn bad_date(d: Date) -> String {
    format!("{}-{}-{} is not a calendar date", d.year, d.month, d.day)
}
