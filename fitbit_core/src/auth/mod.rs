//! OAuth 2.0 for both providers: PKCE, authorize URLs, code exchange, refresh, the token session.
//!
//! - [`pkce`]: verifier, S256 challenge, random `state`.
//! - [`token`]: token requests and responses as plain data (no sockets).
//! - [`session`]: a config plus an HTTP client that keeps the token fresh; refreshes are
//!   serialized across processes by the config lock (Fitbit refresh tokens are single-use).
//! - [`flow`]: the authorization-code flow: URL, redirect parsing, loopback listener, exchange.

pub mod flow;
pub mod notebook;
pub mod pkce;
pub mod session;
pub mod token;

pub use flow::{
    AuthRequest, GOOGLE_HEALTH_METRICS_SCOPE, complete, complete_with, default_redirect_uri,
    listen_for_redirect, parse_redirect, scopes, sends_login_hint,
};
pub use notebook::NotebookAuth;
pub use pkce::{Pkce, random_state};
pub use session::{Session, TokenStatus};
pub use token::{TokenResponse, exchange_request, parse_token_response, refresh_request};
