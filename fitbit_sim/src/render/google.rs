//! Google Health API v4 bodies (docs/google-health-api.md §4, §5).
//! CONTRACT: `path` after the host (e.g. `/v4/users/me/dataTypes/heart-rate/dataPoints`,
//! `/v4/users/me/settings`), `query` the raw (URL-encoded) query string with `filter`, `pageSize`,
//! `pageToken`. Validates filters as documented (AIP-160 subset: only `>=` and `<`, joined by
//! `AND`, snake_case member names per data type; anything else → 400 INVALID_ARGUMENT with the
//! `error{}` envelope as in fitbit_core/tests/fixtures/ghapi_error_400_invalid_filter.json, docs/google-health-api.md §5.2). Pages newest
//! first, int64 as strings, zero civil-time parts omitted, `{}` for an empty last page.
//!
//! Decisions where the docs are silent (tests rely on them):
//! - Missing bounds: no upper bound → now (daily types: local today, inclusive); no lower bound →
//!   14 days before the upper bound. The resolved range is stored in the page token, so paging is
//!   stable while the clock moves.
//! - `pageSize` 0/absent → 1440; above 10000 → 10000; negative or not a number → 400.
//! - The page token is opaque (base64url) and bound to the data type and the `filter` text:
//!   a corrupt token, or one reused with another type or filter, → 400 INVALID_ARGUMENT.
//! - A page has exactly `pageSize` points except the last; pages = max(1, ceil(points/pageSize)).
//!   [`Shape::page_cap`] lowers that maximum (the live API gave about 5,000 points a page for
//!   `pageSize=10000`, docs/google-health-api.md §4.4).
//! - `prettyPrint` (a standard parameter, documented default `true`): [`route`] and [`route_at`]
//!   answer compact JSON unless `prettyPrint=true`; [`route_shaped`] with
//!   [`Shape::pretty_default`] answers pretty JSON unless `prettyPrint=false`. Pretty means two
//!   spaces of indent and `"key": value`, as Google's servers (and the fixture) write it.
//! - Injected empty page: the FIRST page of a `heart-rate-variability` query whose range contains
//!   the local midnight of a day without main-sleep data (see [`Person::main_sleep`]) is
//!   `{"nextPageToken": …}` with no points; then paging proceeds normally. So such a query has one
//!   page more. A query with no points at all answers `{}` (after that empty page, if injected).
//! - Civil-time filters compare the sample's local wall clock (so a fall-back hour matches twice).
//! - Daily data points use `recordingMethod` `DERIVED`, samples `PASSIVELY_MEASURED`.

use super::{ErrorAnswer, num, push_2, push_str_lit, push_uint};
use crate::person::{DailyHrvValue, HrvPoint, Person};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Timelike, Utc};

pub fn route(person: &Person, path: &str, query: &str) -> Result<String, ErrorAnswer> {
    route_at(person, path, query, Utc::now())
}

/// What a server's answers look like beyond the data: the most points a page holds and whether
/// bodies are pretty-printed when the request does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Most points on one list page, whatever `pageSize` asks (at most 10,000).
    pub page_cap: usize,
    /// Pretty-print unless `prettyPrint=false`.
    pub pretty_default: bool,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            page_cap: 10_000,
            pretty_default: false,
        }
    }
}

/// [`route`] with an explicit "now" (used for missing filter bounds and settings).
pub fn route_at(
    person: &Person,
    path: &str,
    query: &str,
    now: DateTime<Utc>,
) -> Result<String, ErrorAnswer> {
    route_shaped(person, path, query, now, Shape::default())
}

/// [`route_at`] with a [`Shape`]. Error bodies are pretty-printed too when bodies are.
pub fn route_shaped(
    person: &Person,
    path: &str,
    query: &str,
    now: DateTime<Utc>,
    shape: Shape,
) -> Result<String, ErrorAnswer> {
    let mut pretty = shape.pretty_default;
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        if k == "prettyPrint" {
            pretty = v != "false";
        }
    }
    let answer = route_compact(person, path, query, now, shape.page_cap);
    if !pretty {
        return answer;
    }
    answer.map(|b| pretty_json(&b)).map_err(|mut e| {
        e.body = pretty_json(&e.body);
        e
    })
}

fn route_compact(
    person: &Person,
    path: &str,
    query: &str,
    now: DateTime<Utc>,
    page_cap: usize,
) -> Result<String, ErrorAnswer> {
    if path == "/v4/users/me/settings" {
        let mut out = String::from("{\"name\":\"users/me/settings\",\"timeZone\":");
        push_str_lit(&mut out, person.tz.name());
        out.push_str(&format!(",\"utcOffset\":\"{}s\"}}", person.offset_at(now)));
        return Ok(out);
    }
    let Some(type_id) = path
        .strip_prefix("/v4/users/me/dataTypes/")
        .and_then(|r| r.strip_suffix("/dataPoints"))
        .filter(|t| !t.contains('/'))
    else {
        return Err(error_answer(
            404,
            "NOT_FOUND",
            &format!("{path} not found"),
            None,
        ));
    };
    let Some(kind) = Kind::from_id(type_id) else {
        return Err(error_answer(
            400,
            "INVALID_ARGUMENT",
            &format!("The data type ID '{type_id}' is not supported"),
            Some(error_info("INVALID_PARENT_DATA_TYPE_COLLECTION", None)),
        ));
    };
    let mut filter = String::new();
    let mut page_size = 1440usize;
    let mut token = None;
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "filter" => filter = v.into_owned(),
            "pageSize" => {
                let n: i64 = v
                    .trim()
                    .parse()
                    .map_err(|_| bad_argument("pageSize must be an integer."))?;
                if n < 0 {
                    return Err(bad_argument("pageSize must not be negative."));
                }
                page_size = if n == 0 { 1440 } else { n.min(10_000) as usize };
            }
            "pageToken" if !v.is_empty() => token = Some(v.into_owned()),
            _ => {}
        }
    }
    let page_size = page_size.min(page_cap.clamp(1, 10_000));
    let bounds = parse_filter(kind, &filter)?;
    let filter_hash = fnv(filter.as_bytes());
    let state = match token {
        Some(t) => PageState::decode(&t, kind, filter_hash)
            .ok_or_else(|| bad_argument("The page token is invalid."))?,
        None => PageState::first(person, kind, &bounds, now, filter_hash),
    };
    Ok(page(person, kind, &bounds, state, page_size))
}

// ---------- data types ----------

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    HeartRate,
    Hrv,
    DailyHrv,
    DailyResting,
}

impl Kind {
    fn from_id(id: &str) -> Option<Kind> {
        Some(match id {
            "heart-rate" => Kind::HeartRate,
            "heart-rate-variability" => Kind::Hrv,
            "daily-heart-rate-variability" => Kind::DailyHrv,
            "daily-resting-heart-rate" => Kind::DailyResting,
            _ => return None,
        })
    }
    fn snake(self) -> &'static str {
        match self {
            Kind::HeartRate => "heart_rate",
            Kind::Hrv => "heart_rate_variability",
            Kind::DailyHrv => "daily_heart_rate_variability",
            Kind::DailyResting => "daily_resting_heart_rate",
        }
    }
    fn daily(self) -> bool {
        matches!(self, Kind::DailyHrv | Kind::DailyResting)
    }
    fn tag(self) -> u8 {
        self as u8
    }
}

// ---------- errors ----------

/// The `google.rpc.Status` envelope; `details` is the raw JSON array content, if any.
pub fn error_answer(
    code: u16,
    status: &str,
    message: &str,
    details: Option<String>,
) -> ErrorAnswer {
    let mut body = format!("{{\"error\":{{\"code\":{code},\"message\":");
    push_str_lit(&mut body, message);
    body.push_str(",\"status\":");
    push_str_lit(&mut body, status);
    if let Some(d) = details {
        body.push_str(",\"details\":[");
        body.push_str(&d);
        body.push(']');
    }
    body.push_str("}}");
    ErrorAnswer { status: code, body }
}

fn error_info(reason: &str, detailed: Option<&str>) -> String {
    let mut s = String::from("{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":");
    push_str_lit(&mut s, reason);
    s.push_str(",\"domain\":\"health.googleapis.com\"");
    if let Some(d) = detailed {
        s.push_str(",\"metadata\":{\"detailedReasons\":");
        push_str_lit(&mut s, d);
        s.push('}');
    }
    s.push('}');
    s
}

fn bad_argument(message: &str) -> ErrorAnswer {
    error_answer(400, "INVALID_ARGUMENT", message, None)
}

/// One filter problem: its detailed reason and the field-violation description.
struct Violation {
    reason: &'static str,
    description: String,
}

fn filter_error(violations: &[Violation]) -> ErrorAnswer {
    let reasons: Vec<&str> = violations.iter().map(|v| v.reason).collect();
    let mut bad = String::from(
        "{\"@type\":\"type.googleapis.com/google.rpc.BadRequest\",\"fieldViolations\":[",
    );
    for (i, v) in violations.iter().enumerate() {
        if i > 0 {
            bad.push(',');
        }
        bad.push_str("{\"field\":\"filter\",\"description\":");
        push_str_lit(&mut bad, &v.description);
        bad.push('}');
    }
    bad.push_str("]}");
    let details = format!(
        "{},{}",
        error_info("INVALID_DATA_POINT_FILTER", Some(&reasons.join(","))),
        bad
    );
    error_answer(
        400,
        "INVALID_ARGUMENT",
        &format!("Invalid data point filter: {}.", reasons.join(", ")),
        Some(details),
    )
}

// ---------- filter ----------

/// Bounds from the filter; all lower bounds inclusive, upper bounds exclusive.
#[derive(Debug, Default, Clone, Copy)]
struct Bounds {
    phys: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    civil: (Option<NaiveDateTime>, Option<NaiveDateTime>),
    date: (Option<NaiveDate>, Option<NaiveDate>),
}

fn tighten<T: Ord + Copy>(slot: &mut (Option<T>, Option<T>), lower: bool, v: T) {
    if lower {
        slot.0 = Some(slot.0.map_or(v, |o| o.max(v)));
    } else {
        slot.1 = Some(slot.1.map_or(v, |o| o.min(v)));
    }
}

fn parse_filter(kind: Kind, filter: &str) -> Result<Bounds, ErrorAnswer> {
    let mut bounds = Bounds::default();
    if filter.trim().is_empty() {
        return Ok(bounds);
    }
    let mut violations = Vec::new();
    // Split on " AND ", remembering each clause's 1-based column.
    let mut clauses = Vec::new();
    let mut start = 0;
    while let Some(i) = filter[start..].find(" AND ") {
        clauses.push((start, &filter[start..start + i]));
        start += i + 5;
    }
    clauses.push((start, &filter[start..]));
    for (offset, raw) in clauses {
        let lead = raw.len() - raw.trim_start().len();
        let column = filter[..offset + lead].chars().count() + 1;
        let at = format!("(at line 1, column {column})");
        let clause = raw.trim();
        let member_end = clause
            .find(|c: char| c.is_whitespace() || "<>=!:".contains(c))
            .unwrap_or(clause.len());
        let member = &clause[..member_end];
        let rest = clause[member_end..].trim_start();
        let op = [">=", "<=", "!=", "<", ">", "=", ":"]
            .into_iter()
            .find(|o| rest.starts_with(o));
        let Some(op) = op else {
            violations.push(Violation {
                reason: "INVALID_DATA_POINT_FILTER_SYNTAX",
                description: format!("Expected a comparison after '{member}'. {at}"),
            });
            continue;
        };
        let value = rest[op.len()..].trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        let snake = kind.snake();
        let field = member.strip_prefix(snake).and_then(|m| m.strip_prefix('.'));
        let field = match field {
            Some("sample_time.physical_time") if !kind.daily() => "physical",
            Some("sample_time.civil_time") if !kind.daily() => "civil",
            Some("date") if kind.daily() => "date",
            _ => {
                violations.push(Violation {
                    reason: if member.contains('-') {
                        "INVALID_DATA_POINT_FILTER_DATA_TYPE_RESTRICTION"
                    } else {
                        "INVALID_DATA_POINT_FILTER_DATA_TYPE_MEMBER"
                    },
                    description: format!("Member '{member}' is not supported for filtering. {at}"),
                });
                continue;
            }
        };
        if op != ">=" && op != "<" {
            violations.push(Violation {
                reason: "INVALID_DATA_POINT_FILTER_SYNTAX",
                description: format!(
                    "Operator '{op}' is not supported for filtering; only '>=' and '<' are. {at}"
                ),
            });
            continue;
        }
        let lower = op == ">=";
        let ok = match field {
            "physical" => DateTime::parse_from_rfc3339(value)
                .map(|t| tighten(&mut bounds.phys, lower, t.with_timezone(&Utc)))
                .is_ok(),
            "civil" => parse_civil(value)
                .map(|t| tighten(&mut bounds.civil, lower, t))
                .is_some(),
            _ => (value.len() == 10)
                .then(|| NaiveDate::parse_from_str(value, "%Y-%m-%d").ok())
                .flatten()
                .map(|d| tighten(&mut bounds.date, lower, d))
                .is_some(),
        };
        if !ok {
            violations.push(Violation {
                reason: "INVALID_DATA_POINT_FILTER_SYNTAX",
                description: format!("Invalid value '{value}' for member '{member}'. {at}"),
            });
        }
    }
    if violations.is_empty() {
        Ok(bounds)
    } else {
        Err(filter_error(&violations))
    }
}

/// `YYYY-MM-DD` or `YYYY-MM-DDTHH:mm:ss`.
fn parse_civil(v: &str) -> Option<NaiveDateTime> {
    match v.len() {
        10 => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .ok()
            .map(|d| d.and_time(chrono::NaiveTime::MIN)),
        19 => NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S").ok(),
        _ => None,
    }
}

// ---------- paging ----------

/// The resolved query range and the position, all as integers (UTC seconds for samples,
/// days from CE for daily types). `cursor` is the exclusive upper bound of what is left.
#[derive(Debug, Clone, Copy, PartialEq)]
struct PageState {
    from: i64,
    to: i64,
    cursor: i64,
    empty_done: bool,
    filter_hash: u64,
}

const DAY: i64 = 86_400;
const CIVIL_MARGIN: i64 = 15 * 3600;

fn day_num(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce())
}
fn from_day_num(n: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(n).ok()?)
}

impl PageState {
    fn first(
        person: &Person,
        kind: Kind,
        b: &Bounds,
        now: DateTime<Utc>,
        filter_hash: u64,
    ) -> Self {
        let (from, to) = if kind.daily() {
            let to = b
                .date
                .1
                .map_or(day_num(person.local_date(now)) + 1, day_num);
            let from = b.date.0.map_or(to - 14, day_num);
            (from, to)
        } else {
            let mut to = b.phys.1.map(|t| t.timestamp());
            if let Some(c) = b.civil.1 {
                let t = c.and_utc().timestamp() + CIVIL_MARGIN;
                to = Some(to.map_or(t, |x| x.min(t)));
            }
            let to = to.unwrap_or(now.timestamp());
            let mut from = b.phys.0.map(|t| t.timestamp());
            if let Some(c) = b.civil.0 {
                let t = c.and_utc().timestamp() - CIVIL_MARGIN;
                from = Some(from.map_or(t, |x| x.max(t)));
            }
            (from.unwrap_or(to - 14 * DAY), to)
        };
        PageState {
            from,
            to: to.max(from),
            cursor: to.max(from),
            empty_done: false,
            filter_hash,
        }
    }

    fn encode(&self, kind: Kind) -> String {
        let raw = format!(
            "v1|{}|{}|{}|{}|{}|{:x}",
            kind.tag(),
            self.from,
            self.to,
            self.cursor,
            u8::from(self.empty_done),
            self.filter_hash
        );
        URL_SAFE_NO_PAD.encode(raw)
    }

    fn decode(token: &str, kind: Kind, filter_hash: u64) -> Option<Self> {
        let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(token).ok()?).ok()?;
        let parts: Vec<&str> = raw.split('|').collect();
        let [v, tag, from, to, cursor, empty, hash] = parts.as_slice() else {
            return None;
        };
        let state = PageState {
            from: from.parse().ok()?,
            to: to.parse().ok()?,
            cursor: cursor.parse().ok()?,
            empty_done: *empty == "1",
            filter_hash: u64::from_str_radix(hash, 16).ok()?,
        };
        let valid = *v == "v1"
            && tag.parse::<u8>().ok()? == kind.tag()
            && state.filter_hash == filter_hash
            && state.from <= state.cursor
            && state.cursor <= state.to;
        valid.then_some(state)
    }
}

/// One data point to render.
enum Item {
    Hr(i64, u16),
    Hrv(HrvPoint),
    DailyHrv(NaiveDate, DailyHrvValue),
    Resting(NaiveDate, u16),
}

/// Items with keys in `[lo, hi)`, ascending.
fn items_in(person: &Person, kind: Kind, b: &Bounds, lo: i64, hi: i64) -> Vec<(i64, Item)> {
    let civil_ok = |t: DateTime<Utc>| -> bool {
        if b.civil == (None, None) {
            return true;
        }
        let local = (t + Duration::seconds(i64::from(person.offset_at(t)))).naive_utc();
        b.civil.0.is_none_or(|c| local >= c) && b.civil.1.is_none_or(|c| local < c)
    };
    let (Some(lo_t), Some(hi_t)) = (
        DateTime::from_timestamp(lo, 0),
        DateTime::from_timestamp(hi, 0),
    ) else {
        return Vec::new();
    };
    match kind {
        Kind::HeartRate => person
            .heart_rate(lo_t, hi_t)
            .into_iter()
            .filter(|(t, _)| civil_ok(*t))
            .map(|(t, bpm)| (t.timestamp(), Item::Hr(t.timestamp(), bpm)))
            .collect(),
        Kind::Hrv => {
            let mut out = Vec::new();
            let first = person.local_date(lo_t);
            let last = person.local_date(hi_t).succ_opt().unwrap_or(first);
            for d in first.iter_days().take_while(|d| *d <= last) {
                for p in person.hrv_points(d) {
                    if p.time >= lo_t && p.time < hi_t && civil_ok(p.time) {
                        out.push((p.time.timestamp(), Item::Hrv(p)));
                    }
                }
            }
            out
        }
        Kind::DailyHrv | Kind::DailyResting => (lo..hi)
            .filter_map(|n| {
                let d = from_day_num(n)?;
                let item = match kind {
                    Kind::DailyHrv => Item::DailyHrv(d, person.daily_hrv(d)?),
                    _ => Item::Resting(d, person.resting_hr(d)?),
                };
                Some((n, item))
            })
            .collect(),
    }
}

/// Whether the range holds the local midnight of a day without main-sleep data.
fn has_night_without_sleep(person: &Person, state: &PageState) -> bool {
    let (Some(lo), Some(hi)) = (
        DateTime::from_timestamp(state.from, 0),
        DateTime::from_timestamp(state.to, 0),
    ) else {
        return false;
    };
    let first = person.local_date(lo);
    first
        .iter_days()
        .take_while(|d| *d <= person.local_date(hi))
        .any(|d| {
            let midnight = person.day_bounds(d).0;
            midnight >= lo && midnight < hi && person.main_sleep(d).is_none()
        })
}

fn page(person: &Person, kind: Kind, b: &Bounds, mut state: PageState, size: usize) -> String {
    if kind == Kind::Hrv && !state.empty_done {
        state.empty_done = true;
        if has_night_without_sleep(person, &state) {
            return format!("{{\"nextPageToken\":\"{}\"}}", state.encode(kind));
        }
    }
    state.empty_done = true;
    let chunk = match kind {
        Kind::HeartRate => 3600,
        Kind::Hrv => DAY,
        _ => 31,
    };
    // Walk backward from the cursor until size + 1 items are known (one more = "more pages").
    let mut newest_first: Vec<(i64, Item)> = Vec::with_capacity(size + 1);
    let mut hi = state.cursor;
    while hi > state.from && newest_first.len() <= size {
        let lo = (hi - chunk).max(state.from);
        let mut items = items_in(person, kind, b, lo, hi);
        while let Some(it) = items.pop() {
            newest_first.push(it);
            if newest_first.len() > size {
                break;
            }
        }
        hi = lo;
    }
    let more = newest_first.len() > size;
    newest_first.truncate(size);
    if newest_first.is_empty() {
        return "{}".to_string();
    }
    let mut out = String::with_capacity(newest_first.len() * 330 + 128);
    out.push_str("{\"dataPoints\":[");
    for (i, (_, item)) in newest_first.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_item(&mut out, person, item);
    }
    out.push(']');
    if more {
        if let Some((key, _)) = newest_first.last() {
            state.cursor = *key;
        }
        out.push_str(",\"nextPageToken\":\"");
        out.push_str(&state.encode(kind));
        out.push('"');
    }
    out.push('}');
    out
}

// ---------- rendering ----------

const SAMPLE_SOURCE: &str = "\"dataSource\":{\"recordingMethod\":\"PASSIVELY_MEASURED\",\"device\":{\"displayName\":\"Pixel Watch 4\"},\"platform\":\"FITBIT\"}";
const DAILY_SOURCE: &str = "\"dataSource\":{\"recordingMethod\":\"DERIVED\",\"device\":{\"displayName\":\"Pixel Watch 4\"},\"platform\":\"FITBIT\"}";

fn push_date(out: &mut String, d: NaiveDate) {
    out.push_str("{\"year\":");
    push_uint(out, d.year().max(0) as u64);
    out.push_str(",\"month\":");
    push_uint(out, u64::from(d.month()));
    out.push_str(",\"day\":");
    push_uint(out, u64::from(d.day()));
    out.push('}');
}

/// `"sampleTime":{physicalTime, utcOffset, civilTime{date, time{non-zero parts}}}`.
fn push_sample_time(out: &mut String, person: &Person, t: DateTime<Utc>) {
    let off = person.offset_at(t);
    out.push_str("\"sampleTime\":{\"physicalTime\":\"");
    let u = t.naive_utc();
    push_uint(out, u.year().max(0) as u64);
    for (sep, v) in [
        ('-', u.month()),
        ('-', u.day()),
        ('T', u.hour()),
        (':', u.minute()),
        (':', u.second()),
    ] {
        out.push(sep);
        push_2(out, v);
    }
    out.push_str("Z\",\"utcOffset\":\"");
    if off < 0 {
        out.push('-');
    }
    push_uint(out, u64::from(off.unsigned_abs()));
    out.push_str("s\",\"civilTime\":{\"date\":");
    let local = (t + Duration::seconds(i64::from(off))).naive_utc();
    push_date(out, local.date());
    out.push_str(",\"time\":{");
    let mut first = true;
    for (name, v) in [
        ("hours", local.hour()),
        ("minutes", local.minute()),
        ("seconds", local.second()),
    ] {
        if v != 0 {
            if !first {
                out.push(',');
            }
            first = false;
            out.push('"');
            out.push_str(name);
            out.push_str("\":");
            push_uint(out, u64::from(v));
        }
    }
    out.push_str("}}}");
}

fn push_item(out: &mut String, person: &Person, item: &Item) {
    out.push('{');
    match item {
        Item::Hr(secs, bpm) => {
            out.push_str(SAMPLE_SOURCE);
            out.push_str(",\"heartRate\":{");
            if let Some(t) = DateTime::from_timestamp(*secs, 0) {
                push_sample_time(out, person, t);
            }
            out.push_str(",\"beatsPerMinute\":\"");
            push_uint(out, u64::from(*bpm));
            out.push_str("\"}");
        }
        Item::Hrv(p) => {
            out.push_str(SAMPLE_SOURCE);
            out.push_str(",\"heartRateVariability\":{");
            push_sample_time(out, person, p.time);
            out.push_str(&format!(
                ",\"rootMeanSquareOfSuccessiveDifferencesMilliseconds\":{},\"standardDeviationMilliseconds\":{}}}",
                num(p.rmssd),
                num(p.sdnn)
            ));
        }
        Item::Resting(d, bpm) => {
            out.push_str(DAILY_SOURCE);
            out.push_str(",\"dailyRestingHeartRate\":{\"date\":");
            push_date(out, *d);
            let method = if person.main_sleep(*d).is_some() {
                "WITH_SLEEP"
            } else {
                "ONLY_WITH_AWAKE_DATA"
            };
            out.push_str(&format!(
                ",\"beatsPerMinute\":\"{bpm}\",\"dailyRestingHeartRateMetadata\":{{\"calculationMethod\":\"{method}\"}}}}"
            ));
        }
        Item::DailyHrv(d, v) => {
            out.push_str(DAILY_SOURCE);
            {
                out.push_str(",\"dailyHeartRateVariability\":{\"date\":");
                push_date(out, *d);
                out.push_str(&format!(
                    ",\"averageHeartRateVariabilityMilliseconds\":{},\"nonRemHeartRateBeatsPerMinute\":\"{}\",\"entropy\":{},\"deepSleepRootMeanSquareOfSuccessiveDifferencesMilliseconds\":{}}}",
                    num(v.daily_rmssd),
                    v.non_rem_hr.round() as i64,
                    num(v.entropy),
                    num(v.deep_rmssd)
                ));
            }
        }
    }
    out.push('}');
}

/// Compact JSON re-indented the way Google's servers print it: two spaces a level, `": "`
/// after keys, one member or element a line, `{}` and `[]` kept on one line.
pub fn pretty_json(compact: &str) -> String {
    let b = compact.as_bytes();
    let mut out = String::with_capacity(compact.len() * 13 / 10 + 64);
    let mut depth = 0usize;
    let mut in_str = false;
    let mut start = 0;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if in_str {
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == b'"' {
                in_str = false;
            }
            i += 1;
            continue;
        }
        // Everything up to here is copied as is; only structure characters are rewritten.
        match c {
            b'"' => {
                in_str = true;
                i += 1;
                continue;
            }
            b'{' | b'[' | b'}' | b']' | b',' | b':' => {}
            _ => {
                i += 1;
                continue;
            }
        }
        out.push_str(&compact[start..i]);
        match c {
            b'{' | b'[' if matches!(b.get(i + 1), Some(b'}' | b']')) => {
                out.push_str(&compact[i..i + 2]);
                i += 1;
            }
            b'{' | b'[' => {
                out.push(c as char);
                depth += 1;
                newline(&mut out, depth);
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c as char);
            }
            b',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            _ => out.push_str(": "),
        }
        i += 1;
        start = i;
    }
    out.push_str(&compact[start.min(compact.len())..]);
    out
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
