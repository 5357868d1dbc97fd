//! One error type for the whole crate. Every message says what went wrong and what to do next,
//! and none of them contains a secret. What to do is also data, [`Error::fix`]: the messages
//! name no command-line flag or notebook cell; the front ends render the [`Fix`] in their words.

use std::path::PathBuf;

use crate::fix::Fix;
use crate::provider::Provider;

/// Shorthand for `Result<T, fitbit_core::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong, with a message a user can act on.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// No config file at the path.
    ConfigMissing {
        /// The config file that was looked for.
        path: PathBuf,
    },
    /// The config file is not valid JSON. It is left untouched.
    ConfigSyntax {
        /// The config file.
        path: PathBuf,
        /// Line of the error, from 1.
        line: usize,
        /// Column of the error, from 1.
        column: usize,
        /// What is wrong there.
        message: String,
    },
    /// A field is missing or has the wrong type. The file is left untouched.
    ConfigField {
        /// The config file.
        path: PathBuf,
        /// The JSON key.
        field: String,
        /// What is wrong with it ("is missing", "must be a string", …).
        problem: String,
    },
    /// Reading, writing or locking a file failed.
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The refresh token (or authorization) is no longer valid: the user must authorize again.
    Reauthorize {
        /// Whose token endpoint refused.
        provider: Provider,
        /// The endpoint's description, redacted.
        detail: String,
    },
    /// The token endpoint refused a request for another reason.
    TokenEndpoint {
        /// Whose token endpoint.
        provider: Provider,
        /// HTTP status.
        status: u16,
        /// The OAuth `error` code.
        error: String,
        /// The `error_description`, redacted.
        description: String,
    },
    /// The OAuth redirect did not carry what it should (no code, wrong state, an `error=`).
    Authorization {
        /// What was wrong and what to do.
        message: String,
    },
    /// The API answered with an error status.
    Api {
        /// Which API.
        provider: Provider,
        /// HTTP status.
        status: u16,
        /// The API's own error code, by envelope.
        kind: ApiErrorKind,
        /// The API's message, redacted.
        message: String,
        /// What to do next, in words (may be empty).
        hint: String,
        /// What to do next, as data.
        fix: Option<Fix>,
    },
    /// HTTP 200 without `activities-heart-intraday`: the app is not of type Personal.
    IntradayUnavailable,
    /// HTTP 410 Gone from the legacy Fitbit Web API: it was shut down on 2026-11-02.
    LegacyApiGone,
    /// Could not reach the server after retries (connection refused, dropped, timed out).
    Network {
        /// The URL requested.
        url: String,
        /// What went wrong on the last attempt.
        message: String,
    },
    /// A response body did not have the documented shape.
    Parse {
        /// Which answer (endpoint or file).
        what: String,
        /// The JSON path of the problem.
        path: String,
        /// What was expected.
        message: String,
    },
    /// A value given by the user is not valid (date, detail level, range, path).
    InvalidInput {
        /// Which value.
        what: String,
        /// What a valid one looks like.
        hint: String,
    },
    /// A data export could not be read.
    Export {
        /// The export (folder or archive).
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// polars failed to build or write a table.
    Table(polars::error::PolarsError),
    /// plotters failed to draw a chart.
    Plot(String),
    /// A store folder or its ledger could not be used.
    Store {
        /// The store folder or ledger file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// Another sync holds the store's lock for this user.
    Locked {
        /// The lock file.
        path: PathBuf,
        /// Who holds it (process, host, since when), as the holder wrote it.
        holder: String,
    },
    /// The request budget (`--max-requests`) is spent; the next run continues.
    BudgetSpent {
        /// Requests sent within the budget.
        requests: u64,
    },
}

/// What an error body said, by envelope: the API's own error code as data.
///
/// ```
/// use fitbit_core::{Error, Provider, error::ApiErrorKind, http::api_error};
/// let body = br#"{"errors":[{"errorType":"insufficient_permissions","message":"no"}]}"#;
/// match api_error(Provider::Fitbit, 403, body) {
///     Error::Api { kind: ApiErrorKind::Fitbit { error_type }, .. } => {
///         assert_eq!(error_type, "insufficient_permissions")
///     }
///     e => panic!("{e}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiErrorKind {
    /// Fitbit's `{"errors": [...]}` envelope: the first `errorType` (`expired_token`,
    /// `insufficient_scope`, `insufficient_permissions`, `invalid_request`, `system`, …;
    /// docs/fitbit-web-api.md §5.2).
    Fitbit {
        /// The `errorType`.
        error_type: String,
    },
    /// Google's `{"error": {...}}` envelope: the canonical `status` (`PERMISSION_DENIED`,
    /// `INVALID_ARGUMENT`, …) and the `ErrorInfo` reason when it adds one
    /// (`ACCESS_TOKEN_SCOPE_INSUFFICIENT`, …; docs/google-health-api.md §5.2). Seen from the
    /// legacy Fitbit host too.
    Google {
        /// The canonical `status`.
        status: String,
        /// The `ErrorInfo.reason`, when it adds to `status`.
        reason: Option<String>,
    },
    /// An OAuth 2.0 error body (`{"error": "insufficient_scope", ...}`, RFC 6749 §5.2).
    OAuth {
        /// The `error` code.
        error: String,
    },
    /// The body was no known error envelope (an HTML page, empty, truncated).
    Unrecognized,
}

impl ApiErrorKind {
    /// The API's error code: `errorType`, `status` or `error`; empty when unrecognized.
    pub fn code(&self) -> &str {
        match self {
            ApiErrorKind::Fitbit { error_type } => error_type,
            ApiErrorKind::Google { status, .. } => status,
            ApiErrorKind::OAuth { error } => error,
            ApiErrorKind::Unrecognized => "",
        }
    }

    /// Google's `ErrorInfo` reason, when given.
    pub fn reason(&self) -> Option<&str> {
        match self {
            ApiErrorKind::Google { reason, .. } => reason.as_deref(),
            _ => None,
        }
    }
}

/// `CODE` or `STATUS (REASON)`; empty when unrecognized.
impl std::fmt::Display for ApiErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())?;
        match self.reason() {
            Some(r) => write!(f, " ({r})"),
            None => Ok(()),
        }
    }
}

/// The message in the library's words. Inside an evcxr notebook
/// ([`crate::display::in_notebook`]) it is followed by what to do there
/// ([`crate::display::notebook_fix`]), so that a bare `?` in a cell names the cell or setting to
/// change; [`Error::message`] is the message alone.
impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.write_message(f)?;
        match self.fix() {
            Some(fix) if crate::display::in_notebook() => {
                write!(
                    f,
                    "\nIn the notebooks: {}",
                    crate::display::notebook_fix(fix)
                )
            }
            _ => Ok(()),
        }
    }
}

/// [`Error::message`].
struct Message<'a>(&'a Error);

impl std::fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.write_message(f)
    }
}

impl Error {
    /// What went wrong and what to do, in the library's words only (no command, flag or
    /// notebook cell), wherever it runs.
    ///
    /// ```
    /// use fitbit_core::{Error, Provider};
    /// let e = Error::Reauthorize { provider: Provider::Google, detail: "invalid_grant".into() };
    /// assert!(e.message().to_string().ends_with("authorize again"));
    /// ```
    pub fn message(&self) -> impl std::fmt::Display + '_ {
        Message(self)
    }

    fn write_message(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use Error::*;
        match self {
            ConfigMissing { path } => write!(
                f,
                "config file {} not found: copy fb_conf.example.json to {} and fill in your \
                 client_id and client_secret, then authorize",
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
                     their refresh token 7 days after consent: authorize again"
                ),
                Provider::Fitbit => write!(
                    f,
                    "Fitbit refused the refresh token ({detail}). Refresh tokens are single-use; \
                     this one was used or revoked: authorize the app again"
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
                ..
            } => {
                match kind {
                    ApiErrorKind::Unrecognized => {
                        write!(f, "{provider} API error HTTP {status}: {message}")?
                    }
                    _ => write!(f, "{provider} API error HTTP {status} {kind}: {message}")?,
                }
                if !hint.is_empty() {
                    write!(f, ". {hint}")?;
                }
                Ok(())
            }
            IntradayUnavailable => write!(
                f,
                "the response has no intraday data (`activities-heart-intraday`): intraday heart \
                 rate and HRV need a Fitbit app of type Personal. Change the app type at \
                 dev.fitbit.com/apps, then authorize again"
            ),
            LegacyApiGone => write!(
                f,
                "the legacy Fitbit Web API answered 410 Gone: Google shut it down on 2026-11-02. \
                 Switch to the Google Health API (see the README, section \"Google Health API \
                 setup\") or read your data export (Google Takeout) instead"
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
                 then run again",
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
    /// What would fix it, when the user can do something: the front ends render this (the CLI
    /// as its command or flag, the notebooks as the cell to run).
    ///
    /// ```
    /// use fitbit_core::{Error, Fix};
    /// let locked = Error::Locked { path: "store/.lock".into(), holder: String::new() };
    /// assert_eq!(locked.fix(), Some(Fix::WaitForLock));
    /// assert!(!locked.to_string().contains("--"));
    /// ```
    pub fn fix(&self) -> Option<Fix> {
        use Error::*;
        match self {
            ConfigMissing { .. } => Some(Fix::Enroll),
            ConfigSyntax { .. } | ConfigField { .. } => Some(Fix::RepairConfig),
            Reauthorize { .. } | TokenEndpoint { .. } | Authorization { .. } => {
                Some(Fix::Reauthorize)
            }
            IntradayUnavailable => Some(Fix::Reauthorize),
            Api { fix, .. } => *fix,
            LegacyApiGone => Some(Fix::ReadExport),
            Network { .. } | BudgetSpent { .. } => Some(Fix::RetryLater),
            Locked { .. } => Some(Fix::WaitForLock),
            Io { .. }
            | Parse { .. }
            | InvalidInput { .. }
            | Export { .. }
            | Table(_)
            | Plot(_)
            | Store { .. } => None,
        }
    }

    /// An I/O error on a path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
