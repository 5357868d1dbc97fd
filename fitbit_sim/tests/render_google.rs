//! The Google Health API v4 bodies compared with the documented shapes and fixtures.

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use common::fixture;
use fitbit_sim::person::Person;
use fitbit_sim::render::google::{route, route_at};
use serde_json::Value;
use std::collections::BTreeSet;

const HR: &str = "/v4/users/me/dataTypes/heart-rate/dataPoints";
const HRV: &str = "/v4/users/me/dataTypes/heart-rate-variability/dataPoints";
const DHRV: &str = "/v4/users/me/dataTypes/daily-heart-rate-variability/dataPoints";
const RHR: &str = "/v4/users/me/dataTypes/daily-resting-heart-rate/dataPoints";

fn shape(v: &Value, path: String, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                shape(x, format!("{path}.{k}"), out);
            }
        }
        Value::Array(a) => {
            for x in a {
                shape(x, format!("{path}[]"), out);
            }
        }
        Value::String(_) => drop(out.insert(format!("{path}:str"))),
        Value::Number(_) => drop(out.insert(format!("{path}:num"))),
        other => drop(out.insert(format!("{path}:{other}"))),
    }
}

fn shape_of(v: &Value) -> BTreeSet<String> {
    let mut s = BTreeSet::new();
    shape(v, String::new(), &mut s);
    s
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn query(filter: &str, size: usize, token: Option<&str>) -> String {
    let mut q = format!("filter={}&pageSize={size}", enc(filter));
    if let Some(t) = token {
        q.push_str(&format!("&pageToken={}", enc(t)));
    }
    q
}

fn phys(kind: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    let f = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    format!(
        "{kind}.sample_time.physical_time >= \"{}\" AND {kind}.sample_time.physical_time < \"{}\"",
        f(from),
        f(to)
    )
}

fn get(p: &Person, path: &str, q: &str) -> Value {
    let body = route(p, path, q).unwrap_or_else(|e| panic!("{q}: {}", e.body));
    serde_json::from_str(&body).unwrap()
}

/// All pages: (page count, every data point in answer order).
fn all_pages(p: &Person, path: &str, filter: &str, size: usize) -> (usize, Vec<Value>) {
    let mut token: Option<String> = None;
    let mut pages = 0;
    let mut points = Vec::new();
    loop {
        let v = get(p, path, &query(filter, size, token.as_deref()));
        pages += 1;
        if let Some(a) = v["dataPoints"].as_array() {
            assert!(a.len() <= size);
            points.extend(a.iter().cloned());
        }
        match v["nextPageToken"].as_str() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return (pages, points),
        }
        assert!(pages < 1000);
    }
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn worn_person(date: NaiveDate, dense: bool) -> Person {
    (1..200)
        .map(|s| Person::new(s, Berlin, dense))
        .find(|p| p.worn(date))
        .unwrap()
}

#[test]
fn heart_rate_page_has_the_fixture_shape() {
    let p = worn_person(d("2026-09-25"), false);
    let (s, e) = p.day_bounds(d("2026-09-25"));
    let v = get(&p, HR, &query(&phys("heart_rate", s, e), 100, None));
    let ours = shape_of(&v);
    let want = shape_of(&fixture("ghapi_heart_rate_list_pixelwatch4.json"));
    assert!(ours.contains(".nextPageToken:str"));
    let extra: Vec<_> = ours
        .iter()
        .filter(|k| !want.contains(*k) && *k != ".nextPageToken:str")
        .collect();
    assert!(extra.is_empty(), "{extra:?}");
    assert!(ours.contains(".dataPoints[].heartRate.beatsPerMinute:str"));
    assert!(ours.contains(".dataPoints[].heartRate.sampleTime.civilTime.date.year:num"));
    assert_eq!(
        v["dataPoints"][0]["dataSource"]["device"]["displayName"],
        "Pixel Watch 4"
    );
    let first = &v["dataPoints"][0]["heartRate"]["sampleTime"];
    assert_eq!(first["utcOffset"], "7200s");
    assert!(first["physicalTime"].as_str().unwrap().ends_with('Z'));
}

#[test]
fn paging_covers_every_point_once_newest_first() {
    let date = d("2026-09-25");
    let p = worn_person(date, false);
    let (s, e) = p.day_bounds(date);
    let expected: Vec<String> = p
        .heart_rate(s, e)
        .iter()
        .rev()
        .map(|(t, _)| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .collect();
    for size in [1000, 1440, 7000] {
        let (pages, points) = all_pages(&p, HR, &phys("heart_rate", s, e), size);
        let got: Vec<String> = points
            .iter()
            .map(|x| {
                x["heartRate"]["sampleTime"]["physicalTime"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(got, expected);
        assert_eq!(pages, expected.len().div_ceil(size), "size {size}");
    }
}

#[test]
fn dense_day_pages_exactly_and_fast() {
    let date = d("2026-10-25");
    let p = worn_person(date, true);
    let (s, e) = p.day_bounds(date);
    let n = p.heart_rate(s, e).len();
    assert!(n > 86_400);
    // Count pages and points without a full JSON parse (keeps the debug test quick).
    let f = phys("heart_rate", s, e);
    let (mut pages, mut count, mut token) = (0, 0, None::<String>);
    loop {
        let body = route(&p, HR, &query(&f, 20_000, token.as_deref())).unwrap();
        pages += 1;
        let on_page = body.matches("\"beatsPerMinute\"").count();
        assert!(on_page <= 10_000);
        count += on_page;
        match body.split_once("\"nextPageToken\":\"") {
            Some((_, rest)) => token = rest.split('"').next().map(String::from),
            None => break,
        }
    }
    assert_eq!(
        pages,
        n.div_ceil(10_000),
        "pageSize above 10000 is truncated"
    );
    assert_eq!(count, n);
    let t = std::time::Instant::now();
    let body = route(&p, HR, &query(&phys("heart_rate", s, e), 10_000, None)).unwrap();
    let ms = t.elapsed().as_millis();
    assert!(body.len() > 2_000_000);
    eprintln!("google page of 10000: {ms} ms");
    assert!(ms < 500, "{ms} ms for a page of 10000");
    // Midnight local has `"time": {}` (all parts zero, omitted).
    let v = route(
        &p,
        HR,
        &query(&phys("heart_rate", s, s + Duration::seconds(1)), 10, None),
    )
    .unwrap();
    assert!(v.contains("\"time\":{}"), "{v}");
}

#[test]
fn civil_filter_on_fall_back_day_matches_the_hour_twice() {
    let date = d("2026-10-25");
    let p = worn_person(date, true);
    let f = "heart_rate.sample_time.civil_time >= \"2026-10-25T02:00:00\" AND heart_rate.sample_time.civil_time < \"2026-10-25T03:00:00\"";
    let (_, points) = all_pages(&p, HR, f, 10_000);
    // 02:00-03:00 local happens twice: 00:00Z-01:00Z (CEST) and 01:00Z-02:00Z (CET).
    let from = Utc.with_ymd_and_hms(2026, 10, 25, 0, 0, 0).unwrap();
    let n = p.heart_rate(from, from + Duration::hours(2)).len();
    assert_eq!(points.len(), n);
    assert!(n > 3600);
    let offsets: BTreeSet<String> = points
        .iter()
        .map(|x| {
            x["heartRate"]["sampleTime"]["utcOffset"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(offsets, ["3600s", "7200s"].map(String::from).into());
    // A date-only civil filter is accepted too.
    let f = "heart_rate.sample_time.civil_time >= \"2026-10-25\" AND heart_rate.sample_time.civil_time < \"2026-10-26\"";
    let p = worn_person(date, false);
    let (_, points) = all_pages(&p, HR, f, 10_000);
    let (s, e) = p.day_bounds(date);
    assert_eq!(points.len(), p.heart_rate(s, e).len());
}

fn filter_err(path: &str, filter: &str) -> Value {
    let e = route(
        &Person::new(1, Berlin, false),
        path,
        &query(filter, 10, None),
    )
    .unwrap_err();
    assert_eq!(e.status, 400, "{filter}");
    serde_json::from_str(&e.body).unwrap()
}

#[test]
fn filters_are_rejected_as_documented() {
    let want = shape_of(&fixture("ghapi_error_400_invalid_filter.json"));
    // Wrong member on a daily type, twice: same shape and columns as the real answer.
    let f = "daily_resting_heart_rate.interval.start_time >= \"2026-09-25\" AND daily_resting_heart_rate.interval.start_time < \"2026-09-26\"";
    let v = filter_err(RHR, f);
    assert_eq!(shape_of(&v), want);
    assert_eq!(v["error"]["status"], "INVALID_ARGUMENT");
    assert_eq!(
        v["error"]["details"][0]["reason"],
        "INVALID_DATA_POINT_FILTER"
    );
    let col = f.find(" AND ").unwrap() + 6;
    let second = v["error"]["details"][1]["fieldViolations"][1]["description"]
        .as_str()
        .unwrap();
    assert!(
        second.ends_with(&format!("(at line 1, column {col})")),
        "{second}"
    );
    assert!(
        second
            .starts_with("Member 'daily_resting_heart_rate.interval.start_time' is not supported")
    );
    // Kebab-case inside the filter.
    let v = filter_err(
        HR,
        "heart-rate.sample_time.physical_time >= \"2026-09-25T00:00:00Z\"",
    );
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("DATA_TYPE_RESTRICTION")
    );
    // Operators other than >= and <.
    for op in ["<=", ">", "=", "!="] {
        let v = filter_err(
            HR,
            &format!("heart_rate.sample_time.physical_time {op} \"2026-09-25T00:00:00Z\""),
        );
        assert_eq!(
            v["error"]["details"][0]["reason"],
            "INVALID_DATA_POINT_FILTER"
        );
    }
    // Sample members on daily types and vice versa; bad values.
    filter_err(
        DHRV,
        "daily_heart_rate_variability.sample_time.physical_time >= \"2026-09-25T00:00:00Z\"",
    );
    filter_err(HR, "heart_rate.date >= \"2026-09-25\"");
    filter_err(
        HRV,
        "heart_rate.sample_time.physical_time >= \"2026-09-25T00:00:00Z\"",
    );
    filter_err(HR, "heart_rate.sample_time.physical_time >= \"yesterday\"");
    filter_err(RHR, "daily_resting_heart_rate.date >= \"2026-9-1\"");
    // Accepted forms.
    let p = Person::new(1, Berlin, false);
    for (path, f) in [
        (
            RHR,
            "daily_resting_heart_rate.date >= \"2026-09-01\" AND daily_resting_heart_rate.date < \"2026-10-01\"",
        ),
        (DHRV, "daily_heart_rate_variability.date < \"2024-08-15\""),
        (
            HRV,
            "heart_rate_variability.sample_time.physical_time >= \"2026-09-25T00:00:00Z\" AND heart_rate_variability.sample_time.physical_time < \"2026-09-26T00:00:00Z\"",
        ),
        (
            HR,
            "heart_rate.sample_time.physical_time >= \"2026-08-08T15:00:00Z\" AND heart_rate.sample_time.physical_time < \"2026-08-08T16:00:00+02:00\"",
        ),
    ] {
        assert!(route(&p, path, &query(f, 100, None)).is_ok(), "{f}");
    }
}

#[test]
fn bad_type_size_and_token_are_400() {
    let p = Person::new(1, Berlin, false);
    let e = route(&p, "/v4/users/me/dataTypes/heartRate/dataPoints", "").unwrap_err();
    assert_eq!(e.status, 400);
    assert!(
        e.body
            .contains("The data type ID 'heartRate' is not supported")
    );
    assert_eq!(
        route(&p, "/v4/users/me/whatever", "").unwrap_err().status,
        404
    );
    assert_eq!(route(&p, HR, "pageSize=-1").unwrap_err().status, 400);
    assert_eq!(route(&p, HR, "pageToken=garbage!").unwrap_err().status, 400);
    // A token is bound to its filter.
    let (s, e) = p.day_bounds(d("2026-09-25"));
    let f = phys("heart_rate", s, e);
    let v = get(&p, HR, &query(&f, 10, None));
    let t = v["nextPageToken"].as_str().unwrap();
    let other = phys("heart_rate", s, e - Duration::hours(1));
    assert_eq!(
        route(&p, HR, &query(&other, 10, Some(t)))
            .unwrap_err()
            .status,
        400
    );
    assert_eq!(
        route(&p, RHR, &query(&f, 10, Some(t))).unwrap_err().status,
        400
    );
}

#[test]
fn hrv_pages_inject_one_empty_page_for_a_night_without_sleep() {
    let p = Person::new(5, Berlin, false);
    let days: Vec<NaiveDate> = d("2026-08-01").iter_days().take(60).collect();
    let gap = *days.iter().find(|x| p.main_sleep(**x).is_none()).unwrap();
    let run = |from: NaiveDate, to: NaiveDate, size: usize| {
        let f = phys(
            "heart_rate_variability",
            p.day_bounds(from).0,
            p.day_bounds(to).0,
        );
        let (pages, points) = all_pages(&p, HRV, &f, size);
        let expected: usize = from
            .iter_days()
            .take_while(|x| *x <= to)
            .map(|x| p.hrv_points(x).len())
            .sum();
        (pages, points, expected)
    };
    // Range [gap-2, gap+2): holds the gap night's midnight → one extra (empty) page.
    let (pages, points, expected) = run(gap - Duration::days(2), gap + Duration::days(2), 50);
    // Points of the night ending on gap+2 start before its midnight: count only those in range.
    assert!(points.len() <= expected && points.len() > 100);
    assert_eq!(pages, 1 + points.len().div_ceil(50));
    let times: Vec<&str> = points
        .iter()
        .map(|x| {
            x["heartRateVariability"]["sampleTime"]["physicalTime"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(times.windows(2).all(|w| w[0] > w[1]), "newest first");
    // First page empty but with a token.
    let f = phys(
        "heart_rate_variability",
        p.day_bounds(gap).0,
        p.day_bounds(gap).1,
    );
    let first = get(&p, HRV, &query(&f, 50, None));
    assert!(first.get("dataPoints").is_none());
    assert!(!first["nextPageToken"].as_str().unwrap().is_empty());
    // A range of nights that all have sleep: exactly ceil(points/size) pages.
    let good = days
        .windows(3)
        .find(|w| w.iter().all(|x| p.main_sleep(*x).is_some()))
        .unwrap();
    let (pages, points, _) = run(good[1], good[2], 40);
    assert_eq!(pages, points.len().div_ceil(40));
    let pt = &points[0]["heartRateVariability"];
    assert!(pt["rootMeanSquareOfSuccessiveDifferencesMilliseconds"].is_f64());
    assert!(pt["standardDeviationMilliseconds"].is_f64());
    assert!(
        pt["sampleTime"]["civilTime"]["time"]
            .get("seconds")
            .is_none()
    );
}

#[test]
fn daily_types_are_dated_newest_first_with_int64_strings() {
    let p = Person::new(5, Berlin, false);
    let f = "daily_resting_heart_rate.date >= \"2026-08-01\" AND daily_resting_heart_rate.date < \"2026-08-31\"";
    let (pages, points) = all_pages(&p, RHR, f, 7);
    let expected: Vec<NaiveDate> = d("2026-08-01")
        .iter_days()
        .take(30)
        .filter(|x| p.resting_hr(*x).is_some())
        .collect();
    assert!(expected.len() < 30);
    assert_eq!(pages, expected.len().div_ceil(7));
    let got: Vec<NaiveDate> = points
        .iter()
        .map(|x| {
            let dt = &x["dailyRestingHeartRate"]["date"];
            NaiveDate::from_ymd_opt(
                dt["year"].as_i64().unwrap() as i32,
                dt["month"].as_u64().unwrap() as u32,
                dt["day"].as_u64().unwrap() as u32,
            )
            .unwrap()
        })
        .collect();
    assert_eq!(got, expected.iter().rev().copied().collect::<Vec<_>>());
    let bpm = points[0]["dailyRestingHeartRate"]["beatsPerMinute"]
        .as_str()
        .unwrap();
    assert_eq!(bpm.parse::<u16>().unwrap(), p.resting_hr(got[0]).unwrap());

    let f = "daily_heart_rate_variability.date >= \"2026-08-01\" AND daily_heart_rate_variability.date < \"2026-08-31\"";
    let (_, points) = all_pages(&p, DHRV, f, 100);
    assert_eq!(points.len(), expected.len());
    let v = &points[0]["dailyHeartRateVariability"];
    assert!(v["nonRemHeartRateBeatsPerMinute"].is_string());
    for k in [
        "averageHeartRateVariabilityMilliseconds",
        "entropy",
        "deepSleepRootMeanSquareOfSuccessiveDifferencesMilliseconds",
    ] {
        assert!(v[k].is_f64(), "{k}");
    }
}

#[test]
fn no_filter_means_recent_days_and_empty_is_braces() {
    let p = Person::new(5, Berlin, false);
    let now = Utc.with_ymd_and_hms(2026, 9, 15, 12, 0, 0).unwrap();
    let body = route_at(&p, RHR, "", now).unwrap();
    let v: Value = serde_json::from_str(&body).unwrap();
    let n = d("2026-09-02")
        .iter_days()
        .take(14)
        .filter(|x| p.resting_hr(*x).is_some())
        .count();
    assert_eq!(v["dataPoints"].as_array().unwrap().len(), n);
    assert_eq!(
        v["dataPoints"][0]["dailyRestingHeartRate"]["date"]["day"],
        15
    );
    // A not-worn day has no heart-rate points: the page is `{}`.
    let off = d("2026-08-01").iter_days().find(|x| !p.worn(*x)).unwrap();
    let (s, e) = p.day_bounds(off);
    assert_eq!(
        route(&p, HR, &query(&phys("heart_rate", s, e), 10, None)).unwrap(),
        "{}"
    );
}

#[test]
fn settings_give_zone_and_offset() {
    let p = Person::new(5, Berlin, false);
    let winter = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
    let v: Value =
        serde_json::from_str(&route_at(&p, "/v4/users/me/settings", "", winter).unwrap()).unwrap();
    assert_eq!(v["timeZone"], "Europe/Berlin");
    assert_eq!(v["utcOffset"], "3600s");
}

/// A Pixel Watch day as documented (docs/google-health-api.md §4.4, §4.6): one sample about every
/// 2 s (30k–42k a day), about 5,000 points a page for `pageSize=10000`, pretty-printed unless
/// `prettyPrint=false`, a `dataSource` on every point.
#[test]
fn pixel_watch_day_pages_of_5000_pretty_unless_asked_not_to() {
    use fitbit_sim::render::google::{Shape, route_shaped};
    let date = d("2026-09-25");
    let p = worn_person(date, false).pixel_watch(true);
    let (s, e) = p.day_bounds(date);
    let n = p.heart_rate(s, e).len();
    assert!((34_000..=42_000).contains(&n), "{n} samples");
    let shape = Shape {
        page_cap: 5_000,
        pretty_default: true,
    };
    let filter = phys("heart_rate", s, e);
    let (mut token, mut points, mut pages, mut bytes, mut compact_bytes) =
        (None::<String>, 0, 0, 0, 0);
    loop {
        let q = query(&filter, 10_000, token.as_deref());
        let body = route_shaped(&p, HR, &q, e, shape).unwrap();
        let compact = route_shaped(&p, HR, &format!("{q}&prettyPrint=false"), e, shape).unwrap();
        assert!(!compact.contains('\n') && body.contains('\n'));
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v, serde_json::from_str::<Value>(&compact).unwrap());
        if pages == 0 {
            assert!(
                body.starts_with(
                    "{\n  \"dataPoints\": [\n    {\n      \"dataSource\": {\n        \"recordingMethod\": \"PASSIVELY_MEASURED\",\n"
                ),
                "{}",
                &body[..200]
            );
        }
        let a = v["dataPoints"].as_array().unwrap();
        assert!(a.len() <= 5_000);
        assert!(a.iter().all(|x| x["dataSource"]["platform"] == "FITBIT"));
        points += a.len();
        pages += 1;
        bytes += body.len();
        compact_bytes += compact.len();
        match v["nextPageToken"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(points, n);
    assert_eq!(pages, n.div_ceil(5_000));
    // About 640 bytes a point pretty, 330 compact: a day is some 24 MB or 12 MB of JSON.
    assert!(
        (560..=720).contains(&(bytes / n)),
        "{} bytes a point",
        bytes / n
    );
    assert!(
        (300..=360).contains(&(compact_bytes / n)),
        "{} bytes a point",
        compact_bytes / n
    );
    // The plain routes stay compact and uncapped.
    let q = query(&filter, 10_000, None);
    let plain = route(&p, HR, &q).unwrap();
    assert!(!plain.contains('\n'));
    let v: Value = serde_json::from_str(&plain).unwrap();
    assert_eq!(v["dataPoints"].as_array().unwrap().len(), n.min(10_000));
}
