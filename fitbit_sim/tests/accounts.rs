//! Many accounts: `login_hint` and the account chooser, per-account data, per-user and
//! project-wide Google quotas, the unverified app's user cap, withdrawn consent, per-account
//! counters and concurrent clients.

mod common;

use std::time::Duration;

use common::*;
use fitbit_sim::{Provider, Sim, SimConfig, SimHandle};

fn sim(accounts: usize) -> SimHandle {
    Sim::start(SimConfig {
        accounts,
        frozen_clock: Some(frozen_at(10, 0)),
        ..SimConfig::default()
    })
    .expect("start")
}

const HR_DAY: &str = "/1/user/-/activities/heart/date/2026-10-01/1d/1min.json";

/// The Google PKCE flow for the account named by `hint`; returns the token JSON.
fn google_login(base: &str, hint: &str) -> serde_json::Value {
    let (verifier, challenge) = pkce(hint);
    let scope = format!("{HM} {SETTINGS}");
    let p = google_authorize(
        base,
        &[
            ("scope", &scope),
            ("access_type", "offline"),
            ("prompt", "consent"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
            ("login_hint", hint),
        ],
    );
    let r = google_exchange(base, &p["code"], Some(&verifier));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

/// The Fitbit PKCE flow with `login_hint`; returns the token JSON.
fn fitbit_login_as(base: &str, hint: &str) -> serde_json::Value {
    let (verifier, challenge) = pkce(hint);
    let q = form(&[
        ("client_id", FITBIT_ID),
        ("response_type", "code"),
        ("redirect_uri", FITBIT_REDIRECT),
        ("scope", "heartrate profile"),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
        ("login_hint", hint),
    ]);
    let r = get(base, &format!("/oauth2/authorize?{q}"), &[]);
    assert_eq!(r.status, 302, "{}", r.text());
    let code = location_params(r.header("Location").expect("Location"))["code"].clone();
    fitbit_exchange(base, &code, &verifier)
}

fn with(token: &serde_json::Value) -> String {
    bearer(token["access_token"].as_str().expect("access_token"))
}

#[test]
fn two_accounts_through_pkce_get_their_own_ids_zones_and_data() {
    let s = sim(2);
    let accounts = s.control().accounts();
    assert_eq!(accounts.len(), 2);
    assert_eq!(accounts[0].user_id, s.control().user_id());
    assert_eq!(accounts[0].time_zone, "Europe/Berlin");
    assert_ne!(accounts[0].user_id, accounts[1].user_id);
    assert_eq!(accounts[1].seed, accounts[0].seed + 1);
    assert_eq!(accounts[1].email, "participant1@example.com");

    let mut zones = Vec::new();
    for a in &accounts {
        let t = google_login(&s.url(), &a.email);
        let id = get(
            &s.url(),
            "/v4/users/me/identity",
            &[("Authorization", &with(&t))],
        );
        assert_eq!(id.status, 200, "{}", id.text());
        assert_eq!(id.json()["legacyUserId"], a.user_id.as_str());
        let set = get(
            &s.url(),
            "/v4/users/me/settings",
            &[("Authorization", &with(&t))],
        );
        assert_eq!(set.json()["timeZone"], a.time_zone.as_str());
        zones.push(a.time_zone.clone());
    }
    assert_ne!(zones[0], zones[1]);

    // Fitbit: the hint may be the user id (the `sub`); `/1/user/-/` is the token's user.
    let mut days = Vec::new();
    for a in &accounts {
        let t = fitbit_login_as(&s.url(), &a.user_id);
        assert_eq!(t["user_id"], a.user_id.as_str());
        let p = get(
            &s.url(),
            "/1/user/-/profile.json",
            &[("Authorization", &with(&t))],
        );
        assert_eq!(p.json()["user"]["timezone"], a.time_zone.as_str());
        let d = get(&s.url(), HR_DAY, &[("Authorization", &with(&t))]);
        assert_eq!(d.status, 200, "{}", d.text());
        days.push(d.json());
    }
    assert_ne!(days[0], days[1], "each account is its own person");
    assert_eq!(s.control().counters_for(0).token_exchanges, 2);
    assert_eq!(s.control().counters_for(1).data_requests, 4);
}

#[test]
fn without_a_hint_several_accounts_get_a_chooser_whose_links_sign_in() {
    let s = sim(3);
    let (verifier, challenge) = pkce("chooser");
    let q = form(&[
        ("client_id", GOOGLE_ID),
        ("redirect_uri", GOOGLE_REDIRECT),
        ("response_type", "code"),
        ("scope", HM),
        ("state", "s9"),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ]);
    let page = get(&s.url(), &format!("/o/oauth2/v2/auth?{q}"), &[]);
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("Choose an account"), "{html}");
    let links: Vec<&str> = html
        .split("href=\"")
        .skip(1)
        .filter_map(|x| x.split('"').next())
        .collect();
    assert_eq!(links.len(), 3, "{html}");
    for (k, a) in s.control().accounts().iter().enumerate() {
        assert!(html.contains(&a.email));
        assert!(links[k].starts_with("/o/oauth2/v2/auth?"), "{}", links[k]);
    }
    // A test browser follows the second link.
    let r = get(&s.url(), links[1], &[]);
    assert_eq!(r.status, 302, "{}", r.text());
    let p = location_params(r.header("Location").expect("Location"));
    assert_eq!(p["state"], "s9");
    let t = google_exchange(&s.url(), &p["code"], Some(&verifier)).json();
    let id = get(
        &s.url(),
        "/v4/users/me/identity",
        &[("Authorization", &with(&t))],
    );
    assert_eq!(
        id.json()["legacyUserId"],
        s.control().accounts()[1].user_id.as_str()
    );

    // The Fitbit authorize page chooses the same way.
    let q = form(&[
        ("client_id", FITBIT_ID),
        ("response_type", "code"),
        ("redirect_uri", FITBIT_REDIRECT),
        ("scope", "heartrate"),
    ]);
    let page = get(&s.url(), &format!("/oauth2/authorize?{q}"), &[]);
    assert_eq!(page.status, 200);
    assert_eq!(page.text().matches("href=\"/oauth2/authorize?").count(), 3);
}

#[test]
fn an_unknown_hint_is_an_access_denied_redirect() {
    let s = sim(2);
    let q = form(&[
        ("client_id", GOOGLE_ID),
        ("redirect_uri", GOOGLE_REDIRECT),
        ("response_type", "code"),
        ("scope", HM),
        ("state", "s2"),
        ("login_hint", "nobody@example.com"),
    ]);
    let r = get(&s.url(), &format!("/o/oauth2/v2/auth?{q}"), &[]);
    assert_eq!(r.status, 302);
    let p = location_params(r.header("Location").expect("Location"));
    assert_eq!(p.get("error").map(String::as_str), Some("access_denied"));
    assert_eq!(p["state"], "s2");
    assert!(!p.contains_key("code"));
}

#[test]
fn one_account_over_its_per_user_quota_does_not_limit_another() {
    let s = sim(2);
    s.control().set_limits(150, 5);
    let tok = |k| {
        let (a, _) = s
            .control()
            .issue_tokens_for(k, Provider::Google, GOOGLE_ID, HM);
        bearer(&a)
    };
    let (t0, t1) = (tok(0), tok(1));
    for i in 1..=5 {
        let r = get(&s.url(), "/v4/users/me/identity", &[("Authorization", &t0)]);
        assert_eq!(r.status, 200, "request {i}: {}", r.text());
    }
    let r = get(&s.url(), "/v4/users/me/identity", &[("Authorization", &t0)]);
    assert_eq!(r.status, 429);
    assert_eq!(
        r.json()["error"]["details"][0]["metadata"]["quota_limit"],
        "RequestsPerMinutePerUser"
    );
    let r = get(&s.url(), "/v4/users/me/identity", &[("Authorization", &t1)]);
    assert_eq!(r.status, 200, "{}", r.text());

    let (c0, c1) = (s.control().counters_for(0), s.control().counters_for(1));
    assert_eq!((c0.rate_limited, c1.rate_limited), (1, 0));
    assert_eq!((c0.max_user_window, c1.max_user_window), (6, 1));
    assert_eq!((c0.data_requests, c1.data_requests), (6, 1));
    let total = s.control().counters();
    assert_eq!(total.max_user_window, 6, "the peak of any one user");
    assert_eq!(total.max_project_window, 6, "allowed requests of all users");
    assert_eq!(total.rate_limited, 1);
    assert_eq!(total.project_rate_limited, 0);
}

#[test]
fn the_project_wide_minute_limits_the_sum_of_all_users() {
    let s = sim(3);
    s.control().set_limits(150, 5);
    s.control().set_project_limits(8, None);
    let toks: Vec<String> = (0..3)
        .map(|k| {
            bearer(
                &s.control()
                    .issue_tokens_for(k, Provider::Google, GOOGLE_ID, HM)
                    .0,
            )
        })
        .collect();
    let mut statuses = Vec::new();
    for _ in 0..3 {
        for t in &toks {
            let r = get(&s.url(), "/v4/users/me/identity", &[("Authorization", t)]);
            if r.status == 429 {
                let e = &r.json()["error"];
                assert_eq!(e["status"], "RESOURCE_EXHAUSTED");
                assert_eq!(
                    e["details"][0]["metadata"]["quota_limit"],
                    "RequestsPerMinutePerProject"
                );
                assert_eq!(e["details"][0]["metadata"]["quota_limit_value"], "8");
            }
            statuses.push(r.status);
        }
    }
    assert_eq!(statuses.iter().filter(|&&s| s == 200).count(), 8);
    assert_eq!(statuses[8], 429, "the ninth request of the minute");
    let c = s.control().counters();
    assert_eq!((c.project_rate_limited, c.rate_limited), (1, 1));
    assert_eq!(c.max_project_window, 9);
    assert_eq!(s.control().counters_for(2).project_rate_limited, 1);
    assert_eq!(s.control().counters_for(0).project_rate_limited, 0);

    // A new minute: the project window starts over.
    s.control().advance_clock(Duration::from_secs(60));
    let r = get(
        &s.url(),
        "/v4/users/me/identity",
        &[("Authorization", &toks[2])],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // The project-refused request did not use account 2's own quota.
    for _ in 0..4 {
        let r = get(
            &s.url(),
            "/v4/users/me/identity",
            &[("Authorization", &toks[2])],
        );
        assert_eq!(r.status, 200);
    }
}

#[test]
fn the_user_cap_refuses_consent_by_a_new_account_only() {
    let s = Sim::start(SimConfig {
        accounts: 3,
        google_user_cap: Some(2),
        ..SimConfig::default()
    })
    .expect("start");
    let emails: Vec<String> = s
        .control()
        .accounts()
        .into_iter()
        .map(|a| a.email)
        .collect();
    google_login(&s.url(), &emails[0]);
    google_login(&s.url(), &emails[1]);
    let q = form(&[
        ("client_id", GOOGLE_ID),
        ("redirect_uri", GOOGLE_REDIRECT),
        ("response_type", "code"),
        ("scope", HM),
        ("login_hint", &emails[2]),
    ]);
    let r = get(&s.url(), &format!("/o/oauth2/v2/auth?{q}"), &[]);
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(
        r.text().contains("Error 403: access_denied"),
        "{}",
        r.text()
    );
    assert!(
        r.header("Location").is_none(),
        "shown to the user, not redirected"
    );
    assert_eq!(s.control().counters().user_cap_refusals, 1);
    assert_eq!(s.control().counters_for(2).user_cap_refusals, 1);
    // An account that already consented may consent again.
    google_login(&s.url(), &emails[0]);
    // Lifting the cap over HTTP lets the third in.
    let r = send(&s.url(), "POST", "/_sim/config?user_cap=none", &[], b"");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["google_user_cap"], serde_json::Value::Null);
    google_login(&s.url(), &emails[2]);
}

#[test]
fn a_revoked_account_gets_invalid_grant_and_401_and_the_others_do_not() {
    let s = sim(2);
    let c = s.control();
    let (ga1, gr1) = c.issue_tokens_for(1, Provider::Google, GOOGLE_ID, HM);
    let (fa1, fr1) = c.issue_tokens_for(1, Provider::Fitbit, FITBIT_ID, "heartrate");
    let (ga0, gr0) = c.issue_tokens_for(0, Provider::Google, GOOGLE_ID, HM);
    c.revoke(1);
    let refresh = |rt: &str| google_refresh(&s.url(), rt);
    let r = refresh(&gr1);
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json(),
        serde_json::json!({"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
    );
    let r = get(
        &s.url(),
        "/v4/users/me/identity",
        &[("Authorization", &bearer(&ga1))],
    );
    assert_eq!(r.status, 401);
    let r = get(&s.url(), HR_DAY, &[("Authorization", &bearer(&fa1))]);
    assert_eq!(r.status, 401);
    let r = post_form(
        &s.url(),
        "/oauth2/token",
        &[("Authorization", &basic(FITBIT_ID, FITBIT_SECRET))],
        &[("grant_type", "refresh_token"), ("refresh_token", &fr1)],
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["errors"][0]["errorType"], "invalid_grant");
    // Account 0 is untouched.
    assert_eq!(refresh(&gr0).status, 200);
    let r = get(
        &s.url(),
        "/v4/users/me/identity",
        &[("Authorization", &bearer(&ga0))],
    );
    assert_eq!(r.status, 200);
    assert_eq!(c.counters_for(1).token_refreshes, 0);
    assert_eq!(c.counters_for(0).token_refreshes, 1);
}

#[test]
fn http_controls_list_accounts_issue_tokens_revoke_and_count_per_account() {
    let s = sim(3);
    let list = get(&s.url(), "/_sim/accounts", &[]).json();
    assert_eq!(list.as_array().map(Vec::len), Some(3));
    assert_eq!(list[2]["index"], 2);
    assert_eq!(list[2]["time_zone"], "Asia/Tokyo");
    let target = format!(
        "/_sim/tokens?{}",
        form(&[
            ("account", "2"),
            ("provider", "google"),
            ("client_id", GOOGLE_ID),
            ("scope", HM)
        ])
    );
    let t = send(&s.url(), "POST", &target, &[], b"");
    assert_eq!(t.status, 200, "{}", t.text());
    let t = t.json();
    assert_eq!(t["user_id"], list[2]["user_id"]);
    assert_eq!(t["expires_in"], 3599);
    assert!(t["refresh_token"].as_str().is_some_and(|r| !r.is_empty()));
    let r = get(
        &s.url(),
        "/v4/users/me/identity",
        &[("Authorization", &with(&t))],
    );
    assert_eq!(r.json()["legacyUserId"], list[2]["user_id"]);
    let c = get(&s.url(), "/_sim/counters?account=2", &[]).json();
    assert_eq!(c["data_requests"], 1);
    assert_eq!(c["max_user_window"], 1);
    assert_eq!(
        get(&s.url(), "/_sim/counters?account=0", &[]).json()["data_requests"],
        0
    );
    let bad = get(&s.url(), "/_sim/counters?account=3", &[]);
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("/_sim/accounts"), "{}", bad.text());

    assert_eq!(
        send(&s.url(), "POST", "/_sim/revoke?account=2", &[], b"").status,
        200
    );
    let r = get(
        &s.url(),
        "/v4/users/me/identity",
        &[("Authorization", &with(&t))],
    );
    assert_eq!(r.status, 401);
    assert_eq!(get(&s.url(), "/_sim/revoke?account=2", &[]).status, 405);
    let cfg = send(
        &s.url(),
        "POST",
        "/_sim/config?project_per_minute=50",
        &[],
        b"",
    )
    .json();
    assert_eq!(cfg["google_project_per_minute"], 50);
    assert_eq!(cfg["accounts"], 3);
}

#[test]
fn sixteen_concurrent_clients_of_different_accounts() {
    let s = sim(16);
    let toks: Vec<String> = (0..16)
        .map(|k| {
            s.control()
                .issue_tokens_for(k, Provider::Fitbit, FITBIT_ID, "heartrate")
                .0
        })
        .collect();
    let url = s.url();
    let handles: Vec<_> = toks
        .into_iter()
        .map(|t| {
            let url = url.clone();
            std::thread::spawn(move || {
                (0..10)
                    .map(|_| get(&url, HR_DAY, &[("Authorization", &bearer(&t))]).status)
                    .collect::<Vec<u16>>()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().expect("client thread"), vec![200; 10]);
    }
    for k in 0..16 {
        let c = s.control().counters_for(k);
        assert_eq!((c.data_requests, c.pages_served), (10, 10), "account {k}");
        assert_eq!(c.max_user_window_fitbit, 10);
    }
    assert_eq!(s.control().counters().data_requests, 160);
}
