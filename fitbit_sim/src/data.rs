//! Data endpoints of both APIs: bearer auth, rate limits, scopes, intraday access and faults
//! around the pure renderers in [`crate::render`].

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::config::{IntradayAccess, Provider};
use crate::control::Shared;
use crate::envelope::{self, FITBIT_VISIT, fitbit, fitbit_field};
use crate::faults::{self, Fault};
use crate::http1::{Outcome, Request, Response};
use crate::limits::Verdict;
use crate::render::ErrorAnswer;

/// Does this Fitbit path ask for intraday data (docs/fitbit-web-api.md §3.2, §4.1, §6)?
pub fn fitbit_is_intraday(path: &str) -> bool {
    let p = path.trim_end_matches(".json");
    p.split('/')
        .any(|s| matches!(s, "1sec" | "1min" | "5min" | "15min"))
        || p.ends_with("/all")
}

/// The Fitbit scope a path needs, and the word the 403 message uses.
fn fitbit_scope(path: &str) -> Option<(&'static str, &'static str)> {
    let has = |s: &str| path.contains(s);
    Some(if has("/activities/heart") || has("/hrv/") {
        ("heartrate", "heartrate")
    } else if has("/activities/") {
        ("activity", "activity")
    } else if has("/sleep/") {
        ("sleep", "sleep")
    } else if has("/spo2/") {
        ("oxygen_saturation", "oxygen saturation")
    } else if has("/br/") {
        ("respiratory_rate", "respiratory rate")
    } else if has("/temp/") {
        ("temperature", "temperature")
    } else if has("/cardioscore/") {
        ("cardio_fitness", "cardio fitness")
    } else if has("/body/") {
        ("weight", "weight")
    } else if path.ends_with("/profile.json") {
        ("profile", "profile")
    } else if path.ends_with("/devices.json") {
        ("settings", "settings")
    } else {
        return None;
    })
}

/// The Google scopes of which a path needs one (docs/google-health-api.md §3.2).
fn google_scopes(path: &str) -> &'static [&'static str] {
    const HM: &str = "health_metrics_and_measurements.readonly";
    const AF: &str = "activity_and_fitness.readonly";
    let rest = path.strip_prefix("/v4/users/me/").unwrap_or("");
    if rest == "settings" || rest.starts_with("pairedDevices") {
        return &["settings.readonly"];
    }
    if rest == "profile" {
        return &["profile.readonly"];
    }
    let Some(dt) = rest.strip_prefix("dataTypes/") else {
        return &[
            HM,
            AF,
            "sleep.readonly",
            "location.readonly",
            "profile.readonly",
            "settings.readonly",
        ];
    };
    let dt = dt.split(['/', ':']).next().unwrap_or("");
    match dt {
        "heart-rate"
        | "heart-rate-variability"
        | "daily-heart-rate-variability"
        | "daily-resting-heart-rate"
        | "oxygen-saturation"
        | "daily-oxygen-saturation"
        | "respiratory-rate-sleep-summary"
        | "daily-respiratory-rate"
        | "weight"
        | "body-fat"
        | "height" => &[HM],
        "daily-heart-rate-zones" | "time-in-heart-rate-zone" | "calories-in-heart-rate-zone" => {
            &[HM, AF]
        }
        "sleep" => &["sleep.readonly"],
        "electrocardiogram" => &["ecg.readonly"],
        "irregular-rhythm-notification" => &["irn.readonly"],
        "steps"
        | "distance"
        | "exercise"
        | "floors"
        | "active-minutes"
        | "total-calories"
        | "active-zone-minutes"
        | "activity-level" => &[AF],
        _ => &[HM, AF, "sleep.readonly", "location.readonly"],
    }
}

fn rate_headers(resp: Response, v: &Verdict) -> Response {
    // The odd mixed case seen live (docs/fitbit-web-api.md §5.1): clients must read headers case-insensitively.
    resp.with_header("Fitbit-rate-limit-limit", v.limit.to_string())
        .with_header("Fitbit-rate-limit-remaining", v.remaining.to_string())
        .with_header("Fitbit-rate-limit-reset", v.reset_in.to_string())
}

fn bearer(req: &Request) -> Option<&str> {
    let a = req.header("Authorization")?;
    let (scheme, tok) = a.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(tok.trim())
        .filter(|t| !t.is_empty())
}

/// Answer a legacy Fitbit data request (`/1/`, `/1.1/`, `/1.2/`).
pub fn fitbit_data(sh: &Shared, req: &Request) -> Outcome {
    let now = sh.clock.now();
    let settings = sh.settings();
    let mut st = sh.state();
    count(&mut st.counters, &req.path);
    if req.header("Authorization").is_none() {
        // Fitbit's error-handling page lists a missing Authorization header under 400
        // (docs/fitbit-web-api.md §5.2).
        st.counters.unauthorized += 1;
        return Outcome::Respond(fitbit(
            400,
            "invalid_request",
            "Authorization header required.",
        ));
    }
    let Some(tok) = bearer(req) else {
        // Not echoed: a wrong scheme may carry a client secret (Basic).
        st.counters.unauthorized += 1;
        let msg = format!(
            "Access token invalid: the Authorization header is not a Bearer token. {FITBIT_VISIT}"
        );
        return Outcome::Respond(fitbit(401, "invalid_token", &msg));
    };
    let access = match st
        .tokens
        .access
        .get(tok)
        .filter(|a| a.provider == Provider::Fitbit)
    {
        None => {
            st.counters.unauthorized += 1;
            return Outcome::Respond(fitbit(
                401,
                "invalid_token",
                &format!("Access token invalid: {tok}. {FITBIT_VISIT}"),
            ));
        }
        Some(a) if a.expires_at <= now => {
            st.counters.unauthorized += 1;
            return Outcome::Respond(fitbit(
                401,
                "expired_token",
                &format!("Access token expired: {tok}"),
            ));
        }
        Some(a) => a.clone(),
    };
    let k = access.account;
    count_account(&mut st, k, &req.path);
    // Per user and app: the key is the account (not its user id, which could repeat).
    let key = format!("{}:{k}", access.client_id);
    let v = st
        .fitbit_windows
        .hit(&key, now.timestamp(), 3600, settings.fitbit_hourly_limit);
    st.bump(Some(k), |c| {
        c.max_user_window_fitbit = c.max_user_window_fitbit.max(v.attempts)
    });
    if !v.allowed {
        st.bump(Some(k), |c| c.rate_limited += 1);
        let r = fitbit_field(429, "system", "n/a", "Too Many Requests");
        // Deliberately wrong: Retry-After is documented as unreliable (docs/fitbit-web-api.md §5.1).
        return Outcome::Respond(rate_headers(r, &v).with_header("Retry-After", "1"));
    }
    if let Some((scope, word)) = fitbit_scope(&req.path)
        && !access.scope.iter().any(|s| s == scope)
    {
        let msg = format!(
            "This application does not have permission to access {word} data. {FITBIT_VISIT}"
        );
        return Outcome::Respond(rate_headers(fitbit(403, "insufficient_scope", &msg), &v));
    }
    let intraday = fitbit_is_intraday(&req.path);
    if intraday && settings.intraday == IntradayAccess::Forbidden {
        let msg = format!(
            "API client is not authorized by Fitbit to access the resource requested. {FITBIT_VISIT}"
        );
        return Outcome::Respond(rate_headers(
            fitbit(403, "insufficient_permissions", &msg),
            &v,
        ));
    }
    let fault = next_fault(&mut st, &settings.faults);
    drop(st);
    let personal = settings.intraday == IntradayAccess::Personal;
    let person = &sh.account(k).person;
    let rendered = cached(
        sh,
        &format!("{k}|{personal}|{}?{}", req.path, req.query),
        || render(|| crate::render::fitbit::route(person, &req.path, &req.query, personal)),
    );
    finish(
        sh,
        k,
        rendered,
        fault,
        settings.faults.latency_ms,
        false,
        |r| rate_headers(r, &v),
    )
}

/// Answer a Google Health API request (`/v4/…`).
pub fn google_data(sh: &Shared, req: &Request) -> Outcome {
    let now = sh.clock.now();
    let settings = sh.settings();
    let mut st = sh.state();
    count(&mut st.counters, &req.path);
    let tok = match (req.header("Authorization"), bearer(req)) {
        (None, _) => {
            st.counters.unauthorized += 1;
            return Outcome::Respond(envelope::google_credentials_missing());
        }
        (Some(_), None) => {
            st.counters.unauthorized += 1;
            return Outcome::Respond(envelope::google_unauthenticated());
        }
        (Some(_), Some(t)) => t,
    };
    let Some(access) = st
        .tokens
        .access
        .get(tok)
        .filter(|a| a.provider == Provider::Google && a.expires_at > now)
        .cloned()
    else {
        st.counters.unauthorized += 1;
        return Outcome::Respond(envelope::google_unauthenticated());
    };
    let k = access.account;
    count_account(&mut st, k, &req.path);
    let user_key = k.to_string();
    let v = st.google_windows.hit(
        &user_key,
        now.timestamp(),
        60,
        settings.google_per_minute_limit,
    );
    st.bump(Some(k), |c| {
        c.max_user_window = c.max_user_window.max(v.attempts)
    });
    if !v.allowed {
        st.bump(Some(k), |c| c.rate_limited += 1);
        return Outcome::Respond(envelope::google_rate_limited(v.limit));
    }
    let project = st.project_windows.hit(
        "project",
        now.timestamp(),
        60,
        settings.google_project_per_minute,
    );
    st.counters.max_project_window = st.counters.max_project_window.max(project.attempts);
    if !project.allowed {
        // Refused by the project: the user's minute keeps only the attempt.
        st.google_windows.undo(&user_key);
        st.bump(Some(k), |c| {
            c.rate_limited += 1;
            c.project_rate_limited += 1;
        });
        return Outcome::Respond(envelope::google_project_rate_limited(project.limit));
    }
    let needed = google_scopes(&req.path);
    let granted = access.scope.iter().any(|s| {
        s.strip_prefix(crate::oauth::google::PREFIX)
            .is_some_and(|x| needed.contains(&x))
    });
    if !granted {
        return Outcome::Respond(envelope::google_scope_insufficient());
    }
    let fault = next_fault(&mut st, &settings.faults);
    drop(st);
    let shape = crate::render::google::Shape {
        page_cap: sh.config.google_page_cap,
        pretty_default: sh.config.google_pretty_print,
    };
    let account = sh.account(k);
    let rendered = render(|| {
        if req.path == "/v4/users/me/identity" {
            return Ok(identity(account));
        }
        crate::render::google::route_shaped(
            &account.person,
            &req.path,
            &req.query,
            chrono::Utc::now(),
            shape,
        )
    });
    finish(
        sh,
        k,
        rendered,
        fault,
        settings.faults.latency_ms,
        true,
        |r| r,
    )
}

/// `users.getIdentity` (docs/google-health-api.md §4.1): the token's account's ids.
fn identity(account: &crate::accounts::Account) -> String {
    serde_json::json!({
        "name": "users/me/identity",
        "legacyUserId": account.user_id,
        "healthUserId": account.health_user_id(),
    })
    .to_string()
}

fn count(c: &mut crate::control::Counters, path: &str) {
    c.data_requests += 1;
    if let Some(n) = c.per_path.get_mut(path) {
        *n += 1;
    } else {
        c.per_path.insert(path.to_string(), 1);
    }
}

/// The account's own `data_requests` and `per_path` (the totals were counted on arrival).
fn count_account(st: &mut crate::control::State, account: usize, path: &str) {
    if let Some(c) = st.per_account.get_mut(account) {
        count(c, path);
    }
}

fn next_fault(st: &mut crate::control::State, f: &crate::config::Faults) -> Fault {
    if f.error_rate <= 0.0 && f.drop_rate <= 0.0 && f.truncate_rate <= 0.0 {
        return Fault::None;
    }
    let n = st.fault_seq;
    st.fault_seq += 1;
    faults::decide(f, n)
}

/// Run a renderer; a panic inside it becomes a 500 instead of a dead connection.
/// Answers from the body cache when this exact request was rendered recently. Bodies that depend
/// on the wall clock (`today`) are never cached; the data itself is a pure function of the request.
fn cached(
    sh: &Shared,
    key: &str,
    f: impl FnOnce() -> Result<String, ErrorAnswer>,
) -> Result<String, ErrorAnswer> {
    const KEEP: usize = 4;
    if key.contains("today") {
        return f();
    }
    let lock = || sh.body_cache.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, body)) = lock().iter().find(|(k, _)| k == key) {
        return Ok(body.clone());
    }
    let rendered = f()?;
    let mut cache = lock();
    if cache.len() >= KEEP {
        cache.remove(0);
    }
    cache.push((key.to_string(), rendered.clone()));
    Ok(rendered)
}

fn render(f: impl FnOnce() -> Result<String, ErrorAnswer>) -> Result<String, ErrorAnswer> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(ErrorAnswer {
            status: 500,
            body: r#"{"error":"the emulator's renderer panicked; see its stderr"}"#.into(),
        })
    })
}

fn finish(
    sh: &Shared,
    account: usize,
    rendered: Result<String, ErrorAnswer>,
    fault: Fault,
    latency_ms: u64,
    google_api: bool,
    decorate: impl Fn(Response) -> Response,
) -> Outcome {
    if latency_ms > 0 {
        std::thread::sleep(std::time::Duration::from_millis(latency_ms));
    }
    if fault != Fault::None {
        sh.state().bump(Some(account), |c| c.faults_injected += 1);
    }
    let ok = |body: String| decorate(Response::json(200, body));
    match (fault, rendered) {
        (Fault::ServerError(s), _) => {
            Outcome::Respond(decorate(envelope::server_error(google_api, s)))
        }
        (Fault::Drop, _) => Outcome::Drop,
        (Fault::Truncate(per_mille), Ok(body)) => {
            let keep = body.len() * per_mille as usize / 1000;
            Outcome::Truncate(ok(body), keep)
        }
        (Fault::Truncate(per_mille), Err(e)) => {
            let keep = e.body.len() * per_mille as usize / 1000;
            Outcome::Truncate(decorate(Response::json(e.status, e.body)), keep)
        }
        (Fault::None, Ok(body)) => {
            sh.state().bump(Some(account), |c| c.pages_served += 1);
            Outcome::Respond(ok(body))
        }
        (Fault::None, Err(e)) => Outcome::Respond(decorate(Response::json(e.status, e.body))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intraday_paths() {
        assert!(fitbit_is_intraday(
            "/1/user/-/activities/heart/date/2026-10-01/1d/1min.json"
        ));
        assert!(fitbit_is_intraday(
            "/1.1/user/-/activities/heart/date/2026-10-01/2026-10-01/1sec/time/00:00:00/23:59:59.json"
        ));
        assert!(fitbit_is_intraday("/1/user/-/hrv/date/2026-10-01/all.json"));
        assert!(!fitbit_is_intraday(
            "/1/user/-/activities/heart/date/2026-10-01/7d.json"
        ));
        assert!(!fitbit_is_intraday(
            "/1/user/-/hrv/date/2026-10-01/2026-10-20.json"
        ));
    }

    #[test]
    fn scopes_per_path() {
        assert_eq!(
            fitbit_scope("/1/user/-/hrv/date/today.json").map(|s| s.0),
            Some("heartrate")
        );
        assert_eq!(
            fitbit_scope("/1.2/user/-/sleep/date/2026-10-01.json").map(|s| s.0),
            Some("sleep")
        );
        assert_eq!(
            fitbit_scope("/1/user/-/profile.json").map(|s| s.0),
            Some("profile")
        );
        assert_eq!(
            google_scopes("/v4/users/me/dataTypes/heart-rate/dataPoints"),
            &["health_metrics_and_measurements.readonly"]
        );
        assert_eq!(
            google_scopes("/v4/users/me/settings"),
            &["settings.readonly"]
        );
    }
}
