//! The notebook's authorize cells (`NotebookAuth`) end to end against the emulator, for each
//! provider: print the address, a browser approves and is redirected, the user pastes the
//! address the browser ended on, the tokens are saved and work.

mod common;

use common::*;
use fitbit_core::auth::NotebookAuth;
use fitbit_core::config::ConfigStore;
use fitbit_core::http::{Request, ReqwestTransport, Transport};
use fitbit_sim::{Provider, SimConfig};

fn client_only(dir: &std::path::Path, provider: Provider) -> std::path::PathBuf {
    let body = match provider {
        Provider::Fitbit => {
            r#"{"client_id":"23DEMO","client_secret":"demo-fitbit-secret","access_token":"","refresh_token":""}"#
        }
        Provider::Google => {
            r#"{"client_id":"demo.apps.googleusercontent.com","client_secret":"demo-google-secret","access_token":"","refresh_token":"","redirect_uri":"http://127.0.0.1:8085"}"#
        }
    };
    let path = dir.join("fb_conf.json");
    std::fs::write(&path, body).unwrap();
    path
}

/// What the browser's address bar shows after approving: the emulator's 302 `Location`.
fn approve(url: &str) -> String {
    let r = ReqwestTransport::new()
        .unwrap()
        .send(&Request::get(url))
        .unwrap();
    assert_eq!(r.status, 302, "the consent page redirects");
    r.header("location").unwrap().to_string()
}

#[test]
fn notebook_authorize_cells_work_for_both_providers() {
    for provider in [Provider::Fitbit, Provider::Google] {
        let sim = sim(SimConfig::default());
        let dir = tempfile::tempdir().unwrap();
        let path = client_only(dir.path(), provider);
        let pending =
            NotebookAuth::begin_with(&path, fitbit_core::demo::endpoints(&sim.url())).unwrap();
        let location = approve(pending.url());
        if provider == Provider::Google {
            assert!(location.contains("&scope=https://"), "{location}");
        } else {
            assert!(location.ends_with("#_=_"), "{location}");
        }
        // A wrong paste first: an error that says what to copy, nothing saved.
        let before = std::fs::read(&path).unwrap();
        let err = pending.finish("http://127.0.0.1:8085/").unwrap_err();
        assert!(err.to_string().contains("copy the whole address"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
        // The paste as a notebook user makes it: with a trailing newline.
        let said = pending.finish(&format!("{location}\n")).unwrap();
        let cfg = ConfigStore::new(&path).load().unwrap();
        assert!(!cfg.access_token.is_empty() && !cfg.refresh_token.is_empty());
        for secret in [cfg.access_token.expose(), cfg.refresh_token.expose()] {
            assert!(!said.contains(secret), "{said}");
        }
        // The tokens work.
        let mut c = fitbit_core::Client::from_session(session(&sim, &path));
        c.check().unwrap();
    }
}
