//! Authorization codes, access tokens and refresh tokens of both providers.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};

use crate::config::Provider;

/// Codes are valid 10 minutes (docs/fitbit-web-api.md §2.2).
pub const CODE_TTL: TimeDelta = TimeDelta::minutes(10);

/// The PKCE challenge a code is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub value: String,
    /// `S256` or `plain`.
    pub method: String,
}

impl Challenge {
    /// Does `verifier` match (RFC 7636 §4.6)?
    pub fn verifies(&self, verifier: &str) -> bool {
        if self.method == "S256" {
            URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == self.value
        } else {
            verifier == self.value
        }
    }
}

/// An issued authorization code.
#[derive(Debug, Clone)]
pub struct Code {
    pub provider: Provider,
    /// The account that consented ([`crate::accounts::Account::index`]).
    pub account: usize,
    pub client_id: String,
    /// The redirect URI sent to the authorize endpoint (`None` if it was left out).
    pub redirect_uri: Option<String>,
    pub challenge: Option<Challenge>,
    pub scope: Vec<String>,
    pub issued_at: DateTime<Utc>,
    /// Google: a refresh token comes with the exchange.
    pub with_refresh: bool,
}

/// An issued access token.
#[derive(Debug, Clone)]
pub struct Access {
    pub provider: Provider,
    /// The account whose data the token reads.
    pub account: usize,
    pub client_id: String,
    pub scope: Vec<String>,
    pub expires_at: DateTime<Utc>,
}

/// An issued refresh token.
#[derive(Debug, Clone)]
pub struct Refresh {
    pub provider: Provider,
    /// The account that consented.
    pub account: usize,
    pub client_id: String,
    pub scope: Vec<String>,
    /// When the user consented (Google Testing tokens expire a fixed time after it).
    pub consent_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Everything issued so far.
#[derive(Debug)]
pub struct Tokens {
    pub codes: HashMap<String, Code>,
    pub access: HashMap<String, Access>,
    pub refresh: HashMap<String, Refresh>,
    /// Refresh tokens whose account withdrew consent ([`crate::Control::revoke`]): they answer
    /// "Token has been expired or revoked." rather than an unknown token's "Bad Request".
    pub withdrawn: std::collections::HashSet<String>,
    minted: u64,
    nonce: u64,
}

impl Default for Tokens {
    fn default() -> Self {
        // A per-instance nonce: tokens of one emulator never work on another.
        let nonce = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        Tokens {
            codes: HashMap::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            withdrawn: Default::default(),
            minted: 0,
            nonce,
        }
    }
}

/// What a token string looks like.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Code,
    Access,
    Refresh,
}

impl Tokens {
    fn random_bytes(&mut self, n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n + 32);
        while out.len() < n {
            self.minted += 1;
            let mut h = Sha256::new();
            h.update(self.nonce.to_le_bytes());
            h.update(self.minted.to_le_bytes());
            out.extend_from_slice(&h.finalize());
        }
        out.truncate(n);
        out
    }

    /// A fresh token string in the provider's usual format.
    pub fn mint(
        &mut self,
        provider: Provider,
        kind: Kind,
        client_id: &str,
        user: &str,
        now: DateTime<Utc>,
    ) -> String {
        let hex = |b: Vec<u8>| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        match (provider, kind) {
            (Provider::Fitbit, Kind::Code) => hex(self.random_bytes(20)),
            (Provider::Fitbit, Kind::Refresh) => hex(self.random_bytes(32)),
            (Provider::Fitbit, Kind::Access) => {
                // An HS256-style JWT as Fitbit issues (opaque to clients; docs/fitbit-web-api.md §2.5).
                let claims = serde_json::json!({
                    "aud": client_id, "sub": user, "iss": "Fitbit", "typ": "access_token",
                    "scopes": "whr wpro wsle wset", "iat": now.timestamp(),
                    "jti": hex(self.random_bytes(8)),
                });
                format!(
                    "eyJhbGciOiJIUzI1NiJ9.{}.{}",
                    URL_SAFE_NO_PAD.encode(claims.to_string()),
                    URL_SAFE_NO_PAD.encode(self.random_bytes(32))
                )
            }
            (Provider::Google, Kind::Code) => {
                format!("4/0A{}", URL_SAFE_NO_PAD.encode(self.random_bytes(54)))
            }
            (Provider::Google, Kind::Access) => {
                format!("ya29.a0{}", URL_SAFE_NO_PAD.encode(self.random_bytes(150)))
            }
            (Provider::Google, Kind::Refresh) => {
                format!("1//0{}", URL_SAFE_NO_PAD.encode(self.random_bytes(75)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_challenge_matches_rfc7636_example() {
        // RFC 7636 Appendix B.
        let c = Challenge {
            value: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into(),
            method: "S256".into(),
        };
        assert!(c.verifies("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        assert!(!c.verifies("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXx"));
    }

    #[test]
    fn minted_tokens_are_distinct_and_shaped() {
        let mut t = Tokens::default();
        let now = Utc::now();
        let a = t.mint(Provider::Fitbit, Kind::Access, "23DEMO", "ABC123", now);
        let b = t.mint(Provider::Fitbit, Kind::Access, "23DEMO", "ABC123", now);
        assert_ne!(a, b);
        assert!(a.starts_with("eyJ") && a.split('.').count() == 3);
        assert_eq!(
            t.mint(Provider::Fitbit, Kind::Refresh, "", "", now).len(),
            64
        );
        assert!(
            t.mint(Provider::Google, Kind::Access, "", "", now)
                .starts_with("ya29.")
        );
    }
}
