//! `fitbit auth`: authorization code with PKCE and state, loopback redirect or pasted URL.

use std::io::BufRead;
use std::net::TcpListener;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use clap::Parser;
use fitbit_core::auth::{AuthRequest, default_redirect_uri, flow};
use fitbit_core::config::ConfigStore;
use fitbit_core::http::HttpClient;
use fitbit_core::provider::Endpoints;
use fitbit_core::{Error, Provider, Result};

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
}

pub fn run(config: &Path, args: &Args) -> Result<()> {
    let store = ConfigStore::new(config);
    let cfg = store.load()?;
    let provider = cfg.provider();
    let endpoints = Endpoints::from_env();

    let mut listener = None;
    let redirect = match args
        .redirect_uri
        .clone()
        .or_else(|| cfg.redirect_uri.clone())
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

    let auth = AuthRequest::new(provider, &endpoints, &cfg.client_id, &redirect);
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

    let http = HttpClient::default();
    let saved = flow::complete(&store, &http, &endpoints, &auth, &code)?;
    println!(
        "Authorized with {}. Tokens saved to {}{}.",
        saved.provider(),
        config.display(),
        saved
            .expires_at
            .map(|t| format!(
                " (access token valid until {} UTC)",
                t.format("%Y-%m-%d %H:%M")
            ))
            .unwrap_or_default()
    );
    Ok(())
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
