//! The legacy Fitbit source against the real and documented fixtures (docs/fitbit-web-api.md §7), plus
//! constructed bodies for the edge cases the docs describe, and the fetchers' request plans.

use chrono::{FixedOffset, NaiveDate, NaiveTime};
use chrono_tz::{America, Europe};
use fitbit_core::http::ApiGet;
use fitbit_core::source::fitbit::*;
use fitbit_core::{Detail, Error, Result};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Serves canned bodies chosen by a closure and records every URL asked for.
struct FakeApi<F: FnMut(&str) -> Result<Vec<u8>>> {
    answer: F,
    urls: Vec<String>,
}

impl<F: FnMut(&str) -> Result<Vec<u8>>> ApiGet for FakeApi<F> {
    fn get(&mut self, url: &str) -> Result<Vec<u8>> {
        self.urls.push(url.to_string());
        (self.answer)(url)
    }
}

fn fake<F: FnMut(&str) -> Result<Vec<u8>>>(answer: F) -> FakeApi<F> {
    FakeApi {
        answer,
        urls: Vec::new(),
    }
}

#[test]
fn intraday_1min_real_day() {
    let body = fixture("heart_intraday_1min.json");
    assert!(body.starts_with(b"\xEF\xBB\xBF"), "fixture keeps its BOM");
    let day = date(2017, 6, 29);
    let (summary, samples) = parse_heart_intraday(&body, day, Some(Europe::London)).unwrap();
    let summary = summary.unwrap();
    assert_eq!(summary.date, day);
    assert_eq!(summary.resting_bpm, Some(59.0));
    assert_eq!(samples.len(), 1157);
    assert_eq!(samples[0].time.local, day.and_hms_opt(0, 0, 0).unwrap());
    assert_eq!(samples[0].bpm, 58);
    assert_eq!(samples[1156].time.local, day.and_hms_opt(20, 0, 0).unwrap());
    assert_eq!(samples[1156].bpm, 62);
    let bst = FixedOffset::east_opt(3600);
    assert!(
        samples
            .iter()
            .all(|s| s.time.offset == bst && s.confidence.is_none())
    );
    assert!(
        samples
            .windows(2)
            .all(|w| w[0].time.local < w[1].time.local)
    );
    // The gap 08:08..08:42 is kept as a gap, not filled.
    let gap = samples
        .windows(2)
        .map(|w| w[1].time.local - w[0].time.local)
        .max()
        .unwrap();
    assert!(gap >= chrono::Duration::minutes(30), "{gap}");
    assert_eq!(
        samples[0].time.utc().unwrap().to_rfc3339(),
        "2017-06-28T23:00:00+00:00"
    );
}

#[test]
fn intraday_without_zone_has_no_offsets() {
    let body = fixture("heart_intraday_1min.json");
    let (_, samples) = parse_heart_intraday(&body, date(2017, 6, 29), None).unwrap();
    assert!(samples.iter().all(|s| s.time.offset.is_none()));
}

#[test]
fn intraday_time_window_shape() {
    let body = fixture("heart_intraday_15min_timewindow.json");
    let day = date(2017, 8, 21);
    let (summary, samples) = parse_heart_intraday(&body, day, None).unwrap();
    let summary = summary.unwrap();
    assert_eq!(summary.date, day);
    assert_eq!(
        summary.resting_bpm, None,
        "the time-window shape has no resting HR"
    );
    assert_eq!(samples.len(), 96);
    assert_eq!(
        samples[95].time.local.time(),
        NaiveTime::from_hms_opt(23, 45, 0).unwrap()
    );
    assert_eq!((samples[0].bpm, samples[95].bpm), (57, 47));
}

#[test]
fn intraday_missing_key_means_no_intraday_access() {
    let body = br#"{"activities-heart":[{"dateTime":"2026-09-01","value":{"heartRateZones":[{"name":"Peak","min":150,"max":220}],"restingHeartRate":60}}]}"#;
    let err = parse_heart_intraday(body, date(2026, 9, 1), None).unwrap_err();
    assert!(matches!(err, Error::IntradayUnavailable), "{err:?}");
    assert!(err.to_string().contains("Personal"));
}

#[test]
fn intraday_bad_value_names_the_json_path() {
    let body = br#"{"activities-heart":[],"activities-heart-intraday":{"dataset":[{"time":"00:00:00","value":60},{"time":"00:01:00","value":"high"}],"datasetInterval":1,"datasetType":"minute"}}"#;
    match parse_heart_intraday(body, date(2026, 9, 1), None) {
        Err(Error::Parse { what, path, .. }) => {
            assert_eq!(what, "Fitbit heart rate intraday");
            assert_eq!(path, "activities-heart-intraday.dataset[1].value");
        }
        other => panic!("{other:?}"),
    }
    let body = br#"{"activities-heart-intraday":{"dataset":[{"time":"25:00:00","value":60}]}}"#;
    match parse_heart_intraday(body, date(2026, 9, 1), None) {
        Err(Error::Parse { path, .. }) => {
            assert_eq!(path, "activities-heart-intraday.dataset[0].time")
        }
        other => panic!("{other:?}"),
    }
}

fn dataset(times: &[&str]) -> Vec<u8> {
    let points: Vec<String> = times
        .iter()
        .enumerate()
        .map(|(i, t)| format!(r#"{{"time":"{t}","value":{}}}"#, 60 + i))
        .collect();
    format!(
        r#"{{"activities-heart":[],"activities-heart-intraday":{{"dataset":[{}],"datasetInterval":15,"datasetType":"minute"}}}}"#,
        points.join(",")
    )
    .into_bytes()
}

#[test]
fn intraday_fall_back_hour_stays_twice_and_in_order() {
    let body = dataset(&[
        "00:45:00", "01:00:00", "01:15:00", "01:30:00", "01:45:00", "01:00:00", "01:15:00",
        "01:30:00", "01:45:00", "02:00:00",
    ]);
    let day = date(2026, 11, 1);
    let (summary, s) = parse_heart_intraday(&body, day, Some(America::New_York)).unwrap();
    assert!(summary.is_none());
    assert_eq!(s.len(), 10);
    assert!(s.iter().all(|x| x.time.local.date() == day));
    let utc: Vec<_> = s.iter().map(|x| x.time.utc().unwrap()).collect();
    assert!(utc.windows(2).all(|w| w[0] < w[1]), "{utc:?}");
    assert_eq!(s[1].time.local, s[5].time.local);
    assert_eq!(s[1].time.offset, FixedOffset::west_opt(4 * 3600));
    assert_eq!(s[5].time.offset, FixedOffset::west_opt(5 * 3600));
    assert_eq!(
        s.iter().map(|x| x.bpm).collect::<Vec<_>>(),
        (60..70).collect::<Vec<_>>()
    );
}

#[test]
fn intraday_wrapping_past_midnight_continues_next_day() {
    let body = dataset(&["23:30:00", "23:45:00", "00:00:00", "00:15:00"]);
    let day = date(2026, 9, 1);
    let (_, s) = parse_heart_intraday(&body, day, Some(Europe::Berlin)).unwrap();
    let dates: Vec<_> = s.iter().map(|x| x.time.local.date()).collect();
    assert_eq!(dates, vec![day, day, date(2026, 9, 2), date(2026, 9, 2)]);
}

#[test]
fn intraday_spring_forward_gap_has_no_invented_offset() {
    let body = dataset(&["01:45:00", "02:15:00", "03:00:00"]);
    let (_, s) = parse_heart_intraday(&body, date(2026, 3, 29), Some(Europe::Berlin)).unwrap();
    let offs: Vec<_> = s.iter().map(|x| x.time.offset).collect();
    assert_eq!(
        offs,
        vec![
            FixedOffset::east_opt(3600),
            None,
            FixedOffset::east_opt(7200)
        ]
    );
}

#[test]
fn daily_series_real_week() {
    let days = parse_heart_daily(&fixture("heart_timeseries_7d.json")).unwrap();
    let got: Vec<_> = days.iter().map(|d| (d.date, d.resting_bpm)).collect();
    let want: Vec<_> = [51.0, 51.0, 53.0, 51.0, 51.0, 49.0, 51.0]
        .iter()
        .enumerate()
        .map(|(i, r)| (date(2017, 8, 15 + i as u32), Some(*r)))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn daily_series_tolerates_missing_minutes_and_resting() {
    let body = br#"{"activities-heart":[
      {"dateTime":"2026-09-02","value":{"customHeartRateZones":[],"heartRateZones":[{"caloriesOut":1.5,"max":92,"min":30,"name":"Out of Range"}]}},
      {"dateTime":"2026-09-01","value":{"heartRateZones":[{"max":92,"min":30,"name":"Out of Range"}],"restingHeartRate":57}},
      {"dateTime":"2026-09-01","value":{"heartRateZones":[],"restingHeartRate":58}}]}"#;
    let days = parse_heart_daily(body).unwrap();
    assert_eq!(days.len(), 2, "one row per date");
    assert_eq!(
        (days[0].date, days[0].resting_bpm),
        (date(2026, 9, 1), Some(58.0))
    );
    assert_eq!(
        (days[1].date, days[1].resting_bpm),
        (date(2026, 9, 2), None)
    );
    match parse_heart_daily(br#"{"activities-heart":[{"dateTime":"yesterday","value":{}}]}"#) {
        Err(Error::Parse { path, .. }) => assert_eq!(path, "activities-heart[0].dateTime"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn hrv_summary_fixture() {
    let days = parse_hrv_daily(&fixture("hrv_summary_interval.json")).unwrap();
    assert_eq!(days.len(), 3);
    assert_eq!(days[0].date, date(2021, 10, 25));
    assert_eq!(days[0].daily_rmssd, Some(62.887));
    assert_eq!(days[2].daily_rmssd, Some(60.887));
    assert!(days.iter().all(|d| d.deep_rmssd == Some(64.887)));
    assert!(
        days.iter()
            .all(|d| d.entropy.is_none() && d.non_rem_hr.is_none())
    );
}

#[test]
fn hrv_intraday_fixture() {
    let body = fixture("hrv_intraday_by_date.json");
    let s = parse_hrv_intraday(&body, None).unwrap();
    assert_eq!(s.len(), 4);
    assert_eq!(
        s[0].time.local,
        date(2021, 10, 25).and_hms_opt(9, 10, 0).unwrap()
    );
    assert_eq!(s[0].time.offset, None);
    assert_eq!(
        (s[0].rmssd, s[0].coverage, s[0].hf, s[0].lf, s[0].sdnn),
        (
            Some(26.617),
            Some(0.935),
            Some(126.514),
            Some(471.897),
            None
        )
    );
    assert_eq!(s[3].rmssd, Some(65.946));
    let s = parse_hrv_intraday(&body, Some(America::New_York)).unwrap();
    assert!(
        s.iter()
            .all(|x| x.time.offset == FixedOffset::west_opt(4 * 3600))
    );
}

#[test]
fn hrv_intraday_nights_come_out_ascending() {
    let body = br#"{"hrv":[
      {"dateTime":"2026-09-02","minutes":[{"minute":"2026-09-02T03:00:00.000","value":{"rmssd":30.0}}]},
      {"dateTime":"2026-09-01","minutes":[{"minute":"2026-08-31T23:55:00.000","value":{"rmssd":20.0}},
                                          {"minute":"2026-09-01T00:00:00","value":{"rmssd":21.0}}]}]}"#;
    let s = parse_hrv_intraday(body, None).unwrap();
    let r: Vec<_> = s.iter().map(|x| x.rmssd.unwrap()).collect();
    assert_eq!(r, vec![20.0, 21.0, 30.0]);
    match parse_hrv_intraday(
        br#"{"hrv":[{"dateTime":"2026-09-01","minutes":[{"minute":"09:10","value":{}}]}]}"#,
        None,
    ) {
        Err(Error::Parse { path, .. }) => assert_eq!(path, "hrv[0].minutes[0].minute"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn profile_time_zone() {
    let body = br#"{"user":{"encodedId":"XXXXXX","timezone":"Europe/London","offsetFromUTCMillis":-25200000}}"#;
    assert_eq!(parse_profile_tz(body).unwrap(), Some(Europe::London));
    assert_eq!(parse_profile_tz(br#"{"user":{}}"#).unwrap(), None);
    match parse_profile_tz(br#"{"user":{"timezone":"Atlantis/Capital"}}"#) {
        Err(Error::Parse { path, .. }) => assert_eq!(path, "user.timezone"),
        other => panic!("{other:?}"),
    }
    match parse_profile_tz(br#"{"errors":[]}"#) {
        Err(Error::Parse { what, .. }) => assert_eq!(what, "Fitbit profile"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn fetch_intraday_is_one_request_per_day() {
    let mut api = fake(|_| Ok(fixture("heart_intraday_1min.json")));
    let (_, s) = fetch_heart_intraday(
        &mut api,
        "http://127.0.0.1:9/",
        date(2017, 6, 29),
        Detail::OneSecond,
        None,
    )
    .unwrap();
    assert_eq!(s.len(), 1157);
    assert_eq!(
        api.urls,
        vec!["http://127.0.0.1:9/1/user/-/activities/heart/date/2017-06-29/1d/1sec.json"]
    );
}

#[test]
fn fetch_profile_url() {
    let mut api = fake(|_| Ok(br#"{"user":{"timezone":"Asia/Tokyo"}}"#.to_vec()));
    let tz = fetch_profile_tz(&mut api, "https://api.fitbit.com").unwrap();
    assert_eq!(tz, Some(chrono_tz::Asia::Tokyo));
    assert_eq!(
        api.urls,
        vec!["https://api.fitbit.com/1/user/-/profile.json"]
    );
}

#[test]
fn fetch_heart_daily_splits_into_years_and_dedups() {
    // Every answer carries the same two days (one of them twice): the result has each once.
    let mut api = fake(|_| {
        Ok(
            br#"{"activities-heart":[{"dateTime":"2025-06-02","value":{"restingHeartRate":60}},
            {"dateTime":"2025-06-01","value":{"restingHeartRate":61}}]}"#
                .to_vec(),
        )
    });
    let days = fetch_heart_daily(&mut api, "B", date(2025, 1, 1), date(2026, 6, 30)).unwrap();
    assert_eq!(
        api.urls,
        vec![
            "B/1/user/-/activities/heart/date/2025-01-01/2025-12-31.json",
            "B/1/user/-/activities/heart/date/2026-01-01/2026-06-30.json",
        ]
    );
    let got: Vec<_> = days.iter().map(|d| (d.date, d.resting_bpm)).collect();
    assert_eq!(
        got,
        vec![
            (date(2025, 6, 1), Some(61.0)),
            (date(2025, 6, 2), Some(60.0))
        ]
    );
}

#[test]
fn fetch_hrv_splits_into_30_days() {
    let mut api = fake(|url: &str| {
        // Answer each range with its own start date.
        let start = url.split('/').nth(6).unwrap().to_string();
        Ok(
            format!(r#"{{"hrv":[{{"dateTime":"{start}","value":{{"dailyRmssd":40.0}}}}]}}"#)
                .into_bytes(),
        )
    });
    let days = fetch_hrv_daily(&mut api, "B", date(2026, 1, 1), date(2026, 3, 15)).unwrap();
    assert_eq!(
        api.urls,
        vec![
            "B/1/user/-/hrv/date/2026-01-01/2026-01-30.json",
            "B/1/user/-/hrv/date/2026-01-31/2026-03-01.json",
            "B/1/user/-/hrv/date/2026-03-02/2026-03-15.json",
        ]
    );
    let dates: Vec<_> = days.iter().map(|d| d.date).collect();
    assert_eq!(
        dates,
        vec![date(2026, 1, 1), date(2026, 1, 31), date(2026, 3, 2)]
    );

    let mut api = fake(|_| Ok(fixture("hrv_intraday_by_date.json")));
    let s =
        fetch_hrv_intraday(&mut api, "B", date(2021, 10, 25), date(2021, 10, 25), None).unwrap();
    assert_eq!(s.len(), 4);
    assert_eq!(
        api.urls,
        vec!["B/1/user/-/hrv/date/2021-10-25/2021-10-25/all.json"]
    );
}

#[test]
fn fetchers_reject_reversed_ranges_without_asking() {
    let mut api = fake(|_| panic!("no request expected"));
    let (a, b) = (date(2026, 2, 1), date(2026, 1, 1));
    for err in [
        fetch_heart_daily(&mut api, "B", a, b).unwrap_err(),
        fetch_hrv_daily(&mut api, "B", a, b).unwrap_err(),
        fetch_hrv_intraday(&mut api, "B", a, b, None).unwrap_err(),
    ] {
        assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    }
    assert!(api.urls.is_empty());
}

#[test]
fn fetch_passes_api_errors_through() {
    let mut api = fake(|_| Err(Error::LegacyApiGone));
    let err = fetch_hrv_daily(&mut api, "B", date(2026, 1, 1), date(2026, 1, 2)).unwrap_err();
    assert!(matches!(err, Error::LegacyApiGone));
}
