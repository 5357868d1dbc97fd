//! The 410 switch, the HTTP controls under /_sim/, shutdown and the binary.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::*;
use fitbit_sim::{Provider, Sim, SimConfig};

#[test]
fn gone_switch_turns_every_legacy_url_into_410() {
    let s = Sim::start(SimConfig {
        legacy_gone: true,
        ..SimConfig::default()
    })
    .expect("start");
    let (tok, _) = s
        .control()
        .issue_tokens(Provider::Fitbit, FITBIT_ID, "heartrate");
    let (_, challenge) = pkce("x");
    let q = form(&[
        ("client_id", FITBIT_ID),
        ("response_type", "code"),
        ("redirect_uri", FITBIT_REDIRECT),
        ("scope", "heartrate"),
        ("code_challenge", &challenge),
    ]);
    assert_eq!(
        get(&s.url(), &format!("/oauth2/authorize?{q}"), &[]).status,
        410
    );
    let r = post_form(
        &s.url(),
        "/oauth2/token",
        &[("Authorization", &basic(FITBIT_ID, FITBIT_SECRET))],
        &[("grant_type", "refresh_token"), ("refresh_token", "x")],
    );
    assert_eq!(r.status, 410);
    for path in [
        "/1/user/-/hrv/date/today.json",
        "/1.1/user/-/activities/heart/date/today/1d/1min.json",
        "/1.2/user/-/sleep/date/today.json",
    ] {
        assert_eq!(
            get(&s.url(), path, &[("Authorization", &bearer(&tok))]).status,
            410,
            "{path}"
        );
    }
    // Google is unaffected.
    let p = google_authorize(&s.url(), &[("scope", HM)]);
    assert_eq!(google_exchange(&s.url(), &p["code"], None).status, 200);
    // Switched back over HTTP.
    let r = send(&s.url(), "POST", "/_sim/config?gone=0", &[], b"");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["gone"], false);
    assert_ne!(
        get(
            &s.url(),
            "/1/user/-/hrv/date/today.json",
            &[("Authorization", &bearer(&tok))]
        )
        .status,
        410
    );
}

#[test]
fn http_controls() {
    let s = Sim::start(SimConfig {
        frozen_clock: Some(frozen_at(0, 0)),
        ..SimConfig::default()
    })
    .expect("start");
    let r = send(
        &s.url(),
        "POST",
        "/_sim/clock/advance?seconds=3600",
        &[],
        b"",
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["now"], "2026-11-26T11:00:00+00:00");
    assert_eq!(
        s.control().now(),
        frozen_at(0, 0) + chrono::TimeDelta::hours(1)
    );
    assert_eq!(
        send(&s.url(), "POST", "/_sim/clock/advance?seconds=-1", &[], b"").status,
        400
    );

    let r = send(
        &s.url(),
        "POST",
        "/_sim/config?intraday=forbidden&error_rate=0.5&latency_ms=3&fault_seed=9",
        &[],
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let j = r.json();
    assert_eq!(
        (
            j["intraday"].as_str(),
            j["error_rate"].as_f64(),
            j["latency_ms"].as_u64()
        ),
        (Some("forbidden"), Some(0.5), Some(3))
    );
    let st = s.control().settings();
    assert_eq!((st.faults.seed, st.faults.latency_ms), (9, 3));
    assert_eq!(
        send(
            &s.url(),
            "POST",
            "/_sim/config?intraday=sometimes",
            &[],
            b""
        )
        .status,
        400
    );
    assert_eq!(
        send(&s.url(), "POST", "/_sim/config?error_rate=lots", &[], b"").status,
        400
    );
    s.control().set_faults(Default::default());

    let r = send(
        &s.url(),
        "POST",
        "/_sim/issue-tokens?provider=fitbit&scope=heartrate",
        &[],
        b"",
    );
    let tok = r.json()["access_token"].as_str().unwrap_or("").to_string();
    let _ = get(
        &s.url(),
        "/1/user/-/hrv/date/today.json",
        &[("Authorization", &bearer(&tok))],
    );
    let _ = get(&s.url(), "/1/user/-/hrv/date/today.json", &[]);
    let c = get(&s.url(), "/_sim/counters", &[]).json();
    assert_eq!(c["data_requests"], 2);
    assert_eq!(c["per_path"]["/1/user/-/hrv/date/today.json"], 2);
    assert_eq!(
        send(&s.url(), "POST", "/_sim/reset-counters", &[], b"").status,
        200
    );
    assert_eq!(
        get(&s.url(), "/_sim/counters", &[]).json()["data_requests"],
        0
    );
    assert_eq!(get(&s.url(), "/_sim/reset-counters", &[]).status, 405);
    assert_eq!(get(&s.url(), "/_sim/nothing", &[]).status, 404);
}

#[test]
fn shutdown_closes_the_port() {
    let mut s = Sim::start(SimConfig::default()).expect("start");
    let url = s.url();
    assert_eq!(get(&url, "/_sim/counters", &[]).status, 200);
    s.shutdown();
    let host = url.trim_start_matches("http://").to_string();
    assert!(
        std::net::TcpStream::connect(&host).is_err(),
        "still listening after shutdown"
    );
    s.shutdown(); // idempotent
}

#[test]
fn non_loopback_address_is_refused() {
    let cfg = SimConfig {
        addr: "0.0.0.0:0".parse().expect("addr"),
        ..SimConfig::default()
    };
    assert!(Sim::start(cfg).is_err());
}

#[test]
fn binary_prints_its_url_first_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fitbit_sim"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--seed",
            "3",
            "--intraday",
            "missing",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn fitbit_sim");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout");
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("first line");
    let url = line
        .trim()
        .strip_prefix("fitbit_sim listening on ")
        .map(str::to_string);
    let r = url.as_deref().map(|u| get(u, "/_sim/config", &[]));
    let _ = child.kill();
    let _ = child.wait();
    let url = url.unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let j = r.expect("answer").json();
    assert_eq!(j["intraday"], "missing");

    let out = Command::new(env!("CARGO_BIN_EXE_fitbit_sim"))
        .args(["--intraday", "sometimes"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("personal, missing or forbidden"));
}
