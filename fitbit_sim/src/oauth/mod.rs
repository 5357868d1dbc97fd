//! OAuth 2.0 of both providers: authorize (auto-consent, no UI beyond the account chooser),
//! token, revoke.

pub mod choose;
pub mod fitbit;
pub mod google;

use std::collections::HashMap;

use crate::config::{AppType, Provider, RegisteredClient};
use crate::control::{Shared, State};
use crate::http1::Response;
use crate::tokens::{Challenge, Code, Kind};

/// Form or query parameters; the first value of a repeated name wins.
pub fn params(raw: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(raw) {
        out.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    out
}

/// A parameter that is present and not blank.
pub fn get<'a>(p: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    p.get(name)
        .map(|s| s.as_str())
        .filter(|s| !s.trim().is_empty())
}

/// The registered client of `provider` with this `client_id`.
pub fn find_client<'a>(
    sh: &'a Shared,
    provider: Provider,
    id: &str,
) -> Option<&'a RegisteredClient> {
    sh.config
        .clients
        .iter()
        .find(|c| c.provider == provider && c.client_id == id)
}

/// Mints a code string in the code's provider format, stores `code` under it, returns it.
pub fn store_code(st: &mut State, user_id: &str, code: Code) -> String {
    let id = st.tokens.mint(
        code.provider,
        Kind::Code,
        &code.client_id,
        user_id,
        code.issued_at,
    );
    st.tokens.codes.insert(id.clone(), code);
    id
}

/// Why a token request fails the PKCE check of its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifierProblem {
    /// The code has a challenge but the request sent no `code_verifier`.
    Missing,
    /// The `code_verifier` does not match the challenge.
    Mismatch,
}

/// The PKCE check at the token endpoint (RFC 7636 §4.6): passes when the code has no
/// challenge or the request's `code_verifier` matches it.
pub fn check_verifier(
    challenge: Option<&Challenge>,
    p: &HashMap<String, String>,
) -> Result<(), VerifierProblem> {
    let Some(ch) = challenge else {
        return Ok(());
    };
    match get(p, "code_verifier") {
        None => Err(VerifierProblem::Missing),
        Some(v) if !ch.verifies(v) => Err(VerifierProblem::Mismatch),
        Some(_) => Ok(()),
    }
}

/// Ends a grant: drops every access and refresh token of `account` for `provider`'s client
/// `client_id`.
pub fn revoke_grant(st: &mut State, provider: Provider, client_id: &str, account: usize) {
    let of_grant = |p: Provider, c: &str, k: usize| p == provider && c == client_id && k == account;
    st.tokens
        .access
        .retain(|_, a| !of_grant(a.provider, &a.client_id, a.account));
    st.tokens
        .refresh
        .retain(|_, r| !of_grant(r.provider, &r.client_id, r.account));
}

/// `account` withdraws consent from every client of both providers (the user removes the app
/// from their account). Its refresh tokens are remembered as withdrawn, so Google answers
/// "Token has been expired or revoked." (docs/google-health-api.md §3.5).
pub fn withdraw(st: &mut State, account: usize) {
    st.tokens.access.retain(|_, a| a.account != account);
    let gone: Vec<String> = st
        .tokens
        .refresh
        .iter()
        .filter(|(_, r)| r.account == account)
        .map(|(t, _)| t.clone())
        .collect();
    for t in gone {
        st.tokens.refresh.remove(&t);
        st.tokens.withdrawn.insert(t);
    }
}

/// Is `uri` an allowed redirect for `client`? Desktop clients accept any loopback URI; others
/// need an exact registered URI, where a `*` port in the registration accepts any port followed
/// by any path or none.
pub fn redirect_allowed(client: &RegisteredClient, uri: &str) -> bool {
    if client.app_type == AppType::Desktop {
        return is_loopback(uri);
    }
    client
        .redirect_uris
        .iter()
        .any(|pat| matches_pattern(pat, uri))
}

fn matches_pattern(pattern: &str, uri: &str) -> bool {
    let Some((head, tail)) = pattern.split_once('*') else {
        return pattern == uri;
    };
    let Some(rest) = uri.strip_prefix(head) else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 5 {
        return false;
    }
    let after = &rest[digits..];
    if tail.is_empty() {
        after.is_empty() || after.starts_with('/') || after.starts_with('?')
    } else {
        after == tail
    }
}

fn is_loopback(uri: &str) -> bool {
    let Ok(u) = url::Url::parse(uri) else {
        return false;
    };
    u.scheme() == "http"
        && u.fragment().is_none()
        && matches!(
            u.host(),
            Some(url::Host::Domain("localhost"))
                | Some(url::Host::Ipv4(std::net::Ipv4Addr::LOCALHOST))
                | Some(url::Host::Ipv6(std::net::Ipv6Addr::LOCALHOST))
        )
}

/// PKCE challenge checks shared by both providers: 43–128 characters of the RFC 7636 alphabet.
pub fn challenge_ok(challenge: &str) -> bool {
    (43..=128).contains(&challenge.len())
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// `base` plus query pairs (appended to an existing query), plus an optional fragment.
pub fn redirect_to(base: &str, pairs: &[(&str, &str)], fragment: Option<&str>) -> Response {
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", pct(k), pct(v)))
        .collect();
    let sep = if base.contains('?') { '&' } else { '?' };
    let mut location = format!("{base}{sep}{}", query.join("&"));
    if let Some(f) = fragment {
        location.push('#');
        location.push_str(f);
    }
    Response::new(
        302,
        "text/html; charset=UTF-8",
        format!("<a href=\"{location}\">Continue</a>\n"),
    )
    .with_header("Location", location)
}

/// Percent-encoding as Google's redirects use it: spaces as `%20`, `:` and `/` kept.
pub(crate) fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A successful token answer (never cached).
pub fn token_json(body: serde_json::Value) -> Response {
    Response::json(200, body.to_string())
        .with_header(
            "Cache-Control",
            "no-cache, no-store, max-age=0, must-revalidate",
        )
        .with_header("Pragma", "no-cache")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Provider, SimConfig};

    #[test]
    fn redirect_patterns() {
        let clients = SimConfig::demo_clients();
        let fitbit = &clients[0];
        assert_eq!(fitbit.provider, Provider::Fitbit);
        assert!(redirect_allowed(fitbit, "http://localhost:8000"));
        assert!(!redirect_allowed(fitbit, "http://localhost:8000/"));
        assert!(!redirect_allowed(fitbit, "http://localhost:8001"));
        assert!(redirect_allowed(fitbit, "http://127.0.0.1:53682"));
        assert!(redirect_allowed(fitbit, "http://127.0.0.1:53682/callback"));
        assert!(!redirect_allowed(fitbit, "http://127.0.0.1:/x"));
        assert!(!redirect_allowed(fitbit, "http://127.0.0.1.evil.com:80"));
        let google = &clients[1];
        assert!(redirect_allowed(google, "http://127.0.0.1:9999/"));
        assert!(redirect_allowed(google, "http://[::1]:9999"));
        assert!(redirect_allowed(google, "http://localhost:1234/cb"));
        assert!(!redirect_allowed(google, "https://example.com/cb"));
        assert!(!redirect_allowed(google, "urn:ietf:wg:oauth:2.0:oob"));
    }

    #[test]
    fn verifier_check() {
        let plain = Challenge {
            value: "v".repeat(43),
            method: "plain".into(),
        };
        let with = |v: &str| params(format!("code_verifier={v}").as_bytes());
        assert_eq!(check_verifier(None, &params(b"")), Ok(()));
        assert_eq!(
            check_verifier(Some(&plain), &params(b"")),
            Err(VerifierProblem::Missing)
        );
        assert_eq!(
            check_verifier(Some(&plain), &with(" ")),
            Err(VerifierProblem::Missing),
            "a blank verifier counts as missing"
        );
        assert_eq!(
            check_verifier(Some(&plain), &with(&"w".repeat(43))),
            Err(VerifierProblem::Mismatch)
        );
        assert_eq!(check_verifier(Some(&plain), &with(&"v".repeat(43))), Ok(()));
    }

    #[test]
    fn challenge_rules() {
        assert!(challenge_ok(&"a".repeat(43)));
        assert!(!challenge_ok(&"a".repeat(42)));
        assert!(challenge_ok(&"a".repeat(128)));
        assert!(!challenge_ok(&"a".repeat(129)));
        assert!(!challenge_ok(&format!("{}+", "a".repeat(43))));
    }
}
