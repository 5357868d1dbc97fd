//! Which service a config talks to, and where its endpoints are.

use serde::{Deserialize, Serialize};

/// The two APIs. The data export needs no provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// The legacy Fitbit Web API (`api.fitbit.com`), shut down on 2026-11-02.
    Fitbit,
    /// The Google Health API v4 (`health.googleapis.com`) with Google OAuth.
    Google,
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Provider::Fitbit => "Fitbit",
            Provider::Google => "Google",
        })
    }
}

impl Provider {
    /// `provider` from the config when present; otherwise a client id ending in
    /// `.apps.googleusercontent.com` means Google.
    ///
    /// ```
    /// use fitbit_core::Provider;
    /// assert_eq!(Provider::detect(None, "123-abc.apps.googleusercontent.com"), Provider::Google);
    /// assert_eq!(Provider::detect(None, "23ABCD"), Provider::Fitbit);
    /// assert_eq!(Provider::detect(Some(Provider::Fitbit), "x.apps.googleusercontent.com"), Provider::Fitbit);
    /// ```
    pub fn detect(explicit: Option<Provider>, client_id: &str) -> Provider {
        explicit.unwrap_or(
            if client_id.trim().ends_with(".apps.googleusercontent.com") {
                Provider::Google
            } else {
                Provider::Fitbit
            },
        )
    }
}

/// Base URLs, from the environment with the real services as defaults. Tests and the demo point
/// them at the local emulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// `FITBIT_API_URL`, default `https://api.fitbit.com`. Token endpoint: `{base}/oauth2/token`.
    pub fitbit_api: String,
    /// `FITBIT_AUTHORIZE_URL`, default `https://www.fitbit.com/oauth2/authorize`.
    pub fitbit_authorize: String,
    /// `GOOGLE_HEALTH_API_URL`, default `https://health.googleapis.com`.
    pub google_health_api: String,
    /// `GOOGLE_OAUTH_TOKEN_URL`, default `https://oauth2.googleapis.com/token`.
    pub google_token: String,
    /// `GOOGLE_OAUTH_AUTHORIZE_URL`, default `https://accounts.google.com/o/oauth2/v2/auth`.
    pub google_authorize: String,
}

impl Default for Endpoints {
    fn default() -> Self {
        Endpoints {
            fitbit_api: "https://api.fitbit.com".into(),
            fitbit_authorize: "https://www.fitbit.com/oauth2/authorize".into(),
            google_health_api: "https://health.googleapis.com".into(),
            google_token: "https://oauth2.googleapis.com/token".into(),
            google_authorize: "https://accounts.google.com/o/oauth2/v2/auth".into(),
        }
    }
}

impl Endpoints {
    /// Defaults overridden by the environment variables named on each field.
    pub fn from_env() -> Self {
        let d = Endpoints::default();
        let var = |k: &str, dflt: String| {
            std::env::var(k)
                .ok()
                .map(|v| v.trim().trim_end_matches('/').to_string())
                .filter(|v| !v.is_empty())
                .unwrap_or(dflt)
        };
        Endpoints {
            fitbit_api: var("FITBIT_API_URL", d.fitbit_api),
            fitbit_authorize: var("FITBIT_AUTHORIZE_URL", d.fitbit_authorize),
            google_health_api: var("GOOGLE_HEALTH_API_URL", d.google_health_api),
            google_token: var("GOOGLE_OAUTH_TOKEN_URL", d.google_token),
            google_authorize: var("GOOGLE_OAUTH_AUTHORIZE_URL", d.google_authorize),
        }
    }

    /// The token endpoint of a provider.
    pub fn token_url(&self, p: Provider) -> String {
        match p {
            Provider::Fitbit => format!("{}/oauth2/token", self.fitbit_api),
            Provider::Google => self.google_token.clone(),
        }
    }

    /// The authorize endpoint of a provider.
    pub fn authorize_url(&self, p: Provider) -> &str {
        match p {
            Provider::Fitbit => &self.fitbit_authorize,
            Provider::Google => &self.google_authorize,
        }
    }
}
