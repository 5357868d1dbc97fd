//! Authorization from a notebook (or any place without a terminal): print a URL, paste back the
//! URL the browser was redirected to. Works on Binder and remote machines.

use std::path::{Path, PathBuf};

use crate::auth::{AuthRequest, default_redirect_uri, flow};
use crate::config::ConfigStore;
use crate::http::HttpClient;
use crate::provider::Endpoints;
use crate::{Config, Result};

/// An authorization in progress: show [`NotebookAuth::url`], then call [`NotebookAuth::finish`]
/// with the address the browser ended on.
///
/// ```no_run
/// let pending = fitbit_core::auth::NotebookAuth::begin("fb_conf.json")?;
/// println!("Open {}", pending.url());
/// pending.finish("http://localhost:8000/?code=abc&state=xyz#_=_")?;
/// # Ok::<(), fitbit_core::Error>(())
/// ```
#[derive(Debug)]
pub struct NotebookAuth {
    path: PathBuf,
    endpoints: Endpoints,
    request: AuthRequest,
}

impl NotebookAuth {
    /// Reads client_id (and the provider, redirect_uri) from the config at `path`; the
    /// provider's addresses come from the environment ([`Endpoints::from_env`]).
    pub fn begin(path: impl AsRef<Path>) -> Result<NotebookAuth> {
        NotebookAuth::begin_with(path, Endpoints::from_env())
    }

    /// [`NotebookAuth::begin`] against the given provider addresses (an emulator, a mirror).
    pub fn begin_with(path: impl AsRef<Path>, endpoints: Endpoints) -> Result<NotebookAuth> {
        let store = ConfigStore::new(path.as_ref());
        let cfg: Config = store.load()?;
        let provider = cfg.provider();
        let redirect = cfg
            .redirect_uri
            .clone()
            .unwrap_or_else(|| default_redirect_uri(provider).to_string());
        let request = AuthRequest::new(provider, &endpoints, &cfg.client_id, &redirect);
        Ok(NotebookAuth {
            path: path.as_ref().to_path_buf(),
            endpoints,
            request,
        })
    }

    /// The address to open in a browser.
    pub fn url(&self) -> &str {
        &self.request.url
    }

    /// Exchanges the code in the pasted redirect URL and saves the tokens. Returns a line for
    /// people (no secrets).
    pub fn finish(&self, pasted: &str) -> Result<String> {
        let code = flow::parse_redirect(pasted, &self.request.state)?;
        let store = ConfigStore::new(&self.path);
        let http = HttpClient::default();
        let cfg = flow::complete(&store, &http, &self.endpoints, &self.request, &code)?;
        Ok(format!(
            "Authorized with {}: tokens saved to {}",
            cfg.provider(),
            self.path.display()
        ))
    }
}
