//! One deterministic synthetic person. All data is a pure function of (seed, time).
//! CONTRACT (owned by the simdata helper; signatures fixed, bodies to be written):

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// One 5-minute HRV measurement during the main sleep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HrvPoint {
    pub time: DateTime<Utc>,
    pub rmssd: f64,
    pub coverage: f64,
    pub hf: f64,
    pub lf: f64,
    pub sdnn: f64,
}

/// A night's HRV summary, dated by the local day the main sleep ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DailyHrvValue {
    pub daily_rmssd: f64,
    pub deep_rmssd: f64,
    pub entropy: f64,
    pub non_rem_hr: f64,
}

/// The synthetic person.
#[derive(Debug, Clone)]
pub struct Person {
    pub seed: u64,
    pub tz: Tz,
    /// Exactly one HR sample per second, 86,400 a day (for the benchmark); otherwise realistic
    /// irregular spacing with gaps.
    pub dense_1sec: bool,
}

impl Person {
    pub fn new(seed: u64, tz: Tz, dense_1sec: bool) -> Self {
        Person {
            seed,
            tz,
            dense_1sec,
        }
    }
    /// HR samples with UTC instants in `[from, to)`, ascending.
    pub fn heart_rate(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<(DateTime<Utc>, u16)> {
        let _ = (from, to);
        todo!()
    }
    /// Resting HR for a local calendar day; `None` on days the watch was not worn.
    pub fn resting_hr(&self, local_date: NaiveDate) -> Option<u16> {
        let _ = local_date;
        todo!()
    }
    /// The main sleep that ended on local day `wake_date`, as UTC start and end.
    pub fn main_sleep(&self, wake_date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let _ = wake_date;
        todo!()
    }
    /// 5-minute HRV points of the main sleep ending on `wake_date`, ascending.
    pub fn hrv_points(&self, wake_date: NaiveDate) -> Vec<HrvPoint> {
        let _ = wake_date;
        todo!()
    }
    /// The HRV summary for `wake_date`.
    pub fn daily_hrv(&self, wake_date: NaiveDate) -> Option<DailyHrvValue> {
        let _ = wake_date;
        todo!()
    }
}
