//! Legacy Fitbit Web API bodies (docs/fitbit-web-api.md §3, §4, §6).
//! CONTRACT: `path` is the URL path after the host, e.g. `/1/user/-/hrv/date/2026-10-01/all.json`,
//! `query` the raw query string (e.g. `timezone=UTC`). Returns the 200 body, or the documented
//! error answer (bad date, range too long, unknown path → 400/404 with the `errors[]` envelope).
//! `intraday` false means the app has no intraday access: the 200 body then lacks
//! `activities-heart-intraday` (and HRV intraday answers 403 insufficient_permissions).
//!
//! Decisions where the docs are silent:
//! - "max 1 year" (HR summary range) means at most one year of dates: `end < start + 12 months`;
//!   "max 30 days" (HRV ranges) means at most 30 dates inclusive. `end < start` is a 400.
//! - A `/time/A/B` window includes the whole end minute (`23:59` ends at 24:00; `HH:mm:ss` ends
//!   one second later); windows are compared in wall-clock time for the 24-hour limit. Without a
//!   window, the range intraday form accepts only `start == end` (a whole local day, 25 h on a
//!   fall-back day).
//! - `1min`/`5min`/`15min` values are integer means of the samples in each wall-clock bucket;
//!   the repeated hour of a fall-back day forms separate buckets (and appears twice, in order).
//! - The time-window shape's string `value` is the mean bpm over the window, 2 decimals, trailing
//!   zeros trimmed (as in `"55.44"`, `"64.2"`).
//! - HRV intraday points are grouped under the date the main sleep ENDED (the HRV date), even
//!   for points before local midnight; `timezone=UTC` does not apply to HRV.

use super::{ErrorAnswer, push_2, push_str_lit, push_uint};
use crate::person::{Person, splitmix64};
use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveTime, Utc};

pub fn route(
    person: &Person,
    path: &str,
    query: &str,
    intraday: bool,
) -> Result<String, ErrorAnswer> {
    let clock = Clock {
        person,
        utc: query_param(query, "timezone").is_some_and(|v| v.eq_ignore_ascii_case("UTC")),
    };
    let rest = path
        .strip_prefix("/1/")
        .or_else(|| path.strip_prefix("/1.1/"))
        .and_then(|r| r.strip_prefix("user/-/"))
        .and_then(|r| r.strip_suffix(".json"))
        .ok_or_else(not_found)?;
    if rest == "profile" {
        return Ok(profile(person, Utc::now()));
    }
    if let Some(r) = rest.strip_prefix("activities/heart/date/") {
        let segs: Vec<&str> = r.split('/').collect();
        return heart(&clock, &segs, intraday);
    }
    if let Some(r) = rest.strip_prefix("hrv/date/") {
        let segs: Vec<&str> = r.split('/').collect();
        return hrv(&clock, &segs, intraday);
    }
    Err(not_found())
}

/// The legacy error envelope `{"errors":[{errorType, fieldName?, message}],"success":false}`.
pub fn error_answer(
    status: u16,
    error_type: &str,
    field: Option<&str>,
    message: &str,
) -> ErrorAnswer {
    let mut body = String::from("{\"errors\":[{\"errorType\":");
    push_str_lit(&mut body, error_type);
    if let Some(f) = field {
        body.push_str(",\"fieldName\":");
        push_str_lit(&mut body, f);
    }
    body.push_str(",\"message\":");
    push_str_lit(&mut body, message);
    body.push_str("}],\"success\":false}");
    ErrorAnswer { status, body }
}

fn not_found() -> ErrorAnswer {
    error_answer(
        404,
        "not_found",
        Some("n/a"),
        "The API you are requesting could not be found.",
    )
}

fn validation(field: &str, message: &str) -> ErrorAnswer {
    error_answer(400, "validation", Some(field), message)
}

fn query_param<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

/// Local (profile time zone) or UTC day arithmetic, per `timezone=UTC`.
struct Clock<'a> {
    person: &'a Person,
    utc: bool,
}

impl Clock<'_> {
    fn today(&self) -> NaiveDate {
        let now = Utc::now();
        if self.utc {
            now.date_naive()
        } else {
            self.person.local_date(now)
        }
    }
    fn date(&self, s: &str, field: &str) -> Result<NaiveDate, ErrorAnswer> {
        if s == "today" {
            return Ok(self.today());
        }
        if s.len() == 10
            && let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        {
            return Ok(d);
        }
        Err(validation(
            field,
            &format!("Invalid date:{s}. The date must be in the format yyyy-MM-dd or today."),
        ))
    }
    fn at(&self, date: NaiveDate, secs: i64) -> DateTime<Utc> {
        let local = date.and_time(NaiveTime::MIN) + Duration::seconds(secs);
        if self.utc {
            DateTime::from_naive_utc_and_offset(local, Utc)
        } else {
            self.person.local_to_utc(local)
        }
    }
    fn bounds(&self, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        (self.at(date, 0), self.at(date, 86_400))
    }
    fn offset(&self, t: DateTime<Utc>) -> i32 {
        if self.utc {
            0
        } else {
            self.person.offset_at(t)
        }
    }
}

fn dates(start: NaiveDate, end: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    start.iter_days().take_while(move |d| *d <= end)
}

fn push_date(out: &mut String, d: NaiveDate) {
    out.push('"');
    push_uint(out, d.year().max(0) as u64);
    out.push('-');
    push_2(out, d.month());
    out.push('-');
    push_2(out, d.day());
    out.push('"');
}

// ---------- heart rate ----------

#[derive(Clone, Copy, PartialEq)]
enum Detail {
    Sec1,
    Min(u32),
}

fn detail(s: &str) -> Option<Detail> {
    match s {
        "1sec" => Some(Detail::Sec1),
        "1min" => Some(Detail::Min(1)),
        "5min" => Some(Detail::Min(5)),
        "15min" => Some(Detail::Min(15)),
        _ => None,
    }
}

fn period_start(end: NaiveDate, period: &str) -> Option<NaiveDate> {
    let days = match period {
        "1d" => 1,
        "7d" | "1w" => 7,
        "30d" => 30,
        "1m" => {
            return end.checked_sub_months(Months::new(1))?.succ_opt();
        }
        _ => return None,
    };
    end.checked_sub_signed(Duration::days(days - 1))
}

fn heart(clock: &Clock, segs: &[&str], intraday: bool) -> Result<String, ErrorAnswer> {
    match segs {
        [d, second] => {
            let first = clock.date(d, "date")?;
            if let Some(start) = period_start(first, second) {
                return Ok(summary_series(clock, start, first));
            }
            if second.len() != 10 && !second.ends_with('d') && !second.ends_with('w') {
                return Err(not_found());
            }
            let end = clock.date(second, "end-date")?;
            if end < first {
                return Err(validation(
                    "end-date",
                    "The end date must not be before the start date.",
                ));
            }
            let limit = first.checked_add_months(Months::new(12)).unwrap_or(first);
            if end >= limit {
                return Err(validation("end-date", "The maximum date range is 1 year."));
            }
            Ok(summary_series(clock, first, end))
        }
        [d, second, det] | [d, second, det, "time", _, _] => {
            let Some(det) = detail(det) else {
                return Err(validation(
                    "detail-level",
                    &format!(
                        "Invalid detail level: {det}. It must be one of 1sec, 1min, 5min, 15min."
                    ),
                ));
            };
            let start = clock.date(d, "date")?;
            let end = if *second == "1d" {
                start
            } else {
                clock.date(second, "end-date")?
            };
            if end < start {
                return Err(validation(
                    "end-date",
                    "The end date must not be before the start date.",
                ));
            }
            let window = if let [_, _, _, _, a, b] = segs {
                let a = hhmm(a, false)
                    .ok_or_else(|| validation("start-time", &format!("Invalid time:{a}")))?;
                let b = hhmm(b, true)
                    .ok_or_else(|| validation("end-time", &format!("Invalid time:{b}")))?;
                Some((a, b))
            } else {
                None
            };
            let (a, b) = window.unwrap_or((0, 86_400));
            let span = (end - start).num_seconds() + b - a;
            if span > 86_400 || (window.is_none() && end != start) {
                return Err(error_answer(
                    400,
                    "request",
                    Some("n/a"),
                    "Time range should not be bigger than 24 hours.",
                ));
            }
            if span <= 0 {
                return Err(validation(
                    "end-time",
                    "The end time must be after the start time.",
                ));
            }
            Ok(intraday_body(
                clock,
                start,
                end,
                (a, b),
                window.is_some(),
                det,
                intraday,
            ))
        }
        _ => Err(not_found()),
    }
}

/// Seconds of day for `HH:mm` or `HH:mm:ss`; an end time includes its whole minute/second.
fn hhmm(s: &str, is_end: bool) -> Option<i64> {
    let parts: Vec<&str> = s.split(':').collect();
    let num = |p: &str, max: i64| -> Option<i64> {
        (p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<i64>().ok())
            .flatten()
            .filter(|v| *v <= max)
    };
    let (h, m) = (num(parts.first()?, 23)?, num(parts.get(1)?, 59)?);
    match parts.len() {
        2 => Some(h * 3600 + m * 60 + if is_end { 60 } else { 0 }),
        3 => Some(h * 3600 + m * 60 + num(parts[2], 59)? + i64::from(is_end)),
        _ => None,
    }
}

const ZONES: [(&str, u32, u32, f64); 4] = [
    ("Out of Range", 30, 92, 1.786),
    ("Fat Burn", 92, 128, 7.242),
    ("Cardio", 128, 156, 11.754),
    ("Peak", 156, 220, 13.682),
];

/// `"heartRateZones":[...]` for the worn minutes in `[from, to)`; returns the mean bpm too.
fn push_zones(
    out: &mut String,
    person: &Person,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    day_key: i64,
) -> Option<f64> {
    let minutes = person.minute_means(from, to);
    let mut counts = [0u64; 4];
    for (_, bpm) in &minutes {
        let b = bpm.round() as u32;
        let z = ZONES.iter().rposition(|z| b >= z.1).unwrap_or(0);
        counts[z] += 1;
    }
    // Real answers occasionally lack `minutes` on an empty zone (docs/fitbit-web-api.md §3.1).
    let omit_empty = splitmix64(person.seed ^ day_key as u64).is_multiple_of(4);
    out.push_str("\"heartRateZones\":[");
    for (i, (name, min, max, rate)) in ZONES.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let cal = (counts[i] as f64 * rate * 1000.0).round() / 1000.0;
        out.push_str(&format!(
            "{{\"caloriesOut\":{cal},\"max\":{max},\"min\":{min},"
        ));
        if counts[i] > 0 || !omit_empty {
            out.push_str(&format!("\"minutes\":{},", counts[i]));
        }
        out.push_str("\"name\":");
        push_str_lit(out, name);
        out.push('}');
    }
    out.push(']');
    (!minutes.is_empty()).then(|| minutes.iter().map(|m| m.1).sum::<f64>() / minutes.len() as f64)
}

fn push_summary_day(out: &mut String, clock: &Clock, date: NaiveDate) {
    let (from, to) = clock.bounds(date);
    out.push_str("{\"dateTime\":");
    push_date(out, date);
    out.push_str(",\"value\":{\"customHeartRateZones\":[],");
    push_zones(
        out,
        clock.person,
        from,
        to,
        i64::from(date.num_days_from_ce()),
    );
    if let Some(r) = clock.person.resting_hr(date) {
        out.push_str(",\"restingHeartRate\":");
        push_uint(out, u64::from(r));
    }
    out.push_str("}}");
}

fn summary_series(clock: &Clock, start: NaiveDate, end: NaiveDate) -> String {
    let mut out = String::from("{\"activities-heart\":[");
    for (i, d) in dates(start, end).enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_summary_day(&mut out, clock, d);
    }
    out.push_str("]}");
    out
}

/// Trims a mean to at most 2 decimals without trailing zeros: `55.44`, `64.2`, `60`.
fn mean_string(x: f64) -> String {
    let s = format!("{:.2}", x);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn intraday_body(
    clock: &Clock,
    start: NaiveDate,
    end: NaiveDate,
    (a, b): (i64, i64),
    window_shape: bool,
    det: Detail,
    intraday: bool,
) -> String {
    let from = clock.at(start, a);
    let to = clock.at(end, b);
    let mut out = String::with_capacity(if intraday { 64 * 1024 } else { 1024 });
    out.push_str("{\"activities-heart\":[");
    for (i, d) in dates(start, end).enumerate() {
        if i > 0 {
            out.push(',');
        }
        if window_shape {
            let (ds, de) = clock.bounds(d);
            out.push_str("{\"customHeartRateZones\":[],\"dateTime\":");
            push_date(&mut out, d);
            out.push(',');
            let mean = push_zones(
                &mut out,
                clock.person,
                from.max(ds),
                to.min(de),
                i64::from(d.num_days_from_ce()),
            );
            out.push_str(",\"value\":");
            push_str_lit(&mut out, &mean_string(mean.unwrap_or(0.0)));
            out.push('}');
        } else {
            push_summary_day(&mut out, clock, d);
        }
    }
    out.push(']');
    if intraday {
        out.push_str(",\"activities-heart-intraday\":{\"dataset\":[");
        push_dataset(&mut out, clock, from, to, det);
        let (interval, kind) = match det {
            Detail::Sec1 => (1, "second"),
            Detail::Min(n) => (n, "minute"),
        };
        out.push_str(&format!(
            "],\"datasetInterval\":{interval},\"datasetType\":\"{kind}\"}}"
        ));
    }
    out.push('}');
    out
}

fn push_point(out: &mut String, first: &mut bool, local_secs: i64, bpm: u64) {
    if !*first {
        out.push(',');
    }
    *first = false;
    let s = local_secs.rem_euclid(86_400) as u32;
    out.push_str("{\"time\":\"");
    push_2(out, s / 3600);
    out.push(':');
    push_2(out, s / 60 % 60);
    out.push(':');
    push_2(out, s % 60);
    out.push_str("\",\"value\":");
    push_uint(out, bpm);
    out.push('}');
}

/// The dataset entries: wall-clock times, chronological, only times with data.
fn push_dataset(
    out: &mut String,
    clock: &Clock,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    det: Detail,
) {
    let samples = clock.person.heart_rate(from, to);
    let mut first = true;
    // Offsets only change on quarter hours: look one up per 15-minute block.
    let mut off_block = i64::MIN;
    let mut off = 0i64;
    // Current bucket: (local start second, offset, sum, count).
    let mut bucket: Option<(i64, i64, u64, u64)> = None;
    for (t, bpm) in samples {
        let ts = t.timestamp();
        if ts.div_euclid(900) != off_block {
            off_block = ts.div_euclid(900);
            off = i64::from(clock.offset(t));
        }
        let local = ts + off;
        match det {
            Detail::Sec1 => push_point(out, &mut first, local, u64::from(bpm)),
            Detail::Min(n) => {
                let size = i64::from(n) * 60;
                let key = local.div_euclid(size) * size;
                match &mut bucket {
                    Some((k, o, sum, count)) if *k == key && *o == off => {
                        *sum += u64::from(bpm);
                        *count += 1;
                    }
                    _ => {
                        if let Some((k, _, sum, count)) = bucket {
                            push_point(out, &mut first, k, (sum + count / 2) / count);
                        }
                        bucket = Some((key, off, u64::from(bpm), 1));
                    }
                }
            }
        }
    }
    if let Some((k, _, sum, count)) = bucket {
        push_point(out, &mut first, k, (sum + count / 2) / count);
    }
}

// ---------- HRV ----------

fn hrv(clock: &Clock, segs: &[&str], intraday: bool) -> Result<String, ErrorAnswer> {
    let (start, end, all) = match segs {
        [d] => {
            let d = clock.date(d, "date")?;
            (d, d, false)
        }
        [d, "all"] => {
            let d = clock.date(d, "date")?;
            (d, d, true)
        }
        [s, e] => (
            clock.date(s, "startDate")?,
            clock.date(e, "endDate")?,
            false,
        ),
        [s, e, "all"] => (clock.date(s, "startDate")?, clock.date(e, "endDate")?, true),
        _ => return Err(not_found()),
    };
    if end < start {
        return Err(validation(
            "endDate",
            "The end date must not be before the start date.",
        ));
    }
    if (end - start).num_days() >= 30 {
        return Err(validation("endDate", "The maximum date range is 30 days."));
    }
    if all && !intraday {
        return Err(error_answer(
            403,
            "insufficient_permissions",
            None,
            "API client is not authorized by Fitbit to access the resource requested. Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process.",
        ));
    }
    let person = clock.person;
    let mut out = String::from("{\"hrv\":[");
    let mut first = true;
    for d in dates(start, end) {
        if all {
            let points = person.hrv_points(d);
            if points.is_empty() {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str("{\"minutes\":[");
            for (i, p) in points.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let local = p.time.with_timezone(&person.tz).naive_local();
                out.push_str(&format!(
                    "{{\"minute\":\"{}.000\",\"value\":{{\"rmssd\":{},\"coverage\":{},\"hf\":{},\"lf\":{}}}}}",
                    local.format("%Y-%m-%dT%H:%M:%S"),
                    super::num(p.rmssd),
                    super::num(p.coverage),
                    super::num(p.hf),
                    super::num(p.lf)
                ));
            }
            out.push_str("],\"dateTime\":");
            push_date(&mut out, d);
            out.push('}');
        } else if let Some(v) = person.daily_hrv(d) {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(&format!(
                "{{\"value\":{{\"dailyRmssd\":{},\"deepRmssd\":{}}},\"dateTime\":",
                super::num(v.daily_rmssd),
                super::num(v.deep_rmssd)
            ));
            push_date(&mut out, d);
            out.push('}');
        }
    }
    out.push_str("]}");
    Ok(out)
}

// ---------- profile ----------

fn profile(person: &Person, now: DateTime<Utc>) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut h = splitmix64(person.seed ^ 0x5052_4f46);
    let mut id = String::new();
    for _ in 0..6 {
        id.push(ALPHABET[(h % ALPHABET.len() as u64) as usize] as char);
        h = splitmix64(h);
    }
    let offset_ms = i64::from(person.offset_at(now)) * 1000;
    let mut out = String::from("{\"user\":{\"age\":38,\"averageDailySteps\":8421,");
    out.push_str(
        "\"dateOfBirth\":\"1988-04-12\",\"displayName\":\"Sim P.\",\"distanceUnit\":\"METRIC\",",
    );
    out.push_str("\"encodedId\":");
    push_str_lit(&mut out, &id);
    out.push_str(
        ",\"firstName\":\"Sim\",\"fullName\":\"Sim Person\",\"gender\":\"NA\",\"height\":175.0,",
    );
    out.push_str("\"lastName\":\"Person\",\"locale\":\"en_US\",\"memberSince\":\"2019-03-14\",");
    out.push_str(&format!(
        "\"offsetFromUTCMillis\":{offset_ms},\"startDayOfWeek\":\"MONDAY\",\"timezone\":"
    ));
    push_str_lit(&mut out, person.tz.name());
    out.push_str(",\"weight\":72.5}}");
    out
}
