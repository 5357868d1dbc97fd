//! The exact error bodies each API documents (docs/fitbit-web-api.md §2.7, §3.4, §5;
//! docs/google-health-api.md §3.5, §5.2, and the fixtures in fitbit_core/tests/fixtures).

use serde_json::json;

use crate::http1::Response;

/// The suffix Fitbit appends to OAuth-related messages.
pub const FITBIT_VISIT: &str = "Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process.";

/// `{"errors":[{"errorType":…,"message":…}],"success":false}`.
pub fn fitbit(status: u16, error_type: &str, message: &str) -> Response {
    let body = json!({"errors":[{"errorType": error_type, "message": message}], "success": false});
    Response::json(status, body.to_string())
}

/// The same envelope with `fieldName` (used by 429 and body errors).
pub fn fitbit_field(status: u16, error_type: &str, field: &str, message: &str) -> Response {
    let body = json!({"errors":[{"errorType": error_type, "fieldName": field, "message": message}], "success": false});
    Response::json(status, body.to_string())
}

/// `{"error":{"code":…,"message":…,"status":…}}` plus optional `details`.
pub fn google(
    status: u16,
    canonical: &str,
    message: &str,
    details: Option<serde_json::Value>,
) -> Response {
    let mut err = json!({"code": status, "message": message, "status": canonical});
    if let (Some(d), Some(obj)) = (details, err.as_object_mut()) {
        obj.insert("details".into(), d);
    }
    Response::json(status, json!({ "error": err }).to_string())
}

/// 401 for a bad or expired Google token: the real body (fixture ghapi_error_401_unauthenticated.json).
pub fn google_unauthenticated() -> Response {
    google(
        401,
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
        None,
    )
    .with_header(
        "WWW-Authenticate",
        "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"",
    )
}

/// 401 when no credentials were sent at all.
pub fn google_credentials_missing() -> Response {
    google(
        401,
        "UNAUTHENTICATED",
        "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
        Some(json!([{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"CREDENTIALS_MISSING","domain":"googleapis.com","metadata":{"service":"health.googleapis.com","method":"google.devicesandservices.health.v4.HealthService"}}])),
    )
    .with_header("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"")
}

/// 403 for a token without the needed scope (fixture ghapi_error_403_scope_insufficient.json).
pub fn google_scope_insufficient() -> Response {
    google(
        403,
        "PERMISSION_DENIED",
        "Request had insufficient authentication scopes.",
        Some(json!([{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"ACCESS_TOKEN_SCOPE_INSUFFICIENT","domain":"googleapis.com"}])),
    )
    .with_header(
        "WWW-Authenticate",
        "Bearer realm=\"https://accounts.google.com/\", error=\"insufficient_scope\"",
    )
}

/// 429 RESOURCE_EXHAUSTED with ErrorInfo reason RATE_LIMIT_EXCEEDED.
pub fn google_rate_limited(limit: u32) -> Response {
    google(
        429,
        "RESOURCE_EXHAUSTED",
        "Quota exceeded for quota metric 'Requests per user' and limit 'Requests per minute per user' of service 'health.googleapis.com' for consumer 'project_number:123456789'.",
        Some(
            json!([{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"RATE_LIMIT_EXCEEDED","domain":"googleapis.com","metadata":{"service":"health.googleapis.com","quota_metric":"health.googleapis.com/user_requests","quota_limit":"RequestsPerMinutePerUser","quota_limit_value": limit.to_string(),"consumer":"projects/123456789","quota_location":"global"}},
                    {"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"Request a higher quota limit.","url":"https://cloud.google.com/docs/quotas/help/request_increase"}]}]),
        ),
    )
}

/// 429 RESOURCE_EXHAUSTED for the project-wide per-minute quota
/// (docs/google-health-api.md §5.1): the standard quota-exceeded shape, naming the project-wide metric and limit.
pub fn google_project_rate_limited(limit: u32) -> Response {
    google(
        429,
        "RESOURCE_EXHAUSTED",
        "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute' of service 'health.googleapis.com' for consumer 'project_number:123456789'.",
        Some(
            json!([{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"RATE_LIMIT_EXCEEDED","domain":"googleapis.com","metadata":{"service":"health.googleapis.com","quota_metric":"health.googleapis.com/requests","quota_limit":"RequestsPerMinutePerProject","quota_limit_value": limit.to_string(),"consumer":"projects/123456789","quota_location":"global"}},
                    {"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"Request a higher quota limit.","url":"https://cloud.google.com/docs/quotas/help/request_increase"}]}]),
        ),
    )
}

/// Google OAuth token-endpoint errors: `{"error":…,"error_description":…}`.
pub fn google_oauth(status: u16, error: &str, description: &str) -> Response {
    Response::json(
        status,
        json!({"error": error, "error_description": description}).to_string(),
    )
}

/// A plausible 5xx body of each API (502 is an HTML page from the front end on both).
pub fn server_error(google_api: bool, status: u16) -> Response {
    if status == 502 {
        return Response::new(
            502,
            "text/html; charset=UTF-8",
            "<!DOCTYPE html>\n<html lang=en><meta charset=utf-8><title>Error 502 (Server Error)!!1</title><p><b>502.</b> <ins>That's an error.</ins><p>The server encountered a temporary error and could not complete your request.<p>Please try again in 30 seconds. <ins>That's all we know.</ins></html>\n",
        );
    }
    match (google_api, status) {
        (true, 503) => google(
            503,
            "UNAVAILABLE",
            "The service is currently unavailable.",
            None,
        ),
        (true, _) => google(status, "INTERNAL", "Internal error encountered.", None),
        (false, 503) => fitbit_field(503, "system", "n/a", "Service Unavailable"),
        (false, _) => fitbit_field(
            status,
            "system",
            "n/a",
            "An unexpected error occurred. Please try again later.",
        ),
    }
}

/// 410 Gone for every legacy URL after the shutdown (docs/fitbit-web-api.md §1). No body is documented,
/// so the body is a front-end HTML page: clients must go by the status.
pub fn gone() -> Response {
    Response::new(
        410,
        "text/html; charset=UTF-8",
        "<!DOCTYPE html>\n<html lang=en><meta charset=utf-8><title>Error 410 (Gone)</title><p><b>410.</b> <ins>That's an error.</ins><p>The legacy Fitbit Web API has been turned off. Use the Google Health API.</html>\n",
    )
}

/// An HTML error page of an authorize endpoint (errors there are shown to the user, not
/// redirected).
pub fn authorize_page(status: u16, message: &str) -> Response {
    let esc = message
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    Response::new(
        status,
        "text/html; charset=UTF-8",
        format!(
            "<!DOCTYPE html>\n<html><head><title>Authorization error</title></head><body><h1>Authorization error</h1><p id=\"error\">{esc}</p></body></html>\n"
        ),
    )
}
