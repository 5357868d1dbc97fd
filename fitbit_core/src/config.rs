//! `fb_conf.json`: load, validate, atomic save (temp file, fsync, rename, 0600), advisory lock.
//!
//! The file users have today holds exactly `client_id`, `client_secret`, `access_token` and
//! `refresh_token`. The other fields are optional; unknown keys are kept and written back.
//! A file that cannot be parsed is never overwritten.

use std::fs::{File, OpenOptions};
use std::io::Write;
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
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigStore {
    path: PathBuf,
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
        ConfigStore { path: path.into() }
    }

    /// The config file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The sibling lock file: `fb_conf.json` → `fb_conf.json.lock`.
    pub fn lock_path(&self) -> PathBuf {
        let mut name = self
            .path
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_else(|| "fb_conf.json".into());
        name.push(".lock");
        self.path.with_file_name(name)
    }

    /// Reads and validates the file.
    pub fn load(&self) -> Result<Config> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::ConfigMissing {
                    path: self.path.clone(),
                });
            }
            Err(e) => return Err(Error::io(&self.path, e)),
        };
        let text = String::from_utf8(bytes).map_err(|e| {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            let column = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
            Error::ConfigSyntax {
                path: self.path.clone(),
                line,
                column,
                message: "the file is not valid UTF-8".into(),
            }
        })?;
        Config::from_json(&text, &self.path)
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
    /// existing file that cannot be parsed.
    pub fn save(&self, config: &Config) -> Result<()> {
        if self.path.exists() {
            match self.load() {
                Ok(_) => {}
                Err(e @ (Error::ConfigSyntax { .. } | Error::ConfigField { .. })) => return Err(e),
                Err(_) => {}
            }
        }
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let tmp = dir.join(format!(
            ".{}.tmp-{}-{}",
            self.path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "fb_conf.json".into()),
            std::process::id(),
            random_suffix()
        ));
        let result = write_new_file(&tmp, config.to_json().as_bytes())
            .and_then(|()| std::fs::rename(&tmp, &self.path).map_err(|e| Error::io(&self.path, e)));
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
            return result;
        }
        #[cfg(unix)]
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
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

fn write_new_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(|e| Error::io(path, e))?;
    f.write_all(bytes).map_err(|e| Error::io(path, e))?;
    f.sync_all().map_err(|e| Error::io(path, e))?;
    Ok(())
}

fn random_suffix() -> String {
    let mut b = [0u8; 6];
    if getrandom::fill(&mut b).is_err() {
        return format!("{:x}", Utc::now().timestamp_nanos_opt().unwrap_or_default());
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
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
}
