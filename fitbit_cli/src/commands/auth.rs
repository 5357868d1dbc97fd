//! `fitbit auth`: authorization code with PKCE and state, loopback redirect or pasted URL; with
//! `--cohort FILE --participant ID` it creates or renews that participant's config.

use std::io::BufRead;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use clap::Parser;
use fitbit_core::auth::{AuthRequest, default_redirect_uri, flow, sends_login_hint};
use fitbit_core::cohort::{AppSource, Cohort, Enrollment};
use fitbit_core::config::ConfigStore;
use fitbit_core::http::HttpClient;
use fitbit_core::provider::Endpoints;
use fitbit_core::{Config, Error, Provider, Result};

#[derive(Parser, Debug)]
pub struct Args {
    /// Redirect URI registered with your app. Default: `redirect_uri` from the config, else
    /// http://localhost:8000 for Fitbit and a free loopback port for Google Desktop clients.
    #[arg(long)]
    redirect_uri: Option<String>,
    /// Seconds to wait for the browser (or the pasted URL).
    #[arg(long, default_value_t = 300)]
    timeout: u64,
    /// Do not listen on the loopback address; only accept the pasted URL.
    #[arg(long)]
    no_listen: bool,
    /// Enroll (or renew) a participant of this cohort file instead of authorizing --config;
    /// needs --participant.
    #[arg(long, requires = "participant", value_name = "FILE")]
    cohort: Option<PathBuf>,
    /// The participant id (as in the cohort file) whose config is created or renewed.
    #[arg(long, requires = "cohort", value_name = "ID")]
    participant: Option<String>,
    /// A config holding the study app's client_id and client_secret (its tokens are not used).
    /// Default: the participant's own config when it exists, else cohort_client.json beside the
    /// cohort file.
    #[arg(long, requires = "cohort", value_name = "PATH")]
    app: Option<PathBuf>,
    /// The account to sign in with (Google's `login_hint`, e.g. the participant's address). It
    /// is only sent to the provider in the authorize address, never written to a file or log.
    /// Fitbit documents no such parameter: there it is not sent.
    #[arg(long, value_name = "EMAIL")]
    login_hint: Option<String>,
}

pub fn run(config: &Path, args: &Args) -> Result<()> {
    match (&args.cohort, &args.participant) {
        (Some(cohort), Some(id)) => enroll(cohort, id, args),
        _ => single(config, args),
    }
}

/// `fitbit auth`: the tokens of the config at `config`.
fn single(config: &Path, args: &Args) -> Result<()> {
    let store = ConfigStore::new(config);
    let cfg = store.load()?;
    let saved = authorize(
        cfg.provider(),
        &cfg.client_id,
        cfg.redirect_uri.as_deref(),
        args,
        |http, endpoints, auth, code| flow::complete(&store, http, endpoints, auth, code),
    )?;
    println!(
        "Authorized with {}. Tokens saved to {}{}.",
        saved.provider(),
        config.display(),
        valid_until(&saved)
    );
    Ok(())
}

/// `fitbit auth --cohort FILE --participant ID`: that participant's config, created or renewed.
fn enroll(cohort_path: &Path, id: &str, args: &Args) -> Result<()> {
    let cohort = Cohort::load(cohort_path)?;
    let enrollment =
        Enrollment::prepare(&cohort, id, args.app.as_deref()).map_err(|e| match e {
            // The library names the app config; the CLI names the flag that sets it.
            Error::InvalidInput { what, hint } if what.starts_with("app config") => {
                Error::InvalidInput {
                    what,
                    hint: format!("{hint} (--app PATH)"),
                }
            }
            other => other,
        })?;
    let config = enrollment.participant().config.clone();
    let app = match enrollment.source() {
        AppSource::Named(p) | AppSource::Template(p) => format!("the app in {}", p.display()),
        AppSource::Participant => "the app already in it".to_string(),
    };
    if enrollment.renewing() {
        println!(
            "Renewing {id}'s authorization in {} ({app}).",
            config.display()
        );
    } else {
        println!("Enrolling {id}: a new config {} ({app}).", config.display());
    }
    println!("Have {id} sign in with their own account on the page below.");
    let saved = authorize(
        enrollment.provider(),
        enrollment.client_id(),
        enrollment.redirect_uri(),
        args,
        |http, endpoints, auth, code| enrollment.complete(http, endpoints, auth, code),
    )?;
    println!(
        "Authorized {id} with {}. Tokens saved to {}{}.",
        saved.provider(),
        config.display(),
        valid_until(&saved)
    );
    println!(
        "Next: fitbit sync --cohort {} --store DIR",
        cohort_path.display()
    );
    Ok(())
}

fn valid_until(cfg: &Config) -> String {
    cfg.expires_at
        .map(|t| {
            format!(
                " (access token valid until {} UTC)",
                t.format("%Y-%m-%d %H:%M")
            )
        })
        .unwrap_or_default()
}

/// The PKCE flow for the app `client_id` of `provider`: prints the authorize address, takes the
/// code from the loopback listener or the pasted redirect, and hands it to `finish` (which
/// exchanges it and saves the tokens).
fn authorize(
    provider: Provider,
    client_id: &str,
    config_redirect: Option<&str>,
    args: &Args,
    finish: impl FnOnce(&HttpClient, &Endpoints, &AuthRequest, &str) -> Result<Config>,
) -> Result<Config> {
    let endpoints = Endpoints::from_env();

    let mut listener = None;
    let redirect = match args
        .redirect_uri
        .clone()
        .or_else(|| config_redirect.map(str::to_string))
    {
        Some(r) => r,
        None if provider == Provider::Google && !args.no_listen => {
            // Desktop clients accept any loopback port: take a free one.
            let l = TcpListener::bind("127.0.0.1:0").map_err(|e| Error::io("127.0.0.1:0", e))?;
            let port = l
                .local_addr()
                .map_err(|e| Error::io("127.0.0.1", e))?
                .port();
            listener = Some(l);
            format!("http://127.0.0.1:{port}")
        }
        None => default_redirect_uri(provider).to_string(),
    };
    if listener.is_none() && !args.no_listen {
        listener = loopback_listener(&redirect);
    }

    if args.login_hint.is_some() && !sends_login_hint(provider) {
        println!(
            "note: {provider}'s authorize page documents no login hint, so none is sent: sign              in with the right account yourself."
        );
    }
    let auth = AuthRequest::with_login_hint(
        provider,
        &endpoints,
        client_id,
        &redirect,
        args.login_hint.as_deref(),
    );
    println!(
        "Authorize this tool with {provider}: open this address in a browser and allow access:"
    );
    println!();
    println!("{}", auth.url);
    println!();
    match &listener {
        Some(_) => println!(
            "Waiting for the browser to return to {redirect} ... \
             (on another machine or Binder: paste the address the browser ended on and press Enter)"
        ),
        None => println!(
            "Then paste the address the browser ended on (it starts with {redirect}) and press Enter:"
        ),
    }

    let timeout = Duration::from_secs(args.timeout);
    let (tx, rx) = mpsc::channel::<Result<String>>();
    if let Some(l) = listener {
        let tx = tx.clone();
        let state = auth.state.clone();
        std::thread::spawn(move || {
            let _ = tx.send(flow::listen_for_redirect(l, &state, timeout));
        });
    }
    {
        let state = auth.state.clone();
        std::thread::spawn(move || {
            let stdin = std::io::stdin();
            for line in stdin.lock().lines() {
                let Ok(line) = line else { break };
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                match flow::parse_redirect(line, &state) {
                    Ok(code) => {
                        let _ = tx.send(Ok(code));
                        break;
                    }
                    Err(e) => {
                        eprintln!("{e}. Paste the whole address from the browser's address bar.")
                    }
                }
            }
        });
    }
    let code = rx.recv_timeout(timeout).map_err(|_| Error::Authorization {
        message: format!(
            "no redirect within {} s. Run `fitbit auth` again and paste the address the browser ended on",
            args.timeout
        ),
    })??;

    finish(&HttpClient::default(), &endpoints, &auth, &code)
}

/// Binds 127.0.0.1 on the redirect's port when the redirect is a loopback address.
fn loopback_listener(redirect: &str) -> Option<TcpListener> {
    let url = url::Url::parse(redirect).ok()?;
    let host = url.host_str()?;
    if !matches!(host, "localhost" | "127.0.0.1") || url.scheme() != "http" {
        return None;
    }
    let port = url.port_or_known_default()?;
    match TcpListener::bind(("127.0.0.1", port)) {
        Ok(l) => Some(l),
        Err(e) => {
            eprintln!("note: cannot listen on 127.0.0.1:{port} ({e}); paste the URL instead");
            None
        }
    }
}
