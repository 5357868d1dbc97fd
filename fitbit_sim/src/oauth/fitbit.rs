//! Fitbit OAuth (docs/fitbit-web-api.md §2): `GET /oauth2/authorize`, `POST /oauth2/token`,
//! `POST /oauth2/revoke`, `POST /1.1/oauth2/introspect`.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use super::choose::{Selection, select, unknown_hint};
use super::{
    VerifierProblem, challenge_ok, check_verifier, find_client, get, params, redirect_allowed,
    redirect_to, revoke_grant, store_code, token_json,
};
use crate::config::{AppType, Provider, RegisteredClient};
use crate::control::Shared;
use crate::envelope::{FITBIT_VISIT, authorize_page, fitbit};
use crate::http1::{Request, Response};
use crate::tokens::{CODE_TTL, Challenge, Code};

/// The scopes in Fitbit's Swagger (docs/fitbit-web-api.md §2.3) plus `blood_glucose`.
pub const SCOPES: &[&str] = &[
    "activity",
    "blood_glucose",
    "cardio_fitness",
    "electrocardiogram",
    "heartrate",
    "irregular_rhythm_notifications",
    "location",
    "nutrition",
    "oxygen_saturation",
    "profile",
    "respiratory_rate",
    "settings",
    "sleep",
    "social",
    "temperature",
    "weight",
];

fn client<'a>(sh: &'a Shared, id: &str) -> Option<&'a RegisteredClient> {
    find_client(sh, Provider::Fitbit, id)
}

/// The authorize page: validates, auto-consents and redirects with `code`, `state` and `#_=_`.
pub fn authorize(sh: &Shared, req: &Request) -> Response {
    sh.state().counters.authorizations += 1;
    let p = params(req.query.as_bytes());
    let page = |m: &str| authorize_page(400, m);
    let Some(cl) = get(&p, "client_id").and_then(|id| client(sh, id)) else {
        return page("unauthorized_client - Invalid client_id");
    };
    match get(&p, "response_type") {
        None => return page("invalid_request - Missing parameters: response_type"),
        Some("code") => {}
        Some("token") => {
            return page(
                "unsupported_response_type - The implicit grant flow is not emulated: use response_type=code",
            );
        }
        Some(_) => return page("invalid_request - Invalid response_type parameter value"),
    }
    let redirect = match get(&p, "redirect_uri") {
        Some(r) if redirect_allowed(cl, r) => Some(r.to_string()),
        Some(_) => return page("invalid_request - Invalid redirect_uri parameter value"),
        // Optional only when the app has exactly one (exact) registered URI.
        None => match cl.redirect_uris.as_slice() {
            [only] if !only.contains('*') => None,
            _ => return page("invalid_request - Missing parameters: redirect_uri"),
        },
    };
    let Some(scope) = get(&p, "scope") else {
        return page("invalid_request - Missing parameters: scope");
    };
    let scope: Vec<String> = scope.split_whitespace().map(String::from).collect();
    if let Some(bad) = scope.iter().find(|s| !SCOPES.contains(&s.as_str())) {
        return page(&format!("invalid_scope - Invalid scope: {bad}"));
    }
    let challenge = match (get(&p, "code_challenge"), get(&p, "code_challenge_method")) {
        (None, None) if cl.app_type == AppType::Client => {
            return page("invalid_request - Missing parameters: code_challenge");
        }
        (None, None) => None,
        (None, Some(_)) => return page("invalid_request - Missing parameters: code_challenge"),
        (Some(c), m) => {
            if !challenge_ok(c) {
                return page(
                    "invalid_request - The code_challenge parameter length must be between 43 and 128",
                );
            }
            // The authorize page documents `plain` as the default method.
            let method = m.unwrap_or("plain");
            if method != "S256" && method != "plain" {
                return page("invalid_request - Unsupported code_challenge_method");
            }
            Some(Challenge {
                value: c.to_string(),
                method: method.to_string(),
            })
        }
    };
    let now = sh.clock.now();
    let target = redirect
        .clone()
        .or_else(|| cl.redirect_uris.first().cloned())
        .unwrap_or_default();
    let account = match select(sh, req, &p) {
        Selection::Account(k) => k,
        Selection::Chooser(page) => return page,
        Selection::Unknown => return unknown_hint(&target, &p, Some("_=_")),
    };
    let code = Code {
        provider: Provider::Fitbit,
        account,
        client_id: cl.client_id.clone(),
        redirect_uri: redirect,
        challenge,
        scope,
        issued_at: now,
        with_refresh: true,
    };
    let code = {
        let mut st = sh.state();
        if let Some(c) = st.per_account.get_mut(account) {
            c.authorizations += 1;
        }
        store_code(&mut st, &sh.account(account).user_id, code)
    };
    let mut pairs = vec![("code", code.as_str())];
    if let Some(s) = p.get("state") {
        pairs.push(("state", s.as_str()));
    }
    redirect_to(&target, &pairs, Some("_=_"))
}

fn invalid_client(msg: &str) -> Response {
    fitbit(401, "invalid_client", &format!("{msg} {FITBIT_VISIT}"))
}

/// Client authentication at the token endpoint (docs/fitbit-web-api.md §2.4): Basic, or `client_id` in the body for
/// Personal and Client apps.
fn authenticate<'a>(
    sh: &'a Shared,
    req: &Request,
    p: &HashMap<String, String>,
) -> Result<&'a RegisteredClient, Response> {
    let format_err = "Invalid authorization header format. The header was not recognized to be a valid header for any of known implementations or a client_id was not specified in case of a public client";
    if let Some(auth) = req.header("Authorization") {
        let Some(b64) = auth
            .strip_prefix("Basic ")
            .or_else(|| auth.strip_prefix("basic "))
        else {
            return Err(invalid_client(format_err));
        };
        let decoded = STANDARD
            .decode(b64.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok());
        let Some((id, secret)) = decoded.as_deref().and_then(|d| d.split_once(':')) else {
            return Err(invalid_client(format_err));
        };
        let Some(cl) = client(sh, id) else {
            return Err(invalid_client(
                "Invalid authorization header. Client id invalid",
            ));
        };
        if cl.app_type == AppType::Client || cl.client_secret != secret {
            return Err(invalid_client(
                "Invalid authorization header. Client secret invalid",
            ));
        }
        if get(p, "client_id").is_some_and(|b| b != id) {
            return Err(invalid_client(
                "The client_id in the body does not match the authorization header.",
            ));
        }
        return Ok(cl);
    }
    let Some(id) = get(p, "client_id") else {
        return Err(invalid_client(format_err));
    };
    match client(sh, id) {
        None => Err(invalid_client("Invalid client_id")),
        Some(cl) if cl.app_type == AppType::Server => Err(invalid_client(
            "Authorization header required: Server apps authenticate with Basic client_id:client_secret.",
        )),
        Some(cl) => Ok(cl),
    }
}

fn missing(names: &[&str]) -> Response {
    fitbit(
        400,
        "invalid_request",
        &format!("Missing parameters: {} {FITBIT_VISIT}", names.join(", ")),
    )
}

fn invalid_grant(msg: String) -> Response {
    fitbit(400, "invalid_grant", &msg)
}

/// `POST /oauth2/token`: authorization_code and refresh_token grants.
pub fn token(sh: &Shared, req: &Request) -> Response {
    if req.method != "POST" {
        return fitbit(
            405,
            "request",
            "Only POST is allowed on the token endpoint.",
        );
    }
    let p = params(&req.body);
    let cl = match authenticate(sh, req, &p) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let now = sh.clock.now();
    match get(&p, "grant_type") {
        None => missing(&["grant_type"]),
        Some("authorization_code") => {
            let Some(code_s) = get(&p, "code") else {
                return missing(&["code"]);
            };
            let mut st = sh.state();
            // Single use: the code is gone after the first attempt.
            let code = st.tokens.codes.remove(code_s);
            let Some(code) =
                code.filter(|c| c.provider == Provider::Fitbit && c.client_id == cl.client_id)
            else {
                return invalid_grant(format!(
                    "Authorization code invalid: {code_s} {FITBIT_VISIT}"
                ));
            };
            if now - code.issued_at >= CODE_TTL {
                return invalid_grant(format!(
                    "Authorization code expired: {code_s} {FITBIT_VISIT}"
                ));
            }
            if let Some(sent) = &code.redirect_uri {
                match get(&p, "redirect_uri") {
                    None => return missing(&["redirect_uri"]),
                    Some(r) if r != sent => {
                        return invalid_grant(format!(
                            "Invalid redirect_uri parameter value {FITBIT_VISIT}"
                        ));
                    }
                    Some(_) => {}
                }
            }
            match check_verifier(code.challenge.as_ref(), &p) {
                Ok(()) => {}
                Err(VerifierProblem::Missing) => return missing(&["code_verifier"]),
                Err(VerifierProblem::Mismatch) => {
                    return invalid_grant(format!(
                        "Code verifier invalid: the code_verifier does not match the code_challenge. {FITBIT_VISIT}"
                    ));
                }
            }
            let (access, refresh) = sh.issue(
                &mut st,
                code.account,
                Provider::Fitbit,
                &cl.client_id,
                &code.scope,
                Some(now),
            );
            st.bump(Some(code.account), |c| c.token_exchanges += 1);
            drop(st);
            let user = &sh.account(code.account).user_id;
            answer(sh, access, refresh.unwrap_or_default(), &code.scope, user)
        }
        Some("refresh_token") => {
            let Some(rt) = get(&p, "refresh_token") else {
                return missing(&["refresh_token"]);
            };
            let mut st = sh.state();
            // Single-use, rotating: the presented token is invalid from now on (docs/fitbit-web-api.md §2.6).
            let old = st.tokens.refresh.remove(rt);
            let Some(old) =
                old.filter(|r| r.provider == Provider::Fitbit && r.client_id == cl.client_id)
            else {
                return invalid_grant(format!("Refresh token invalid: {rt}. {FITBIT_VISIT}"));
            };
            let (access, refresh) = sh.issue(
                &mut st,
                old.account,
                Provider::Fitbit,
                &cl.client_id,
                &old.scope,
                Some(old.consent_at),
            );
            st.bump(Some(old.account), |c| c.token_refreshes += 1);
            drop(st);
            let user = &sh.account(old.account).user_id;
            answer(sh, access, refresh.unwrap_or_default(), &old.scope, user)
        }
        Some(other) => fitbit(
            400,
            "unsupported_grant_type",
            &format!("Unsupported grant_type: {other} {FITBIT_VISIT}"),
        ),
    }
}

fn answer(sh: &Shared, access: String, refresh: String, scope: &[String], user: &str) -> Response {
    token_json(json!({
        "access_token": access,
        "expires_in": sh.config.fitbit_access_ttl.as_secs(),
        "refresh_token": refresh,
        "scope": scope.join(" "),
        "token_type": "Bearer",
        "user_id": user,
    }))
}

/// `POST /oauth2/revoke` (docs/fitbit-web-api.md §2.9): revoking either token revokes all of the app's tokens.
pub fn revoke(sh: &Shared, req: &Request) -> Response {
    if req.method != "POST" {
        return fitbit(
            405,
            "request",
            "Only POST is allowed on the revoke endpoint.",
        );
    }
    let p = params(&req.body);
    let cl = match authenticate(sh, req, &p) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(tok) = get(&p, "token") else {
        return missing(&["token"]);
    };
    let mut st = sh.state();
    // The grant is the token's account's; an unknown token revokes nothing (still 200).
    let account = st
        .tokens
        .access
        .get(tok)
        .filter(|a| a.provider == Provider::Fitbit)
        .map(|a| a.account)
        .or_else(|| {
            let r = st.tokens.refresh.get(tok)?;
            (r.provider == Provider::Fitbit).then_some(r.account)
        });
    if let Some(k) = account {
        revoke_grant(&mut st, Provider::Fitbit, &cl.client_id, k);
    }
    Response::json(200, "{}")
}

/// `POST /1.1/oauth2/introspect` (docs/fitbit-web-api.md §2.8), authorized by a valid bearer token.
pub fn introspect(sh: &Shared, req: &Request) -> Response {
    let now = sh.clock.now();
    let bearer = req
        .header("Authorization")
        .and_then(|a| a.strip_prefix("Bearer "))
        .map(str::trim);
    let st = sh.state();
    let valid = |t: &str| {
        st.tokens
            .access
            .get(t)
            .filter(|a| a.provider == Provider::Fitbit && a.expires_at > now)
    };
    match bearer {
        None => return fitbit(401, "invalid_request", "Authorization header required."),
        Some(b) if valid(b).is_none() => {
            return fitbit(
                401,
                "invalid_token",
                &format!("Access token invalid: {b}. {FITBIT_VISIT}"),
            );
        }
        Some(_) => {}
    }
    let p = params(&req.body);
    let Some(tok) = get(&p, "token") else {
        return missing(&["token"]);
    };
    let body = match valid(tok) {
        None => json!({"active": false}),
        Some(a) => {
            let scopes: Vec<String> = a
                .scope
                .iter()
                .map(|s| format!("{}=READ", s.to_uppercase()))
                .collect();
            json!({
                "active": true,
                "scope": format!("{{{}}}", scopes.join(", ")),
                "client_id": a.client_id,
                "user_id": sh.account(a.account).user_id,
                "token_type": "access_token",
                "exp": a.expires_at.timestamp_millis(),
                "iat": (a.expires_at - crate::clock::delta(sh.config.fitbit_access_ttl)).timestamp_millis(),
            })
        }
    };
    Response::json(200, body.to_string())
}
