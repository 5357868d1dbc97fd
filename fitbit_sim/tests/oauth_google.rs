//! Google OAuth as documented (docs/google-health-api.md §3): offline access, no rotation, 7-day
//! Testing expiry, body-only client credentials.

mod common;

use std::time::Duration;

use common::*;
use fitbit_sim::{Sim, SimConfig};

fn scope() -> String {
    format!("{HM} {SETTINGS}")
}

#[test]
fn offline_consent_gives_refresh_token_with_expiry_and_refresh_does_not_rotate() {
    let s = Sim::start(SimConfig::default()).expect("start");
    let (verifier, challenge) = pkce("g");
    let sc = scope();
    let p = google_authorize(
        &s.url(),
        &[
            ("scope", &sc),
            ("access_type", "offline"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
    );
    assert_eq!(p["state"], "s1");
    assert_eq!(p["scope"], sc);
    let r = google_exchange(&s.url(), &p["code"], Some(&verifier));
    assert_eq!(r.status, 200, "{}", r.text());
    let t = r.json();
    assert_eq!(t["expires_in"], 3599);
    assert_eq!(t["refresh_token_expires_in"], 604_800);
    assert_eq!(t["token_type"], "Bearer");
    assert!(t.get("user_id").is_none());
    let rt = t["refresh_token"]
        .as_str()
        .expect("refresh_token")
        .to_string();

    let refresh = |rt: &str| google_refresh(&s.url(), rt);
    for _ in 0..2 {
        let r = refresh(&rt);
        assert_eq!(r.status, 200, "{}", r.text());
        let j = r.json();
        assert!(
            j.get("refresh_token").is_none(),
            "Google does not rotate: {j}"
        );
        assert_eq!(j["expires_in"], 3599);
        assert_ne!(j["access_token"], t["access_token"]);
    }
    assert_eq!(s.control().counters().token_refreshes, 2);

    // Testing status: 7 days after consent the refresh token is dead.
    s.control().advance_clock(Duration::from_secs(604_800));
    let r = refresh(&rt);
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json(),
        serde_json::json!({"error":"invalid_grant","error_description":"Token has been expired or revoked."})
    );
    let r = refresh("1//0bogus");
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json(),
        serde_json::json!({"error":"invalid_grant","error_description":"Bad Request"})
    );
}

#[test]
fn refresh_token_only_with_offline_and_again_only_with_prompt_consent() {
    let s = Sim::start(SimConfig::default()).expect("start");
    let sc = scope();
    let online = google_authorize(&s.url(), &[("scope", &sc)]);
    let t = google_exchange(&s.url(), &online["code"], None).json();
    assert!(t.get("refresh_token").is_none(), "{t}");
    assert!(t.get("access_token").is_some());

    let first = google_authorize(&s.url(), &[("scope", &sc), ("access_type", "offline")]);
    assert!(
        google_exchange(&s.url(), &first["code"], None)
            .json()
            .get("refresh_token")
            .is_some()
    );
    let again = google_authorize(&s.url(), &[("scope", &sc), ("access_type", "offline")]);
    assert!(
        google_exchange(&s.url(), &again["code"], None)
            .json()
            .get("refresh_token")
            .is_none()
    );
    let forced = google_authorize(
        &s.url(),
        &[
            ("scope", &sc),
            ("access_type", "offline"),
            ("prompt", "consent"),
        ],
    );
    assert!(
        google_exchange(&s.url(), &forced["code"], None)
            .json()
            .get("refresh_token")
            .is_some()
    );
}

#[test]
fn code_checks_pkce_redirect_single_use() {
    let s = Sim::start(SimConfig::default()).expect("start");
    let (verifier, challenge) = pkce("c");
    let sc = scope();
    let p = google_authorize(
        &s.url(),
        &[
            ("scope", &sc),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
    );
    let r = google_exchange(&s.url(), &p["code"], None);
    assert_eq!(
        (r.status, r.json()["error_description"].as_str()),
        (400, Some("Missing code verifier."))
    );
    let p = google_authorize(
        &s.url(),
        &[
            ("scope", &sc),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
    );
    let r = google_exchange(
        &s.url(),
        &p["code"],
        Some("wrong-verifier-wrong-verifier-wrong-verifier"),
    );
    assert_eq!(r.json()["error_description"], "Invalid code verifier.");
    let p = google_authorize(
        &s.url(),
        &[
            ("scope", &sc),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
    );
    assert_eq!(
        google_exchange(&s.url(), &p["code"], Some(&verifier)).status,
        200
    );
    let r = google_exchange(&s.url(), &p["code"], Some(&verifier));
    assert_eq!(
        r.json(),
        serde_json::json!({"error":"invalid_grant","error_description":"Bad Request"})
    );

    let p = google_authorize(&s.url(), &[("scope", &sc)]);
    let r = post_form(
        &s.url(),
        "/token",
        &[],
        &[
            ("client_id", GOOGLE_ID),
            ("client_secret", GOOGLE_SECRET),
            ("grant_type", "authorization_code"),
            ("code", &p["code"]),
            ("redirect_uri", "http://127.0.0.1:9999"),
        ],
    );
    assert_eq!(r.json()["error"], "redirect_uri_mismatch");

    let p = google_authorize(&s.url(), &[("scope", &sc)]);
    s.control().advance_clock(Duration::from_secs(601));
    assert_eq!(
        google_exchange(&s.url(), &p["code"], None).json()["error"],
        "invalid_grant"
    );
}

#[test]
fn client_credentials_must_be_in_the_body() {
    let s = Sim::start(SimConfig::default()).expect("start");
    let p = google_authorize(&s.url(), &[("scope", HM)]);
    let r = post_form(
        &s.url(),
        "/token",
        &[("Authorization", &basic(GOOGLE_ID, GOOGLE_SECRET))],
        &[
            ("grant_type", "authorization_code"),
            ("code", &p["code"]),
            ("redirect_uri", GOOGLE_REDIRECT),
        ],
    );
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["error_description"],
        "Could not determine client ID from request."
    );
    let r = post_form(
        &s.url(),
        "/token",
        &[],
        &[
            ("client_id", GOOGLE_ID),
            ("client_secret", "wrong"),
            ("grant_type", "refresh_token"),
            ("refresh_token", "x"),
        ],
    );
    assert_eq!(
        (r.status, r.json()["error"].as_str()),
        (401, Some("invalid_client"))
    );
}

#[test]
fn authorize_validates_client_redirect_and_scope() {
    let s = Sim::start(SimConfig::default()).expect("start");
    let page =
        |pairs: &[(&str, &str)]| get(&s.url(), &format!("/o/oauth2/v2/auth?{}", form(pairs)), &[]);
    let r = page(&[
        ("client_id", "23DEMO"),
        ("redirect_uri", GOOGLE_REDIRECT),
        ("response_type", "code"),
        ("scope", HM),
    ]);
    assert_eq!(r.status, 401);
    assert!(r.text().contains("invalid_client"));
    let r = page(&[
        ("client_id", GOOGLE_ID),
        ("redirect_uri", "https://example.com/cb"),
        ("response_type", "code"),
        ("scope", HM),
    ]);
    assert!(r.text().contains("redirect_uri_mismatch"));
    let r = page(&[
        ("client_id", GOOGLE_ID),
        ("redirect_uri", GOOGLE_REDIRECT),
        ("response_type", "code"),
        ("scope", "heartrate"),
    ]);
    assert!(r.text().contains("invalid_scope"));
    // Desktop clients take any loopback port.
    let r = page(&[
        ("client_id", GOOGLE_ID),
        ("redirect_uri", "http://localhost:41234/cb"),
        ("response_type", "code"),
        ("scope", HM),
    ]);
    assert_eq!(r.status, 302);
}

#[test]
fn web_client_needs_an_exact_registered_redirect() {
    let mut cfg = SimConfig::default();
    cfg.clients.push(fitbit_sim::RegisteredClient {
        provider: fitbit_sim::Provider::Google,
        client_id: "web.apps.googleusercontent.com".into(),
        client_secret: "web-secret".into(),
        redirect_uris: vec!["http://localhost:8080".into()],
        app_type: fitbit_sim::AppType::Web,
    });
    let s = Sim::start(cfg).expect("start");
    let page = |redirect: &str| {
        let q = form(&[
            ("client_id", "web.apps.googleusercontent.com"),
            ("redirect_uri", redirect),
            ("response_type", "code"),
            ("scope", HM),
        ]);
        get(&s.url(), &format!("/o/oauth2/v2/auth?{q}"), &[])
    };
    assert_eq!(page("http://localhost:8080").status, 302);
    assert!(
        page("http://localhost:8081")
            .text()
            .contains("redirect_uri_mismatch")
    );
    assert!(
        page("http://127.0.0.1:8080")
            .text()
            .contains("redirect_uri_mismatch")
    );
}

#[test]
fn redirect_encodes_spaces_as_percent_20() {
    let s = Sim::start(SimConfig::default()).expect("start");
    let sc = scope();
    let q = form(&[
        ("client_id", GOOGLE_ID),
        ("redirect_uri", GOOGLE_REDIRECT),
        ("response_type", "code"),
        ("scope", &sc),
        ("state", "a b&c"),
    ]);
    let r = get(&s.url(), &format!("/o/oauth2/v2/auth?{q}"), &[]);
    let loc = r.header("Location").expect("Location");
    assert!(
        loc.starts_with("http://127.0.0.1:8085?state=a%20b%26c&code="),
        "{loc}"
    );
    assert!(
        loc.contains("&scope=https://www.googleapis.com/auth/googlehealth."),
        "{loc}"
    );
    assert_eq!(location_params(loc)["scope"], sc);
}
