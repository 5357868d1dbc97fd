//! `fb_conf.json`: load, validate, atomic save (temp file, fsync, rename, 0600), advisory lock.
//!
//! The file users have today holds exactly `client_id`, `client_secret`, `access_token` and
//! `refresh_token`. The other fields are optional; unknown keys are kept and written back.
//! A file that cannot be parsed is never overwritten.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::provider::Provider;
use crate::secret::Secret;
use crate::{Error, Result};

/// The contents of `fb_conf.example.json`: the four keys users fill in.
pub const EXAMPLE_JSON: &str = r#"{
  "client_id": "YOUR_CLIENT_ID",
  "client_secret": "YOUR_CLIENT_SECRET",
  "access_token": "",
  "refresh_token": ""
}
"#;

/// The config: app credentials, tokens and what we know about them.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// OAuth client id (Fitbit: 6 characters; Google: `….apps.googleusercontent.com`).
    pub client_id: String,
    /// OAuth client secret.
    pub client_secret: Secret,
    /// Access token; empty before the first `fitbit auth`.
    pub access_token: Secret,
    /// Refresh token; empty before the first `fitbit auth`.
    pub refresh_token: Secret,
    /// When the access token expires. Written as RFC 3339; unix seconds are accepted on read.
    pub expires_at: Option<DateTime<Utc>>,
    /// Which API; when absent, [`Provider::detect`] decides from the client id.
    pub provider: Option<Provider>,
    /// The redirect URI used at authorization.
    pub redirect_uri: Option<String>,
    /// Granted scopes, space-separated.
    pub scope: Option<String>,
    /// The user id the token endpoint returned (Fitbit).
    pub user_id: Option<String>,
    /// When the refresh token expires (Google apps in Testing status: 7 days).
    pub refresh_token_expires_at: Option<DateTime<Utc>>,
    /// Unknown keys, kept as they were.
    pub extra: Map<String, Value>,
}

impl Config {
    /// A config with credentials and no tokens.
    pub fn new(client_id: impl Into<String>, client_secret: Secret) -> Config {
        Config {
            client_id: client_id.into(),
            client_secret,
            access_token: Secret::default(),
            refresh_token: Secret::default(),
            expires_at: None,
            provider: None,
            redirect_uri: None,
            scope: None,
            user_id: None,
            refresh_token_expires_at: None,
            extra: Map::new(),
        }
    }

    /// The config of [`EXAMPLE_JSON`].
    ///
    /// ```
    /// let c = fitbit_core::Config::example();
    /// assert_eq!(c.client_id, "YOUR_CLIENT_ID");
    /// assert!(c.access_token.is_empty());
    /// ```
    pub fn example() -> Config {
        Config::new("YOUR_CLIENT_ID", Secret::new("YOUR_CLIENT_SECRET"))
    }

    /// The provider: the `provider` key, else detected from the client id.
    pub fn provider(&self) -> Provider {
        Provider::detect(self.provider, &self.client_id)
    }

    /// Parses the JSON text of a config file; `path` only names the file in errors.
    ///
    /// ```
    /// use fitbit_core::Config;
    /// let c = Config::from_json(r#"{"client_id":"23ABCD","client_secret":"s",
    ///     "access_token":"","refresh_token":"","expires_at":1790000000,"color":"blue"}"#, "fb_conf.json")?;
    /// assert_eq!(c.expires_at.unwrap().timestamp(), 1790000000);
    /// assert_eq!(c.extra["color"], "blue");
    /// # Ok::<(), fitbit_core::Error>(())
    /// ```
    pub fn from_json(text: &str, path: impl AsRef<Path>) -> Result<Config> {
        let path = path.as_ref();
        // The BOM is one character (3 bytes), so this cut is at a character boundary.
        let text = &text[text.len() - crate::source::json::without_bom(text.as_bytes()).len()..];
        let value: Value = serde_json::from_str(text).map_err(|e| Error::ConfigSyntax {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: syntax_message(&e),
        })?;
        let field_err = |field: &str, problem: &str| Error::ConfigField {
            path: path.to_path_buf(),
            field: field.to_string(),
            problem: problem.to_string(),
        };
        let Value::Object(mut map) = value else {
            return Err(field_err(
                "(top level)",
                "must be a JSON object like {\"client_id\": \"...\", ...}",
            ));
        };
        let mut take_str = |key: &str, required: bool| -> Result<Option<String>> {
            match map.remove(key) {
                None if required => Err(field_err(key, "is missing")),
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s)),
                Some(_) => Err(field_err(key, "must be a string")),
            }
        };
        let client_id = take_str("client_id", true)?.unwrap_or_default();
        let client_secret = take_str("client_secret", true)?.unwrap_or_default();
        let access_token = take_str("access_token", false)?.unwrap_or_default();
        let refresh_token = take_str("refresh_token", false)?.unwrap_or_default();
        let redirect_uri = take_str("redirect_uri", false)?;
        let scope = take_str("scope", false)?;
        let user_id = take_str("user_id", false)?;
        let provider = match take_str("provider", false)? {
            None => None,
            Some(p) => match p.trim().to_ascii_lowercase().as_str() {
                "fitbit" => Some(Provider::Fitbit),
                "google" => Some(Provider::Google),
                _ => return Err(field_err("provider", "must be \"fitbit\" or \"google\"")),
            },
        };
        if client_id.trim().is_empty() {
            return Err(field_err(
                "client_id",
                "is empty: put your app's client id here",
            ));
        }
        let expires_at =
            take_time(&mut map, "expires_at").map_err(|p| field_err("expires_at", p))?;
        let refresh_token_expires_at = take_time(&mut map, "refresh_token_expires_at")
            .map_err(|p| field_err("refresh_token_expires_at", p))?;
        Ok(Config {
            client_id,
            client_secret: Secret::new(client_secret),
            access_token: Secret::new(access_token),
            refresh_token: Secret::new(refresh_token),
            expires_at,
            provider,
            redirect_uri,
            scope,
            user_id,
            refresh_token_expires_at,
            extra: map,
        })
    }

    /// The JSON text written to disk (pretty, trailing newline).
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Out<'a> {
            client_id: &'a str,
            client_secret: &'a str,
            access_token: &'a str,
            refresh_token: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            expires_at: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            provider: Option<Provider>,
            #[serde(skip_serializing_if = "Option::is_none")]
            redirect_uri: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            scope: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            user_id: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            refresh_token_expires_at: Option<String>,
            #[serde(flatten)]
            extra: &'a Map<String, Value>,
        }
        let rfc = |t: &Option<DateTime<Utc>>| {
            t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        };
        let out = Out {
            client_id: &self.client_id,
            client_secret: self.client_secret.expose(),
            access_token: self.access_token.expose(),
            refresh_token: self.refresh_token.expose(),
            expires_at: rfc(&self.expires_at),
            provider: self.provider,
            redirect_uri: self.redirect_uri.as_deref(),
            scope: self.scope.as_deref(),
            user_id: self.user_id.as_deref(),
            refresh_token_expires_at: rfc(&self.refresh_token_expires_at),
            extra: &self.extra,
        };
        // Serializing strings and a map of JSON values cannot fail.
        let mut s = serde_json::to_string_pretty(&out).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// serde_json's message without its " at line L column C" suffix (we report those apart).
fn syntax_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    match full.rfind(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full,
    }
}

fn take_time(
    map: &mut Map<String, Value>,
    key: &str,
) -> std::result::Result<Option<DateTime<Utc>>, &'static str> {
    const PROBLEM: &str = "must be an RFC 3339 time like \"2026-11-26T14:00:00Z\" or unix seconds";
    match map.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => DateTime::parse_from_rfc3339(s.trim())
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|_| PROBLEM),
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
            .and_then(|s| DateTime::from_timestamp(s, 0))
            .map(Some)
            .ok_or(PROBLEM),
        Some(_) => Err(PROBLEM),
    }
}

/// Where the config lives, and the only way to read or write it.
#[derive(Debug, Clone)]
pub struct ConfigStore {
    path: PathBuf,
    /// Writes a whole file (atomically); replaced in tests to simulate a full disk.
    writer: Writer,
}

/// What became of tokens the config file could not take, or where loaded tokens came from.
/// Holds paths and error texts only, never a token. `Display` says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenNote {
    /// Saving the config failed; the new tokens are in the recovery file (0600) and the next
    /// load uses them from there.
    Recovered {
        /// The config file that could not be written.
        config: PathBuf,
        /// Where the tokens are now.
        recovery: PathBuf,
        /// Why the config could not be written.
        error: String,
    },
    /// Neither the config nor the recovery file could be written: only this process has the
    /// new tokens; it retries the save before each request.
    InMemoryOnly {
        /// The config file that could not be written.
        config: PathBuf,
        /// The recovery file that could not be written either.
        recovery: PathBuf,
        /// Why neither could be written.
        error: String,
    },
    /// The tokens were loaded from the recovery file, which was newer than the config; `moved`
    /// when they have since been saved to the config (and the recovery file removed).
    LoadedRecovery {
        /// The config file.
        config: PathBuf,
        /// The recovery file the tokens came from.
        recovery: PathBuf,
        /// True when they are back in the config and the recovery file is gone.
        moved: bool,
    },
    /// A recovery file exists but was not used.
    IgnoredRecovery {
        /// The recovery file.
        recovery: PathBuf,
        /// Why it was not used.
        reason: String,
    },
}

impl PartialEq for ConfigStore {
    /// Two stores are equal when they name the same file.
    fn eq(&self, other: &ConfigStore) -> bool {
        self.path == other.path
    }
}

impl Eq for ConfigStore {}

impl TokenNote {
    /// What to do about it, when anything: tokens only in memory are lost with the process,
    /// and then the account must be authorized again.
    pub fn fix(&self) -> Option<crate::Fix> {
        match self {
            TokenNote::InMemoryOnly { .. } => Some(crate::Fix::Reauthorize),
            _ => None,
        }
    }
}

impl std::fmt::Display for TokenNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenNote::Recovered {
                config,
                recovery,
                error,
            } => write!(
                f,
                "the new tokens could not be saved to {} ({error}); they were written to {} \
                 instead and are used from there. Free disk space or make the folder writable; \
                 the next save moves them back into the config",
                config.display(),
                recovery.display()
            ),
            TokenNote::InMemoryOnly {
                config,
                recovery,
                error,
            } => write!(
                f,
                "the new tokens could not be saved to {} nor to {} ({error}); only this process \
                 has them and it retries the save before each request. Free disk space or make \
                 the folder writable now; once this process ends without a save, authorize again",
                config.display(),
                recovery.display()
            ),
            TokenNote::LoadedRecovery {
                config,
                recovery,
                moved,
            } => write!(
                f,
                "used the tokens in {}, newer than {} (an earlier save had failed); {}",
                recovery.display(),
                config.display(),
                if *moved {
                    "they are back in the config and the recovery file was removed"
                } else {
                    "the next save that succeeds moves them back into the config"
                }
            ),
            TokenNote::IgnoredRecovery { recovery, reason } => write!(
                f,
                "{} was not used: {reason}. Delete it if the config's tokens work",
                recovery.display()
            ),
        }
    }
}

/// An exclusive advisory lock on `<config>.lock`, released on drop.
#[derive(Debug)]
pub struct ConfigLock {
    file: File,
}

impl Drop for ConfigLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

impl ConfigStore {
    /// A store for the file at `path` (it need not exist yet).
    pub fn new(path: impl Into<PathBuf>) -> ConfigStore {
        ConfigStore {
            path: path.into(),
            writer: write_atomic,
        }
    }

    /// The same store writing files with `writer` (tests: a writer that fails like a full disk).
    #[doc(hidden)]
    pub fn with_writer(self, writer: Writer) -> ConfigStore {
        ConfigStore { writer, ..self }
    }

    /// The config file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The sibling lock file: `fb_conf.json` → `fb_conf.json.lock`.
    pub fn lock_path(&self) -> PathBuf {
        self.sibling(".lock")
    }

    /// The sibling recovery file, `fb_conf.json` → `fb_conf.json.recovered`: where
    /// [`ConfigStore::save_or_recover`] puts freshly rotated tokens when the config itself
    /// cannot be written. [`ConfigStore::load`] prefers it while it is newer than the config.
    pub fn recovery_path(&self) -> PathBuf {
        self.sibling(".recovered")
    }

    fn sibling(&self, suffix: &str) -> PathBuf {
        let mut name = self
            .path
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_else(|| "fb_conf.json".into());
        name.push(suffix);
        self.path.with_file_name(name)
    }

    /// Reads and validates the config, or the recovery file when that is newer (see
    /// [`ConfigStore::load_noting`], which also says which one was used).
    pub fn load(&self) -> Result<Config> {
        self.load_noting().map(|(config, _)| config)
    }

    /// Like [`ConfigStore::load`], and says whether the recovery file was involved:
    /// [`TokenNote::LoadedRecovery`] when it was used (it is valid, for the same `client_id`,
    /// and not older than the config, or the config is missing), [`TokenNote::IgnoredRecovery`]
    /// when one exists but was not used, `None` when there is none.
    pub fn load_noting(&self) -> Result<(Config, Option<TokenNote>)> {
        let recovery = self.recovery_path();
        let Ok(rec_meta) = std::fs::metadata(&recovery) else {
            return read_config(&self.path).map(|c| (c, None));
        };
        let main = read_config(&self.path);
        let ignored = |config: Config, reason: String| {
            let note = TokenNote::IgnoredRecovery {
                recovery: recovery.clone(),
                reason,
            };
            Ok((config, Some(note)))
        };
        let loaded = |config: Config| {
            let note = TokenNote::LoadedRecovery {
                config: self.path.clone(),
                recovery: recovery.clone(),
                moved: false,
            };
            Ok((config, Some(note)))
        };
        match (main, read_config(&recovery)) {
            (Err(Error::ConfigMissing { .. }), Ok(rec)) => loaded(rec),
            (Err(e), _) => Err(e),
            (Ok(main), Err(e)) => ignored(main, format!("it cannot be read ({e})")),
            (Ok(main), Ok(rec)) if rec.client_id != main.client_id => ignored(
                main,
                "it belongs to another client_id than the config".to_owned(),
            ),
            (Ok(main), Ok(rec)) => {
                let modified = |m: &std::fs::Metadata| m.modified().ok();
                let main_time = std::fs::metadata(&self.path)
                    .ok()
                    .and_then(|m| modified(&m));
                match (modified(&rec_meta), main_time) {
                    (Some(r), Some(m)) if r < m => ignored(
                        main,
                        "the config was changed after it was written".to_owned(),
                    ),
                    _ => loaded(rec),
                }
            }
        }
    }

    /// Takes the exclusive lock (waits for other holders). Hold it across load-change-save.
    pub fn lock(&self) -> Result<ConfigLock> {
        let path = self.lock_path();
        let mut opts = OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts.open(&path).map_err(|e| Error::io(&path, e))?;
        file.lock().map_err(|e| Error::io(&path, e))?;
        Ok(ConfigLock { file })
    }

    /// Writes `config` atomically: a 0600 temp file in the same directory, `sync_all`, rename
    /// over the target, fsync the directory. Refuses (with the parse error) to replace an
    /// existing file that cannot be parsed. The config then holds the newest state, so a
    /// recovery file is removed.
    pub fn save(&self, config: &Config) -> Result<()> {
        if self.path.exists() {
            match read_config(&self.path) {
                Ok(_) => {}
                Err(e @ (Error::ConfigSyntax { .. } | Error::ConfigField { .. })) => return Err(e),
                Err(_) => {}
            }
        }
        (self.writer)(&self.path, config.to_json().as_bytes())?;
        let _ = std::fs::remove_file(self.recovery_path());
        Ok(())
    }

    /// Saves freshly rotated tokens so that they are never lost: tries [`ConfigStore::save`]
    /// up to [`SAVE_ATTEMPTS`] times; if all fail (disk full, read-only folder), writes the
    /// config atomically (0600) to [`ConfigStore::recovery_path`] instead. `None` when the
    /// config was saved; otherwise what happened and what to do (the note holds paths and the
    /// error, never a token). A config file that no longer parses is not overwritten (nor
    /// retried): the tokens go to the recovery file.
    pub fn save_or_recover(&self, config: &Config) -> Option<TokenNote> {
        let mut last = None;
        for attempt in 0..SAVE_ATTEMPTS {
            if attempt > 0 {
                std::thread::sleep(std::time::Duration::from_millis(50 << attempt));
            }
            match self.save(config) {
                Ok(()) => return None,
                Err(e @ (Error::ConfigSyntax { .. } | Error::ConfigField { .. })) => {
                    last = Some(e);
                    break;
                }
                Err(e) => last = Some(e),
            }
        }
        let error = last.map(|e| e.to_string()).unwrap_or_default();
        let recovery = self.recovery_path();
        let note = match (self.writer)(&recovery, config.to_json().as_bytes()) {
            Ok(()) => TokenNote::Recovered {
                config: self.path.clone(),
                recovery,
                error,
            },
            Err(e) => TokenNote::InMemoryOnly {
                config: self.path.clone(),
                recovery,
                error: format!("{error}; {e}"),
            },
        };
        Some(note)
    }

    /// Lock, load, change, save; returns the saved config. Nothing is written if loading fails.
    pub fn update(&self, change: impl FnOnce(&mut Config)) -> Result<Config> {
        let _lock = self.lock()?;
        let mut cfg = self.load()?;
        change(&mut cfg);
        self.save(&cfg)?;
        Ok(cfg)
    }
}

/// How many times [`ConfigStore::save_or_recover`] tries the config before the recovery file.
pub const SAVE_ATTEMPTS: u32 = 3;

/// Writes a whole file. The default is atomic: a 0600 temp file in the same directory,
/// `sync_all`, rename over the target, fsync the directory.
pub type Writer = fn(&Path, &[u8]) -> Result<()>;

pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::atomic::write_durably(path, bytes, 0o600)
}

/// Reads and validates one config file.
fn read_config(path: &Path) -> Result<Config> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::ConfigMissing {
                path: path.to_path_buf(),
            });
        }
        Err(e) => return Err(Error::io(path, e)),
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let column = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
        Error::ConfigSyntax {
            path: path.to_path_buf(),
            line,
            column,
            message: "the file is not valid UTF-8".into(),
        }
    })?;
    Config::from_json(&text, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: &str = r#"{
  "client_id": "23ABCD",
  "client_secret": "0123456789abcdef0123456789abcdef",
  "access_token": "eyJhbGciOiJIUzI1NiJ9.old",
  "refresh_token": "c643a63c072f"
}"#;

    fn store_with(text: &str) -> (tempfile::TempDir, ConfigStore) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fb_conf.json");
        std::fs::write(&path, text).unwrap();
        (dir, ConfigStore::new(path))
    }

    #[test]
    fn loads_the_four_key_file_users_have_today() {
        let (_d, store) = store_with(TODAY);
        let c = store.load().unwrap();
        assert_eq!(c.client_id, "23ABCD");
        assert_eq!(c.refresh_token.expose(), "c643a63c072f");
        assert_eq!(c.expires_at, None);
        assert_eq!(c.provider(), Provider::Fitbit);
        assert!(c.extra.is_empty());
        assert!(!format!("{c:?}").contains("c643a63c072f"));
    }

    #[test]
    fn round_trip_keeps_unknown_keys_and_writes_rfc3339() {
        let text = "\u{feff}{\"client_id\":\"1-x.apps.googleusercontent.com\",\"client_secret\":\"s\",\
                    \"access_token\":\"\",\"refresh_token\":\"\",\"expires_at\":1790000000,\
                    \"note\":{\"a\":[1,2]}}";
        let (_d, store) = store_with(text);
        let c = store.load().unwrap();
        assert_eq!(c.provider(), Provider::Google);
        store.save(&c).unwrap();
        let written = std::fs::read_to_string(store.path()).unwrap();
        assert!(
            written.contains("\"expires_at\": \"2026-09-21T14:13:20Z\""),
            "{written}"
        );
        assert!(written.contains("\"note\""));
        let again = store.load().unwrap();
        assert_eq!(again, c);
    }

    #[test]
    fn errors_name_the_problem() {
        let dir = tempfile::tempdir().unwrap();
        let missing = ConfigStore::new(dir.path().join("nope.json"));
        assert!(matches!(missing.load(), Err(Error::ConfigMissing { .. })));

        let (_d, s) = store_with("{\n  \"client_id\": \"a\",\n  \"client_secret\": }");
        match s.load() {
            Err(e @ Error::ConfigSyntax { line: 3, .. }) => {
                assert!(e.to_string().contains("fb_conf.json"))
            }
            other => panic!("{other:?}"),
        }
        let (_d, s) = store_with(r#"{"client_secret":"x"}"#);
        match s.load() {
            Err(Error::ConfigField { field, problem, .. }) => {
                assert_eq!(
                    (field.as_str(), problem.as_str()),
                    ("client_id", "is missing")
                )
            }
            other => panic!("{other:?}"),
        }
        let (_d, s) = store_with(r#"{"client_id":"a","client_secret":42}"#);
        match s.load() {
            Err(Error::ConfigField { field, problem, .. }) => {
                assert_eq!(
                    (field.as_str(), problem.as_str()),
                    ("client_secret", "must be a string")
                )
            }
            other => panic!("{other:?}"),
        }
        let (_d, s) = store_with(r#"{"client_id":"a","client_secret":"b","expires_at":"soon"}"#);
        assert!(matches!(s.load(), Err(Error::ConfigField { field, .. }) if field == "expires_at"));
        let (_d, s) = store_with(r#"["client_id"]"#);
        assert!(matches!(s.load(), Err(Error::ConfigField { .. })));
    }

    #[test]
    fn a_bad_file_is_never_overwritten() {
        for bad in [
            "{ \"client_id\": ",
            r#"{"client_id": 5, "client_secret": "s"}"#,
        ] {
            let (_d, store) = store_with(bad);
            assert!(store.update(|c| c.client_id = "changed".into()).is_err());
            assert!(store.save(&Config::example()).is_err());
            assert_eq!(std::fs::read_to_string(store.path()).unwrap(), bad);
        }
    }

    #[cfg(unix)]
    #[test]
    fn save_is_atomic_and_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = ConfigStore::new(dir.path().join("fb_conf.json"));
        store.save(&Config::example()).unwrap();
        let mode = std::fs::metadata(store.path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let c = store
            .update(|c| c.scope = Some("heartrate".into()))
            .unwrap();
        assert_eq!(store.load().unwrap(), c);
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
        assert!(names.contains(&"fb_conf.json.lock".to_string()));
    }

    #[test]
    fn the_lock_is_exclusive_until_dropped() {
        let (_d, store) = store_with(TODAY);
        let lock = store.lock().unwrap();
        let other = File::options().write(true).open(store.lock_path()).unwrap();
        assert!(other.try_lock().is_err());
        drop(lock);
        assert!(other.try_lock().is_ok());
    }

    #[test]
    fn example_parses_and_loads() {
        let c = Config::from_json(EXAMPLE_JSON, "fb_conf.example.json").unwrap();
        assert_eq!(c, Config::example());
    }

    #[test]
    fn load_uses_a_recovery_file_only_when_it_is_newer_and_for_the_same_app() {
        let (dir, store) = store_with(TODAY);
        let recovery = store.recovery_path();
        assert_eq!(recovery, dir.path().join("fb_conf.json.recovered"));
        assert_eq!(store.load_noting().unwrap().1, None);

        let mut newer = store.load().unwrap();
        newer.refresh_token = Secret::new("rotated-refresh");
        std::fs::write(&recovery, newer.to_json()).unwrap();
        let (c, note) = store.load_noting().unwrap();
        assert_eq!(c.refresh_token.expose(), "rotated-refresh");
        assert!(
            matches!(note, Some(TokenNote::LoadedRecovery { .. })),
            "{note:?}"
        );

        // Older than the config (edited by hand since): not used, and said why.
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        File::options()
            .write(true)
            .open(&recovery)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let (c, note) = store.load_noting().unwrap();
        assert_eq!(c.refresh_token.expose(), "c643a63c072f");
        let said = note.unwrap().to_string();
        assert!(said.contains("changed after"), "{said}");
        assert!(!said.contains("rotated-refresh"), "{said}");

        // Another app's tokens, or a broken file: not used either.
        let mut other = newer.clone();
        other.client_id = "99ZZZZ".into();
        std::fs::write(&recovery, other.to_json()).unwrap();
        let (c, note) = store.load_noting().unwrap();
        assert_eq!(c.client_id, "23ABCD");
        assert!(note.unwrap().to_string().contains("another client_id"));
        std::fs::write(&recovery, "{ half").unwrap();
        let (c, note) = store.load_noting().unwrap();
        assert_eq!(c.client_id, "23ABCD");
        assert!(note.unwrap().to_string().contains("cannot be read"));

        // The config gone: the recovery file is what is left.
        std::fs::write(&recovery, newer.to_json()).unwrap();
        std::fs::remove_file(store.path()).unwrap();
        assert_eq!(
            store.load().unwrap().refresh_token.expose(),
            "rotated-refresh"
        );

        // A successful save makes the config the newest state again.
        store.save(&newer).unwrap();
        assert!(!recovery.exists());
        assert_eq!(store.load_noting().unwrap(), (newer, None));
    }

    #[test]
    fn a_config_broken_before_the_save_sends_the_tokens_to_the_recovery_file() {
        let (_d, store) = store_with("{ oops");
        let mut c = Config::example();
        c.refresh_token = Secret::new("fresh-pair");
        let note = store.save_or_recover(&c);
        assert!(
            matches!(note, Some(TokenNote::Recovered { .. })),
            "{note:?}"
        );
        assert!(!note.unwrap().to_string().contains("fresh-pair"));
        assert_eq!(std::fs::read_to_string(store.path()).unwrap(), "{ oops");
        let rec = ConfigStore::new(store.recovery_path()).load().unwrap();
        assert_eq!(rec.refresh_token.expose(), "fresh-pair");
    }
}
