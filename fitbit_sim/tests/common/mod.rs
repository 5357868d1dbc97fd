//! A tiny raw HTTP/1.1 client over std `TcpStream` for the emulator tests (one request per
//! connection, `Connection: close`), plus OAuth helpers.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// One answer as read off the wire.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The connection closed before `Content-Length` bytes arrived.
    pub truncated: bool,
    /// The connection closed without a single byte.
    pub dropped: bool,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// Exact header name as sent (to check the odd casing).
    pub fn has_exact_header(&self, name: &str) -> bool {
        self.headers.iter().any(|(k, _)| k == name)
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text()))
    }
}

/// Send one request to `base` (`http://127.0.0.1:PORT`) and read the whole answer.
pub fn send(base: &str, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let host = base.trim_start_matches("http://");
    let mut s = TcpStream::connect(host).expect("connect to the emulator");
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).expect("write head");
    s.write_all(body).expect("write body");
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    parse(&raw)
}

fn parse(raw: &[u8]) -> Resp {
    if raw.is_empty() {
        return Resp {
            status: 0,
            headers: vec![],
            body: vec![],
            truncated: false,
            dropped: true,
        };
    }
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response head");
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status code");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let body = raw[end + 4..].to_vec();
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok());
    let truncated = len.is_some_and(|l| body.len() < l);
    Resp {
        status,
        headers,
        body,
        truncated,
        dropped: false,
    }
}

pub fn get(base: &str, target: &str, headers: &[(&str, &str)]) -> Resp {
    send(base, "GET", target, headers, b"")
}

pub fn post_form(
    base: &str,
    target: &str,
    headers: &[(&str, &str)],
    pairs: &[(&str, &str)],
) -> Resp {
    let body = form(pairs);
    let mut h = headers.to_vec();
    h.push(("Content-Type", "application/x-www-form-urlencoded"));
    send(base, "POST", target, &h, body.as_bytes())
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

pub fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// A PKCE pair: (verifier, S256 challenge).
pub fn pkce(seed: &str) -> (String, String) {
    let verifier = format!("{seed}-{}", "v".repeat(50));
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// Query parameters of a `Location` header (fragment removed).
pub fn location_params(loc: &str) -> std::collections::HashMap<String, String> {
    let no_frag = loc.split('#').next().unwrap_or("");
    let q = no_frag.split_once('?').map_or("", |x| x.1);
    url::form_urlencoded::parse(q.as_bytes())
        .into_owned()
        .collect()
}

pub const FITBIT_ID: &str = "23DEMO";
pub const FITBIT_SECRET: &str = "demo-fitbit-secret";
pub const FITBIT_REDIRECT: &str = "http://127.0.0.1:53682/callback";
pub const GOOGLE_ID: &str = "demo.apps.googleusercontent.com";
pub const GOOGLE_SECRET: &str = "demo-google-secret";
pub const GOOGLE_REDIRECT: &str = "http://127.0.0.1:8085";
pub const HM: &str =
    "https://www.googleapis.com/auth/googlehealth.health_metrics_and_measurements.readonly";
pub const SETTINGS: &str = "https://www.googleapis.com/auth/googlehealth.settings.readonly";

/// Fitbit authorize with PKCE; returns the code.
pub fn fitbit_code(base: &str, scope: &str, challenge: &str) -> String {
    let q = form(&[
        ("client_id", FITBIT_ID),
        ("response_type", "code"),
        ("redirect_uri", FITBIT_REDIRECT),
        ("scope", scope),
        ("state", "xyz"),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ]);
    let r = get(base, &format!("/oauth2/authorize?{q}"), &[]);
    assert_eq!(r.status, 302, "{}", r.text());
    location_params(r.header("Location").expect("Location"))["code"].clone()
}

/// The full Fitbit login (Basic auth); returns the token JSON.
pub fn fitbit_login(base: &str, scope: &str) -> serde_json::Value {
    let (verifier, challenge) = pkce("login");
    let code = fitbit_code(base, scope, &challenge);
    fitbit_exchange(base, &code, &verifier)
}

/// Exchanges a Fitbit authorization code (Basic auth, PKCE); returns the token JSON.
pub fn fitbit_exchange(base: &str, code: &str, verifier: &str) -> serde_json::Value {
    let r = post_form(
        base,
        "/oauth2/token",
        &[("Authorization", &basic(FITBIT_ID, FITBIT_SECRET))],
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", FITBIT_REDIRECT),
            ("code_verifier", verifier),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

/// Google authorize; returns the redirect's query parameters.
pub fn google_authorize(
    base: &str,
    extra: &[(&str, &str)],
) -> std::collections::HashMap<String, String> {
    let mut pairs = vec![
        ("client_id", GOOGLE_ID),
        ("redirect_uri", GOOGLE_REDIRECT),
        ("response_type", "code"),
        ("state", "s1"),
    ];
    pairs.extend_from_slice(extra);
    let r = get(base, &format!("/o/oauth2/v2/auth?{}", form(&pairs)), &[]);
    assert_eq!(r.status, 302, "{}", r.text());
    let loc = r.header("Location").expect("Location").to_string();
    assert!(
        !loc.contains('#'),
        "Google redirects carry no fragment: {loc}"
    );
    location_params(&loc)
}

/// Exchange a Google code (client credentials in the body).
pub fn google_exchange(base: &str, code: &str, verifier: Option<&str>) -> Resp {
    let mut pairs = vec![
        ("client_id", GOOGLE_ID),
        ("client_secret", GOOGLE_SECRET),
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", GOOGLE_REDIRECT),
    ];
    if let Some(v) = verifier {
        pairs.push(("code_verifier", v));
    }
    post_form(base, "/token", &[], &pairs)
}

/// A frozen instant `minute` minutes and `second` seconds past some hour.
pub fn frozen_at(minute: u32, second: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc
        .with_ymd_and_hms(2026, 11, 26, 10, minute, second)
        .single()
        .expect("valid instant")
}

/// A documented sample response from the workspace's one fixtures folder,
/// `fitbit_core/tests/fixtures/` (sources in its README.md; a leading UTF-8 BOM, which several
/// of them have, is skipped).
pub fn fixture(name: &str) -> serde_json::Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fitbit_core/tests/fixtures")
        .join(name);
    let raw = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(raw.trim_start_matches('\u{feff}'))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A Google `refresh_token` grant of the demo client.
pub fn google_refresh(base: &str, refresh_token: &str) -> Resp {
    post_form(
        base,
        "/token",
        &[],
        &[
            ("client_id", GOOGLE_ID),
            ("client_secret", GOOGLE_SECRET),
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
    )
}
