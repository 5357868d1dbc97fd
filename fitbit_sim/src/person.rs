//! One deterministic synthetic person. All data is a pure function of (seed, time).
//!
//! Model (all "days" are LOCAL calendar days in `tz`; all instants are UTC):
//! - about 1 day in 17 is not worn at all (no samples, no resting HR, no main sleep/HRV);
//! - the main sleep ending on day D starts on D-1 between 22:30 and 23:45 local and ends on D
//!   between 06:00 and 07:30 local; HR is lower while asleep;
//! - awake HR follows a circadian curve peaking mid-afternoon, plus slow noise;
//! - most days (80 %) have one exercise bout (30–75 min, peak 130–170 bpm);
//! - most days (60 %) have a 30–90 min charging gap (no samples);
//! - realistic "1sec" spacing: mostly 1–5 s apart, sometimes 10–15 s (anchored per UTC minute,
//!   so any sub-range is exactly a subset of a longer range); `dense_1sec`: one sample per second;
//!   `pixel_watch` ([`Person::pixel_watch`]): a Pixel Watch's spacing, 1–3 s apart (about one
//!   every 2 s, as the documented Pixel Watch 4 page shows: 138 samples in 5 minutes), sometimes
//!   10–15 s, about 38,000 samples on a worn day (docs/google-health-api.md §4.4: 30k–42k a day);
//!   `hr_every` ([`Person::hr_every`], for benchmarks of many people): one sample every N
//!   seconds of worn time (N = 60: 1,440 a worn day), the same curve and gaps.
//!
//! ```
//! use fitbit_sim::person::Person;
//! use chrono::{TimeZone, Utc};
//! let p = Person::new(7, chrono_tz::Europe::Berlin, true);
//! let from = Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap();
//! let hr = p.heart_rate(from, from + chrono::Duration::minutes(1));
//! assert!(hr.is_empty() || hr.len() == 60);
//! ```

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
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
    /// Pixel Watch spacing (1–3 s, about 38,000 samples a worn day) instead of 1–5 s.
    pub pixel_watch: bool,
    /// One sample every this many seconds (on the UTC clock) instead of the irregular spacing.
    pub hr_every: Option<u32>,
}

/// splitmix64: a tiny, good-quality hash used as a stateless PRNG.
pub(crate) fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

// Tags separating independent random streams.
const T_WORN: u64 = 1;
const T_REST: u64 = 2;
const T_SLEEP_START: u64 = 3;
const T_SLEEP_END: u64 = 4;
const T_EX: u64 = 5;
const T_CHARGE: u64 = 6;
const T_NOISE: u64 = 7;
const T_SEC: u64 = 8;
const T_STEP: u64 = 9;
const T_HRV: u64 = 10;

/// Everything decided once per local day.
#[derive(Debug, Clone, Copy)]
struct DayPlan {
    worn: bool,
    resting: f64,
    /// Main sleep ending on this day (UTC seconds), computed even on unworn days (for HR shape).
    sleep: (i64, i64),
    /// Exercise bout: start, end (UTC seconds), peak bpm.
    exercise: Option<(i64, i64, f64)>,
    /// Charging gap (UTC seconds).
    charging: Option<(i64, i64)>,
}

impl Person {
    pub fn new(seed: u64, tz: Tz, dense_1sec: bool) -> Self {
        Person {
            seed,
            tz,
            dense_1sec,
            pixel_watch: false,
            hr_every: None,
        }
    }

    /// The same person with one HR sample every `secs` seconds (at UTC instants divisible by
    /// it) where the watch is worn; `None` (or 0) keeps the irregular spacing. No effect with
    /// `dense_1sec`.
    ///
    /// ```
    /// use fitbit_sim::person::Person;
    /// use chrono::{Duration, TimeZone, Utc};
    /// let p = Person::new(7, chrono_tz::Europe::Berlin, false).hr_every(Some(60));
    /// let from = Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap();
    /// let hr = p.heart_rate(from, from + Duration::days(1));
    /// assert!(hr.len() <= 1440 && hr.iter().all(|(t, _)| t.timestamp() % 60 == 0));
    /// ```
    pub fn hr_every(mut self, secs: Option<u32>) -> Self {
        self.hr_every = secs.filter(|s| *s > 0);
        self
    }

    /// The same person with a Pixel Watch's sample spacing (see the module comment); no effect
    /// with `dense_1sec`.
    pub fn pixel_watch(mut self, on: bool) -> Self {
        self.pixel_watch = on;
        self
    }

    fn rand(&self, tag: u64, index: i64) -> u64 {
        splitmix64(splitmix64(self.seed ^ tag.wrapping_mul(0xA24B_AED4_963E_E407)) ^ index as u64)
    }
    /// Uniform in [0, 1).
    fn unit(&self, tag: u64, index: i64) -> f64 {
        (self.rand(tag, index) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn unit2(&self, tag: u64, index: i64, sub: u64) -> f64 {
        (splitmix64(self.rand(tag, index) ^ sub) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The UTC offset (seconds east of UTC) in effect at `t`.
    pub fn offset_at(&self, t: DateTime<Utc>) -> i32 {
        self.tz
            .offset_from_utc_datetime(&t.naive_utc())
            .fix()
            .local_minus_utc()
    }

    /// [`local_to_utc`] in this person's zone.
    pub fn local_to_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        local_to_utc(self.tz, local)
    }

    /// [`day_bounds`] in this person's zone.
    pub fn day_bounds(&self, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        day_bounds(self.tz, date)
    }

    /// The local calendar date at instant `t`.
    pub fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.tz).date_naive()
    }

    fn local_secs(&self, date: NaiveDate, secs: i64) -> i64 {
        let local = date.and_time(chrono::NaiveTime::MIN) + Duration::seconds(secs);
        self.local_to_utc(local).timestamp()
    }

    fn plan(&self, date: NaiveDate) -> DayPlan {
        let d = i64::from(date.num_days_from_ce());
        // Dense mode (the benchmark) is worn all day, every day, with no charging gap.
        let worn = self.dense_1sec || self.unit(T_WORN, d) >= 0.06;
        let resting = 55.0 + 7.0 * self.unit(T_REST, d);
        let prev = date.pred_opt().unwrap_or(date);
        let start = self.local_secs(
            prev,
            22 * 3600 + 1800 + (self.unit(T_SLEEP_START, d) * 4500.0) as i64,
        );
        let end = self.local_secs(date, 6 * 3600 + (self.unit(T_SLEEP_END, d) * 5400.0) as i64);
        let exercise = (worn && self.unit(T_EX, d) < 0.8).then(|| {
            let s = self.local_secs(date, 8 * 3600 + (self.unit2(T_EX, d, 1) * 39600.0) as i64);
            let len = 1800 + (self.unit2(T_EX, d, 2) * 2700.0) as i64;
            (s, s + len, 130.0 + 40.0 * self.unit2(T_EX, d, 3))
        });
        let charging = (worn && !self.dense_1sec && self.unit(T_CHARGE, d) < 0.6).then(|| {
            let s = self.local_secs(
                date,
                9 * 3600 + (self.unit2(T_CHARGE, d, 1) * 43200.0) as i64,
            );
            (s, s + 1800 + (self.unit2(T_CHARGE, d, 2) * 3600.0) as i64)
        });
        DayPlan {
            worn,
            resting,
            sleep: (start, end),
            exercise,
            charging,
        }
    }

    /// Slow noise in [-1, 1], linearly interpolated between 10-minute knots.
    fn slow_noise(&self, utc_min: i64) -> f64 {
        let k = utc_min.div_euclid(10);
        let f = utc_min.rem_euclid(10) as f64 / 10.0;
        let a = self.unit(T_NOISE, k) * 2.0 - 1.0;
        let b = self.unit(T_NOISE, k + 1) * 2.0 - 1.0;
        a + (b - a) * f
    }

    /// Mean HR of one UTC minute, or `None` when the watch is off.
    /// `today` is the plan of the minute's local day, `tomorrow` that of the next local day.
    fn minute_bpm(
        &self,
        utc_min: i64,
        local_sec_of_day: i64,
        today: &DayPlan,
        tomorrow: &DayPlan,
    ) -> Option<f64> {
        let t = utc_min * 60;
        if !today.worn {
            return None;
        }
        if let Some((s, e)) = today.charging
            && t >= s
            && t < e
        {
            return None;
        }
        let noise = self.slow_noise(utc_min);
        let asleep = (t >= today.sleep.0 && t < today.sleep.1)
            || (t >= tomorrow.sleep.0 && t < tomorrow.sleep.1);
        if asleep {
            return Some(today.resting - 3.0 + 2.0 * noise);
        }
        let hours = local_sec_of_day as f64 / 3600.0;
        let circadian = 6.0 * (2.0 * std::f64::consts::PI * (hours - 15.5) / 24.0).cos();
        let mut bpm = today.resting + 14.0 + circadian + 4.0 * noise;
        if let Some((s, e, peak)) = today.exercise
            && t >= s
            && t < e
        {
            let f = (t - s) as f64 / (e - s) as f64;
            let intensity = (std::f64::consts::PI * f).sin().sqrt();
            bpm += (peak - bpm) * intensity;
        }
        Some(bpm)
    }

    /// Calls `f(utc_minute, mean_bpm)` for every worn UTC minute in `[from_min, to_min)`.
    fn for_each_minute(&self, from_min: i64, to_min: i64, mut f: impl FnMut(i64, f64)) {
        let mut cached: Option<(NaiveDate, DayPlan, DayPlan)> = None;
        let mut m = from_min;
        while m < to_min {
            let Some(t) = DateTime::from_timestamp(m * 60, 0) else {
                return;
            };
            let off = i64::from(self.offset_at(t));
            let local = m * 60 + off;
            let local_date = DateTime::from_timestamp(local, 0)
                .map(|l| l.date_naive())
                .unwrap_or_default();
            let sec_of_day = local.rem_euclid(86_400);
            let (today, tomorrow) = match cached {
                Some((d, a, b)) if d == local_date => (a, b),
                _ => {
                    let a = self.plan(local_date);
                    let b = self.plan(local_date.succ_opt().unwrap_or(local_date));
                    cached = Some((local_date, a, b));
                    (a, b)
                }
            };
            if let Some(bpm) = self.minute_bpm(m, sec_of_day, &today, &tomorrow) {
                f(m, bpm);
            }
            m += 1;
        }
    }

    /// Mean HR per worn minute (UTC minute start, mean bpm) in `[from, to)`; cheap (no seconds).
    pub fn minute_means(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<(DateTime<Utc>, f64)> {
        let mut out = Vec::new();
        let from_min = from.timestamp().div_euclid(60) + i64::from(from.timestamp() % 60 != 0);
        self.for_each_minute(from_min, to.timestamp().div_euclid(60) + 1, |m, bpm| {
            if let Some(t) = DateTime::from_timestamp(m * 60, 0)
                && t >= from
                && t < to
            {
                out.push((t, bpm));
            }
        });
        out
    }

    /// HR samples with UTC instants in `[from, to)`, ascending.
    pub fn heart_rate(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<(DateTime<Utc>, u16)> {
        let (fs, ts) = (from.timestamp(), to.timestamp());
        if ts <= fs {
            return Vec::new();
        }
        let cap = if self.dense_1sec {
            ts - fs
        } else {
            (ts - fs) / 2
        };
        let mut out = Vec::with_capacity(cap.clamp(0, 200_000) as usize);
        let dense = self.dense_1sec;
        let every = self.hr_every.map(i64::from);
        // Regular steps: 1–5 s (mean 3), or a Pixel Watch's 1–3 s (mean 2); gaps of 10–15 s.
        let (steps, gap_pct) = if self.pixel_watch { (3, 2) } else { (5, 6) };
        self.for_each_minute(fs.div_euclid(60), ts.div_euclid(60) + 1, |m, base| {
            let start = m * 60;
            let mut push = |s: i64, k: u64| {
                let sec = start + s;
                if sec < fs || sec >= ts {
                    return;
                }
                let r = splitmix64(self.rand(T_SEC, sec) ^ k);
                let jitter = (r % 5) as f64 - 2.0;
                let bpm = (base + jitter).round().clamp(38.0, 205.0) as u16;
                if let Some(t) = DateTime::from_timestamp(sec, 0) {
                    out.push((t, bpm));
                }
            };
            if dense {
                for s in 0..60 {
                    push(s, 0);
                }
            } else if let Some(n) = every {
                let mut s = (n - start.rem_euclid(n)) % n;
                while s < 60 {
                    push(s, 2);
                    s += n;
                }
            } else {
                let mut r = self.rand(T_STEP, m);
                let mut s = (r % 4) as i64;
                while s < 60 {
                    push(s, 1);
                    r = splitmix64(r);
                    let step = if r % 100 < gap_pct {
                        10 + (r >> 8) % 6
                    } else {
                        1 + (r >> 8) % steps
                    };
                    s += step as i64;
                }
            }
        });
        out
    }

    /// Resting HR for a local calendar day; `None` on days the watch was not worn.
    pub fn resting_hr(&self, local_date: NaiveDate) -> Option<u16> {
        let plan = self.plan(local_date);
        plan.worn.then(|| plan.resting.round() as u16)
    }

    /// Whether the watch was worn at all on this local day.
    pub fn worn(&self, local_date: NaiveDate) -> bool {
        self.plan(local_date).worn
    }

    /// The main sleep that ended on local day `wake_date`, as UTC start and end.
    pub fn main_sleep(&self, wake_date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let plan = self.plan(wake_date);
        if !plan.worn {
            return None;
        }
        Some((
            DateTime::from_timestamp(plan.sleep.0, 0)?,
            DateTime::from_timestamp(plan.sleep.1, 0)?,
        ))
    }

    /// 5-minute HRV points of the main sleep ending on `wake_date`, ascending.
    pub fn hrv_points(&self, wake_date: NaiveDate) -> Vec<HrvPoint> {
        let Some((start, end)) = self.main_sleep(wake_date) else {
            return Vec::new();
        };
        let d = i64::from(wake_date.num_days_from_ce());
        let night_base = 30.0 + 25.0 * self.unit(T_HRV, d);
        let mut out = Vec::with_capacity(130);
        let mut t = start.timestamp().div_euclid(300) * 300 + 300;
        let mut k = 0u64;
        while t < end.timestamp() {
            let u = |sub: u64| self.unit2(T_HRV, d, k * 8 + sub + 1);
            let rmssd = (night_base + 30.0 * (u(0) - 0.5)).clamp(20.0, 80.0);
            let hf = 100.0 + rmssd * (4.0 + 12.0 * u(2));
            let lf = 200.0 + 900.0 * u(3) + rmssd * 3.0;
            let sdnn = rmssd * (1.2 + 0.4 * u(4));
            if let Some(time) = DateTime::from_timestamp(t, 0) {
                out.push(HrvPoint {
                    time,
                    rmssd: round3(rmssd),
                    coverage: round3(0.85 + 0.15 * u(1)),
                    hf: round3(hf),
                    lf: round3(lf),
                    sdnn: round3(sdnn),
                });
            }
            t += 300;
            k += 1;
        }
        out
    }

    /// The HRV summary for `wake_date`.
    pub fn daily_hrv(&self, wake_date: NaiveDate) -> Option<DailyHrvValue> {
        let points = self.hrv_points(wake_date);
        if points.is_empty() {
            return None;
        }
        let mean = points.iter().map(|p| p.rmssd).sum::<f64>() / points.len() as f64;
        let d = i64::from(wake_date.num_days_from_ce());
        let resting = self.plan(wake_date).resting;
        Some(DailyHrvValue {
            daily_rmssd: round3(mean),
            deep_rmssd: round3(mean * (0.9 + 0.25 * self.unit2(T_HRV, d, 1 << 40))),
            entropy: round3(2.0 + self.unit2(T_HRV, d, 1 << 41)),
            non_rem_hr: (resting - 2.0 + 3.0 * self.unit2(T_HRV, d, 1 << 42)).round(),
        })
    }
}

/// The first UTC instant whose local wall clock in `tz` is at or after `local` (DST gaps skip
/// forward, an ambiguous fall-back time takes its earlier instance): the emulator's one local
/// midnight rule, for the served data and `gen_export`.
///
/// The emulator does not depend on `fitbit_core`: it is the independent model of the APIs the
/// client is tested against, so it keeps its own copy of this rule (`fitbit_core::time::
/// local_day_bounds` is the client's) rather than agree with the client by construction.
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut probe = local;
    for _ in 0..4 {
        if let Some(t) = tz.from_local_datetime(&probe).earliest() {
            return t.with_timezone(&Utc);
        }
        probe += Duration::minutes(30);
    }
    // No zone has a gap longer than 2 hours; fall back to treating it as UTC.
    DateTime::from_naive_utc_and_offset(local, Utc)
}

/// UTC bounds `[start, end)` of local calendar day `date` in `tz` (25 h on a fall-back day).
pub fn day_bounds(tz: Tz, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = local_to_utc(tz, date.and_time(chrono::NaiveTime::MIN));
    let next = date.succ_opt().unwrap_or(date);
    let end = local_to_utc(tz, next.and_time(chrono::NaiveTime::MIN));
    (start, end)
}

pub(crate) fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Berlin;

    fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    #[test]
    fn deterministic_and_subset() {
        let p = Person::new(42, Berlin, false);
        let a = p.heart_rate(utc(2026, 10, 1, 0), utc(2026, 10, 2, 0));
        let b = p.heart_rate(utc(2026, 10, 1, 0), utc(2026, 10, 2, 0));
        assert_eq!(a, b);
        let sub = p.heart_rate(utc(2026, 10, 1, 10), utc(2026, 10, 1, 11));
        let expected: Vec<_> = a
            .iter()
            .copied()
            .filter(|(t, _)| *t >= utc(2026, 10, 1, 10) && *t < utc(2026, 10, 1, 11))
            .collect();
        assert_eq!(sub, expected);
        assert!(a.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn sparse_spacing_keeps_the_worn_minutes_and_the_subset_rule() {
        let p = Person::new(42, Berlin, false).hr_every(Some(60));
        let (from, to) = (utc(2026, 10, 1, 0), utc(2026, 10, 2, 0));
        let hr = p.heart_rate(from, to);
        let worn: Vec<_> = p.minute_means(from, to).iter().map(|(t, _)| *t).collect();
        let times: Vec<_> = hr.iter().map(|(t, _)| *t).collect();
        assert_eq!(times, worn, "one sample at the start of every worn minute");
        assert!(hr.len() > 1000 && hr.len() <= 1440, "{}", hr.len());
        let sub = p.heart_rate(utc(2026, 10, 1, 10), utc(2026, 10, 1, 11));
        assert!(sub.iter().all(|s| hr.contains(s)) && sub.len() <= 60);
        let every_5 = Person::new(42, Berlin, false).hr_every(Some(5));
        let n = every_5.heart_rate(from, to).len();
        assert!(
            n > 11 * hr.len() && n <= 12 * hr.len(),
            "{n} vs {}",
            hr.len()
        );
        assert_eq!(
            Person::new(42, Berlin, false)
                .hr_every(Some(0))
                .heart_rate(from, to),
            Person::new(42, Berlin, false).heart_rate(from, to),
            "0 keeps the irregular spacing"
        );
    }

    #[test]
    fn irregular_spacing_is_realistic() {
        let p = Person::new(3, Berlin, false);
        let mut gaps = [0usize; 3];
        for day in 1..8 {
            let hr = p.heart_rate(utc(2026, 9, day, 0), utc(2026, 9, day + 1, 0));
            for w in hr.windows(2) {
                let g = (w[1].0 - w[0].0).num_seconds();
                match g {
                    1..=5 => gaps[0] += 1,
                    6..=15 => gaps[1] += 1,
                    _ => gaps[2] += 1,
                }
            }
        }
        assert!(gaps[0] > 10 * gaps[1], "{gaps:?}");
        assert!(gaps[1] > 0 && gaps[2] > 0, "{gaps:?}");
    }

    #[test]
    fn dense_day_has_one_sample_per_second() {
        let p = Person::new(1, Berlin, true);
        for i in 0..30 {
            let date = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap() + Duration::days(i);
            assert!(
                p.worn(date) && p.plan(date).charging.is_none(),
                "{date}: no gaps when dense"
            );
            let (s, e) = p.day_bounds(date);
            assert_eq!(p.heart_rate(s, e).len(), 86_400, "{date}");
        }
    }

    #[test]
    fn fall_back_day_has_25_hours() {
        let p = Person::new(1, Berlin, true);
        let (s, e) = p.day_bounds(NaiveDate::from_ymd_opt(2026, 10, 25).unwrap());
        assert_eq!((e - s).num_hours(), 25);
    }

    #[test]
    fn ranges_are_plausible() {
        let p = Person::new(9, Berlin, false);
        let mut unworn = 0;
        let mut peaks = 0;
        for i in 0..120 {
            let d = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap() + Duration::days(i);
            match p.resting_hr(d) {
                None => {
                    unworn += 1;
                    assert!(p.main_sleep(d).is_none() && p.daily_hrv(d).is_none());
                }
                Some(r) => {
                    assert!((55..=62).contains(&r));
                    let pts = p.hrv_points(d);
                    assert!(pts.len() >= 70, "{}", pts.len());
                    for x in &pts {
                        assert!((20.0..=80.0).contains(&x.rmssd));
                        assert!((0.85..=1.0).contains(&x.coverage));
                    }
                    let (s, e) = p.main_sleep(d).unwrap();
                    assert!(pts.iter().all(|x| x.time >= s && x.time < e));
                    let (ds, de) = p.day_bounds(d);
                    let max = p
                        .minute_means(ds, de)
                        .iter()
                        .map(|m| m.1)
                        .fold(0.0, f64::max);
                    if max > 125.0 {
                        peaks += 1;
                    }
                }
            }
        }
        assert!((1..20).contains(&unworn), "{unworn}");
        assert!(peaks > 60, "{peaks}");
    }
}
