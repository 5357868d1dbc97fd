//! The legacy Fitbit bodies compared with the documented shapes and fixtures.

mod common;

use chrono::NaiveDate;
use chrono_tz::Europe::Berlin;
use common::fixture;
use fitbit_sim::person::Person;
use fitbit_sim::render::fitbit::route;
use serde_json::Value;
use std::collections::BTreeSet;

/// Every JSON path (arrays collapsed to `[]`) with the kind of value found there.
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
        Value::String(_) => {
            out.insert(format!("{path}:str"));
        }
        Value::Number(n) => {
            out.insert(format!("{path}:{}", if n.is_f64() { "num" } else { "int" }));
        }
        Value::Bool(_) => {
            out.insert(format!("{path}:bool"));
        }
        Value::Null => {
            out.insert(format!("{path}:null"));
        }
    }
}

fn shape_of(v: &Value) -> BTreeSet<String> {
    let mut s = BTreeSet::new();
    shape(v, String::new(), &mut s);
    // caloriesOut is sometimes an integer (0) in real answers: compare as "number".
    s.into_iter().map(|p| p.replace(":int", ":num")).collect()
}

fn get(p: &Person, path: &str, query: &str) -> Value {
    let body = route(p, path, query, true).unwrap_or_else(|e| panic!("{path}: {e:?}"));
    serde_json::from_str(&body).unwrap()
}

/// A person worn on `date` (search the seed deterministically).
fn worn_person(date: NaiveDate, dense: bool) -> Person {
    (1..200)
        .map(|s| Person::new(s, Berlin, dense))
        .find(|p| p.worn(date) && p.resting_hr(date).is_some())
        .unwrap()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn summary_series_has_the_fixture_shape() {
    let p = worn_person(d("2026-10-07"), false);
    let ours = get(&p, "/1/user/-/activities/heart/date/2026-10-07/7d.json", "");
    let want = fixture("heart_timeseries_7d.json");
    let list = ours["activities-heart"].as_array().unwrap();
    assert_eq!(list.len(), 7);
    assert_eq!(list[0]["dateTime"], "2026-10-01");
    assert_eq!(list[6]["dateTime"], "2026-10-07");
    let mut s = shape_of(&ours);
    // Our days may lack restingHeartRate or a zone's minutes; the fixture has all of them.
    s.insert(".activities-heart[].value.restingHeartRate:num".into());
    s.insert(".activities-heart[].value.heartRateZones[].minutes:num".into());
    assert_eq!(s, shape_of(&want));
}

#[test]
fn intraday_1min_has_the_fixture_shape_and_means() {
    let date = d("2026-10-07");
    let p = worn_person(date, false);
    let ours = get(
        &p,
        "/1/user/-/activities/heart/date/2026-10-07/1d/1min.json",
        "",
    );
    let mut s = shape_of(&ours);
    s.insert(".activities-heart[].value.heartRateZones[].minutes:num".into());
    assert_eq!(s, shape_of(&fixture("heart_intraday_1min.json")));
    let intra = &ours["activities-heart-intraday"];
    assert_eq!(intra["datasetInterval"], 1);
    assert_eq!(intra["datasetType"], "minute");
    // Each minute value is the rounded mean of that minute's 1sec samples.
    let (start, end) = p.day_bounds(date);
    let samples = p.heart_rate(start, end);
    let data = intra["dataset"].as_array().unwrap();
    assert!(data.len() > 1200 && data.len() <= 1440, "{}", data.len());
    let first = &data[100];
    let (h, m): (i64, i64) = {
        let t = first["time"].as_str().unwrap();
        (t[0..2].parse().unwrap(), t[3..5].parse().unwrap())
    };
    let minute_start = start + chrono::Duration::minutes(h * 60 + m);
    let in_minute: Vec<u64> = samples
        .iter()
        .filter(|(t, _)| *t >= minute_start && *t < minute_start + chrono::Duration::minutes(1))
        .map(|s| u64::from(s.1))
        .collect();
    let mean = (in_minute.iter().sum::<u64>() as f64 / in_minute.len() as f64).round() as u64;
    assert_eq!(first["value"].as_u64().unwrap(), mean);
}

#[test]
fn time_window_shape_matches_fixture() {
    let p = worn_person(d("2026-10-07"), false);
    let ours = get(
        &p,
        "/1.1/user/-/activities/heart/date/2026-10-07/2026-10-07/15min/time/00:00:00/23:59:59.json",
        "",
    );
    let mut s = shape_of(&ours);
    s.insert(".activities-heart[].heartRateZones[].minutes:num".into());
    assert_eq!(
        s,
        shape_of(&fixture("heart_intraday_15min_timewindow.json"))
    );
    let v = ours["activities-heart"][0]["value"].as_str().unwrap();
    let mean: f64 = v.parse().unwrap();
    assert!((50.0..100.0).contains(&mean), "{v}");
    assert_eq!(ours["activities-heart-intraday"]["datasetInterval"], 15);
    // A short window only has that window's points.
    let short = get(
        &p,
        "/1/user/-/activities/heart/date/2026-10-07/1d/1min/time/03:00/03:09.json",
        "",
    );
    let data = short["activities-heart-intraday"]["dataset"]
        .as_array()
        .unwrap();
    assert!(data.len() <= 10 && !data.is_empty());
    assert!(
        data.iter()
            .all(|x| x["time"].as_str().unwrap().starts_with("03:0"))
    );
}

#[test]
fn without_intraday_access_the_key_is_absent() {
    let p = worn_person(d("2026-10-07"), false);
    let body = route(
        &p,
        "/1/user/-/activities/heart/date/2026-10-07/1d/1sec.json",
        "",
        false,
    )
    .unwrap();
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(v.get("activities-heart-intraday").is_none());
    assert!(v["activities-heart"][0]["value"]["heartRateZones"].is_array());
    let e = route(&p, "/1/user/-/hrv/date/2026-10-07/all.json", "", false).unwrap_err();
    assert_eq!(e.status, 403);
    assert!(e.body.contains("insufficient_permissions"));
}

#[test]
fn fall_back_day_repeats_the_hour_in_order() {
    let date = d("2026-10-25");
    let p = worn_person(date, true);
    let v = get(
        &p,
        "/1/user/-/activities/heart/date/2026-10-25/1d/1min.json",
        "",
    );
    let data = v["activities-heart-intraday"]["dataset"]
        .as_array()
        .unwrap();
    let times: Vec<&str> = data.iter().map(|x| x["time"].as_str().unwrap()).collect();
    assert_eq!(times.iter().filter(|t| **t == "02:30:00").count(), 2);
    let backward = times.windows(2).filter(|w| w[1] <= w[0]).count();
    assert_eq!(backward, 1, "exactly one step back, at 03:00 -> 02:00");
    let at = times.iter().position(|t| *t == "02:59:00").unwrap();
    assert_eq!(times[at + 1], "02:00:00");
    // 1sec on a dense day: 25 h minus the charging gap, if any.
    let v = get(
        &p,
        "/1/user/-/activities/heart/date/2026-10-25/1d/1sec.json",
        "",
    );
    let n = v["activities-heart-intraday"]["dataset"]
        .as_array()
        .unwrap()
        .len();
    assert!(n > 86_400 && n <= 90_000, "{n}");
    // timezone=UTC: a UTC day, times strictly increasing.
    let v = get(
        &p,
        "/1/user/-/activities/heart/date/2026-10-25/1d/1min.json",
        "timezone=UTC",
    );
    let data = v["activities-heart-intraday"]["dataset"]
        .as_array()
        .unwrap();
    let times: Vec<&str> = data.iter().map(|x| x["time"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]));
    assert!(times.len() <= 1440);
}

#[test]
fn errors_use_the_documented_envelope() {
    let p = Person::new(1, Berlin, false);
    let check = |path: &str, status: u16, needle: &str| {
        let Err(e) = route(&p, path, "", true) else {
            panic!("{path} should fail")
        };
        assert_eq!(e.status, status, "{path}: {}", e.body);
        let v: Value = serde_json::from_str(&e.body).unwrap();
        assert_eq!(v["success"], false);
        assert!(v["errors"][0]["errorType"].is_string());
        assert!(e.body.contains(needle), "{path}: {}", e.body);
    };
    check(
        "/1/user/-/activities/heart/date/2026-13-01/1d.json",
        400,
        "validation",
    );
    check(
        "/1/user/-/activities/heart/date/2025-01-01/2026-01-01.json",
        400,
        "1 year",
    );
    check(
        "/1/user/-/activities/heart/date/2026-10-01/2026-10-02/1min.json",
        400,
        "Time range should not be bigger than 24 hours.",
    );
    check(
        "/1/user/-/activities/heart/date/2026-10-01/2026-10-02/1min/time/00:00/00:01.json",
        400,
        "24 hours",
    );
    check(
        "/1/user/-/activities/heart/date/2026-10-01/1d/2min.json",
        400,
        "detail",
    );
    check(
        "/1/user/-/hrv/date/2026-09-01/2026-10-01/all.json",
        400,
        "30 days",
    );
    check(
        "/1/user/-/hrv/date/2026-09-01/2026-10-01.json",
        400,
        "30 days",
    );
    check("/1/user/-/spo2/date/2026-09-01.json", 404, "not_found");
    check("/2/user/-/profile.json", 404, "not_found");
    // Accepted boundaries.
    assert!(
        route(
            &p,
            "/1/user/-/activities/heart/date/2025-01-02/2026-01-01.json",
            "",
            true
        )
        .is_ok()
    );
    assert!(
        route(
            &p,
            "/1/user/-/hrv/date/2026-09-01/2026-09-30/all.json",
            "",
            true
        )
        .is_ok()
    );
    assert!(
        route(
            &p,
            "/1/user/-/activities/heart/date/2026-10-01/2026-10-02/1min/time/12:00/11:59.json",
            "",
            true
        )
        .is_ok()
    );
}

#[test]
fn hrv_bodies_match_fixtures_and_skip_days_without_data() {
    let p = Person::new(5, Berlin, false);
    let start = d("2026-08-01");
    let v = get(&p, "/1/user/-/hrv/date/2026-08-01/2026-08-30.json", "");
    let list = v["hrv"].as_array().unwrap();
    let expected: Vec<String> = start
        .iter_days()
        .take(30)
        .filter(|x| p.daily_hrv(*x).is_some())
        .map(|x| x.to_string())
        .collect();
    assert!(expected.len() < 30, "pick a seed with a day without data");
    let got: Vec<String> = list
        .iter()
        .map(|x| x["dateTime"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, expected);
    assert_eq!(
        shape_of(&v),
        shape_of(&fixture("hrv_summary_interval.json"))
    );

    let one = expected[0].clone();
    let v = get(&p, &format!("/1/user/-/hrv/date/{one}/all.json"), "");
    assert_eq!(
        shape_of(&v),
        shape_of(&fixture("hrv_intraday_by_date.json"))
    );
    let minutes = v["hrv"][0]["minutes"].as_array().unwrap();
    let points = p.hrv_points(d(&one));
    assert_eq!(minutes.len(), points.len());
    let first = minutes[0]["minute"].as_str().unwrap();
    let local = points[0]
        .time
        .with_timezone(&Berlin)
        .format("%Y-%m-%dT%H:%M:%S.000")
        .to_string();
    assert_eq!(first, local);
    let v = get(&p, "/1/user/-/hrv/date/2026-08-01/2026-08-30/all.json", "");
    assert_eq!(v["hrv"].as_array().unwrap().len(), expected.len());
}

#[test]
fn profile_has_timezone_and_offset() {
    let p = Person::new(5, Berlin, false);
    let v = get(&p, "/1/user/-/profile.json", "");
    assert_eq!(v["user"]["timezone"], "Europe/Berlin");
    let off = v["user"]["offsetFromUTCMillis"].as_i64().unwrap();
    assert!(off == 3_600_000 || off == 7_200_000);
    assert_eq!(v["user"]["encodedId"].as_str().unwrap().len(), 6);
}

#[test]
fn dense_day_renders_fast() {
    let p = Person::new(11, Berlin, true);
    let t = std::time::Instant::now();
    let body = route(
        &p,
        "/1/user/-/activities/heart/date/2026-10-07/1d/1sec.json",
        "",
        true,
    )
    .unwrap();
    let ms = t.elapsed().as_millis();
    assert!(body.len() > 1_000_000 || !p.worn(d("2026-10-07")));
    eprintln!("fitbit dense 1sec day: {ms} ms");
    assert!(ms < 500, "{ms} ms");
}
