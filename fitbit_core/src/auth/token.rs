//! Token requests and responses as plain data: no sockets, so every case is unit-tested.
//!
//! - Fitbit (`{api}/oauth2/token`): `Authorization: Basic base64(id:secret)` AND `client_id` in
//!   the body. Server apps need the header, Client apps the body field, Personal apps accept
//!   either, so sending both works for all three.
//! - Google (`oauth2.googleapis.com/token`): `client_id` and `client_secret` in the body.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

use crate::config::Config;
use crate::http::Request;
use crate::http::envelope::{excerpt, parse_error_body, redact_tokens};
use crate::provider::{Endpoints, Provider};
use crate::secret::Secret;
use crate::source::json::without_bom;
use crate::{Error, Result};

/// A successful token response. `Debug` hides the tokens.
#[derive(Clone, PartialEq, Eq, Deserialize)]
pub struct TokenResponse {
    /// The new access token.
    pub access_token: Secret,
    /// The new refresh token: always from Fitbit (single-use, rotated), usually absent from
    /// Google refreshes (keep the old one).
    #[serde(default)]
    pub refresh_token: Option<Secret>,
    /// Seconds until the access token expires (Fitbit 28800, Google about 3600).
    #[serde(default, deserialize_with = "lenient_seconds")]
    pub expires_in: Option<i64>,
    /// Granted scopes, space-separated.
    #[serde(default)]
    pub scope: Option<String>,
    /// Fitbit's encoded user id.
    #[serde(default)]
    pub user_id: Option<String>,
    /// Seconds until the refresh token expires (Google time-limited grants, e.g. Testing: 7 days).
    #[serde(default, deserialize_with = "lenient_seconds")]
    pub refresh_token_expires_in: Option<i64>,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"[redacted]")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .field("user_id", &self.user_id)
            .field("refresh_token_expires_in", &self.refresh_token_expires_in)
            .finish()
    }
}

impl TokenResponse {
    /// Writes the tokens into `config`: the access token, the refresh token when one came
    /// (otherwise the old one stays), expiry times counted from `now`, scope and user id when
    /// given.
    pub fn apply_to(&self, config: &mut Config, now: DateTime<Utc>) {
        config.access_token = self.access_token.clone();
        if let Some(r) = self.refresh_token.as_ref().filter(|r| !r.is_empty()) {
            config.refresh_token = r.clone();
        }
        // Whole seconds: the file stores RFC 3339 without fractions, so memory matches disk.
        let at = |secs: i64| DateTime::from_timestamp(now.timestamp().checked_add(secs)?, 0);
        config.expires_at = self.expires_in.and_then(at);
        if let Some(t) = self.refresh_token_expires_in.and_then(at) {
            config.refresh_token_expires_at = Some(t);
        }
        if let Some(s) = &self.scope {
            config.scope = Some(s.clone());
        }
        if let Some(u) = &self.user_id {
            config.user_id = Some(u.clone());
        }
    }
}

/// Accepts `3600`, `3600.0` or `"3600"`.
fn lenient_seconds<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Num {
        Int(i64),
        Float(f64),
        Text(String),
    }
    match Option::<Num>::deserialize(d)? {
        None => Ok(None),
        Some(Num::Int(i)) => Ok(Some(i)),
        Some(Num::Float(f)) if f.is_finite() => Ok(Some(f as i64)),
        Some(Num::Text(s)) => s
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| serde::de::Error::custom("expected a number of seconds")),
        Some(Num::Float(_)) => Err(serde::de::Error::custom("expected a number of seconds")),
    }
}

fn basic_auth(client_id: &str, client_secret: &Secret) -> String {
    format!(
        "Basic {}",
        STANDARD.encode(format!("{client_id}:{}", client_secret.expose()))
    )
}

fn token_request(
    provider: Provider,
    endpoints: &Endpoints,
    client_id: &str,
    client_secret: &Secret,
    grant: &[(&str, &str)],
) -> Request {
    let url = endpoints.token_url(provider);
    let mut pairs: Vec<(&str, &str)> = vec![("client_id", client_id)];
    match provider {
        Provider::Fitbit => {
            pairs.extend_from_slice(grant);
            let req = Request::post_form(url, &pairs);
            if client_secret.is_empty() {
                req
            } else {
                req.header("Authorization", basic_auth(client_id, client_secret))
            }
        }
        Provider::Google => {
            pairs.push(("client_secret", client_secret.expose()));
            pairs.extend_from_slice(grant);
            Request::post_form(url, &pairs)
        }
    }
}

/// The refresh-grant POST.
///
/// ```
/// use fitbit_core::{Provider, Secret, provider::Endpoints, auth::refresh_request};
/// let r = refresh_request(Provider::Fitbit, &Endpoints::default(), "23ABCD", &Secret::new("s"), &Secret::new("r1"));
/// assert_eq!(r.url, "https://api.fitbit.com/oauth2/token");
/// assert_eq!(r.body.as_deref(), Some(&b"client_id=23ABCD&grant_type=refresh_token&refresh_token=r1"[..]));
/// assert_eq!(r.header_value("authorization"), Some("Basic MjNBQkNEOnM="));
/// ```
pub fn refresh_request(
    provider: Provider,
    endpoints: &Endpoints,
    client_id: &str,
    client_secret: &Secret,
    refresh_token: &Secret,
) -> Request {
    token_request(
        provider,
        endpoints,
        client_id,
        client_secret,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
        ],
    )
}

/// The authorization-code exchange POST, with the PKCE verifier.
pub fn exchange_request(
    provider: Provider,
    endpoints: &Endpoints,
    client_id: &str,
    client_secret: &Secret,
    code: &str,
    verifier: &Secret,
    redirect_uri: &str,
) -> Request {
    token_request(
        provider,
        endpoints,
        client_id,
        client_secret,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("code_verifier", verifier.expose()),
            ("redirect_uri", redirect_uri),
        ],
    )
}

/// Reads a token endpoint's answer. `invalid_grant` (either envelope) → [`Error::Reauthorize`];
/// other errors → [`Error::TokenEndpoint`]; Fitbit 410 → [`Error::LegacyApiGone`]; a 2xx body
/// without a usable `access_token` → [`Error::Parse`] naming the JSON path.
pub fn parse_token_response(provider: Provider, status: u16, body: &[u8]) -> Result<TokenResponse> {
    let what = format!("the {provider} token endpoint");
    if (200..300).contains(&status) {
        let de = &mut serde_json::Deserializer::from_slice(without_bom(body));
        let tok: TokenResponse =
            serde_path_to_error::deserialize(de).map_err(|e| Error::Parse {
                what: what.clone(),
                path: e.path().to_string(),
                message: redact_tokens(&e.inner().to_string()),
            })?;
        if tok.access_token.is_empty() {
            return Err(Error::Parse {
                what,
                path: "access_token".into(),
                message: "is empty".into(),
            });
        }
        return Ok(tok);
    }
    if status == 410 && provider == Provider::Fitbit {
        return Err(Error::LegacyApiGone);
    }
    match parse_error_body(body) {
        Some(b) if b.kind == "invalid_grant" => Err(Error::Reauthorize {
            provider,
            detail: if b.message.is_empty() {
                "invalid_grant".into()
            } else {
                format!("invalid_grant: {}", b.message)
            },
        }),
        Some(b) => Err(Error::TokenEndpoint {
            provider,
            status,
            error: if b.kind.is_empty() {
                "error".into()
            } else {
                b.kind
            },
            description: b.message,
        }),
        None => Err(Error::TokenEndpoint {
            provider,
            status,
            error: "unexpected answer".into(),
            description: excerpt(body),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn form(req: &Request) -> Vec<(String, String)> {
        url::form_urlencoded::parse(req.body.as_deref().unwrap_or_default())
            .into_owned()
            .collect()
    }

    #[test]
    fn fitbit_refresh_sends_basic_and_client_id() {
        let ep = Endpoints::default();
        let r = refresh_request(
            Provider::Fitbit,
            &ep,
            "23ABCD",
            &Secret::new("sec"),
            &Secret::new("rt"),
        );
        let auth = r.header_value("Authorization").unwrap();
        let decoded = STANDARD
            .decode(auth.strip_prefix("Basic ").unwrap())
            .unwrap();
        assert_eq!(decoded, b"23ABCD:sec");
        let f = form(&r);
        assert!(f.contains(&("client_id".into(), "23ABCD".into())));
        assert!(f.contains(&("grant_type".into(), "refresh_token".into())));
        assert!(f.contains(&("refresh_token".into(), "rt".into())));
        assert!(!f.iter().any(|(k, _)| k == "client_secret"));
        assert!(!format!("{r:?}").contains("sec"));
    }

    #[test]
    fn google_requests_put_the_secret_in_the_body() {
        let ep = Endpoints::default();
        let r = exchange_request(
            Provider::Google,
            &ep,
            "1-a.apps.googleusercontent.com",
            &Secret::new("gsec"),
            "4/0Ab",
            &Secret::new("verif"),
            "http://127.0.0.1:8085/",
        );
        assert_eq!(r.url, "https://oauth2.googleapis.com/token");
        assert_eq!(r.header_value("authorization"), None);
        let f = form(&r);
        for (k, v) in [
            ("client_secret", "gsec"),
            ("grant_type", "authorization_code"),
            ("code", "4/0Ab"),
            ("code_verifier", "verif"),
            ("redirect_uri", "http://127.0.0.1:8085/"),
        ] {
            assert!(f.contains(&(k.into(), v.into())), "{k}");
        }
    }

    #[test]
    fn parses_google_refresh_without_refresh_token_and_keeps_the_old_one() {
        let body = br#"{"access_token":"ya29.new","expires_in":3599,"scope":"s1 s2","token_type":"Bearer","refresh_token_expires_in":"601041"}"#;
        let tok = parse_token_response(Provider::Google, 200, body).unwrap();
        assert!(tok.refresh_token.is_none());
        let mut cfg = Config::new("x.apps.googleusercontent.com", Secret::new("s"));
        cfg.refresh_token = Secret::new("old");
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap();
        tok.apply_to(&mut cfg, now);
        assert_eq!(cfg.refresh_token.expose(), "old");
        assert_eq!(cfg.access_token.expose(), "ya29.new");
        assert_eq!(cfg.expires_at, Some(now + chrono::Duration::seconds(3599)));
        assert_eq!(
            cfg.refresh_token_expires_at,
            Some(now + chrono::Duration::seconds(601041))
        );
        assert_eq!(cfg.scope.as_deref(), Some("s1 s2"));
        assert!(!format!("{tok:?}").contains("ya29"));
    }

    #[test]
    fn invalid_grant_in_both_envelopes_means_reauthorize() {
        let fitbit = br#"{"errors":[{"errorType":"invalid_grant","message":"Refresh token invalid: c643a63c072f0f05478e9d18b991db80ef6061e4f8e6c822d83fed53e5fafdd7. Visit https://dev.fitbit.com/docs/oauth2 for more information."}],"success":false}"#;
        match parse_token_response(Provider::Fitbit, 400, fitbit) {
            Err(e @ Error::Reauthorize { .. }) => {
                let text = e.to_string();
                assert!(!text.contains("c643a63c"), "{text}");
                assert!(text.contains("single-use"), "{text}");
            }
            other => panic!("{other:?}"),
        }
        let google = br#"{"error":"invalid_grant","error_description":"Token has been expired or revoked."}"#;
        match parse_token_response(Provider::Google, 400, google) {
            Err(e @ Error::Reauthorize { .. }) => assert!(e.to_string().contains("7 days")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn other_token_errors_and_bad_bodies() {
        let body =
            br#"{"error":"invalid_client","error_description":"The OAuth client was not found."}"#;
        match parse_token_response(Provider::Google, 401, body) {
            Err(Error::TokenEndpoint { status, error, .. }) => {
                assert_eq!((status, error.as_str()), (401, "invalid_client"))
            }
            other => panic!("{other:?}"),
        }
        match parse_token_response(Provider::Fitbit, 502, b"<html>Bad gateway</html>") {
            Err(Error::TokenEndpoint { description, .. }) => {
                assert!(description.contains("Bad gateway"))
            }
            other => panic!("{other:?}"),
        }
        match parse_token_response(Provider::Fitbit, 200, br#"{"access_token":5}"#) {
            Err(Error::Parse { path, .. }) => assert_eq!(path, "access_token"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse_token_response(Provider::Fitbit, 410, b""),
            Err(Error::LegacyApiGone)
        ));
    }
}
