//! The owned record types every source produces. Everything after the records (tables, CSV,
//! plots) is shared by all sources.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};

/// A moment as users see it (local wall-clock) and, where known, the UTC offset in force then.
///
/// Both halves are kept: the local time is what the original CSV showed, the offset makes the
/// instant exact (the two 01:30 of a DST fall-back differ in offset, so they never merge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    /// Local wall-clock time in the user's time zone.
    pub local: NaiveDateTime,
    /// The UTC offset at that moment; `None` when the source does not say and no zone is known.
    pub offset: Option<FixedOffset>,
}

impl Timestamp {
    /// A local time with a known offset.
    pub fn new(local: NaiveDateTime, offset: Option<FixedOffset>) -> Self {
        Timestamp { local, offset }
    }
    /// From a UTC instant and the offset in force then.
    pub fn from_utc(utc: DateTime<Utc>, offset: FixedOffset) -> Self {
        Timestamp {
            local: utc.with_timezone(&offset).naive_local(),
            offset: Some(offset),
        }
    }
    /// The UTC instant, when the offset is known (and representable).
    ///
    /// ```
    /// use fitbit_core::{Timestamp, chrono::{NaiveDate, FixedOffset}};
    /// let local = NaiveDate::from_ymd_opt(2026, 9, 25).unwrap().and_hms_opt(19, 4, 59).unwrap();
    /// let t = Timestamp::new(local, FixedOffset::east_opt(9 * 3600));
    /// assert_eq!(t.utc().unwrap().to_rfc3339(), "2026-09-25T10:04:59+00:00");
    /// ```
    pub fn utc(&self) -> Option<DateTime<Utc>> {
        let off = self.offset?;
        Some(DateTime::<Utc>::from_naive_utc_and_offset(
            self.local - off,
            Utc,
        ))
    }
}

/// One heart-rate sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HrSample {
    /// When: local wall-clock time and, when known, the UTC offset.
    pub time: Timestamp,
    /// Beats per minute.
    pub bpm: u16,
    /// Sensor confidence where the source has one (Takeout `heart_rate-*.json`), else `None`.
    pub confidence: Option<i8>,
}

/// One day's heart-rate summary.
#[derive(Debug, Clone, PartialEq)]
pub struct DailyHr {
    /// The user's local calendar day.
    pub date: NaiveDate,
    /// Resting heart rate in bpm, when the source computed one.
    pub resting_bpm: Option<f64>,
}

/// One night's HRV summary. Fitbit dates HRV by the day the main sleep ended.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DailyHrv {
    /// The night's date (the day the main sleep ended).
    pub date: NaiveDate,
    /// RMSSD over the main sleep, ms (Fitbit `dailyRmssd`, Google `averageHeartRateVariabilityMilliseconds`).
    pub daily_rmssd: Option<f64>,
    /// RMSSD during deep sleep, ms.
    pub deep_rmssd: Option<f64>,
    /// Shannon entropy of heartbeat intervals (Google, Takeout).
    pub entropy: Option<f64>,
    /// Non-REM heart rate, bpm (Google, Takeout).
    pub non_rem_hr: Option<f64>,
}

/// One HRV measurement during sleep (5-minute intervals on Fitbit).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HrvSample {
    /// When: local wall-clock time and, when known, the UTC offset.
    pub time: Timestamp,
    /// RMSSD, ms.
    pub rmssd: Option<f64>,
    /// Data completeness (Fitbit only).
    pub coverage: Option<f64>,
    /// High-frequency power, 0.15–0.4 Hz (Fitbit only).
    pub hf: Option<f64>,
    /// Low-frequency power, 0.04–0.15 Hz (Fitbit only).
    pub lf: Option<f64>,
    /// Standard deviation of inter-beat intervals, ms (Google only).
    pub sdnn: Option<f64>,
}

/// Detail level of intraday heart rate (legacy Fitbit API). Google and exports return raw samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Detail {
    /// `1sec`: every reading (the default).
    #[default]
    OneSecond,
    /// `1min`.
    OneMinute,
    /// `5min`.
    FiveMinutes,
    /// `15min`.
    FifteenMinutes,
}

impl Detail {
    /// The Fitbit URL segment: `1sec`, `1min`, `5min`, `15min`.
    pub fn as_str(self) -> &'static str {
        match self {
            Detail::OneSecond => "1sec",
            Detail::OneMinute => "1min",
            Detail::FiveMinutes => "5min",
            Detail::FifteenMinutes => "15min",
        }
    }
}

impl std::str::FromStr for Detail {
    type Err = crate::Error;
    /// ```
    /// assert_eq!("1min".parse::<fitbit_core::Detail>().unwrap(), fitbit_core::Detail::OneMinute);
    /// assert!("2min".parse::<fitbit_core::Detail>().is_err());
    /// ```
    fn from_str(s: &str) -> crate::Result<Self> {
        match s {
            "1sec" => Ok(Detail::OneSecond),
            "1min" => Ok(Detail::OneMinute),
            "5min" => Ok(Detail::FiveMinutes),
            "15min" => Ok(Detail::FifteenMinutes),
            other => Err(crate::Error::InvalidInput {
                what: format!("detail level {other:?}"),
                hint: "use one of 1sec, 1min, 5min, 15min".into(),
            }),
        }
    }
}

impl std::fmt::Display for Detail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
