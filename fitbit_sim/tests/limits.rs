//! Rate limits: Fitbit 150 per user per clock hour with headers; Google 300 per user per minute.

mod common;

use std::time::Duration;

use common::*;
use fitbit_sim::{Provider, Sim, SimConfig};

#[test]
fn fitbit_150_per_hour_with_headers_and_reset_at_the_top_of_the_hour() {
    // 50 minutes past the hour: the window resets in 600 s.
    let s = Sim::start(SimConfig {
        frozen_clock: Some(frozen_at(50, 0)),
        ..SimConfig::default()
    })
    .expect("start");
    let (tok, _) = s
        .control()
        .issue_tokens(Provider::Fitbit, FITBIT_ID, "heartrate");
    let auth = bearer(&tok);
    let path = "/1/user/-/activities/heart/date/2026-10-01/7d.json";
    for i in 1..=150u32 {
        let r = get(&s.url(), path, &[("Authorization", &auth)]);
        assert_ne!(r.status, 429, "request {i}");
        // Sent in the odd mixed case seen live.
        assert!(
            r.has_exact_header("Fitbit-rate-limit-limit"),
            "{:?}",
            r.headers
        );
        assert_eq!(r.header("fitbit-rate-limit-limit"), Some("150"));
        assert_eq!(
            r.header("FITBIT-RATE-LIMIT-REMAINING"),
            Some((150 - i).to_string().as_str())
        );
        assert_eq!(r.header("Fitbit-Rate-Limit-Reset"), Some("600"));
    }
    let r = get(&s.url(), path, &[("Authorization", &auth)]);
    assert_eq!(r.status, 429);
    assert_eq!(
        r.json(),
        serde_json::json!({"errors":[{"errorType":"system","fieldName":"n/a","message":"Too Many Requests"}],"success":false})
    );
    assert_eq!(r.header("fitbit-rate-limit-remaining"), Some("0"));
    let retry_after: i64 = r
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    let reset: i64 = r
        .header("fitbit-rate-limit-reset")
        .and_then(|v| v.parse().ok())
        .expect("reset");
    assert!(
        retry_after < reset,
        "Retry-After is deliberately unreliable"
    );
    assert_eq!(s.control().counters().rate_limited, 1);

    s.control().advance_clock(Duration::from_secs(599));
    let r = get(&s.url(), path, &[("Authorization", &auth)]);
    assert_eq!(
        (r.status, r.header("fitbit-rate-limit-reset")),
        (429, Some("1"))
    );
    s.control().advance_clock(Duration::from_secs(1));
    let r = get(&s.url(), path, &[("Authorization", &auth)]);
    assert_ne!(r.status, 429);
    assert_eq!(r.header("fitbit-rate-limit-remaining"), Some("149"));
    assert_eq!(r.header("fitbit-rate-limit-reset"), Some("3600"));
}

#[test]
fn google_300_per_minute_then_resource_exhausted() {
    let s = Sim::start(SimConfig {
        frozen_clock: Some(frozen_at(0, 30)),
        ..SimConfig::default()
    })
    .expect("start");
    let (tok, _) = s.control().issue_tokens(Provider::Google, GOOGLE_ID, HM);
    let auth = bearer(&tok);
    let path = "/v4/users/me/dataTypes/heart-rate/dataPoints";
    for i in 0..300 {
        assert_ne!(
            get(&s.url(), path, &[("Authorization", &auth)]).status,
            429,
            "request {i}"
        );
    }
    let r = get(&s.url(), path, &[("Authorization", &auth)]);
    assert_eq!(r.status, 429);
    let j = r.json();
    assert_eq!(j["error"]["code"], 429);
    assert_eq!(j["error"]["status"], "RESOURCE_EXHAUSTED");
    assert_eq!(
        j["error"]["details"][0]["@type"],
        "type.googleapis.com/google.rpc.ErrorInfo"
    );
    assert_eq!(j["error"]["details"][0]["reason"], "RATE_LIMIT_EXCEEDED");
    s.control().advance_clock(Duration::from_secs(30));
    assert_ne!(get(&s.url(), path, &[("Authorization", &auth)]).status, 429);
}

#[test]
fn concurrent_requests_are_counted_exactly() {
    let s = Sim::start(SimConfig {
        frozen_clock: Some(frozen_at(10, 0)),
        ..SimConfig::default()
    })
    .expect("start");
    let (tok, _) = s
        .control()
        .issue_tokens(Provider::Fitbit, FITBIT_ID, "heartrate");
    let url = s.url();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (url, auth) = (url.clone(), bearer(&tok));
            std::thread::spawn(move || {
                (0..50)
                    .filter(|_| {
                        get(
                            &url,
                            "/1/user/-/hrv/date/2026-10-01.json",
                            &[("Authorization", &auth)],
                        )
                        .status
                            == 429
                    })
                    .count()
            })
        })
        .collect();
    let limited: usize = handles.into_iter().map(|h| h.join().expect("thread")).sum();
    assert_eq!(limited, 50);
    let c = s.control().counters();
    assert_eq!((c.data_requests, c.rate_limited), (200, 50));
}
