//! Bearer auth, scopes and intraday access on the data endpoints (documented error bodies).

mod common;

use std::time::Duration;

use common::*;
use fitbit_sim::{IntradayAccess, Provider, Sim, SimConfig};

const INTRADAY: &str = "/1/user/-/activities/heart/date/2026-10-01/1d/1sec.json";

#[test]
fn fitbit_missing_unknown_and_wrong_provider_tokens() {
    let s = Sim::start(SimConfig::default()).expect("start");
    let r = get(&s.url(), INTRADAY, &[]);
    assert_eq!(
        r.status, 400,
        "documented under 400 (docs/fitbit-web-api.md §5.2)"
    );
    assert_eq!(
        r.json(),
        serde_json::json!({"errors":[{"errorType":"invalid_request","message":"Authorization header required."}],"success":false})
    );
    let r = get(&s.url(), INTRADAY, &[("Authorization", "Bearer nope")]);
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["errors"][0]["errorType"], "invalid_token");
    assert_eq!(
        r.json()["errors"][0]["message"],
        "Access token invalid: nope. Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process."
    );
    let (google_tok, _) = s.control().issue_tokens(Provider::Google, GOOGLE_ID, HM);
    assert_eq!(
        get(
            &s.url(),
            INTRADAY,
            &[("Authorization", &bearer(&google_tok))]
        )
        .status,
        401
    );
    let c = s.control().counters();
    assert_eq!((c.data_requests, c.unauthorized), (3, 3));
    assert_eq!(c.per_path.get(INTRADAY), Some(&3));
}

#[test]
fn fitbit_scope_and_intraday_permissions() {
    let s = Sim::start(SimConfig {
        intraday: IntradayAccess::Forbidden,
        ..SimConfig::default()
    })
    .expect("start");
    let (sleep_only, _) = s
        .control()
        .issue_tokens(Provider::Fitbit, FITBIT_ID, "sleep");
    let r = get(
        &s.url(),
        "/1/user/-/hrv/date/2026-10-01.json",
        &[("Authorization", &bearer(&sleep_only))],
    );
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["errors"][0]["errorType"], "insufficient_scope");
    assert!(r.header("fitbit-rate-limit-remaining").is_some());

    let (hr, _) = s
        .control()
        .issue_tokens(Provider::Fitbit, FITBIT_ID, "heartrate");
    for path in [INTRADAY, "/1/user/-/hrv/date/2026-10-01/all.json"] {
        let r = get(&s.url(), path, &[("Authorization", &bearer(&hr))]);
        assert_eq!(r.status, 403, "{path}");
        assert_eq!(
            r.json(),
            serde_json::json!({"errors":[{"errorType":"insufficient_permissions","message":"API client is not authorized by Fitbit to access the resource requested. Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process."}],"success":false})
        );
    }
    s.control().set_intraday(IntradayAccess::Personal);
    assert_ne!(
        get(&s.url(), INTRADAY, &[("Authorization", &bearer(&hr))]).status,
        403
    );
}

/// The real 401 and the 403 fixture (docs/google-health-api.md §5.2).
const GOOGLE_401: &str = "ghapi_error_401_unauthenticated.json";
const GOOGLE_403: &str = "ghapi_error_403_scope_insufficient.json";

#[test]
fn google_bad_expired_and_missing_tokens() {
    let s = Sim::start(SimConfig::default()).expect("start");
    let hr = "/v4/users/me/dataTypes/heart-rate/dataPoints";
    let r = get(&s.url(), hr, &[("Authorization", "Bearer bad")]);
    assert_eq!(r.status, 401);
    assert_eq!(r.json(), fixture(GOOGLE_401));
    let r = get(&s.url(), hr, &[]);
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"]["status"], "UNAUTHENTICATED");
    assert_eq!(
        r.json()["error"]["details"][0]["reason"],
        "CREDENTIALS_MISSING"
    );

    let (tok, _) = s.control().issue_tokens(Provider::Google, GOOGLE_ID, HM);
    assert_ne!(
        get(&s.url(), hr, &[("Authorization", &bearer(&tok))]).status,
        401
    );
    s.control().advance_clock(Duration::from_secs(3599));
    let r = get(&s.url(), hr, &[("Authorization", &bearer(&tok))]);
    assert_eq!(r.status, 401);
    assert_eq!(r.json(), fixture(GOOGLE_401));
    // A Fitbit token is no Google token.
    let (fb, _) = s
        .control()
        .issue_tokens(Provider::Fitbit, FITBIT_ID, "heartrate");
    assert_eq!(
        get(&s.url(), hr, &[("Authorization", &bearer(&fb))]).status,
        401
    );
}

#[test]
fn google_scope_insufficient() {
    let s = Sim::start(SimConfig::default()).expect("start");
    let (settings_only, _) = s
        .control()
        .issue_tokens(Provider::Google, GOOGLE_ID, SETTINGS);
    let r = get(
        &s.url(),
        "/v4/users/me/dataTypes/heart-rate/dataPoints",
        &[("Authorization", &bearer(&settings_only))],
    );
    assert_eq!(r.status, 403);
    assert_eq!(r.json(), fixture(GOOGLE_403));
    let r = get(
        &s.url(),
        "/v4/users/me/dataTypes/daily-heart-rate-variability/dataPoints",
        &[("Authorization", &bearer(&settings_only))],
    );
    assert_eq!(r.status, 403);
    assert_ne!(
        get(
            &s.url(),
            "/v4/users/me/settings",
            &[("Authorization", &bearer(&settings_only))]
        )
        .status,
        403
    );

    let (hm_only, _) = s.control().issue_tokens(Provider::Google, GOOGLE_ID, HM);
    let r = get(
        &s.url(),
        "/v4/users/me/settings",
        &[("Authorization", &bearer(&hm_only))],
    );
    assert_eq!(r.status, 403);
    assert_eq!(r.json(), fixture(GOOGLE_403));
    // The short scope name is not the scope.
    let (short, _) = s.control().issue_tokens(
        Provider::Google,
        GOOGLE_ID,
        "health_metrics_and_measurements.readonly",
    );
    assert_eq!(
        get(
            &s.url(),
            "/v4/users/me/dataTypes/heart-rate/dataPoints",
            &[("Authorization", &bearer(&short))]
        )
        .status,
        403
    );
}
