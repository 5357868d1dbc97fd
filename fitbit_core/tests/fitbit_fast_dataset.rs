//! The fast reader of the 1sec intraday `dataset` (Fitbit's exact layout) gives the same
//! records as the general serde path, which reads the same data with any whitespace.

use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;
use fitbit_core::source::fitbit::parse_heart_intraday;
use proptest::prelude::*;

/// A heart body with `points` in Fitbit's compact layout, or spaced out (which the fast reader
/// declines, so the serde models read it).
fn body(points: &[(u32, u16)], spaced: bool) -> Vec<u8> {
    let sep = if spaced { ", " } else { "," };
    let items: Vec<String> = points
        .iter()
        .map(|&(secs, bpm)| {
            let t = NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap();
            format!(r#"{{"time":"{}"{sep}"value":{bpm}}}"#, t.format("%H:%M:%S"))
        })
        .collect();
    format!(
        r#"{{"activities-heart":[{{"dateTime":"2026-11-01","value":{{"heartRateZones":[],"restingHeartRate":57}}}}],"activities-heart-intraday":{{"dataset":[{}],"datasetInterval":1,"datasetType":"second"}}}}"#,
        items.join(sep)
    )
    .into_bytes()
}

fn any_tz() -> impl Strategy<Value = Option<Tz>> {
    prop_oneof![
        Just(None),
        Just(Some(chrono_tz::America::New_York)),
        Just(Some(chrono_tz::Europe::Berlin)),
        Just(Some(chrono_tz::Australia::Lord_Howe)),
    ]
}

/// Increasing times with a few backward jumps (a repeated DST hour, a wrap past midnight).
fn any_points() -> impl Strategy<Value = Vec<(u32, u16)>> {
    prop::collection::vec(
        (0u32..86_400, 0u16..400, prop::bool::weighted(0.05)),
        0..300,
    )
    .prop_map(|steps| {
        let mut t = 0u32;
        steps
            .into_iter()
            .map(|(jump, bpm, back)| {
                t = if back {
                    t.saturating_sub(jump % 7200)
                } else {
                    (t + jump % 300) % 86_400
                };
                (t, bpm)
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn fast_and_general_readers_agree(points in any_points(), tz in any_tz(), d in 0u32..365) {
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(d.into());
        let fast = parse_heart_intraday(&body(&points, false), day, tz).unwrap();
        let general = parse_heart_intraday(&body(&points, true), day, tz).unwrap();
        prop_assert_eq!(&fast, &general);
        prop_assert_eq!(fast.1.len(), points.len());
        prop_assert_eq!(fast.0.and_then(|s| s.resting_bpm), Some(57.0));
    }
}

#[test]
fn a_day_of_one_second_samples_keeps_the_fall_back_hour_twice() {
    // 2026-11-01 in New York: 01:00–01:59 happens twice; a 1sec watch reports both passes.
    let mut points: Vec<(u32, u16)> = (0..2 * 3600).map(|s| (s, 60)).collect();
    points.extend((3600..86_400).map(|s| (s, 61)));
    let day = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let (_, s) = parse_heart_intraday(
        &body(&points, false),
        day,
        Some(chrono_tz::America::New_York),
    )
    .unwrap();
    assert_eq!(s.len(), 90_000);
    let utc: Vec<_> = s.iter().map(|x| x.time.utc().unwrap()).collect();
    assert!(
        utc.windows(2).all(|w| w[0] < w[1]),
        "UTC instants strictly increase"
    );
    assert_eq!(s[3600].time.local, s[7200].time.local);
    assert_ne!(s[3600].time.offset, s[7200].time.offset);
}

#[test]
fn a_dataset_key_elsewhere_is_not_taken_for_the_samples() {
    // An unknown "dataset" inside the day summary comes first; the samples are the real one.
    let body = br#"{"activities-heart":[{"dateTime":"2026-11-01","dataset":[{"time":"09:00:00","value":99}],"value":{"heartRateZones":[]}}],"activities-heart-intraday":{"dataset":[{"time":"00:00:01","value":61},{"time":"00:00:02","value":62}],"datasetInterval":1,"datasetType":"second"}}"#;
    let day = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let (_, s) = parse_heart_intraday(body, day, None).unwrap();
    let bpm: Vec<u16> = s.iter().map(|x| x.bpm).collect();
    assert_eq!(bpm, vec![61, 62]);
}

#[test]
fn a_missing_intraday_block_is_still_reported() {
    let body = br#"{"activities-heart":[{"dateTime":"2026-11-01","value":{"heartRateZones":[]}}],"other":{"dataset":[{"time":"00:00:01","value":61}]}}"#;
    let day = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    assert!(matches!(
        parse_heart_intraday(body, day, None),
        Err(fitbit_core::Error::IntradayUnavailable)
    ));
}
