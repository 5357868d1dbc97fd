//! Enrolling a participant (`fitbit auth --cohort FILE --participant ID`): which app
//! credentials their authorization uses, and the config it creates or renews.
//!
//! The app's client id and secret come from, in this order: a config named on purpose (`--app
//! PATH`), the participant's own config when it exists (renewing a grant), else
//! [`CLIENT_TEMPLATE`] beside the cohort file. Only `client_id`, `client_secret`, `provider` and
//! `redirect_uri` are taken from an app config, never its tokens. The participant's config gets
//! `"user": ID`, the study's pseudonym, and the single config's safety: the lock, an atomic
//! 0600 save, and a file that cannot be parsed is never overwritten.

use std::path::{Path, PathBuf};

use super::file::{CLIENT_TEMPLATE, Cohort, Participant};
use crate::auth::{AuthRequest, flow};
use crate::config::{Config, ConfigStore};
use crate::http::HttpClient;
use crate::provider::{Endpoints, Provider};
use crate::{Error, Result};

/// Where the app credentials of an enrollment come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppSource {
    /// A config named on purpose (`--app PATH`).
    Named(PathBuf),
    /// The participant's own config: their grant is renewed.
    Participant,
    /// [`CLIENT_TEMPLATE`] beside the cohort file (a new participant).
    Template(PathBuf),
}

/// One participant's authorization about to happen: build the [`AuthRequest`] from
/// [`Enrollment::client_id`] and [`Enrollment::provider`], then [`Enrollment::complete`] it with
/// the code.
///
/// ```no_run
/// use fitbit_core::cohort::{Cohort, Enrollment};
/// use fitbit_core::{auth::AuthRequest, http::HttpClient, provider::Endpoints};
/// let cohort = Cohort::load("study/cohort.csv")?;
/// let enrollment = Enrollment::prepare(&cohort, "P01", None)?;
/// let endpoints = Endpoints::from_env();
/// let auth = AuthRequest::with_login_hint(enrollment.provider(), &endpoints,
///     enrollment.client_id(), "http://127.0.0.1:8085", Some("p01@example.org"));
/// println!("open {}", auth.url);
/// let code = "…"; // from the redirect
/// enrollment.complete(&HttpClient::default(), &endpoints, &auth, code)?;
/// # Ok::<(), fitbit_core::Error>(())
/// ```
#[derive(Debug)]
pub struct Enrollment {
    participant: Participant,
    store: ConfigStore,
    app: Config,
    source: AppSource,
}

impl Enrollment {
    /// Finds participant `id` and the app credentials for them (`app`: a config holding them,
    /// else the participant's config, else [`CLIENT_TEMPLATE`]). Errors say what to do: an id
    /// not in the cohort file, a participant config that cannot be parsed (left as it is), no
    /// app config.
    pub fn prepare(cohort: &Cohort, id: &str, app: Option<&Path>) -> Result<Enrollment> {
        let participant = cohort.participant(id)?.clone();
        let store = ConfigStore::new(&participant.config);
        let existing = match store.load() {
            Ok(cfg) => Some(cfg),
            Err(Error::ConfigMissing { .. }) => None,
            Err(e) => return Err(e),
        };
        let (source, app) = match (app, existing) {
            (Some(path), _) => (
                AppSource::Named(path.to_path_buf()),
                load_app(path, cohort, id)?,
            ),
            (None, Some(cfg)) => (AppSource::Participant, cfg),
            (None, None) => {
                let path = cohort.dir().join(CLIENT_TEMPLATE);
                (
                    AppSource::Template(path.clone()),
                    load_app(&path, cohort, id)?,
                )
            }
        };
        Ok(Enrollment {
            participant,
            store,
            app,
            source,
        })
    }

    /// The participant.
    pub fn participant(&self) -> &Participant {
        &self.participant
    }

    /// Where the app credentials come from.
    pub fn source(&self) -> &AppSource {
        &self.source
    }

    /// Whether the participant's config exists (their grant is renewed, the rest of the file
    /// kept) rather than created.
    pub fn renewing(&self) -> bool {
        self.participant.config.exists()
    }

    /// The app's client id.
    pub fn client_id(&self) -> &str {
        &self.app.client_id
    }

    /// The app's provider.
    pub fn provider(&self) -> Provider {
        self.app.provider()
    }

    /// The redirect URI the app config names, if any.
    pub fn redirect_uri(&self) -> Option<&str> {
        self.app.redirect_uri.as_deref()
    }

    /// Exchanges `code` and writes the participant's config (creating its folder, mode 0700,
    /// when needed) under the config lock: the tokens, `"user": ID`, and the app's credentials
    /// when they came from elsewhere; every other key of an existing config is kept.
    pub fn complete(
        &self,
        http: &HttpClient,
        endpoints: &Endpoints,
        auth: &AuthRequest,
        code: &str,
    ) -> Result<Config> {
        if let Some(dir) = self
            .participant
            .config
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            create_private_dir(dir)?;
        }
        flow::complete_with(&self.store, http, endpoints, auth, code, |current| {
            Ok(self.config_for(current))
        })
    }

    /// The config the new grant goes into, from the participant's current one (if any).
    fn config_for(&self, current: Option<Config>) -> Config {
        let mut cfg = current.unwrap_or_else(|| Config::new("", Default::default()));
        if self.source != AppSource::Participant || cfg.client_id.is_empty() {
            cfg.client_id = self.app.client_id.clone();
            cfg.client_secret = self.app.client_secret.clone();
            cfg.provider = self.app.provider;
            cfg.redirect_uri = self.app.redirect_uri.clone();
        }
        cfg.extra
            .insert("user".into(), self.participant.id.as_str().into());
        cfg
    }
}

/// The app credentials in `path`, or an error naming the ways to provide them.
fn load_app(path: &Path, cohort: &Cohort, id: &str) -> Result<Config> {
    match ConfigStore::new(path).load() {
        Err(Error::ConfigMissing { .. }) => Err(Error::InvalidInput {
            what: format!("app config {}", path.display()),
            hint: format!(
                "not found. Enrolling {id} needs the study app's client_id and client_secret: \
                 put them in {} (like fb_conf.example.json, tokens empty), or name another \
                 config that holds them as the app config",
                cohort.dir().join(CLIENT_TEMPLATE).display()
            ),
        }),
        other => other,
    }
}

/// Creates `dir` (and its parents) private to the user, as configs hold secrets; an existing
/// folder is left as it is.
fn create_private_dir(dir: &Path) -> Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir).map_err(|e| Error::io(dir, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{FnTransport, Request, Response};
    use crate::secret::Secret;

    const GOOGLE: &str = r#"{"client_id":"1-a.apps.googleusercontent.com","client_secret":"app-secret","access_token":"tmpl-at","refresh_token":"tmpl-rt","redirect_uri":"http://localhost:8080"}"#;

    fn study(files: &[(&str, &str)]) -> (tempfile::TempDir, Cohort) {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("cohort.csv");
        std::fs::write(&csv, "participant,config\nP01,configs/P01.json\n").unwrap();
        for (name, text) in files {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let cohort = Cohort::load(&csv).unwrap();
        (dir, cohort)
    }

    /// A token endpoint that answers every request with `body`.
    fn token_endpoint(body: &'static str) -> HttpClient {
        HttpClient::new(FnTransport::new(move |_req: &Request| {
            Ok(Response::new(200, body))
        }))
    }

    fn auth_for(e: &Enrollment) -> AuthRequest {
        AuthRequest::new(
            e.provider(),
            &Endpoints::default(),
            e.client_id(),
            "http://127.0.0.1:8085",
        )
    }

    #[test]
    fn a_new_participant_gets_the_templates_app_and_their_own_tokens() {
        let (dir, cohort) = study(&[(CLIENT_TEMPLATE, GOOGLE)]);
        let e = Enrollment::prepare(&cohort, "P01", None).unwrap();
        assert!(matches!(e.source(), AppSource::Template(_)) && !e.renewing());
        assert_eq!(e.provider(), Provider::Google);
        let http = token_endpoint(
            r#"{"access_token":"p-at","expires_in":3599,"refresh_token":"p-rt","scope":"s","token_type":"Bearer"}"#,
        );
        let cfg = e
            .complete(&http, &Endpoints::default(), &auth_for(&e), "code")
            .unwrap();
        let path = dir.path().join("configs/P01.json");
        let disk = ConfigStore::new(&path).load().unwrap();
        assert_eq!(disk, cfg);
        assert_eq!(disk.client_secret, Secret::new("app-secret"));
        assert_eq!(disk.access_token, Secret::new("p-at"));
        assert_eq!(
            disk.refresh_token,
            Secret::new("p-rt"),
            "never the template's"
        );
        assert_eq!(disk.extra["user"], "P01");
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.path().join("configs")), 0o700);
    }

    #[test]
    fn renewing_keeps_the_participants_file_and_replaces_the_whole_grant() {
        let old = r#"{"client_id":"1-a.apps.googleusercontent.com","client_secret":"own","access_token":"old","refresh_token":"old","user_id":"OLDID","scope":"old","note":"kept","user":"P01"}"#;
        let (dir, cohort) = study(&[("configs/P01.json", old)]);
        let e = Enrollment::prepare(&cohort, "P01", None).unwrap();
        assert_eq!(e.source(), &AppSource::Participant);
        assert!(e.renewing());
        let http = token_endpoint(
            r#"{"access_token":"new-at","expires_in":3599,"token_type":"Bearer","refresh_token":"new-rt"}"#,
        );
        e.complete(&http, &Endpoints::default(), &auth_for(&e), "code")
            .unwrap();
        let disk = ConfigStore::new(dir.path().join("configs/P01.json"))
            .load()
            .unwrap();
        assert_eq!(disk.client_secret, Secret::new("own"));
        assert_eq!(disk.refresh_token, Secret::new("new-rt"));
        assert_eq!(disk.user_id, None, "the old account's id is gone");
        assert_eq!(disk.scope, None);
        assert_eq!(disk.extra["note"], "kept");
    }

    #[test]
    fn errors_name_the_fix_and_touch_nothing() {
        let (dir, cohort) = study(&[]);
        let e = Enrollment::prepare(&cohort, "P01", None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(CLIENT_TEMPLATE) && e.contains("app config"),
            "{e}"
        );
        let e = Enrollment::prepare(&cohort, "P01", Some(&dir.path().join("nope.json")))
            .unwrap_err()
            .to_string();
        assert!(e.contains("nope.json") && !e.contains("--"), "{e}");
        let e = Enrollment::prepare(&cohort, "P09", None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("P09,configs/P09.json"), "{e}");
        assert!(!dir.path().join("configs").exists());

        let bad = "{\"client_id\": ";
        let (dir, cohort) = study(&[(CLIENT_TEMPLATE, GOOGLE), ("configs/P01.json", bad)]);
        assert!(matches!(
            Enrollment::prepare(&cohort, "P01", None),
            Err(Error::ConfigSyntax { .. })
        ));
        let path = dir.path().join("configs/P01.json");
        assert_eq!(std::fs::read_to_string(path).unwrap(), bad);
    }
}
