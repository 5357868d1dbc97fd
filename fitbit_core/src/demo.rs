//! The no-account demo: a config for the local emulator (`fitbit_sim`), authorized through the
//! same OAuth code the real services use, so the demo exercises the real paths.

use std::path::PathBuf;

use crate::auth::{AuthRequest, Session, flow};
use crate::config::ConfigStore;
use crate::http::{HttpClient, Request, ReqwestTransport, Transport};
use crate::provider::{Endpoints, Provider};
use crate::{Config, Error, Result, Secret};

/// Where the emulator listens unless `$FITBIT_SIM_URL` says otherwise.
pub const DEFAULT_SIM_URL: &str = "http://127.0.0.1:8790";

/// The account the demo signs in as: the emulator's first (`participant0@example.com`,
/// URL-encoded), whatever number of accounts it serves.
const DEMO_LOGIN_HINT: &str = "participant0%40example.com";

/// The emulator's demo Fitbit app (type Personal).
pub const FITBIT_CLIENT_ID: &str = "23DEMO";
/// The emulator's demo Fitbit app secret (not a real secret: the emulator is local).
pub const FITBIT_CLIENT_SECRET: &str = "demo-fitbit-secret";
/// The emulator's demo Google OAuth client (Desktop type).
pub const GOOGLE_CLIENT_ID: &str = "demo.apps.googleusercontent.com";
/// The emulator's demo Google OAuth client secret.
pub const GOOGLE_CLIENT_SECRET: &str = "demo-google-secret";

/// The emulator's base URL: `$FITBIT_SIM_URL` or [`DEFAULT_SIM_URL`].
pub fn sim_url() -> String {
    std::env::var("FITBIT_SIM_URL")
        .ok()
        .map(|v| v.trim().trim_end_matches('/').to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| DEFAULT_SIM_URL.to_string())
}

/// Every endpoint of both providers pointed at the emulator at `sim`.
///
/// ```
/// let e = fitbit_core::demo::endpoints("http://127.0.0.1:9");
/// assert_eq!(e.token_url(fitbit_core::Provider::Fitbit), "http://127.0.0.1:9/oauth2/token");
/// assert_eq!(e.token_url(fitbit_core::Provider::Google), "http://127.0.0.1:9/token");
/// ```
pub fn endpoints(sim: &str) -> Endpoints {
    Endpoints {
        fitbit_api: sim.to_string(),
        fitbit_authorize: format!("{sim}/oauth2/authorize"),
        google_health_api: sim.to_string(),
        google_token: format!("{sim}/token"),
        google_authorize: format!("{sim}/o/oauth2/v2/auth"),
    }
}

/// The provider the demo plays: `$FITBIT_DEMO_PROVIDER` (`google` or `fitbit`), default Google,
/// the live API today.
pub fn provider() -> Provider {
    match std::env::var("FITBIT_DEMO_PROVIDER")
        .ok()
        .as_deref()
        .map(str::trim)
    {
        Some("fitbit") => Provider::Fitbit,
        _ => Provider::Google,
    }
}

/// Where the demo keeps its config: `$FITBIT_DEMO_CONFIG`, else a file in the temp directory.
pub fn config_path(provider: Provider) -> PathBuf {
    if let Ok(p) = std::env::var("FITBIT_DEMO_CONFIG")
        && !p.trim().is_empty()
    {
        return PathBuf::from(p);
    }
    let name = match provider {
        Provider::Fitbit => "fb_conf.demo-fitbit.json",
        Provider::Google => "fb_conf.demo-google.json",
    };
    std::env::temp_dir().join("fitbit_core_demo").join(name)
}

/// Writes a demo config for `provider`, authorizes it against the emulator at `sim` (the
/// emulator consents on the user's behalf), and returns the path.
pub fn authorize(sim: &str, provider: Provider, path: &std::path::Path) -> Result<()> {
    let (id, secret) = match provider {
        Provider::Fitbit => (FITBIT_CLIENT_ID, FITBIT_CLIENT_SECRET),
        Provider::Google => (GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET),
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let store = ConfigStore::new(path);
    // A fresh file each time: the emulator forgets its tokens when it restarts.
    let _ = std::fs::remove_file(path);
    let mut cfg = Config::new(id, Secret::new(secret));
    cfg.provider = Some(provider);
    store.save(&cfg)?;

    let ends = endpoints(sim);
    let redirect = match provider {
        Provider::Fitbit => "http://localhost:8000",
        Provider::Google => "http://127.0.0.1:8085",
    };
    let auth = AuthRequest::new(provider, &ends, id, redirect);
    // The emulator may serve several people (`--accounts N`, a demo study): sign in its first.
    let url = format!("{}&login_hint={DEMO_LOGIN_HINT}", auth.url);
    let transport = ReqwestTransport::new().map_err(|e| Error::Network {
        url: sim.to_string(),
        message: e.message.clone(),
    })?;
    let answer = transport.send(&Request::get(&url)).map_err(|e| Error::Network {
        url: sim.to_string(),
        message: format!(
            "{}. Is the emulator running? Start it with `target/release/fitbit_sim` or `make demo`",
            e.message
        ),
    })?;
    let location = answer
        .header("location")
        .ok_or_else(|| Error::Authorization {
            message: format!(
                "the emulator answered HTTP {} without a redirect",
                answer.status
            ),
        })?;
    let code = flow::parse_redirect(location, &auth.state)?;
    flow::complete(&store, &HttpClient::default(), &ends, &auth, &code)?;
    Ok(())
}

/// A session on the emulator at [`sim_url`], freshly authorized.
pub fn session() -> Result<Session> {
    let sim = sim_url();
    let provider = provider();
    let path = config_path(provider);
    authorize(&sim, provider, &path)?;
    Session::open(&path, endpoints(&sim))
}
