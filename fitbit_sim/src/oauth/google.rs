//! Google OAuth (docs/google-health-api.md §3): `GET /o/oauth2/v2/auth`, `POST /token`,
//! `POST /revoke`. Refresh tokens are not rotated and, in the Testing status, expire 7 days
//! after consent.

use serde_json::json;

use super::choose::{Selection, select, unknown_hint};
use super::{
    VerifierProblem, challenge_ok, check_verifier, find_client, get, params, redirect_allowed,
    redirect_to, revoke_grant, store_code, token_json,
};
use crate::config::{Provider, RegisteredClient};
use crate::control::Shared;
use crate::envelope::{authorize_page, google_oauth};
use crate::http1::{Request, Response};
use crate::tokens::{CODE_TTL, Challenge, Code};

/// The `googlehealth.*` scope prefix.
pub const PREFIX: &str = "https://www.googleapis.com/auth/googlehealth.";

/// Scope suffixes after [`PREFIX`] (discovery revision 20260527 plus the proto's additions).
const SUFFIXES: &[&str] = &[
    "activity_and_fitness.readonly",
    "activity_and_fitness.writeonly",
    "ecg.readonly",
    "health_metrics_and_measurements.readonly",
    "health_metrics_and_measurements.writeonly",
    "irn.readonly",
    "location.readonly",
    "profile.readonly",
    "settings.readonly",
    "sleep.readonly",
    "sleep.writeonly",
    "nutrition.readonly",
    "nutrition.writeonly",
    "logged_symptoms.readonly",
    "mindfulness.readonly",
    "reproductive_health.readonly",
];

fn known_scope(s: &str) -> bool {
    s.strip_prefix(PREFIX)
        .is_some_and(|x| SUFFIXES.contains(&x))
        || s == "https://www.googleapis.com/auth/cloud-platform"
}

fn client<'a>(sh: &'a Shared, id: &str) -> Option<&'a RegisteredClient> {
    find_client(sh, Provider::Google, id)
}

/// The consent page: validates, auto-consents, redirects with `state`, `code` and `scope`.
pub fn authorize(sh: &Shared, req: &Request) -> Response {
    sh.state().counters.authorizations += 1;
    let p = params(req.query.as_bytes());
    let page = |status: u16, m: &str| {
        authorize_page(status, &format!("Access blocked: Authorization Error. {m}"))
    };
    let Some(cid) = get(&p, "client_id") else {
        return page(
            400,
            "Error 400: invalid_request. Missing required parameter: client_id",
        );
    };
    let Some(cl) = client(sh, cid) else {
        return page(
            401,
            "Error 401: invalid_client. The OAuth client was not found.",
        );
    };
    let Some(redirect) = get(&p, "redirect_uri") else {
        return page(
            400,
            "Error 400: invalid_request. Missing required parameter: redirect_uri",
        );
    };
    if !redirect_allowed(cl, redirect) {
        return page(400, "Error 400: redirect_uri_mismatch");
    }
    match get(&p, "response_type") {
        None => {
            return page(
                400,
                "Error 400: invalid_request. Required parameter is missing: response_type",
            );
        }
        Some("code") => {}
        Some(other) => {
            return page(
                400,
                &format!("Error 400: unsupported_response_type. Invalid response_type: {other}"),
            );
        }
    }
    let Some(scope) = get(&p, "scope") else {
        return page(
            400,
            "Error 400: invalid_request. Missing required parameter: scope",
        );
    };
    let scope: Vec<String> = scope.split_whitespace().map(String::from).collect();
    let invalid: Vec<&str> = scope
        .iter()
        .map(String::as_str)
        .filter(|s| !known_scope(s))
        .collect();
    if !invalid.is_empty() {
        return page(
            400,
            &format!(
                "Error 400: invalid_scope. Some requested scopes were invalid. {{invalid=[{}]}}",
                invalid.join(", ")
            ),
        );
    }
    let challenge = match (get(&p, "code_challenge"), get(&p, "code_challenge_method")) {
        (None, None) => None,
        (None, Some(_)) => {
            return page(
                400,
                "Error 400: invalid_request. Missing required parameter: code_challenge",
            );
        }
        (Some(c), m) => {
            let method = m.unwrap_or("plain");
            if method != "S256" && method != "plain" {
                return page(
                    400,
                    "Error 400: invalid_request. Invalid code_challenge_method",
                );
            }
            if !challenge_ok(c) {
                return page(400, "Error 400: invalid_request. Invalid code_challenge");
            }
            Some(Challenge {
                value: c.into(),
                method: method.into(),
            })
        }
    };
    let offline = match get(&p, "access_type") {
        None | Some("online") => false,
        Some("offline") => true,
        Some(_) => return page(400, "Error 400: invalid_request. Invalid access_type"),
    };
    let prompt_consent =
        get(&p, "prompt").is_some_and(|v| v.split_whitespace().any(|x| x == "consent"));
    let account = match select(sh, req, &p) {
        Selection::Account(k) => k,
        Selection::Chooser(page) => return page,
        Selection::Unknown => return unknown_hint(redirect, &p, None),
    };
    let now = sh.clock.now();
    let cap = sh.settings().google_user_cap;
    let code = {
        let mut st = sh.state();
        if let Some(c) = st.per_account.get_mut(account) {
            c.authorizations += 1;
        }
        // An unverified app serves at most `cap` distinct users (docs/google-health-api.md §2.3).
        if !st.google_consented.contains(&account)
            && cap.is_some_and(|cap| st.google_consented.len() >= cap)
        {
            st.bump(Some(account), |c| c.user_cap_refusals += 1);
            drop(st);
            return user_cap_page(&cl.client_id);
        }
        st.google_consented.insert(account);
        // The consent screen (and so a refresh token) appears on first consent, when the
        // earlier grant has lapsed, or with prompt=consent (docs/google-health-api.md §3.3).
        let live_grant = st.tokens.refresh.values().any(|r| {
            r.provider == Provider::Google
                && r.account == account
                && r.client_id == cl.client_id
                && r.expires_at.is_none_or(|e| e > now)
        });
        let code = Code {
            provider: Provider::Google,
            account,
            client_id: cl.client_id.clone(),
            redirect_uri: Some(redirect.to_string()),
            challenge,
            scope: scope.clone(),
            issued_at: now,
            with_refresh: offline && (prompt_consent || !live_grant),
        };
        store_code(&mut st, &sh.account(account).user_id, code)
    };
    let scope_s = scope.join(" ");
    let mut pairs = Vec::new();
    if let Some(s) = p.get("state") {
        pairs.push(("state", s.as_str()));
    }
    pairs.push(("code", code.as_str()));
    pairs.push(("scope", scope_s.as_str()));
    redirect_to(redirect, &pairs, None)
}

/// The page a new user of an unverified app sees once the user cap is reached: "Error 403:
/// access_denied", shown to the user, not redirected (docs/google-health-api.md §2.3).
fn user_cap_page(client_id: &str) -> Response {
    authorize_page(
        403,
        &format!(
            "Access blocked: {client_id} has not completed the Google verification process. \
             The app has reached its limit of users for an unverified app. Error 403: access_denied"
        ),
    )
}

/// Client authentication: `client_id` and `client_secret` in the form body.
fn authenticate<'a>(
    sh: &'a Shared,
    p: &std::collections::HashMap<String, String>,
) -> Result<&'a RegisteredClient, Response> {
    let Some(id) = get(p, "client_id") else {
        return Err(google_oauth(
            400,
            "invalid_request",
            "Could not determine client ID from request.",
        ));
    };
    let Some(cl) = client(sh, id) else {
        return Err(google_oauth(
            401,
            "invalid_client",
            "The OAuth client was not found.",
        ));
    };
    match get(p, "client_secret") {
        None => Err(google_oauth(
            400,
            "invalid_request",
            "client_secret is missing.",
        )),
        Some(s) if s != cl.client_secret => {
            Err(google_oauth(401, "invalid_client", "Unauthorized"))
        }
        Some(_) => Ok(cl),
    }
}

/// `POST /token`: authorization_code and refresh_token grants.
pub fn token(sh: &Shared, req: &Request) -> Response {
    if req.method != "POST" {
        return google_oauth(405, "invalid_request", "Only POST is allowed.");
    }
    let p = params(&req.body);
    let cl = match authenticate(sh, &p) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let now = sh.clock.now();
    let access_ttl = sh.config.google_access_ttl.as_secs();
    match get(&p, "grant_type") {
        None => google_oauth(400, "unsupported_grant_type", "Invalid grant_type: "),
        Some("authorization_code") => {
            let Some(code_s) = get(&p, "code") else {
                return google_oauth(400, "invalid_request", "Missing required parameter: code");
            };
            let Some(redirect) = get(&p, "redirect_uri") else {
                return google_oauth(400, "invalid_request", "Missing parameter: redirect_uri");
            };
            let mut st = sh.state();
            let code = st.tokens.codes.remove(code_s);
            let Some(code) = code.filter(|c| {
                c.provider == Provider::Google
                    && c.client_id == cl.client_id
                    && now - c.issued_at < CODE_TTL
            }) else {
                return google_oauth(400, "invalid_grant", "Bad Request");
            };
            if code.redirect_uri.as_deref() != Some(redirect) {
                return google_oauth(400, "redirect_uri_mismatch", "Bad Request");
            }
            match check_verifier(code.challenge.as_ref(), &p) {
                Ok(()) => {}
                Err(VerifierProblem::Missing) => {
                    return google_oauth(400, "invalid_grant", "Missing code verifier.");
                }
                Err(VerifierProblem::Mismatch) => {
                    return google_oauth(400, "invalid_grant", "Invalid code verifier.");
                }
            }
            let consent = code.with_refresh.then_some(now);
            let (access, refresh) = sh.issue(
                &mut st,
                code.account,
                Provider::Google,
                &cl.client_id,
                &code.scope,
                consent,
            );
            st.bump(Some(code.account), |c| c.token_exchanges += 1);
            drop(st);
            let mut body = json!({
                "access_token": access,
                "expires_in": access_ttl,
                "scope": code.scope.join(" "),
                "token_type": "Bearer",
            });
            if let (Some(r), Some(obj)) = (refresh, body.as_object_mut()) {
                obj.insert("refresh_token".into(), json!(r));
                if let Some(ttl) = sh.config.google_refresh_ttl {
                    obj.insert("refresh_token_expires_in".into(), json!(ttl.as_secs()));
                }
            }
            token_json(body)
        }
        Some("refresh_token") => {
            let Some(rt) = get(&p, "refresh_token") else {
                return google_oauth(
                    400,
                    "invalid_request",
                    "Missing required parameter: refresh_token",
                );
            };
            let mut st = sh.state();
            let Some(r) = st
                .tokens
                .refresh
                .get(rt)
                .filter(|r| r.provider == Provider::Google)
                .cloned()
            else {
                if st.tokens.withdrawn.contains(rt) {
                    return google_oauth(
                        400,
                        "invalid_grant",
                        "Token has been expired or revoked.",
                    );
                }
                return google_oauth(400, "invalid_grant", "Bad Request");
            };
            if r.expires_at.is_some_and(|e| e <= now) {
                st.tokens.refresh.remove(rt);
                return google_oauth(400, "invalid_grant", "Token has been expired or revoked.");
            }
            if r.client_id != cl.client_id {
                return google_oauth(401, "unauthorized_client", "Unauthorized");
            }
            // Not rotated: the response carries no refresh_token (docs/google-health-api.md §3.3).
            let (access, _) = sh.issue(
                &mut st,
                r.account,
                Provider::Google,
                &cl.client_id,
                &r.scope,
                None,
            );
            st.bump(Some(r.account), |c| c.token_refreshes += 1);
            drop(st);
            token_json(json!({
                "access_token": access,
                "expires_in": access_ttl,
                "scope": r.scope.join(" "),
                "token_type": "Bearer",
            }))
        }
        Some(other) => google_oauth(
            400,
            "unsupported_grant_type",
            &format!("Invalid grant_type: {other}"),
        ),
    }
}

/// `POST /revoke` (docs/google-health-api.md §3.6): revoking either token revokes the whole grant.
pub fn revoke(sh: &Shared, req: &Request) -> Response {
    if req.method != "POST" {
        return Response::new(
            404,
            "text/html; charset=UTF-8",
            "<p>404. That's an error.</p>\n",
        );
    }
    let mut p = params(&req.body);
    if p.is_empty() {
        p = params(req.query.as_bytes());
    }
    let Some(tok) = get(&p, "token") else {
        return google_oauth(400, "invalid_request", "Missing required parameter: token");
    };
    let mut st = sh.state();
    let grant = st
        .tokens
        .access
        .get(tok)
        .filter(|a| a.provider == Provider::Google)
        .map(|a| (a.client_id.clone(), a.account))
        .or_else(|| {
            st.tokens
                .refresh
                .get(tok)
                .filter(|r| r.provider == Provider::Google)
                .map(|r| (r.client_id.clone(), r.account))
        });
    let Some((id, account)) = grant else {
        return google_oauth(400, "invalid_token", "Token expired or revoked");
    };
    revoke_grant(&mut st, Provider::Google, &id, account);
    Response::json(200, "{}")
}
