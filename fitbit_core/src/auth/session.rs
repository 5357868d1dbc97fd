//! [`Session`]: the config, an HTTP client and the endpoints, keeping the access token fresh.
//!
//! Refreshing is serialized by the config lock and re-reads the file first, so when several
//! processes (CLI, notebook kernels) share one `fb_conf.json`, exactly one of them spends the
//! single-use Fitbit refresh token and the others adopt the new pair from disk. The new pair is
//! saved atomically before anything else happens.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::token::{parse_token_response, refresh_request};
use crate::config::{Config, ConfigStore};
use crate::http::{ApiGet, HttpClient, Request, Response, api_error, is_token_expired};
use crate::provider::{Endpoints, Provider};
use crate::secret::Secret;
use crate::{Error, Result};

/// Refresh when the access token expires within this margin.
pub const REFRESH_MARGIN_SECS: i64 = 5 * 60;

/// A logged-in session over one config file.
#[derive(Debug)]
pub struct Session {
    store: ConfigStore,
    config: Config,
    http: HttpClient,
    endpoints: Endpoints,
}

/// What is known about the tokens, without the tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenStatus {
    /// The provider of the config.
    pub provider: Provider,
    /// When the access token expires, if known.
    pub expires_at: Option<DateTime<Utc>>,
    /// True when there is no access token or it has expired.
    pub expired: bool,
    /// The user id from the last token response.
    pub user_id: Option<String>,
    /// Granted scopes, space-separated.
    pub scope: Option<String>,
    /// When the refresh token expires (Google Testing apps: 7 days after consent), if known.
    pub refresh_token_expires_at: Option<DateTime<Utc>>,
    /// False before the first authorization.
    pub has_refresh_token: bool,
}

fn expiring(expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    expires_at.is_some_and(|t| t - now <= chrono::Duration::seconds(REFRESH_MARGIN_SECS))
}

impl Session {
    /// Opens the config at `path` with the default HTTP client (reqwest).
    pub fn open(path: impl Into<PathBuf>, endpoints: Endpoints) -> Result<Session> {
        Session::new(ConfigStore::new(path), HttpClient::default(), endpoints)
    }

    /// Loads the config from `store`.
    pub fn new(store: ConfigStore, http: HttpClient, endpoints: Endpoints) -> Result<Session> {
        let config = store.load()?;
        Ok(Session {
            store,
            config,
            http,
            endpoints,
        })
    }

    /// The provider of the config.
    pub fn provider(&self) -> Provider {
        self.config.provider()
    }

    /// The config as last loaded or saved.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The config store.
    pub fn store(&self) -> &ConfigStore {
        &self.store
    }

    /// The HTTP client (for `last_rate_limit`, or unauthenticated requests).
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    /// The endpoints in use.
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// True when there is no access token or it expires within 5 minutes of `now`. An unknown
    /// expiry is not a reason to refresh: a 401 will tell.
    pub fn needs_refresh(&self, now: DateTime<Utc>) -> bool {
        self.config.access_token.is_empty() || expiring(self.config.expires_at, now)
    }

    /// Refreshes if [`Session::needs_refresh`]; returns true if it did (or adopted a token
    /// another process had just refreshed).
    pub fn ensure_fresh(&mut self) -> Result<bool> {
        if !self.needs_refresh(Utc::now()) {
            return Ok(false);
        }
        self.refresh(None)?;
        Ok(true)
    }

    /// Gets a new access token. Under the config lock: re-reads the file; if another process
    /// already replaced `failed_access` (default: the token in memory) with one that is not
    /// expiring, adopts it without a request; otherwise spends the refresh token and saves the
    /// new pair at once.
    pub fn refresh(&mut self, failed_access: Option<&Secret>) -> Result<()> {
        let _lock = self.store.lock()?;
        let mut disk = self.store.load()?;
        let now = Utc::now();
        let stale = failed_access.unwrap_or(&self.config.access_token);
        if !disk.access_token.is_empty()
            && disk.access_token != *stale
            && !expiring(disk.expires_at, now)
        {
            self.config = disk;
            return Ok(());
        }
        if disk.refresh_token.is_empty() {
            return Err(Error::Authorization {
                message: format!(
                    "{} has no refresh token yet: run `fitbit auth` (or the auth cell in \
                     update_token.ipynb) first",
                    self.store.path().display()
                ),
            });
        }
        let provider = disk.provider();
        let req = refresh_request(
            provider,
            &self.endpoints,
            &disk.client_id,
            &disk.client_secret,
            &disk.refresh_token,
        );
        let resp = self.http.send(provider, &req)?;
        let tok = parse_token_response(provider, resp.status, &resp.body)?;
        tok.apply_to(&mut disk, now);
        self.store.save(&disk)?;
        self.config = disk;
        Ok(())
    }

    /// The token state at `now`, without secrets.
    pub fn token_status(&self, now: DateTime<Utc>) -> TokenStatus {
        let c = &self.config;
        TokenStatus {
            provider: c.provider(),
            expires_at: c.expires_at,
            expired: c.access_token.is_empty() || c.expires_at.is_some_and(|t| t <= now),
            user_id: c.user_id.clone(),
            scope: c.scope.clone(),
            refresh_token_expires_at: c.refresh_token_expires_at,
            has_refresh_token: !c.refresh_token.is_empty(),
        }
    }

    fn send_bearer(&self, url: &str) -> Result<Response> {
        let req = Request::get(url).bearer(&self.config.access_token);
        self.http.send(self.provider(), &req)
    }
}

impl ApiGet for Session {
    fn get(&mut self, url: &str) -> Result<Vec<u8>> {
        self.ensure_fresh()?;
        let provider = self.provider();
        let mut resp = self.send_bearer(url)?;
        if is_token_expired(provider, resp.status, &resp.body) {
            let failed = self.config.access_token.clone();
            self.refresh(Some(&failed))?;
            resp = self.send_bearer(url)?;
        }
        if resp.is_success() {
            Ok(resp.body)
        } else {
            Err(api_error(provider, resp.status, &resp.body))
        }
    }
}
