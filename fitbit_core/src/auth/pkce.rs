//! PKCE (RFC 7636) with the S256 method, and random `state` values.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::secret::Secret;

/// The 64 URL-safe characters random strings are drawn from (`A-Z a-z 0-9 - _`).
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A PKCE verifier and its challenge. The verifier is a [`Secret`]: `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Pkce {
    /// The secret verifier, sent only to the token endpoint.
    pub verifier: Secret,
    /// `base64url-nopad(SHA-256(verifier))`, sent in the authorize URL.
    pub challenge: String,
    /// Always `S256`.
    pub method: &'static str,
}

impl std::fmt::Debug for Pkce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkce")
            .field("verifier", &self.verifier)
            .field("challenge", &self.challenge)
            .field("method", &self.method)
            .finish()
    }
}

impl Default for Pkce {
    fn default() -> Self {
        Self::new()
    }
}

impl Pkce {
    /// A fresh verifier of 64 random URL-safe characters.
    ///
    /// Panics only if the operating system has no random source at all.
    pub fn new() -> Pkce {
        Pkce::from_verifier(random_string(64))
    }

    /// The pair for a given verifier.
    ///
    /// ```
    /// // RFC 7636, Appendix B.
    /// let p = fitbit_core::auth::Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    /// assert_eq!(p.challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    /// assert_eq!(p.method, "S256");
    /// ```
    pub fn from_verifier(verifier: impl Into<String>) -> Pkce {
        let verifier = Secret::new(verifier);
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.expose().as_bytes()));
        Pkce {
            verifier,
            challenge,
            method: "S256",
        }
    }
}

/// A random `state` value (32 URL-safe characters, 192 bits).
pub fn random_state() -> String {
    random_string(32)
}

fn random_string(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    // Without an OS random source no secure authorization is possible at all.
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(b & 63)] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b() {
        let p = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(p.challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn new_verifiers_are_64_url_safe_chars_and_differ() {
        let a = Pkce::new();
        let b = Pkce::new();
        assert_eq!(a.verifier.expose().len(), 64);
        assert!(a.verifier.expose().bytes().all(|c| ALPHABET.contains(&c)));
        assert_ne!(a.verifier, b.verifier);
        assert_eq!(
            a.challenge,
            Pkce::from_verifier(a.verifier.expose()).challenge
        );
        assert!(!format!("{a:?}").contains(a.verifier.expose()));
        assert!(format!("{a:?}").contains("[redacted]"));
        let s = random_state();
        assert_eq!(s.len(), 32);
        assert_ne!(s, random_state());
    }
}
