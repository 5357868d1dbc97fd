//! The Google Health API v4 source: the real heart-rate page (docs/google-health-api.md §4.6),
//! constructed pages for the other types (docs/google-health-api.md §4.5), paging and time coordinates.

use std::collections::VecDeque;

use chrono::{FixedOffset, NaiveDate};
use chrono_tz::{America, Asia, Europe};
use fitbit_core::http::ApiGet;
use fitbit_core::source::google::*;
use fitbit_core::{Error, Result};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Serves the given bodies in order (the last one forever) and records the URLs asked for.
struct Pages {
    bodies: VecDeque<String>,
    urls: Vec<String>,
}

impl Pages {
    fn new(bodies: &[&str]) -> Self {
        Pages {
            bodies: bodies.iter().map(|b| b.to_string()).collect(),
            urls: Vec::new(),
        }
    }
    /// The decoded query parameters of request `i`.
    fn query(&self, i: usize) -> Vec<(String, String)> {
        let query = self.urls[i].split_once('?').map_or("", |(_, q)| q);
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }
    fn param(&self, i: usize, key: &str) -> Option<String> {
        self.query(i)
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

impl ApiGet for Pages {
    fn get(&mut self, url: &str) -> Result<Vec<u8>> {
        self.urls.push(url.to_string());
        let body = if self.bodies.len() > 1 {
            self.bodies.pop_front().unwrap()
        } else {
            self.bodies.front().cloned().unwrap_or_default()
        };
        Ok(body.into_bytes())
    }
}

fn hr_point(physical: &str, offset: &str, civil: &str, bpm: &str) -> String {
    let civil = if civil.is_empty() {
        String::new()
    } else {
        format!(r#","civilTime":{civil}"#)
    };
    format!(
        r#"{{"dataSource":{{"platform":"FITBIT"}},"heartRate":{{"sampleTime":{{"physicalTime":"{physical}","utcOffset":"{offset}"{civil}}},"beatsPerMinute":{bpm}}}}}"#
    )
}

#[test]
fn real_pixel_watch_page() {
    let s = parse_heart_rate(&fixture("ghapi_heart_rate_list_pixelwatch4.json"), None).unwrap();
    assert_eq!(s.len(), 2);
    // Newest first on the wire, ascending here.
    assert_eq!(
        s[0].time.local,
        date(2026, 9, 25).and_hms_opt(19, 4, 57).unwrap()
    );
    assert_eq!(s[0].bpm, 50);
    assert_eq!(
        s[1].time.local,
        date(2026, 9, 25).and_hms_opt(19, 4, 59).unwrap()
    );
    assert_eq!(s[1].bpm, 49);
    assert_eq!(s[1].time.offset, FixedOffset::east_opt(32400));
    assert_eq!(
        s[1].time.utc().unwrap().to_rfc3339(),
        "2026-09-25T10:04:59+00:00"
    );
    assert!(s.iter().all(|x| x.confidence.is_none()));
}

#[test]
fn civil_time_parts_default_to_zero_and_fall_back_to_physical() {
    let day25 = r#"{"year":2026,"month":9,"day":25}"#;
    let page = format!(
        r#"{{"dataPoints":[{},{},{},{},{},{}],"unknownTopLevel":true}}"#,
        hr_point(
            "2026-09-25T15:00:00Z",
            "32400s",
            r#"{"date":{"year":2026,"month":9,"day":26}}"#,
            "65"
        ),
        hr_point(
            "2026-09-24T22:15:00Z",
            "32400s",
            &format!(r#"{{"date":{day25},"time":{{"hours":7,"minutes":15}}}}"#),
            "\"62\""
        ),
        hr_point("2026-09-24T21:00:00Z", "32400s", "", "\"63\""),
        hr_point("2026-09-24T20:00:00Z", "-18000s", "", "\"64\""),
        hr_point(
            "2026-09-24T15:00:00.5Z",
            "32400s",
            &format!(r#"{{"date":{day25},"time":{{"nanos":500000000}}}}"#),
            "61"
        ),
        hr_point(
            "2026-09-24T15:00:00Z",
            "32400s",
            &format!(r#"{{"date":{day25},"time":{{}}}}"#),
            "\"60\""
        ),
    );
    let s = parse_heart_rate(page.as_bytes(), None).unwrap();
    let got: Vec<_> = s
        .iter()
        .map(|x| {
            (
                x.time.local.to_string(),
                x.time.offset.unwrap().local_minus_utc(),
                x.bpm,
            )
        })
        .collect();
    let want = [
        ("2026-09-25 00:00:00", 32400, 60),
        ("2026-09-25 00:00:00.500", 32400, 61),
        ("2026-09-24 15:00:00", -18000, 64),
        ("2026-09-25 06:00:00", 32400, 63),
        ("2026-09-25 07:15:00", 32400, 62),
        ("2026-09-26 00:00:00", 32400, 65),
    ];
    let want: Vec<_> = want
        .iter()
        .map(|(l, o, b)| (l.to_string(), *o, *b))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn missing_offset_uses_the_zone_or_fails_clearly() {
    let page = r#"{"dataPoints":[{"heartRate":{"sampleTime":{"physicalTime":"2026-09-25T10:04:59Z"},"beatsPerMinute":"49"}}]}"#;
    let s = parse_heart_rate(page.as_bytes(), Some(Asia::Tokyo)).unwrap();
    assert_eq!(s[0].time.local.to_string(), "2026-09-25 19:04:59");
    assert_eq!(s[0].time.offset, FixedOffset::east_opt(32400));
    match parse_heart_rate(page.as_bytes(), None) {
        Err(Error::Parse { path, .. }) => assert_eq!(path, "dataPoints[0].heartRate.sampleTime"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_fields_name_their_json_path() {
    let cases = [
        (
            hr_point("2026-09-25T10:04:59Z", "32400s", "", "\"fast\""),
            "dataPoints[0].heartRate.beatsPerMinute",
        ),
        (
            hr_point("2026-09-25T10:04:59Z", "32400s", "", "\"-3\""),
            "dataPoints[0].heartRate.beatsPerMinute",
        ),
        (
            hr_point("yesterday", "32400s", "", "\"60\""),
            "dataPoints[0].heartRate.sampleTime.physicalTime",
        ),
        (
            hr_point("2026-09-25T10:04:59Z", "9h", "", "\"60\""),
            "dataPoints[0].heartRate.sampleTime.utcOffset",
        ),
        (
            hr_point(
                "2026-09-25T10:04:59Z",
                "0s",
                r#"{"date":{"year":2026,"month":2,"day":30}}"#,
                "\"60\"",
            ),
            "dataPoints[0].heartRate.sampleTime.civilTime.date",
        ),
    ];
    for (point, want) in cases {
        let page = format!(r#"{{"dataPoints":[{point}]}}"#);
        match parse_heart_rate(page.as_bytes(), None) {
            Err(Error::Parse { what, path, .. }) => {
                assert_eq!(path, want);
                assert!(what.contains("heart-rate"));
            }
            other => panic!("{want}: {other:?}"),
        }
    }
}

#[test]
fn paging_follows_tokens_through_empty_pages_to_an_empty_object() {
    let p1 = format!(
        r#"{{"dataPoints":[{},{}],"nextPageToken":"tok+1/="}}"#,
        hr_point("2026-10-25T01:00:02Z", "3600s", "", "\"72\""),
        hr_point("2026-10-25T01:00:01Z", "3600s", "", "\"71\""),
    );
    let p2 = r#"{"nextPageToken":"tok2"}"#.to_string();
    let p3 = format!(
        r#"{{"dataPoints":[{},{}],"nextPageToken":"tok3"}}"#,
        hr_point("2026-10-25T00:30:00Z", "7200s", "", "\"70\""),
        hr_point("2026-10-24T22:00:00Z", "7200s", "", "\"69\""),
    );
    let mut api = Pages::new(&[&p1, &p2, &p3, "{}"]);
    let got = fetch_heart_intraday(
        &mut api,
        "http://sim:8/",
        date(2026, 10, 25),
        Europe::Berlin,
    )
    .unwrap();
    assert_eq!(got.pages, 4);
    assert_eq!(api.urls.len(), 4);
    let bpm: Vec<_> = got.items.iter().map(|s| s.bpm).collect();
    assert_eq!(bpm, vec![69, 70, 71, 72]);
    // 02:30 CEST (first pass) and the 02:00 CET second pass stay distinct.
    assert_eq!(got.items[1].time.local.to_string(), "2026-10-25 02:30:00");
    assert_eq!(got.items[2].time.local.to_string(), "2026-10-25 02:00:01");
    assert!(api.urls[0].starts_with(
        "http://sim:8/v4/users/me/dataTypes/heart-rate/dataPoints?filter=heart_rate.sample_time.physical_time%20%3E%3D%20"
    ));
    // Berlin's 25-hour day: 22:00Z (CEST midnight) to 23:00Z (CET midnight).
    assert_eq!(
        api.param(0, "filter").unwrap(),
        r#"heart_rate.sample_time.physical_time >= "2026-10-24T22:00:00Z" AND heart_rate.sample_time.physical_time < "2026-10-25T23:00:00Z""#
    );
    for i in 0..4 {
        assert_eq!(api.param(i, "pageSize").as_deref(), Some("10000"));
        assert_eq!(api.param(i, "filter"), api.param(0, "filter"));
    }
    assert_eq!(api.param(0, "pageToken"), None);
    assert_eq!(api.param(1, "pageToken").as_deref(), Some("tok+1/="));
    assert_eq!(api.param(2, "pageToken").as_deref(), Some("tok2"));
    assert_eq!(api.param(3, "pageToken").as_deref(), Some("tok3"));
}

#[test]
fn empty_token_ends_paging() {
    let mut api = Pages::new(&[
        r#"{"dataPoints":[],"nextPageToken":""}"#,
        "SHOULD NOT BE READ",
    ]);
    let got = fetch_heart_intraday(&mut api, "B", date(2026, 9, 25), Asia::Tokyo).unwrap();
    assert_eq!((got.items.len(), got.pages), (0, 1));
    assert_eq!(
        api.param(0, "filter").unwrap(),
        r#"heart_rate.sample_time.physical_time >= "2026-09-24T15:00:00Z" AND heart_rate.sample_time.physical_time < "2026-09-25T15:00:00Z""#
    );
}

#[test]
fn a_server_repeating_its_token_is_stopped() {
    let mut api = Pages::new(&[r#"{"nextPageToken":"again"}"#]);
    let err = fetch_heart_intraday(&mut api, "B", date(2026, 9, 25), Asia::Tokyo).unwrap_err();
    assert!(
        matches!(err, Error::Parse { ref path, .. } if path == "nextPageToken"),
        "{err:?}"
    );
    assert_eq!(api.urls.len(), 2);
}

#[test]
fn resting_daily_ascending_with_exclusive_end() {
    let page = r#"{"dataPoints":[
      {"dailyRestingHeartRate":{"date":{"year":2026,"month":9,"day":7},"beatsPerMinute":"55","dailyRestingHeartRateMetadata":{"calculationMethod":"WITH_SLEEP"}}},
      {"dailyRestingHeartRate":{"date":{"year":2026,"month":9,"day":3},"beatsPerMinute":57}},
      {"dailyRestingHeartRate":{"date":{"year":2026,"month":9,"day":1},"beatsPerMinute":"58"}}]}"#;
    let mut api = Pages::new(&[page]);
    let got = fetch_resting_daily(&mut api, "B", date(2026, 9, 1), date(2026, 9, 7)).unwrap();
    assert_eq!(got.pages, 1);
    let rows: Vec<_> = got.items.iter().map(|d| (d.date, d.resting_bpm)).collect();
    assert_eq!(
        rows,
        vec![
            (date(2026, 9, 1), Some(58.0)),
            (date(2026, 9, 3), Some(57.0)),
            (date(2026, 9, 7), Some(55.0)),
        ]
    );
    assert!(
        api.urls[0].starts_with("B/v4/users/me/dataTypes/daily-resting-heart-rate/dataPoints?")
    );
    assert_eq!(
        api.param(0, "filter").unwrap(),
        r#"daily_resting_heart_rate.date >= "2026-09-01" AND daily_resting_heart_rate.date < "2026-09-08""#
    );
}

#[test]
fn hrv_daily_maps_all_four_values() {
    let page = r#"{"dataPoints":[{"dataSource":{"recordingMethod":"DERIVED","device":{"displayName":"x"},"platform":"FITBIT"},
      "dailyHeartRateVariability":{"date":{"year":2026,"month":9,"day":25},
        "averageHeartRateVariabilityMilliseconds":29.2,"nonRemHeartRateBeatsPerMinute":"50",
        "entropy":2.47,"deepSleepRootMeanSquareOfSuccessiveDifferencesMilliseconds":31.0}},
      {"dailyHeartRateVariability":{"date":{"year":2026,"month":9,"day":24},"entropy":2.1}}],
     "nextPageToken":""}"#;
    let mut api = Pages::new(&[page]);
    let got = fetch_hrv_daily(&mut api, "B", date(2026, 9, 24), date(2026, 9, 25)).unwrap();
    assert_eq!(got.items.len(), 2);
    let d = &got.items[1];
    assert_eq!(d.date, date(2026, 9, 25));
    assert_eq!(
        (d.daily_rmssd, d.deep_rmssd, d.entropy, d.non_rem_hr),
        (Some(29.2), Some(31.0), Some(2.47), Some(50.0))
    );
    assert_eq!(got.items[0].daily_rmssd, None);
    assert_eq!(
        api.param(0, "filter").unwrap(),
        r#"daily_heart_rate_variability.date >= "2026-09-24" AND daily_heart_rate_variability.date < "2026-09-26""#
    );
    assert_eq!(parse_hrv_daily(page.as_bytes()).unwrap(), got.items);
}

#[test]
fn hrv_samples_have_rmssd_and_sdnn_only() {
    let page = r#"{"dataPoints":[
      {"heartRateVariability":{"sampleTime":{"physicalTime":"2026-11-01T05:55:00Z","utcOffset":"-18000s",
        "civilTime":{"date":{"year":2026,"month":11,"day":1},"time":{"hours":0,"minutes":55}}},
        "rootMeanSquareOfSuccessiveDifferencesMilliseconds":41.5,"standardDeviationMilliseconds":60.25}},
      {"heartRateVariability":{"sampleTime":{"physicalTime":"2026-11-01T05:15:00Z","utcOffset":"-14400s",
        "civilTime":{"date":{"year":2026,"month":11,"day":1},"time":{"hours":1,"minutes":15}}},
        "rootMeanSquareOfSuccessiveDifferencesMilliseconds":40.0}}]}"#;
    let mut api = Pages::new(&[page]);
    let got = fetch_hrv_intraday(
        &mut api,
        "B",
        date(2026, 11, 1),
        date(2026, 11, 2),
        America::New_York,
    )
    .unwrap();
    let s = &got.items;
    assert_eq!(s.len(), 2);
    // Ascending by instant although the local clock went backwards (DST fall-back).
    assert_eq!(s[0].time.local.to_string(), "2026-11-01 01:15:00");
    assert_eq!(s[1].time.local.to_string(), "2026-11-01 00:55:00");
    assert_eq!((s[0].rmssd, s[0].sdnn), (Some(40.0), None));
    assert_eq!((s[1].rmssd, s[1].sdnn), (Some(41.5), Some(60.25)));
    assert!(
        s.iter()
            .all(|x| x.coverage.is_none() && x.hf.is_none() && x.lf.is_none())
    );
    assert_eq!(
        api.param(0, "filter").unwrap(),
        r#"heart_rate_variability.sample_time.physical_time >= "2026-11-01T04:00:00Z" AND heart_rate_variability.sample_time.physical_time < "2026-11-03T05:00:00Z""#
    );
    assert_eq!(parse_hrv(page.as_bytes(), None).unwrap(), got.items);
}

#[test]
fn settings_zone_and_offset() {
    let mut api = Pages::new(&[r#"{"timeZone":"Asia/Tokyo","utcOffset":"32400s","other":1}"#]);
    let s = fetch_settings(&mut api, "https://health.googleapis.com/").unwrap();
    assert_eq!(
        api.urls,
        vec!["https://health.googleapis.com/v4/users/me/settings"]
    );
    assert_eq!(s.time_zone, Some(Asia::Tokyo));
    assert_eq!(s.utc_offset, FixedOffset::east_opt(32400));
    assert_eq!(s.effective_zone(), Some(Asia::Tokyo));
    assert_eq!(parse_settings(b"{}").unwrap(), Settings::default());
    let west = parse_settings(br#"{"utcOffset":"-18000s"}"#).unwrap();
    assert_eq!(west.effective_zone(), Some(chrono_tz::Etc::GMTPlus5));
    assert_eq!(Settings::default().effective_zone(), None);
    match parse_settings(br#"{"timeZone":"Nowhere/Land"}"#) {
        Err(Error::Parse { path, .. }) => assert_eq!(path, "timeZone"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn reversed_ranges_are_rejected_before_any_request() {
    let mut api = Pages::new(&["{}"]);
    let (a, b) = (date(2026, 9, 2), date(2026, 9, 1));
    for err in [
        fetch_resting_daily(&mut api, "B", a, b).unwrap_err(),
        fetch_hrv_daily(&mut api, "B", a, b).unwrap_err(),
        fetch_hrv_intraday(&mut api, "B", a, b, Asia::Tokyo).unwrap_err(),
    ] {
        assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    }
    assert!(api.urls.is_empty());
}
