//! A test browser for `fitbit auth`: start the command, read the authorize address it prints,
//! follow the emulator's redirect (or paste it), and check the config it wrote.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use fitbit_core::Config;
use fitbit_core::config::ConfigStore;
use fitbit_core::http::{Request, ReqwestTransport, Transport};

/// The `Location` of the emulator's answer to `url` (an authorize request, which it approves
/// at once with a 302).
pub fn get_location(url: &str) -> String {
    let t = ReqwestTransport::new().unwrap();
    let r = t.send(&Request::get(url)).unwrap();
    assert_eq!(r.status, 302, "authorize answers with a redirect");
    r.header("location").unwrap().to_string()
}

/// A running `fitbit auth`: the child, the authorize URL it printed, and the rest of its output.
pub struct Auth {
    pub child: std::process::Child,
    pub url: String,
    before: String,
    rest: std::thread::JoinHandle<String>,
}

impl Auth {
    /// Waits for the command; returns whether it succeeded and everything it printed but the
    /// authorize URL's line.
    pub fn finish(mut self) -> (bool, String) {
        let ok = self.child.wait().unwrap().success();
        let mut err = String::new();
        std::io::Read::read_to_string(&mut self.child.stderr.take().unwrap(), &mut err).unwrap();
        (
            ok,
            format!("{}{}\n{err}", self.before, self.rest.join().unwrap()),
        )
    }
}

/// Starts `fitbit auth`, returns it once it has printed the authorize URL.
pub fn start_auth(mut cmd: Command) -> Auth {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut before = String::new();
    let url = loop {
        let line = lines.next().expect("auth printed an URL").unwrap();
        if line.starts_with("http") {
            break line;
        }
        before.push_str(&line);
        before.push('\n');
    };
    let rest =
        std::thread::spawn(move || lines.map_while(|l| l.ok()).collect::<Vec<_>>().join("\n"));
    Auth {
        child,
        url,
        before,
        rest,
    }
}

/// A test browser: opens the authorize URL at the emulator (which approves at once), follows its
/// 302 to the redirect URI as a browser does (without the fragment), returns the final answer.
pub fn browse(authorize_url: &str) -> (String, fitbit_core::http::Response) {
    let location = get_location(authorize_url);
    let t = ReqwestTransport::new().unwrap();
    let target = location.split('#').next().unwrap();
    let page = t.send(&Request::get(target)).unwrap();
    (location, page)
}

/// The config after an authorization: tokens present, mode 0600, none of them in `printed`.
pub fn assert_authorized(path: &Path, printed: &str) -> Config {
    use std::os::unix::fs::PermissionsExt;
    let cfg = ConfigStore::new(path).load().unwrap();
    assert!(!cfg.access_token.is_empty() && !cfg.refresh_token.is_empty());
    assert_eq!(
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    for secret in [
        cfg.access_token.expose(),
        cfg.refresh_token.expose(),
        cfg.client_secret.expose(),
    ] {
        assert!(!printed.contains(secret), "a secret was printed: {printed}");
    }
    cfg
}
