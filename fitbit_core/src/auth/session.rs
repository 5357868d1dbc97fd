//! [`Session`]: the config, an HTTP client and the endpoints, keeping the access token fresh.
//!
//! Refreshing is serialized by the config lock and re-reads the file first, so when several
//! processes (CLI, notebook kernels) share one `fb_conf.json`, exactly one of them spends the
//! single-use Fitbit refresh token and the others adopt the new pair from disk. The new pair is
//! saved atomically before anything else happens, and is never lost: if the config cannot be
//! written (disk full, read-only folder) the session keeps the pair in memory, retries, writes it
//! to the recovery file beside the config, and reports it through [`Session::token_note`]
//! (see [`ConfigStore::save_or_recover`]).

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::token::{parse_token_response, refresh_request};
use crate::config::{Config, ConfigStore, TokenNote};
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
    /// The token pairs spent by refreshes whose result is not in the config file yet (to tell
    /// a stale file from one another process has updated since).
    unsaved: Option<Vec<Spent>>,
    note: Option<TokenNote>,
}

/// A token pair a refresh replaced.
#[derive(Debug)]
struct Spent {
    access: Secret,
    refresh: Secret,
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

fn same_tokens(a: &Config, b: &Config) -> bool {
    a.access_token == b.access_token && a.refresh_token == b.refresh_token
}

fn expiring(expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    expires_at.is_some_and(|t| t - now <= chrono::Duration::seconds(REFRESH_MARGIN_SECS))
}

impl Session {
    /// Opens the config at `path` with the default HTTP client (reqwest).
    pub fn open(path: impl Into<PathBuf>, endpoints: Endpoints) -> Result<Session> {
        Session::new(ConfigStore::new(path), HttpClient::default(), endpoints)
    }

    /// Loads the config from `store`. When the tokens come from the recovery file, moves them
    /// back into the config if it can be written; [`Session::token_note`] says so.
    pub fn new(store: ConfigStore, http: HttpClient, endpoints: Endpoints) -> Result<Session> {
        let (mut config, mut note) = store.load_noting()?;
        if let Some(TokenNote::LoadedRecovery { moved, .. }) = &mut note
            && let Ok(saved) = store.update(|_| {})
        {
            config = saved;
            *moved = true;
        }
        Ok(Session {
            store,
            config,
            http,
            endpoints,
            unsaved: None,
            note,
        })
    }

    /// What happened to the tokens' storage that the user should hear about: new tokens that
    /// only reached the recovery file or memory, or tokens loaded from the recovery file. No
    /// secrets inside; `Display` says what to do. `None` when all is well.
    pub fn token_note(&self) -> Option<&TokenNote> {
        self.note.as_ref()
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

    /// The HTTP client, to set its pacing or budget.
    pub fn http_mut(&mut self) -> &mut HttpClient {
        &mut self.http
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
        let mut disk = self.freshest(self.store.load()?);
        if self.unsaved.is_some() && !same_tokens(&disk, &self.config) {
            // Another process has refreshed since and saved its pair: continue from that.
            self.unsaved = None;
            self.note = None;
        }
        let now = Utc::now();
        let stale = failed_access.unwrap_or(&self.config.access_token);
        if self.unsaved.is_none()
            && !disk.access_token.is_empty()
            && disk.access_token != *stale
            && !expiring(disk.expires_at, now)
        {
            self.config = disk;
            return Ok(());
        }
        if disk.refresh_token.is_empty() {
            return Err(Error::Authorization {
                message: format!(
                    "{} has no refresh token yet: authorize first",
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
        let spent = Spent {
            access: disk.access_token.clone(),
            refresh: disk.refresh_token.clone(),
        };
        tok.apply_to(&mut disk, now);
        // The old pair is spent: from here on the new one must survive whatever the disk does.
        self.config = disk;
        self.note = self.store.save_or_recover(&self.config);
        self.unsaved = match self.note {
            Some(TokenNote::Recovered { .. } | TokenNote::InMemoryOnly { .. }) => {
                let mut all = self.unsaved.take().unwrap_or_default();
                all.push(spent);
                Some(all)
            }
            _ => None,
        };
        Ok(())
    }

    /// The config to continue from: `disk`, unless this session holds newer tokens that did
    /// not reach the config file (the file still has a pair they replaced, or has ours); then
    /// the config in memory.
    fn freshest(&self, disk: Config) -> Config {
        match &self.unsaved {
            Some(spent)
                if same_tokens(&disk, &self.config)
                    || spent.iter().any(|s| {
                        disk.access_token == s.access && disk.refresh_token == s.refresh
                    }) =>
            {
                self.config.clone()
            }
            _ => disk,
        }
    }

    /// Tries again to put tokens that only reached the recovery file or memory into the config
    /// (under the lock). Adopts the file instead if another process has moved on since.
    fn retry_unsaved(&mut self) {
        if self.unsaved.is_none() {
            return;
        }
        let Ok(_lock) = self.store.lock() else {
            return;
        };
        let Ok(disk) = self.store.load() else {
            return;
        };
        let freshest = self.freshest(disk);
        if !same_tokens(&freshest, &self.config) {
            self.config = freshest;
            self.unsaved = None;
            self.note = None;
            return;
        }
        if self.store.save(&self.config).is_ok() {
            self.unsaved = None;
            self.note = None;
        }
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
        self.retry_unsaved();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{FnTransport, RecordingSleeper, Response, TransportError};
    use std::sync::{Arc, Barrier, Mutex};

    /// A fake provider: a token endpoint that rotates single-use refresh tokens (Fitbit) or
    /// keeps them (Google), and a data endpoint that wants the current access token.
    struct Fake {
        provider: Provider,
        refresh: String,
        access: String,
        generation: u32,
        refresh_calls: usize,
        data_calls: usize,
    }

    type Shared = Arc<Mutex<Fake>>;

    fn fake(provider: Provider, access: &str, refresh: &str) -> Shared {
        Arc::new(Mutex::new(Fake {
            provider,
            refresh: refresh.into(),
            access: access.into(),
            generation: 0,
            refresh_calls: 0,
            data_calls: 0,
        }))
    }

    fn handle(server: &Shared, req: &Request) -> std::result::Result<Response, TransportError> {
        if req.url.ends_with("/token") {
            // Let concurrent refreshes overlap if they are not serialized.
            std::thread::sleep(std::time::Duration::from_millis(30));
            let form: Vec<(String, String)> =
                url::form_urlencoded::parse(req.body.as_deref().unwrap_or_default())
                    .into_owned()
                    .collect();
            let given = form
                .iter()
                .find(|(k, _)| k == "refresh_token")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let mut s = server.lock().unwrap();
            s.refresh_calls += 1;
            if given != s.refresh {
                let body = match s.provider {
                    Provider::Fitbit => {
                        r#"{"errors":[{"errorType":"invalid_grant","message":"Refresh token invalid: 0123456789abcdef0123456789abcdef. Visit https://dev.fitbit.com/docs/oauth2"}],"success":false}"#
                    }
                    Provider::Google => {
                        r#"{"error":"invalid_grant","error_description":"Token has been expired or revoked."}"#
                    }
                };
                return Ok(Response::new(400, body));
            }
            s.generation += 1;
            s.access = format!("access-{}", s.generation);
            let body = match s.provider {
                Provider::Fitbit => {
                    s.refresh = format!("refresh-{}", s.generation);
                    format!(
                        r#"{{"access_token":"{}","expires_in":28800,"refresh_token":"{}","scope":"heartrate profile","token_type":"Bearer","user_id":"26FWFL"}}"#,
                        s.access, s.refresh
                    )
                }
                Provider::Google => format!(
                    r#"{{"access_token":"{}","expires_in":3599,"refresh_token_expires_in":601041,"token_type":"Bearer"}}"#,
                    s.access
                ),
            };
            return Ok(Response::new(200, body));
        }
        let mut s = server.lock().unwrap();
        s.data_calls += 1;
        if req.header_value("authorization") == Some(&format!("Bearer {}", s.access)) {
            Ok(Response::new(200, "data"))
        } else if req.url.contains("forbidden") {
            Ok(Response::new(
                403,
                r#"{"errors":[{"errorType":"insufficient_permissions","message":"no"}],"success":false}"#,
            ))
        } else {
            Ok(Response::new(
                401,
                r#"{"errors":[{"errorType":"expired_token","message":"Access token expired: abcdefghij0123456789abcdefghij"}],"success":false}"#,
            ))
        }
    }

    fn endpoints() -> Endpoints {
        Endpoints {
            fitbit_api: "http://fake-fitbit".into(),
            google_token: "http://fake-google/token".into(),
            ..Endpoints::default()
        }
    }

    fn session(path: &std::path::Path, server: &Shared) -> Session {
        session_on(ConfigStore::new(path), server)
    }

    fn session_on(store: ConfigStore, server: &Shared) -> Session {
        let s = server.clone();
        let http = HttpClient::new(FnTransport::new(move |req: &Request| handle(&s, req)))
            .with_sleeper(RecordingSleeper::new());
        Session::new(store, http, endpoints()).unwrap()
    }

    fn write_config(
        dir: &std::path::Path,
        client_id: &str,
        access: &str,
        refresh: &str,
        expires: Option<i64>,
    ) -> PathBuf {
        let path = dir.join("fb_conf.json");
        let exp = expires
            .map(|e| format!(",\"expires_at\":{e}"))
            .unwrap_or_default();
        std::fs::write(
            &path,
            format!(
                r#"{{"client_id":"{client_id}","client_secret":"sec","access_token":"{access}","refresh_token":"{refresh}"{exp},"keep":"me"}}"#
            ),
        )
        .unwrap();
        path
    }

    #[test]
    fn concurrent_sessions_refresh_exactly_once() {
        let dir = tempfile::tempdir().unwrap();
        let past = Utc::now().timestamp() - 60;
        let path = write_config(dir.path(), "23ABCD", "access-0", "refresh-0", Some(past));
        let server = fake(Provider::Fitbit, "access-0", "refresh-0");
        let n = 8;
        let barrier = Arc::new(Barrier::new(n));
        let handles: Vec<_> = (0..n)
            .map(|_| {
                let mut s = session(&path, &server);
                let b = barrier.clone();
                std::thread::spawn(move || {
                    b.wait();
                    s.get("http://fake-fitbit/1/user/-/hrv/date/today.json")
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap().unwrap(), b"data");
        }
        let s = server.lock().unwrap();
        assert_eq!(
            s.refresh_calls, 1,
            "exactly one refresh reached the token endpoint"
        );
        let disk = ConfigStore::new(&path).load().unwrap();
        assert_eq!(disk.access_token.expose(), "access-1");
        assert_eq!(disk.refresh_token.expose(), "refresh-1");
        assert_eq!(disk.user_id.as_deref(), Some("26FWFL"));
        assert_eq!(disk.extra["keep"], "me");
        assert!(disk.expires_at.unwrap() > Utc::now() + chrono::Duration::hours(7));
    }

    #[test]
    fn unknown_expiry_relies_on_401_then_refreshes_once_and_retries() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(dir.path(), "23ABCD", "stale", "refresh-0", None);
        let server = fake(Provider::Fitbit, "other", "refresh-0");
        let mut s = session(&path, &server);
        assert!(!s.needs_refresh(Utc::now()));
        assert_eq!(s.get("http://fake-fitbit/x").unwrap(), b"data");
        let f = server.lock().unwrap();
        assert_eq!((f.refresh_calls, f.data_calls), (1, 2));
        assert_eq!(s.config().access_token.expose(), "access-1");
    }

    #[test]
    fn a_401_that_persists_after_refresh_is_an_error_not_a_loop() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(dir.path(), "23ABCD", "stale", "refresh-0", None);
        let server = fake(Provider::Fitbit, "other", "refresh-0");
        let s2 = server.clone();
        let http = HttpClient::new(FnTransport::new(move |req: &Request| {
            let r = handle(&s2, req);
            if req.url.ends_with("/token") { r } else { Ok(Response::new(401, r#"{"errors":[{"errorType":"invalid_token","message":"Access token invalid"}]}"#)) }
        }))
        .with_sleeper(RecordingSleeper::new());
        let mut s = Session::new(ConfigStore::new(&path), http, endpoints()).unwrap();
        let e = s.get("http://fake-fitbit/x").unwrap_err();
        assert!(matches!(e, Error::Api { status: 401, .. }), "{e:?}");
        assert_eq!(server.lock().unwrap().refresh_calls, 1);
    }

    #[test]
    fn other_errors_are_mapped_without_refreshing() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(dir.path(), "23ABCD", "stale", "refresh-0", None);
        let server = fake(Provider::Fitbit, "other", "refresh-0");
        let mut s = session(&path, &server);
        let e = s.get("http://fake-fitbit/forbidden").unwrap_err();
        assert!(e.to_string().contains("Personal"), "{e}");
        assert_eq!(server.lock().unwrap().refresh_calls, 0);
    }

    #[test]
    fn reused_refresh_token_asks_to_reauthorize_and_keeps_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let past = Utc::now().timestamp() - 60;
        let path = write_config(dir.path(), "23ABCD", "access-0", "already-used", Some(past));
        let before = std::fs::read(&path).unwrap();
        let server = fake(Provider::Fitbit, "access-0", "refresh-9");
        let mut s = session(&path, &server);
        let e = s.get("http://fake-fitbit/x").unwrap_err();
        assert!(
            matches!(
                e,
                Error::Reauthorize {
                    provider: Provider::Fitbit,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(!e.to_string().contains("0123456789abcdef"), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn google_refresh_keeps_the_refresh_token_and_records_its_expiry() {
        let dir = tempfile::tempdir().unwrap();
        let soon = Utc::now().timestamp() + 60;
        let path = write_config(
            dir.path(),
            "1-a.apps.googleusercontent.com",
            "ya29.old",
            "1//keep",
            Some(soon),
        );
        let server = fake(Provider::Google, "ya29.old", "1//keep");
        let mut s = session(&path, &server);
        assert_eq!(s.provider(), Provider::Google);
        assert!(s.needs_refresh(Utc::now()));
        assert!(s.ensure_fresh().unwrap());
        assert!(!s.ensure_fresh().unwrap());
        let disk = ConfigStore::new(&path).load().unwrap();
        assert_eq!(disk.refresh_token.expose(), "1//keep");
        assert_eq!(disk.access_token.expose(), "access-1");
        assert!(disk.refresh_token_expires_at.is_some());
        let st = s.token_status(Utc::now());
        assert!(!st.expired && st.has_refresh_token);
        assert!(!format!("{st:?}").contains("access-1"));
        assert!(!format!("{s:?}").contains("access-1"));
    }

    #[test]
    fn no_tokens_yet_says_to_run_auth() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(dir.path(), "23ABCD", "", "", None);
        let server = fake(Provider::Fitbit, "a", "r");
        let mut s = session(&path, &server);
        assert!(s.token_status(Utc::now()).expired);
        let e = s.get("http://fake-fitbit/x").unwrap_err();
        assert!(e.to_string().contains("authorize first"), "{e}");
        assert_eq!(e.fix(), Some(crate::Fix::Reauthorize));
        assert_eq!(server.lock().unwrap().refresh_calls, 0);
    }

    #[test]
    fn a_config_broken_meanwhile_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let past = Utc::now().timestamp() - 60;
        let path = write_config(dir.path(), "23ABCD", "access-0", "refresh-0", Some(past));
        let server = fake(Provider::Fitbit, "access-0", "refresh-0");
        let mut s = session(&path, &server);
        std::fs::write(&path, "{ oops").unwrap();
        assert!(matches!(
            s.get("http://fake-fitbit/x"),
            Err(Error::ConfigSyntax { .. })
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{ oops");
        assert_eq!(server.lock().unwrap().refresh_calls, 0);
    }

    /// Writes like the real store, or fails like a disk with OS error `errno` when `refuse`.
    fn disk(refuse: bool, errno: i32, path: &std::path::Path, bytes: &[u8]) -> Result<()> {
        if refuse {
            return Err(Error::io(path, std::io::Error::from_raw_os_error(errno)));
        }
        crate::config::write_atomic(path, bytes)
    }

    /// A disk that refuses the config file (full: ENOSPC) but still takes the recovery file.
    fn config_disk_full(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
        let config = path.file_name() == Some(std::ffi::OsStr::new("fb_conf.json"));
        disk(config, 28, path, bytes)
    }

    /// A Fitbit config whose access token has expired, and the fake server that issued it.
    fn expired_fitbit(dir: &std::path::Path) -> (PathBuf, Shared) {
        let past = Utc::now().timestamp() - 60;
        let path = write_config(dir, "23ABCD", "access-0", "refresh-0", Some(past));
        (path, fake(Provider::Fitbit, "access-0", "refresh-0"))
    }

    #[test]
    fn a_failed_save_keeps_the_rotated_pair_in_the_recovery_file_and_the_next_load_uses_it() {
        let dir = tempfile::tempdir().unwrap();
        let (path, server) = expired_fitbit(dir.path());
        let before = std::fs::read(&path).unwrap();
        let mut s = session_on(
            ConfigStore::new(&path).with_writer(config_disk_full),
            &server,
        );

        // The request goes on with the new pair, which the session keeps.
        assert_eq!(s.get("http://fake-fitbit/x").unwrap(), b"data");
        assert_eq!(s.config().refresh_token.expose(), "refresh-1");
        let recovery = dir.path().join("fb_conf.json.recovered");
        match s.token_note() {
            Some(TokenNote::Recovered {
                recovery: r, error, ..
            }) => {
                assert_eq!(r, &recovery);
                assert!(error.contains("No space left"), "{error}");
            }
            other => panic!("{other:?}"),
        }
        let said = s.token_note().unwrap().to_string();
        assert!(said.contains("fb_conf.json.recovered"), "{said}");
        for secret in ["refresh-1", "access-1", "refresh-0"] {
            assert!(!said.contains(secret), "{said}");
            assert!(!format!("{s:?}").contains(secret), "{s:?}");
        }
        assert_eq!(std::fs::read(&path).unwrap(), before, "config untouched");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&recovery).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let rec = ConfigStore::new(&recovery).load().unwrap();
        assert_eq!(rec.refresh_token.expose(), "refresh-1");
        assert_eq!(rec.extra["keep"], "me");
        assert_eq!(server.lock().unwrap().refresh_calls, 1);

        // The next process loads the recovery file, says so, and moves it back.
        let mut next = session(&path, &server);
        assert!(
            matches!(
                next.token_note(),
                Some(TokenNote::LoadedRecovery { moved: true, .. })
            ),
            "{:?}",
            next.token_note()
        );
        let said = next.token_note().unwrap().to_string();
        assert!(said.contains("fb_conf.json.recovered"), "{said}");
        assert!(said.contains("back in the config"), "{said}");
        assert_eq!(next.config().refresh_token.expose(), "refresh-1");
        assert!(!recovery.exists(), "moved back into the config");
        assert_eq!(
            ConfigStore::new(&path)
                .load()
                .unwrap()
                .refresh_token
                .expose(),
            "refresh-1"
        );
        // And the rotated pair really is the live one: the next refresh is accepted.
        next.refresh(None).unwrap();
        assert_eq!(next.config().refresh_token.expose(), "refresh-2");
        assert!(next.token_note().is_none());
        assert_eq!(server.lock().unwrap().refresh_calls, 2);
    }

    static DISK_DEAD: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

    /// A disk that takes nothing (read-only: EROFS) while `DISK_DEAD` is set.
    fn dead_disk(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
        let dead = DISK_DEAD.load(std::sync::atomic::Ordering::SeqCst);
        disk(dead, 30, path, bytes)
    }

    #[test]
    fn when_nothing_can_be_written_the_pair_stays_in_memory_and_is_saved_once_the_disk_is_back() {
        let dir = tempfile::tempdir().unwrap();
        let (path, server) = expired_fitbit(dir.path());
        let mut s = session_on(ConfigStore::new(&path).with_writer(dead_disk), &server);

        assert_eq!(s.get("http://fake-fitbit/x").unwrap(), b"data");
        assert!(
            matches!(s.token_note(), Some(TokenNote::InMemoryOnly { .. })),
            "{:?}",
            s.token_note()
        );
        let said = s.token_note().unwrap().to_string();
        assert!(said.contains("only this process"), "{said}");
        assert!(
            !said.contains("refresh-1") && !said.contains("access-1"),
            "{said}"
        );
        assert!(!dir.path().join("fb_conf.json.recovered").exists());
        let disk = ConfigStore::new(&path).load().unwrap();
        assert_eq!(disk.refresh_token.expose(), "refresh-0", "nothing written");

        // A second refresh continues from the pair in memory, not the spent one on disk.
        s.refresh(None).unwrap();
        assert_eq!(s.config().refresh_token.expose(), "refresh-2");
        assert_eq!(
            server.lock().unwrap().refresh_calls,
            2,
            "no invalid_grant retry"
        );

        // The disk comes back: the next request saves the pair first.
        DISK_DEAD.store(false, std::sync::atomic::Ordering::SeqCst);
        assert_eq!(s.get("http://fake-fitbit/x").unwrap(), b"data");
        assert!(s.token_note().is_none());
        let disk = ConfigStore::new(&path).load().unwrap();
        assert_eq!(disk.refresh_token.expose(), "refresh-2");
        assert_eq!(disk.access_token.expose(), "access-2");
        assert_eq!(server.lock().unwrap().refresh_calls, 2);
    }
}
