//! One error type for the whole crate. Every message says what went wrong and what to do next,
//! and none of them contains a secret.

use std::path::PathBuf;

use crate::provider::Provider;

/// Shorthand for `Result<T, fitbit_core::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong, with a message a user can act on.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// No config file at the path.
    ConfigMissing { path: PathBuf },
    /// The config file is not valid JSON. It is left untouched.
    ConfigSyntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// A field is missing or has the wrong type. The file is left untouched.
    ConfigField {
        path: PathBuf,
        field: String,
        problem: String,
    },
    /// Reading, writing or locking a file failed.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The refresh token (or authorization) is no longer valid: the user must authorize again.
    Reauthorize { provider: Provider, detail: String },
    /// The token endpoint refused a request for another reason.
    TokenEndpoint {
        provider: Provider,
        status: u16,
        error: String,
        description: String,
    },
    /// The OAuth redirect did not carry what it should (no code, wrong state, an `error=`).
    Authorization { message: String },
    /// The API answered with an error status.
    Api {
        provider: Provider,
        status: u16,
        kind: String,
        message: String,
        hint: String,
    },
    /// HTTP 200 without `activities-heart-intraday`: the app is not of type Personal.
    IntradayUnavailable,
    /// HTTP 410 Gone from the legacy Fitbit Web API: it was shut down on 2026-11-02.
    LegacyApiGone,
    /// Could not reach the server after retries (connection refused, dropped, timed out).
    Network { url: String, message: String },
    /// A response body did not have the documented shape.
    Parse {
        what: String,
        path: String,
        message: String,
    },
    /// A value given by the user is not valid (date, detail level, range, path).
    InvalidInput { what: String, hint: String },
    /// A data export could not be read.
    Export { path: PathBuf, message: String },
    /// polars failed to build or write a table.
    Table(polars::error::PolarsError),
    /// plotters failed to draw a chart.
    Plot(String),
    /// A store folder or its ledger could not be used.
    Store { path: PathBuf, message: String },
    /// Another sync holds the store's lock for this user.
    Locked { path: PathBuf, holder: String },
    /// The request budget (`--max-requests`) is spent; the next run continues.
    BudgetSpent { requests: u64 },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use Error::*;
        match self {
            ConfigMissing { path } => write!(
                f,
                "config file {} not found: copy fb_conf.example.json to {} and fill in your \
                 client_id and client_secret, then run `fitbit auth` (or the notebook's auth cell)",
                path.display(),
                path.display()
            ),
            ConfigSyntax {
                path,
                line,
                column,
                message,
            } => write!(
                f,
                "config file {} is not valid JSON at line {line}, column {column}: {message}. \
                 Fix the file by hand; it was not changed",
                path.display()
            ),
            ConfigField {
                path,
                field,
                problem,
            } => write!(
                f,
                "config file {}: field `{field}` {problem}. Fix the file by hand; it was not changed",
                path.display()
            ),
            Io { path, source } => write!(f, "{}: {source}", path.display()),
            Reauthorize { provider, detail } => match provider {
                Provider::Google => write!(
                    f,
                    "Google refused the refresh token ({detail}). Apps in Testing status lose \
                     their refresh token 7 days after consent. Run `fitbit auth` (or the auth \
                     cell in update_token.ipynb) to authorize again"
                ),
                Provider::Fitbit => write!(
                    f,
                    "Fitbit refused the refresh token ({detail}). Refresh tokens are single-use; \
                     this one was used or revoked. Run `fitbit auth` (or the auth cell in \
                     update_token.ipynb) to authorize the app again"
                ),
            },
            TokenEndpoint {
                provider,
                status,
                error,
                description,
            } => write!(
                f,
                "{provider} token endpoint answered HTTP {status} {error}: {description}. \
                 Check client_id and client_secret in the config"
            ),
            Authorization { message } => write!(f, "authorization failed: {message}"),
            Api {
                provider,
                status,
                kind,
                message,
                hint,
            } => {
                write!(f, "{provider} API error HTTP {status} {kind}: {message}")?;
                if !hint.is_empty() {
                    write!(f, ". {hint}")?;
                }
                Ok(())
            }
            IntradayUnavailable => write!(
                f,
                "the response has no intraday data (`activities-heart-intraday`): intraday heart \
                 rate and HRV need a Fitbit app of type Personal. Change the app type at \
                 dev.fitbit.com/apps, then run `fitbit auth` again"
            ),
            LegacyApiGone => write!(
                f,
                "the legacy Fitbit Web API answered 410 Gone: Google shut it down on 2026-11-02. \
                 Switch to the Google Health API (see the README, section \"Google Health API \
                 setup\") or read your data export with `fitbit import`"
            ),
            Network { url, message } => write!(
                f,
                "could not reach {url}: {message}. Check your connection and try again"
            ),
            Parse {
                what,
                path,
                message,
            } => write!(
                f,
                "unexpected response from {what}: at JSON path `{path}`: {message}"
            ),
            InvalidInput { what, hint } => write!(f, "invalid {what}: {hint}"),
            Export { path, message } => write!(f, "export {}: {message}", path.display()),
            Table(e) => write!(f, "table error: {e}"),
            Plot(e) => write!(f, "plot error: {e}"),
            Store { path, message } => write!(f, "store {}: {message}", path.display()),
            Locked { path, holder } => write!(
                f,
                "another sync is running on this store ({}; lock {}): wait for it to finish, \
                 or run again with --wait",
                if holder.is_empty() {
                    "holder unknown"
                } else {
                    holder
                },
                path.display()
            ),
            BudgetSpent { requests } => write!(
                f,
                "stopped after {requests} requests, the budget given: run the same command \
                 again to continue where it stopped"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Table(e) => Some(e),
            _ => None,
        }
    }
}

impl From<polars::error::PolarsError> for Error {
    fn from(e: polars::error::PolarsError) -> Self {
        Error::Table(e)
    }
}

impl Error {
    /// An I/O error on a path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
