//! Both error envelopes → [`crate::Error`] with a hint that says what to do.
//!
//! - Fitbit: `{"errors":[{"errorType","message","fieldName"}],"success":false}`
//! - Google (`google.rpc.Status`): `{"error":{"code","message","status","details":[...]}}`. The
//!   legacy Fitbit host has also answered in this shape.
//! - OAuth token endpoints: `{"error":"invalid_grant","error_description":"..."}`.
//!
//! Messages are redacted: Fitbit echoes the token in "Access token expired: eyJ...".

use serde::Deserialize;

use crate::auth::flow::GOOGLE_HEALTH_METRICS_SCOPE;
use crate::error::{ApiErrorKind, Error};
use crate::fix::Fix;
use crate::provider::Provider;
use crate::source::json::without_bom;

#[derive(Deserialize)]
#[serde(untagged)]
enum Envelope {
    Fitbit(FitbitEnvelope),
    Google(GoogleEnvelope),
    OAuth(OAuthError),
}

#[derive(Deserialize)]
struct FitbitEnvelope {
    errors: Vec<FitbitError>,
}

#[derive(Deserialize)]
struct FitbitError {
    #[serde(rename = "errorType", default)]
    error_type: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(rename = "fieldName", default)]
    field_name: Option<String>,
}

#[derive(Deserialize)]
struct GoogleEnvelope {
    error: GoogleStatus,
}

#[derive(Deserialize)]
struct GoogleStatus {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    details: Vec<GoogleDetail>,
}

#[derive(Deserialize)]
struct GoogleDetail {
    #[serde(default)]
    reason: Option<String>,
    #[serde(rename = "fieldViolations", default)]
    field_violations: Vec<FieldViolation>,
}

#[derive(Deserialize)]
struct FieldViolation {
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

/// The OAuth 2.0 error body of token endpoints (RFC 6749 §5.2).
#[derive(Deserialize)]
pub(crate) struct OAuthError {
    pub(crate) error: String,
    #[serde(default)]
    pub(crate) error_description: Option<String>,
}

/// What an error body says, whichever envelope it came in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ErrorBody {
    /// Fitbit `errorType`, Google `status`, or OAuth `error`.
    pub(crate) kind: String,
    /// Google `ErrorInfo.reason`, when given.
    pub(crate) reason: Option<String>,
    /// The message, already redacted.
    pub(crate) message: String,
    /// Google `fieldViolations` descriptions (and Fitbit `fieldName`s), redacted.
    pub(crate) violations: Vec<String>,
    /// Which envelope: true for Google/OAuth shapes.
    pub(crate) google_shape: bool,
    /// True for the OAuth 2.0 shape (`{"error": "...", "error_description": ...}`).
    pub(crate) oauth: bool,
}

/// Parses either envelope; `None` if the body is neither (HTML, empty, ...).
pub(crate) fn parse_error_body(body: &[u8]) -> Option<ErrorBody> {
    let body = without_bom(body);
    let env: Envelope = serde_json::from_slice(body).ok()?;
    Some(match env {
        Envelope::Fitbit(f) => {
            let first = f.errors.first();
            let kind = first.and_then(|e| e.error_type.clone()).unwrap_or_default();
            let message = f
                .errors
                .iter()
                .filter_map(|e| e.message.as_deref())
                .map(redact_tokens)
                .collect::<Vec<_>>()
                .join("; ");
            let violations = f
                .errors
                .iter()
                .filter_map(|e| e.field_name.as_deref())
                .filter(|n| !n.is_empty() && *n != "n/a")
                .map(|n| format!("field {}", redact_tokens(n)))
                .collect();
            ErrorBody {
                kind,
                reason: None,
                message,
                violations,
                google_shape: false,
                oauth: false,
            }
        }
        Envelope::Google(g) => {
            let s = g.error;
            let reason = s.details.iter().find_map(|d| d.reason.clone());
            let violations = s
                .details
                .iter()
                .flat_map(|d| d.field_violations.iter())
                .filter_map(|v| {
                    let d = v.description.as_deref()?;
                    Some(match v.field.as_deref() {
                        Some(f) if !f.is_empty() => format!("{f}: {}", redact_tokens(d)),
                        _ => redact_tokens(d),
                    })
                })
                .collect();
            ErrorBody {
                kind: s.status.unwrap_or_default(),
                reason,
                message: redact_tokens(s.message.as_deref().unwrap_or("")),
                violations,
                google_shape: true,
                oauth: false,
            }
        }
        Envelope::OAuth(o) => ErrorBody {
            kind: o.error,
            reason: None,
            message: redact_tokens(o.error_description.as_deref().unwrap_or("")),
            violations: Vec::new(),
            google_shape: true,
            oauth: true,
        },
    })
}

/// Maps a non-2xx answer of a data API to an actionable [`Error`].
///
/// ```
/// use fitbit_core::{Error, Provider, http::api_error};
/// let body = br#"{"error":{"code":403,"message":"Request had insufficient authentication scopes.",
///   "status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo",
///   "reason":"ACCESS_TOKEN_SCOPE_INSUFFICIENT"}]}}"#;
/// match api_error(Provider::Google, 403, body) {
///     Error::Api { hint, .. } => assert!(hint.contains("health_metrics_and_measurements.readonly")),
///     e => panic!("{e}"),
/// }
/// assert!(matches!(api_error(Provider::Fitbit, 410, b""), Error::LegacyApiGone));
/// ```
pub fn api_error(provider: Provider, status: u16, body: &[u8]) -> Error {
    if status == 410 && provider == Provider::Fitbit {
        return Error::LegacyApiGone;
    }
    let parsed = parse_error_body(body);
    let (kind, message, (hint, fix)) = match &parsed {
        Some(b) => {
            let kind = if b.oauth {
                ApiErrorKind::OAuth {
                    error: b.kind.clone(),
                }
            } else if b.google_shape {
                ApiErrorKind::Google {
                    status: b.kind.clone(),
                    reason: b.reason.clone().filter(|r| !r.is_empty() && *r != b.kind),
                }
            } else {
                ApiErrorKind::Fitbit {
                    error_type: b.kind.clone(),
                }
            };
            let hint = hint_for(provider, status, b);
            (kind, b.message.clone(), hint)
        }
        None => (
            ApiErrorKind::Unrecognized,
            excerpt(body),
            hint_for(provider, status, &ErrorBody::default()),
        ),
    };
    Error::Api {
        provider,
        status,
        kind,
        message,
        hint,
        fix,
    }
}

/// True when the answer means "this access token is expired or invalid: refresh and retry":
/// Fitbit 401 `expired_token` / `invalid_token` (or a Google-shaped 401 from the Fitbit host),
/// any Google 401.
pub fn is_token_expired(provider: Provider, status: u16, body: &[u8]) -> bool {
    if status != 401 {
        return false;
    }
    match provider {
        Provider::Google => true,
        Provider::Fitbit => match parse_error_body(body) {
            Some(b) if b.google_shape => b.kind == "UNAUTHENTICATED",
            Some(b) => matches!(b.kind.as_str(), "expired_token" | "invalid_token"),
            None => false,
        },
    }
}

/// What to do about an error answer: in words (no command or flag: the front ends render the
/// [`Fix`]), and as data.
fn hint_for(provider: Provider, status: u16, b: &ErrorBody) -> (String, Option<Fix>) {
    let kind = b.kind.as_str();
    let reason = b.reason.as_deref().unwrap_or("");
    let words = |s: &str| s.to_string();
    let reauth = |why: &str| (format!("{why}: authorize again"), Some(Fix::Reauthorize));
    // Google-shaped bodies, from either host.
    if b.google_shape || provider == Provider::Google {
        if reason == "ACCESS_TOKEN_SCOPE_INSUFFICIENT" || kind == "insufficient_scope" {
            return (
                format!(
                    "the token lacks the scope {GOOGLE_HEALTH_METRICS_SCOPE}: authorize again \
                     and tick every permission on the consent screen"
                ),
                Some(Fix::Reauthorize),
            );
        }
        if reason == "ACCOUNT_NOT_LINKED" || kind == "FAILED_PRECONDITION" {
            return (
                words(
                    "this Fitbit account is not linked to a Google account with a Google Health \
                     profile: migrate it to a Google account in the Fitbit app, then authorize \
                     again",
                ),
                Some(Fix::Reauthorize),
            );
        }
        if reason == "SERVICE_DISABLED" {
            return (
                words(
                    "enable the Google Health API in your Google Cloud project (APIs & \
                     Services), then try again",
                ),
                None,
            );
        }
        return match (status, kind) {
            (401, _) | (_, "UNAUTHENTICATED") => reauth("the access token was refused"),
            (403, _) | (_, "PERMISSION_DENIED") if provider == Provider::Fitbit => (
                words(
                    "the legacy Fitbit Web API refused access (seen after accounts moved to \
                     Google): switch to the Google Health API or read your data export",
                ),
                Some(Fix::ReadExport),
            ),
            (403, _) | (_, "PERMISSION_DENIED") => reauth(
                "access was refused: reconnect the app (remove it at \
                 https://myaccount.google.com/connections)",
            ),
            (429, _) | (_, "RESOURCE_EXHAUSTED") => (
                words(
                    "rate limit reached (300 requests per minute per user): back off and retry \
                     in a minute",
                ),
                Some(Fix::RetryLater),
            ),
            (400, _) | (_, "INVALID_ARGUMENT") if b.violations.is_empty() => (
                words("the request was rejected as invalid: check the data type, dates and filter"),
                None,
            ),
            (400, _) | (_, "INVALID_ARGUMENT") => (
                format!("the request was rejected: {}", b.violations.join("; ")),
                None,
            ),
            (404, _) => (
                words(
                    "not found: check the data type id (hyphenated, e.g. heart-rate) and the API \
                     version (v4)",
                ),
                None,
            ),
            _ => generic_hint(status),
        };
    }
    // Fitbit envelope.
    match kind {
        "expired_token" | "invalid_token" => {
            reauth("the access token is no longer valid and refreshing did not help")
        }
        "insufficient_permissions" => reauth(
            "intraday heart rate and HRV need a Fitbit app of type Personal: change the app type \
             at dev.fitbit.com/apps",
        ),
        "insufficient_scope" => (
            words(
                "the app was not granted the needed scope: authorize again and grant the \
                 heartrate scope (tick every box on the consent page)",
            ),
            Some(Fix::Reauthorize),
        ),
        "invalid_client" | "authorization" | "oauth" => {
            reauth("check client_id and client_secret in the config")
        }
        "validation" | "invalid_request" | "request" if status != 429 => {
            let mut h =
                "the request was rejected: check the dates and the detail level".to_string();
            if !b.violations.is_empty() {
                h.push_str(&format!(" ({})", b.violations.join(", ")));
            }
            (h, None)
        }
        "not_found" => (
            words("not found: check the date range and the resource"),
            None,
        ),
        _ => match status {
            401 => reauth("the access token was refused"),
            403 => reauth(
                "the app is not allowed to read this: intraday data needs a Personal app, and the \
                 heartrate scope must be granted",
            ),
            429 => (
                words(
                    "rate limit reached (150 requests per hour, reset at the top of the hour): \
                     wait and try again",
                ),
                Some(Fix::RetryLater),
            ),
            _ => generic_hint(status),
        },
    }
}

fn generic_hint(status: u16) -> (String, Option<Fix>) {
    if status >= 500 {
        (
            "the server had a problem: try again later".into(),
            Some(Fix::RetryLater),
        )
    } else {
        (String::new(), None)
    }
}

/// A short, redacted, single-line excerpt of a body that is not a known envelope.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(without_bom(body));
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let red = redact_tokens(&one_line);
    if red.is_empty() {
        return "(empty body)".into();
    }
    let mut out: String = red.chars().take(200).collect();
    if red.chars().count() > 200 {
        out.push('…');
    }
    out
}

/// Replaces token-like substrings with `[redacted]`: runs of at least 20 token characters
/// (`A-Z a-z 0-9 - _ . ~ + / =`) holding both a letter and a digit, unless the run follows `:`
/// directly (the rest of a URL such as `https://dev.fitbit.com/docs/oauth2`).
///
/// ```
/// use fitbit_core::http::envelope::redact_tokens;
/// let m = "Access token expired: eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE0MzAz.z0VHrIEzjsBn. Visit https://dev.fitbit.com/docs/oauth2";
/// assert_eq!(redact_tokens(m), "Access token expired: [redacted]. Visit https://dev.fitbit.com/docs/oauth2");
/// ```
pub fn redact_tokens(text: &str) -> String {
    fn is_token_char(c: char) -> bool {
        c.is_ascii_alphanumeric() || "-_.~+/=".contains(c)
    }
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let mut prev: Option<char> = None;
    let mut run_prev: Option<char> = None;
    let flush = |run: &mut String, run_prev: Option<char>, out: &mut String| {
        // A sentence-ending dot belongs to the text, not the token.
        let trimmed_len = run.trim_end_matches('.').len();
        let (core, tail) = run.split_at(trimmed_len);
        let token_like = core.len() >= 20
            && core.chars().any(|c| c.is_ascii_digit())
            && core.chars().any(|c| c.is_ascii_alphabetic())
            && run_prev != Some(':');
        if token_like {
            out.push_str("[redacted]");
        } else {
            out.push_str(core);
        }
        out.push_str(tail);
        run.clear();
    };
    for c in text.chars() {
        if is_token_char(c) {
            if run.is_empty() {
                run_prev = prev;
            }
            run.push(c);
        } else {
            flush(&mut run, run_prev, &mut out);
            out.push(c);
        }
        prev = Some(c);
    }
    flush(&mut run, run_prev, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The saved bodies (docs/fitbit-web-api.md §5.2, docs/google-health-api.md §5.2); the Fitbit
    /// one keeps its UTF-8 BOM.
    const FITBIT_EXPIRED: &str = include_str!("../../tests/fixtures/error_401_expired_token.json");
    const GOOGLE_401: &str =
        include_str!("../../tests/fixtures/ghapi_error_401_unauthenticated.json");
    const GOOGLE_403_SCOPE: &str =
        include_str!("../../tests/fixtures/ghapi_error_403_scope_insufficient.json");
    const GOOGLE_400_FILTER: &str =
        include_str!("../../tests/fixtures/ghapi_error_400_invalid_filter.json");

    fn api(e: Error) -> (u16, String, String, String) {
        match e {
            Error::Api {
                status,
                kind,
                message,
                hint,
                ..
            } => (status, kind.to_string(), message, hint),
            other => panic!("expected Error::Api, got {other:?}"),
        }
    }

    #[test]
    fn fitbit_expired_token_is_detected_and_redacted() {
        let body = FITBIT_EXPIRED.as_bytes();
        assert!(is_token_expired(Provider::Fitbit, 401, body));
        assert!(!is_token_expired(Provider::Fitbit, 403, body));
        let e = api_error(Provider::Fitbit, 401, body);
        let text = e.to_string();
        assert!(!text.contains("eyJ"), "{text}");
        assert!(!text.contains("z0VHrIEzjsBn"), "{text}");
        let (_, kind, message, _) = api(e);
        assert_eq!(kind, "expired_token");
        assert_eq!(message, "Access token expired: [redacted]");
        let invalid = br#"{"errors": [{"message": "Access token invalid: abc. Visit https://dev.fitbit.com/docs/oauth2 for more information.", "errorType": "invalid_token"}], "success": false}"#;
        assert!(is_token_expired(Provider::Fitbit, 401, invalid));
        assert!(!is_token_expired(Provider::Fitbit, 401, b"<html>"));
    }

    #[test]
    fn google_fixtures_map_to_actionable_hints() {
        assert!(is_token_expired(
            Provider::Google,
            401,
            GOOGLE_401.as_bytes()
        ));
        let (_, kind, message, hint) = api(api_error(Provider::Google, 401, GOOGLE_401.as_bytes()));
        assert_eq!(kind, "UNAUTHENTICATED");
        assert!(
            message.contains("https://developers.google.com/identity"),
            "{message}"
        );
        assert!(hint.contains("authorize again"), "{hint}");
        assert_eq!(
            api_error(Provider::Google, 401, GOOGLE_401.as_bytes()).fix(),
            Some(Fix::Reauthorize)
        );

        let (_, kind, _, hint) = api(api_error(
            Provider::Google,
            403,
            GOOGLE_403_SCOPE.as_bytes(),
        ));
        assert_eq!(kind, "PERMISSION_DENIED (ACCESS_TOKEN_SCOPE_INSUFFICIENT)");
        assert!(hint.contains(GOOGLE_HEALTH_METRICS_SCOPE), "{hint}");

        let (_, _, message, hint) = api(api_error(
            Provider::Google,
            400,
            GOOGLE_400_FILTER.as_bytes(),
        ));
        assert!(
            message.contains("INVALID_DATA_POINT_FILTER_DATA_TYPE_MEMBER"),
            "{message}"
        );
        assert!(hint.contains("(at line 1, column 53)"), "{hint}");
        assert!(hint.contains("sleep.interval.civil_start_time"), "{hint}");
    }

    #[test]
    fn the_kind_is_typed_by_envelope() {
        let kind = |p, status, body: &[u8]| match api_error(p, status, body) {
            Error::Api { kind, .. } => kind,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            kind(Provider::Google, 403, GOOGLE_403_SCOPE.as_bytes()),
            ApiErrorKind::Google {
                status: "PERMISSION_DENIED".into(),
                reason: Some("ACCESS_TOKEN_SCOPE_INSUFFICIENT".into())
            }
        );
        assert_eq!(
            kind(Provider::Google, 401, GOOGLE_401.as_bytes()),
            ApiErrorKind::Google {
                status: "UNAUTHENTICATED".into(),
                reason: None
            }
        );
        let k = kind(Provider::Fitbit, 401, FITBIT_EXPIRED.as_bytes());
        assert_eq!(
            k,
            ApiErrorKind::Fitbit {
                error_type: "expired_token".into()
            }
        );
        assert_eq!((k.code(), k.reason()), ("expired_token", None));
        let oauth = br#"{"error":"insufficient_scope","error_description":"Insufficient Scope"}"#;
        assert_eq!(
            kind(Provider::Google, 403, oauth),
            ApiErrorKind::OAuth {
                error: "insufficient_scope".into()
            }
        );
        let e = api_error(Provider::Google, 502, b"<html>Bad Gateway</html>");
        assert!(
            matches!(
                &e,
                Error::Api {
                    kind: ApiErrorKind::Unrecognized,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(
            e.to_string().starts_with("Google API error HTTP 502: "),
            "{e}"
        );
    }

    #[test]
    fn other_google_statuses() {
        let body = |code: u16, status: &str, reason: &str| {
            format!(
                r#"{{"error":{{"code":{code},"message":"m","status":"{status}","details":[{{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"{reason}"}}]}}}}"#
            )
        };
        let hint = |code, status, reason| {
            api(api_error(
                Provider::Google,
                code,
                body(code, status, reason).as_bytes(),
            ))
            .3
        };
        assert!(
            hint(403, "PERMISSION_DENIED", "RESOURCE_PERMISSION_DENIED")
                .contains("myaccount.google.com/connections")
        );
        assert!(hint(429, "RESOURCE_EXHAUSTED", "RATE_LIMIT_EXCEEDED").contains("back off"));
        assert!(hint(400, "FAILED_PRECONDITION", "ACCOUNT_NOT_LINKED").contains("migrate"));
        assert!(
            hint(403, "PERMISSION_DENIED", "SERVICE_DISABLED")
                .contains("enable the Google Health API")
        );
    }

    #[test]
    fn fitbit_envelope_hints() {
        let body = |t: &str| {
            format!(r#"{{"errors":[{{"errorType":"{t}","message":"m"}}],"success":false}}"#)
        };
        let hint = |status, t: &str| api(api_error(Provider::Fitbit, status, body(t).as_bytes())).3;
        assert!(hint(403, "insufficient_permissions").contains("Personal"));
        assert!(hint(403, "insufficient_scope").contains("heartrate scope"));
        assert!(hint(429, "system").contains("150 requests per hour"));
        // The legacy host has answered in Google's envelope.
        let g = br#"{"error":{"code":403,"message":"The caller does not have permission","status":"PERMISSION_DENIED"}}"#;
        let (_, kind, _, hint) = api(api_error(Provider::Fitbit, 403, g));
        assert_eq!(kind, "PERMISSION_DENIED");
        assert!(hint.contains("Google Health API"), "{hint}");
        assert!(matches!(
            api_error(Provider::Fitbit, 410, g),
            Error::LegacyApiGone
        ));
    }

    #[test]
    fn unknown_bodies_give_a_short_safe_excerpt() {
        let html = format!(
            "<html>\n<body>Bad   gateway {}</body></html>",
            "x".repeat(500)
        );
        let (status, kind, message, hint) = api(api_error(Provider::Google, 502, html.as_bytes()));
        assert_eq!((status, kind.as_str()), (502, ""));
        assert!(message.starts_with("<html> <body>Bad gateway"), "{message}");
        assert!(message.chars().count() <= 201);
        assert!(hint.contains("try again later"));
        assert_eq!(api(api_error(Provider::Fitbit, 500, b"")).2, "(empty body)");
    }

    #[test]
    fn redaction_keeps_words_urls_and_codes() {
        for keep in [
            "INVALID_DATA_POINT_FILTER_DATA_TYPE_MEMBER",
            "See https://developers.google.com/identity/sign-in/web/devconsole-project.",
            "at 2026-09-25T10:00:00Z",
        ] {
            assert_eq!(redact_tokens(keep), keep);
        }
        assert_eq!(
            redact_tokens("token ya29.a0AfB_byC1234567890abcdefXYZ"),
            "token [redacted]"
        );
        assert_eq!(
            redact_tokens(
                "refresh c643a63c072f0f05478e9d18b991db80ef6061e4f8e6c822d83fed53e5fafdd7."
            ),
            "refresh [redacted]."
        );
    }
}
