//! No parser of the API sources panics, whatever the body: random bytes, mutated fixtures,
//! and well-formed JSON carrying hostile values in every field the parsers convert.

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use fitbit_core::source::{fitbit, google};
use fitbit_core::time;
use proptest::prelude::*;

const FIXTURES: [&str; 6] = [
    "ghapi_heart_rate_list_pixelwatch4.json",
    "heart_intraday_15min_timewindow.json",
    "heart_intraday_1min.json",
    "heart_timeseries_7d.json",
    "hrv_intraday_by_date.json",
    "hrv_summary_interval.json",
];

fn fixture(i: usize) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/{}",
        env!("CARGO_MANIFEST_DIR"),
        FIXTURES[i]
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every parser of both sources on one body; results are ignored, panics fail the test.
fn parse_everything(body: &[u8], tz: Option<Tz>) {
    let day = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let _ = fitbit::parse_heart_daily(body);
    let _ = fitbit::parse_heart_intraday(body, day, tz);
    let _ = fitbit::parse_hrv_daily(body);
    let _ = fitbit::parse_hrv_intraday(body, tz);
    let _ = fitbit::parse_profile_tz(body);
    let _ = google::parse_page(body, "fuzz");
    let _ = google::parse_heart_rate(body, tz);
    let _ = google::parse_hrv(body, tz);
    let _ = google::parse_resting_daily(body);
    let _ = google::parse_hrv_daily(body);
    let _ = google::parse_settings(body);
}

fn any_tz() -> impl Strategy<Value = Option<Tz>> {
    prop_oneof![
        Just(None),
        Just(Some(chrono_tz::America::New_York)),
        Just(Some(chrono_tz::Europe::Berlin)),
        Just(Some(chrono_tz::Pacific::Apia)),
    ]
}

/// A JSON integer, usually; sometimes huge, negative, fractional, a string or null.
fn int_ish() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (0i64..100).prop_map(|n| n.to_string()),
        2 => any::<i64>().prop_map(|n| n.to_string()),
        1 => Just("262143".to_string()),
        1 => Just("-1".to_string()),
        1 => Just("1.5e300".to_string()),
        1 => Just("\"7\"".to_string()),
        1 => Just("null".to_string()),
    ]
}

/// A JSON string, usually shaped like the real field (times, dates, offsets, zones).
fn text_ish() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,2}(T[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z?)?",
        2 => "[0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2})?",
        2 => "[-+]?[0-9]{1,7}(\\.[0-9]{1,3})?s",
        1 => "[A-Za-z_/]{0,20}",
        1 => any::<String>(),
        1 => Just("9999-12-31T23:59:59.999999999Z".to_string()),
        1 => Just("0000-01-01T00:00:00Z".to_string()),
        1 => Just("-86399s".to_string()),
        1 => Just("".to_string()),
    ]
    .prop_map(|s| serde_json::to_string(&s).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_bytes(body in proptest::collection::vec(any::<u8>(), 0..300), tz in any_tz()) {
        parse_everything(&body, tz);
    }

    #[test]
    fn mutated_fixtures(
        which in 0..FIXTURES.len(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
        tz in any_tz(),
    ) {
        let mut body = fixture(which);
        for (at, byte) in edits {
            let i = at.index(body.len());
            body[i] = byte;
        }
        parse_everything(&body, tz);
        body.truncate(cut.index(body.len() + 1));
        parse_everything(&body, tz);
    }

    #[test]
    fn hostile_field_values(i in proptest::collection::vec(int_ish(), 8), t in proptest::collection::vec(text_ish(), 6), tz in any_tz()) {
        let civil = format!(
            r#"{{"date":{{"year":{},"month":{},"day":{}}},"time":{{"hours":{},"minutes":{},"seconds":{},"nanos":{}}}}}"#,
            i[0], i[1], i[2], i[3], i[4], i[5], i[6]
        );
        let sample = format!(r#"{{"physicalTime":{},"utcOffset":{},"civilTime":{civil}}}"#, t[0], t[1]);
        let date = format!(r#"{{"year":{},"month":{},"day":{}}}"#, i[0], i[1], i[2]);
        for body in [
            format!(r#"{{"dataPoints":[{{"heartRate":{{"sampleTime":{sample},"beatsPerMinute":{}}}}}]}}"#, t[2]),
            format!(r#"{{"dataPoints":[{{"heartRate":{{"sampleTime":{sample},"beatsPerMinute":{}}}}}]}}"#, i[7]),
            format!(r#"{{"dataPoints":[{{"heartRateVariability":{{"sampleTime":{sample},"standardDeviationMilliseconds":{}}}}}]}}"#, i[7]),
            format!(r#"{{"dataPoints":[{{"dailyRestingHeartRate":{{"date":{date},"beatsPerMinute":{}}}}}]}}"#, t[2]),
            format!(r#"{{"dataPoints":[{{"dailyHeartRateVariability":{{"date":{date},"nonRemHeartRateBeatsPerMinute":{}}}}}],"nextPageToken":{}}}"#, i[7], t[3]),
            format!(r#"{{"timeZone":{},"utcOffset":{}}}"#, t[4], t[1]),
            format!(r#"{{"activities-heart":[{{"dateTime":{},"value":{{"restingHeartRate":{}}}}}]}}"#, t[0], i[7]),
            format!(
                r#"{{"activities-heart":[{{"dateTime":{},"value":{}}}],"activities-heart-intraday":{{"dataset":[{{"time":{},"value":{}}},{{"time":{},"value":{}}}]}}}}"#,
                t[0], t[5], t[1], i[3], t[2], i[4]
            ),
            format!(r#"{{"hrv":[{{"dateTime":{},"value":{{"dailyRmssd":{}}}}}]}}"#, t[0], i[0]),
            format!(r#"{{"hrv":[{{"dateTime":{},"minutes":[{{"minute":{},"value":{{"rmssd":{}}}}}]}}]}}"#, t[0], t[1], i[1]),
            format!(r#"{{"user":{{"timezone":{},"offsetFromUTCMillis":{}}}}}"#, t[4], i[2]),
        ] {
            parse_everything(body.as_bytes(), tz);
        }
    }

    #[test]
    fn time_helpers_on_any_date(days in any::<i32>(), secs in 0u32..86_400, tz in any_tz()) {
        let tz = tz.unwrap_or(chrono_tz::UTC);
        let day = NaiveDate::from_num_days_from_ce_opt(days).unwrap_or(NaiveDate::MAX);
        let (a, b) = time::local_day_bounds(day, tz);
        prop_assert!(a <= b);
        let t = NaiveDateTime::new(day, chrono::NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap());
        let offs = time::attach_offsets(&[t, t, day.and_hms_opt(0, 0, 0).unwrap()], tz);
        prop_assert_eq!(offs.len(), 3);
    }

    #[test]
    fn google_offset_never_panics(s in "[-+]?[0-9.]{0,12}s?") {
        if let Some(o) = time::parse_google_offset(&s) {
            prop_assert!(o.local_minus_utc().abs() < 86_400);
        }
    }
}
