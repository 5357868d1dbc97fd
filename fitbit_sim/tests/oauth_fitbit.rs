//! Fitbit OAuth as documented (docs/fitbit-web-api.md §2): PKCE, codes, client auth, rotation, expiry.

mod common;

use std::time::Duration;

use common::*;
use fitbit_sim::{AppType, Provider, RegisteredClient, Sim, SimConfig};

fn sim() -> fitbit_sim::SimHandle {
    Sim::start(SimConfig::default()).expect("start")
}

#[test]
fn authorize_redirects_with_code_state_and_fragment() {
    let s = sim();
    let (_, challenge) = pkce("a");
    let q = form(&[
        ("client_id", FITBIT_ID),
        ("response_type", "code"),
        ("redirect_uri", FITBIT_REDIRECT),
        ("scope", "heartrate profile"),
        ("state", "st@te 1"),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ]);
    let r = get(&s.url(), &format!("/oauth2/authorize?{q}"), &[]);
    assert_eq!(r.status, 302);
    let loc = r.header("location").expect("Location");
    assert!(loc.starts_with(&format!("{FITBIT_REDIRECT}?")), "{loc}");
    assert!(
        loc.ends_with("#_=_"),
        "the real redirect carries #_=_: {loc}"
    );
    let p = location_params(loc);
    assert_eq!(p["state"], "st@te 1");
    assert!(p["code"].len() >= 20);
}

#[test]
fn authorize_rejects_bad_requests() {
    let s = sim();
    let (_, challenge) = pkce("a");
    let base = [
        ("client_id", FITBIT_ID),
        ("response_type", "code"),
        ("redirect_uri", FITBIT_REDIRECT),
        ("scope", "heartrate"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let with = |k: &str, v: &str| {
        let pairs: Vec<(&str, &str)> = base
            .iter()
            .map(|&(a, b)| if a == k { (a, v) } else { (a, b) })
            .collect();
        get(
            &s.url(),
            &format!("/oauth2/authorize?{}", form(&pairs)),
            &[],
        )
    };
    let r = with("client_id", "demo.apps.googleusercontent.com");
    assert_eq!(r.status, 400);
    assert!(
        r.text().contains("unauthorized_client - Invalid client_id"),
        "{}",
        r.text()
    );
    let r = with("code_challenge", "tooshort");
    assert!(
        r.text()
            .contains("code_challenge parameter length must be between 43 and 128")
    );
    let r = with("code_challenge_method", "S512");
    assert!(r.text().contains("Unsupported code_challenge_method"));
    let r = with("redirect_uri", "http://localhost:8000/");
    assert!(
        r.text().contains("redirect_uri"),
        "exact match only: {}",
        r.text()
    );
    assert_eq!(with("redirect_uri", "http://localhost:8000").status, 302);
    assert!(
        with("scope", "")
            .text()
            .contains("Missing parameters: scope")
    );
    assert!(
        with("scope", "heartrate hrv")
            .text()
            .contains("invalid_scope")
    );
    assert_eq!(with("response_type", "token").status, 400);
}

#[test]
fn pkce_verifier_is_checked_and_code_is_single_use() {
    let s = sim();
    let (verifier, challenge) = pkce("p");
    let code = fitbit_code(&s.url(), "heartrate", &challenge);
    let auth = basic(FITBIT_ID, FITBIT_SECRET);
    let exchange = |code: &str, v: &str| {
        post_form(
            &s.url(),
            "/oauth2/token",
            &[("Authorization", &auth)],
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", FITBIT_REDIRECT),
                ("code_verifier", v),
            ],
        )
    };
    let r = exchange(&code, "wrong-verifier-wrong-verifier-wrong-verifier-x");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["errors"][0]["errorType"], "invalid_grant");
    // The failed attempt used the code up.
    let r = exchange(&code, &verifier);
    assert_eq!(r.status, 400);
    assert!(
        r.json()["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("Authorization code invalid")
    );

    let code = fitbit_code(&s.url(), "heartrate", &challenge);
    let ok = exchange(&code, &verifier);
    assert_eq!(ok.status, 200, "{}", ok.text());
    let again = exchange(&code, &verifier);
    assert_eq!(again.status, 400, "codes are single use");
    assert_eq!(s.control().counters().token_exchanges, 1);
}

#[test]
fn code_expires_after_ten_minutes_and_is_bound_to_redirect() {
    let s = sim();
    let (verifier, challenge) = pkce("e");
    let auth = basic(FITBIT_ID, FITBIT_SECRET);
    let code = fitbit_code(&s.url(), "heartrate", &challenge);
    s.control().advance_clock(Duration::from_secs(601));
    let r = post_form(
        &s.url(),
        "/oauth2/token",
        &[("Authorization", &auth)],
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", FITBIT_REDIRECT),
            ("code_verifier", &verifier),
        ],
    );
    assert_eq!(r.status, 400);
    assert!(
        r.text().contains("Authorization code expired"),
        "{}",
        r.text()
    );

    let code = fitbit_code(&s.url(), "heartrate", &challenge);
    let r = post_form(
        &s.url(),
        "/oauth2/token",
        &[("Authorization", &auth)],
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:53682/other"),
            ("code_verifier", &verifier),
        ],
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["errors"][0]["errorType"], "invalid_grant");

    let code = fitbit_code(&s.url(), "heartrate", &challenge);
    let r = post_form(
        &s.url(),
        "/oauth2/token",
        &[("Authorization", &auth)],
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("code_verifier", &verifier),
        ],
    );
    assert_eq!(r.status, 400);
    assert!(
        r.text().contains("Missing parameters: redirect_uri"),
        "{}",
        r.text()
    );
}

#[test]
fn token_response_has_documented_fields() {
    let s = sim();
    let t = fitbit_login(&s.url(), "heartrate sleep");
    assert_eq!(t["expires_in"], 28800);
    assert_eq!(t["token_type"], "Bearer");
    assert_eq!(t["scope"], "heartrate sleep");
    let uid = t["user_id"].as_str().expect("user_id");
    assert_eq!(uid.len(), 6);
    assert_eq!(uid, s.control().user_id());
    assert!(!t["access_token"].as_str().unwrap_or("").is_empty());
    assert!(!t["refresh_token"].as_str().unwrap_or("").is_empty());
}

#[test]
fn personal_app_accepts_basic_or_body_client_id_server_app_needs_basic() {
    let mut cfg = SimConfig::default();
    cfg.clients.push(RegisteredClient {
        provider: Provider::Fitbit,
        client_id: "SRV001".into(),
        client_secret: "server-secret".into(),
        redirect_uris: vec!["https://example.org/cb".into()],
        app_type: AppType::Server,
    });
    let s = Sim::start(cfg).expect("start");
    let (_, refresh) = s
        .control()
        .issue_tokens(Provider::Fitbit, FITBIT_ID, "heartrate");
    // Personal: client_id in the body, no secret.
    let r = post_form(
        &s.url(),
        "/oauth2/token",
        &[],
        &[
            ("client_id", FITBIT_ID),
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // Personal: Basic.
    let next = r.json()["refresh_token"].as_str().unwrap_or("").to_string();
    let r = post_form(
        &s.url(),
        "/oauth2/token",
        &[("Authorization", &basic(FITBIT_ID, FITBIT_SECRET))],
        &[("grant_type", "refresh_token"), ("refresh_token", &next)],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // Wrong secret.
    let r = post_form(
        &s.url(),
        "/oauth2/token",
        &[("Authorization", &basic(FITBIT_ID, "nope"))],
        &[("grant_type", "refresh_token"), ("refresh_token", "x")],
    );
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["errors"][0]["errorType"], "invalid_client");
    // Neither.
    let r = post_form(
        &s.url(),
        "/oauth2/token",
        &[],
        &[("grant_type", "refresh_token"), ("refresh_token", "x")],
    );
    assert_eq!(r.status, 401);
    // Server app: body client_id is refused, Basic works.
    let (_, srv_refresh) = s
        .control()
        .issue_tokens(Provider::Fitbit, "SRV001", "heartrate");
    let r = post_form(
        &s.url(),
        "/oauth2/token",
        &[],
        &[
            ("client_id", "SRV001"),
            ("grant_type", "refresh_token"),
            ("refresh_token", &srv_refresh),
        ],
    );
    assert_eq!(r.status, 401, "{}", r.text());
    let r = post_form(
        &s.url(),
        "/oauth2/token",
        &[("Authorization", &basic("SRV001", "server-secret"))],
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &srv_refresh),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn refresh_rotates_and_reuse_is_invalid_grant() {
    let s = sim();
    let t = fitbit_login(&s.url(), "heartrate");
    let first = t["refresh_token"].as_str().unwrap_or("").to_string();
    let auth = basic(FITBIT_ID, FITBIT_SECRET);
    let refresh = |rt: &str| {
        post_form(
            &s.url(),
            "/oauth2/token",
            &[("Authorization", &auth)],
            &[("grant_type", "refresh_token"), ("refresh_token", rt)],
        )
    };
    let r = refresh(&first);
    assert_eq!(r.status, 200);
    let j = r.json();
    let second = j["refresh_token"].as_str().unwrap_or("").to_string();
    assert_ne!(second, first, "every refresh returns a new pair");
    assert_ne!(j["access_token"], t["access_token"]);
    assert_eq!(j["scope"], "heartrate");
    let reuse = refresh(&first);
    assert_eq!(reuse.status, 400);
    let expected = format!(
        r#"{{"errors":[{{"errorType":"invalid_grant","message":"Refresh token invalid: {first}. Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process."}}],"success":false}}"#
    );
    assert_eq!(
        reuse.json(),
        serde_json::from_str::<serde_json::Value>(&expected).expect("json")
    );
    assert_eq!(refresh(&second).status, 200);
    assert_eq!(s.control().counters().token_refreshes, 2);
    let missing = post_form(
        &s.url(),
        "/oauth2/token",
        &[("Authorization", &auth)],
        &[("grant_type", "refresh_token")],
    );
    assert_eq!(missing.status, 400);
    assert_eq!(
        missing.json()["errors"][0]["message"],
        "Missing parameters: refresh_token Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process."
    );
}

#[test]
fn access_token_expires_after_eight_hours() {
    let s = Sim::start(SimConfig {
        frozen_clock: Some(frozen_at(0, 0)),
        ..SimConfig::default()
    })
    .expect("start");
    let t = fitbit_login(&s.url(), "heartrate profile");
    let tok = t["access_token"].as_str().unwrap_or("").to_string();
    let path = "/1/user/-/profile.json";
    let r = get(&s.url(), path, &[("Authorization", &bearer(&tok))]);
    assert_ne!(r.status, 401, "fresh token: {}", r.text());
    s.control().advance_clock(Duration::from_secs(28_799));
    assert_ne!(
        get(&s.url(), path, &[("Authorization", &bearer(&tok))]).status,
        401
    );
    s.control().advance_clock(Duration::from_secs(1));
    let r = get(&s.url(), path, &[("Authorization", &bearer(&tok))]);
    assert_eq!(r.status, 401);
    let j = r.json();
    assert_eq!(j["errors"][0]["errorType"], "expired_token");
    assert_eq!(
        j["errors"][0]["message"],
        format!("Access token expired: {tok}")
    );
    assert_eq!(j["success"], false);
}

#[test]
fn revoke_and_introspect() {
    let s = sim();
    let t = fitbit_login(&s.url(), "heartrate");
    let tok = t["access_token"].as_str().unwrap_or("").to_string();
    let r = post_form(
        &s.url(),
        "/1.1/oauth2/introspect",
        &[("Authorization", &bearer(&tok))],
        &[("token", &tok)],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["active"], true);
    let r = post_form(
        &s.url(),
        "/oauth2/revoke",
        &[("Authorization", &basic(FITBIT_ID, FITBIT_SECRET))],
        &[("token", &tok)],
    );
    assert_eq!(r.status, 200);
    let r = get(
        &s.url(),
        "/1/user/-/hrv/date/today.json",
        &[("Authorization", &bearer(&tok))],
    );
    assert_eq!(r.status, 401);
    let rt = t["refresh_token"].as_str().unwrap_or("");
    let r = post_form(
        &s.url(),
        "/oauth2/token",
        &[("Authorization", &basic(FITBIT_ID, FITBIT_SECRET))],
        &[("grant_type", "refresh_token"), ("refresh_token", rt)],
    );
    assert_eq!(r.status, 400, "revoking one token revokes all of them");
}
