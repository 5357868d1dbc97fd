//! Starting and stopping an emulator, and routing each request.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use crate::config::{Faults, IntradayAccess, Provider, SimConfig};
use crate::control::{Control, Shared};
use crate::envelope;
use crate::http1::{Handler, Outcome, Request, Response, Server};
use crate::oauth::{self, params};

/// Entry point: `Sim::start(SimConfig::default())`.
pub struct Sim;

impl Sim {
    /// Bind `config.addr` (loopback only) and serve until the handle is shut down or dropped.
    pub fn start(config: SimConfig) -> std::io::Result<SimHandle> {
        if !config.addr.ip().is_loopback() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "fitbit_sim listens on loopback only; {} is not a loopback address",
                    config.addr
                ),
            ));
        }
        let addr = config.addr;
        let shared = Arc::new(Shared::new(config));
        let sh = shared.clone();
        let handler: Handler = Arc::new(move |req| handle(&sh, req));
        let server = Server::start(addr, handler)?;
        Ok(SimHandle {
            url: format!("http://{}", server.addr()),
            server,
            control: Control { shared },
        })
    }
}

/// A running emulator. Dropping it shuts it down.
pub struct SimHandle {
    url: String,
    server: Server,
    control: Control,
}

impl SimHandle {
    /// Base URL, `http://127.0.0.1:PORT` (no trailing slash); every endpoint of both APIs is
    /// under it.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The test controls.
    pub fn control(&self) -> &Control {
        &self.control
    }

    /// Stop listening and close all connections. Idempotent.
    pub fn shutdown(&mut self) {
        self.server.stop();
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.server.stop();
    }
}

fn is_legacy(path: &str) -> bool {
    path.starts_with("/oauth2/")
        || path.starts_with("/1/")
        || path.starts_with("/1.1/")
        || path.starts_with("/1.2/")
}

/// Route one request.
pub fn handle(sh: &Shared, req: Request) -> Outcome {
    let path = req.path.as_str();
    if let Some(rest) = path.strip_prefix("/_sim/") {
        return Outcome::Respond(control_http(sh, rest, &req));
    }
    if is_legacy(path) && sh.settings().legacy_gone {
        if !path.starts_with("/oauth2/") && path != "/1.1/oauth2/introspect" {
            let mut st = sh.state();
            st.counters.data_requests += 1;
        }
        return Outcome::Respond(envelope::gone());
    }
    let resp = match path {
        "/oauth2/authorize" => oauth::fitbit::authorize(sh, &req),
        "/oauth2/token" => oauth::fitbit::token(sh, &req),
        "/oauth2/revoke" => oauth::fitbit::revoke(sh, &req),
        "/1.1/oauth2/introspect" => oauth::fitbit::introspect(sh, &req),
        "/o/oauth2/v2/auth" => oauth::google::authorize(sh, &req),
        "/token" => oauth::google::token(sh, &req),
        "/revoke" => oauth::google::revoke(sh, &req),
        "/" => Response::new(
            200,
            "text/plain; charset=utf-8",
            "fitbit_sim: Fitbit Web API and Google Health API emulator. Test controls under /_sim/.\n",
        ),
        _ if is_legacy(path) => {
            if req.method != "GET" {
                return Outcome::Respond(envelope::fitbit(
                    405,
                    "request",
                    "Only GET is emulated on data endpoints.",
                ));
            }
            return crate::data::fitbit_data(sh, &req);
        }
        _ if path.starts_with("/v4/") => return crate::data::google_data(sh, &req),
        _ => Response::new(
            404,
            "text/plain; charset=utf-8",
            format!("{path} not found\n"),
        ),
    };
    Outcome::Respond(resp)
}

fn settings_json(sh: &Shared) -> serde_json::Value {
    let s = sh.settings();
    json!({
        "gone": s.legacy_gone,
        "intraday": match s.intraday {
            IntradayAccess::Personal => "personal",
            IntradayAccess::Missing => "missing",
            IntradayAccess::Forbidden => "forbidden",
        },
        "error_rate": s.faults.error_rate,
        "latency_ms": s.faults.latency_ms,
        "drop_rate": s.faults.drop_rate,
        "truncate_rate": s.faults.truncate_rate,
        "fault_seed": s.faults.seed,
        "fitbit_hourly_limit": s.fitbit_hourly_limit,
        "google_per_minute_limit": s.google_per_minute_limit,
        "google_project_per_minute": s.google_project_per_minute,
        "google_user_cap": s.google_user_cap,
        "accounts": sh.accounts.len(),
        "now": sh.clock.now().to_rfc3339(),
        "user_id": sh.accounts[0].user_id,
    })
}

fn bad(msg: String) -> Response {
    Response::json(400, json!({ "error": msg }).to_string())
}

/// The `account=K` parameter (default 0), checked against the accounts served.
fn account_param(sh: &Shared, p: &HashMap<String, String>) -> Result<usize, Response> {
    let Some(v) = p.get("account") else {
        return Ok(0);
    };
    match v.parse::<usize>() {
        Ok(k) if k < sh.accounts.len() => Ok(k),
        _ => Err(bad(format!(
            "account={v:?}: use an account index from 0 to {} (GET /_sim/accounts lists them)",
            sh.accounts.len() - 1
        ))),
    }
}

/// `/_sim/…` over HTTP: `POST clock/advance?seconds=N`, `GET counters[?account=K]`,
/// `POST config?…`, `POST reset-counters`, `POST issue-tokens|tokens?account=K&provider=&client_id=&scope=`,
/// `GET config`, `GET accounts`, `POST revoke?account=K`.
fn control_http(sh: &Shared, rest: &str, req: &Request) -> Response {
    let mut p = params(req.query.as_bytes());
    p.extend(params(&req.body));
    let post = req.method == "POST";
    match (rest, post) {
        ("counters", _) => {
            let counters = if p.contains_key("account") {
                let k = match account_param(sh, &p) {
                    Ok(k) => k,
                    Err(r) => return r,
                };
                sh.counters_for(k).unwrap_or_default()
            } else {
                sh.state().counters.clone()
            };
            Response::json(200, serde_json::to_string(&counters).unwrap_or_default())
        }
        ("accounts", false) => {
            let all: Vec<_> = sh.accounts.iter().map(|a| a.info()).collect();
            Response::json(200, serde_json::to_string(&all).unwrap_or_default())
        }
        ("revoke", true) => match account_param(sh, &p) {
            Ok(k) => {
                crate::oauth::withdraw(&mut sh.state(), k);
                Response::json(200, json!({ "revoked": k }).to_string())
            }
            Err(r) => r,
        },
        ("config", false) | ("clock", false) => Response::json(200, settings_json(sh).to_string()),
        ("clock/advance", true) => {
            let Some(secs) = p.get("seconds").and_then(|s| s.parse::<u64>().ok()) else {
                return bad("clock/advance needs seconds=N (a whole number of seconds)".into());
            };
            sh.clock.advance(Duration::from_secs(secs));
            Response::json(
                200,
                json!({ "now": sh.clock.now().to_rfc3339() }).to_string(),
            )
        }
        ("reset-counters", true) => {
            sh.state().reset_counters();
            Response::json(200, "{}")
        }
        ("config", true) => match apply_config(sh, &p) {
            Ok(()) => Response::json(200, settings_json(sh).to_string()),
            Err(e) => bad(e),
        },
        ("issue-tokens", true) | ("tokens", true) => {
            let account = match account_param(sh, &p) {
                Ok(k) => k,
                Err(r) => return r,
            };
            let provider = match p.get("provider").map(String::as_str) {
                Some("fitbit") | None => Provider::Fitbit,
                Some("google") => Provider::Google,
                Some(other) => {
                    return bad(format!("unknown provider {other:?}: use fitbit or google"));
                }
            };
            let default_client = match provider {
                Provider::Fitbit => "23DEMO",
                Provider::Google => "demo.apps.googleusercontent.com",
            };
            let client_id = p.get("client_id").map_or(default_client, String::as_str);
            let Some(scope) = p.get("scope") else {
                return bad("issue-tokens needs scope=… (space-separated)".into());
            };
            let scope: Vec<String> = scope.split_whitespace().map(String::from).collect();
            let now = sh.clock.now();
            let mut st = sh.state();
            if provider == Provider::Google {
                st.google_consented.insert(account);
            }
            let (a, r) = sh.issue(&mut st, account, provider, client_id, &scope, Some(now));
            let ttl = match provider {
                Provider::Fitbit => sh.config.fitbit_access_ttl,
                Provider::Google => sh.config.google_access_ttl,
            };
            Response::json(
                200,
                json!({"access_token": a, "refresh_token": r, "expires_in": ttl.as_secs(), "user_id": sh.account(account).user_id, "scope": scope.join(" ")}).to_string(),
            )
        }
        (_, false)
            if [
                "clock/advance",
                "reset-counters",
                "issue-tokens",
                "tokens",
                "revoke",
            ]
            .contains(&rest) =>
        {
            Response::json(
                405,
                json!({"error": format!("use POST /_sim/{rest}")}).to_string(),
            )
        }
        _ => Response::json(
            404,
            json!({"error": format!("unknown control /_sim/{rest}")}).to_string(),
        ),
    }
}

fn apply_config(sh: &Shared, p: &HashMap<String, String>) -> Result<(), String> {
    let mut s = sh.settings();
    let mut faults: Faults = s.faults;
    for (k, v) in p {
        let num = |what: &str| v.parse::<f64>().map_err(|_| format!("{k}={v:?}: {what}"));
        match k.as_str() {
            "gone" => {
                s.legacy_gone = match v.as_str() {
                    "1" | "true" | "yes" => true,
                    "0" | "false" | "no" => false,
                    _ => return Err(format!("gone={v:?}: use 1 or 0")),
                }
            }
            "intraday" => s.intraday = v.parse()?,
            "error_rate" => faults.error_rate = num("a number from 0 to 1")?,
            "drop_rate" => faults.drop_rate = num("a number from 0 to 1")?,
            "truncate_rate" => faults.truncate_rate = num("a number from 0 to 1")?,
            "latency_ms" => {
                faults.latency_ms = v
                    .parse()
                    .map_err(|_| format!("latency_ms={v:?}: whole milliseconds"))?
            }
            "fault_seed" | "seed" => {
                faults.seed = v
                    .parse()
                    .map_err(|_| format!("{k}={v:?}: an unsigned integer"))?
            }
            "fitbit_hourly_limit" => {
                s.fitbit_hourly_limit = v
                    .parse()
                    .map_err(|_| format!("{k}={v:?}: an unsigned integer"))?
            }
            "google_per_minute_limit" => {
                s.google_per_minute_limit = v
                    .parse()
                    .map_err(|_| format!("{k}={v:?}: an unsigned integer"))?
            }
            "google_project_per_minute" | "project_per_minute" => {
                s.google_project_per_minute = v
                    .parse()
                    .map_err(|_| format!("{k}={v:?}: an unsigned integer"))?
            }
            "google_user_cap" | "user_cap" => {
                s.google_user_cap = parse_user_cap(v).map_err(|e| format!("{k}={v:?}: {e}"))?
            }
            other => return Err(format!("unknown setting {other:?}")),
        }
    }
    sh.update_settings(|cur| {
        cur.legacy_gone = s.legacy_gone;
        cur.intraday = s.intraday;
        cur.fitbit_hourly_limit = s.fitbit_hourly_limit;
        cur.google_per_minute_limit = s.google_per_minute_limit;
        cur.google_project_per_minute = s.google_project_per_minute;
        cur.google_user_cap = s.google_user_cap;
    });
    if faults != s.faults {
        sh.update_settings(|cur| cur.faults = faults);
        sh.state().fault_seq = 0;
    }
    Ok(())
}

/// A user cap: a whole number of accounts, or `none` for no cap.
pub fn parse_user_cap(v: &str) -> Result<Option<usize>, String> {
    if v.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    v.parse()
        .map(Some)
        .map_err(|_| "a whole number of accounts, or none".to_string())
}
