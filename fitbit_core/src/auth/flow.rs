//! The authorization-code flow with PKCE: build the authorize URL, get the code back (a
//! loopback listener, or the redirected URL pasted by the user), exchange it, save the tokens.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use chrono::Utc;

use super::pkce::{Pkce, random_state};
use super::token::{exchange_request, parse_token_response};
use crate::config::{Config, ConfigStore};
use crate::http::{HttpClient, query_value};
use crate::provider::{Endpoints, Provider};
use crate::secret::Secret;
use crate::{Error, Result};

/// The Google Health scope that covers heart rate, HRV and resting heart rate.
pub const GOOGLE_HEALTH_METRICS_SCOPE: &str =
    "https://www.googleapis.com/auth/googlehealth.health_metrics_and_measurements.readonly";

const GOOGLE_SCOPES: &[&str] = &[
    GOOGLE_HEALTH_METRICS_SCOPE,
    "https://www.googleapis.com/auth/googlehealth.activity_and_fitness.readonly",
    "https://www.googleapis.com/auth/googlehealth.sleep.readonly",
    "https://www.googleapis.com/auth/googlehealth.settings.readonly",
];

/// The scopes this tool asks for.
///
/// ```
/// use fitbit_core::{Provider, auth::scopes};
/// assert!(scopes(Provider::Fitbit).contains(&"heartrate"));
/// assert!(scopes(Provider::Google)[0].ends_with("health_metrics_and_measurements.readonly"));
/// ```
pub fn scopes(provider: Provider) -> &'static [&'static str] {
    match provider {
        Provider::Fitbit => &["heartrate", "profile", "sleep", "settings"],
        Provider::Google => GOOGLE_SCOPES,
    }
}

/// The redirect URI used when neither the command line nor the config names one: Fitbit
/// `http://localhost:8000` (what the original notebooks told users to register), Google
/// `http://localhost:8080` (the loopback URI of the fitbit-grafana migration guide; Desktop
/// clients accept any loopback port, Web clients need it registered).
///
/// ```
/// use fitbit_core::{Provider, auth::default_redirect_uri};
/// assert_eq!(default_redirect_uri(Provider::Fitbit), "http://localhost:8000");
/// ```
pub fn default_redirect_uri(provider: Provider) -> &'static str {
    match provider {
        Provider::Fitbit => "http://localhost:8000",
        Provider::Google => "http://localhost:8080",
    }
}

/// Whether `login_hint` is sent to the provider's authorize endpoint: Google documents it (the
/// account to sign in, an e-mail address or Google ID; docs/google-health-api.md §3.1); Fitbit's
/// authorize endpoint documents no such parameter (docs/fitbit-web-api.md §2.2), so none is sent.
///
/// ```
/// use fitbit_core::{Provider, auth::sends_login_hint};
/// assert!(sends_login_hint(Provider::Google) && !sends_login_hint(Provider::Fitbit));
/// ```
pub fn sends_login_hint(provider: Provider) -> bool {
    provider == Provider::Google
}

/// One authorization attempt: the URL to open, and what is needed to check and complete it.
/// Its `Debug` shows neither the PKCE verifier nor the login hint.
#[derive(Clone)]
pub struct AuthRequest {
    /// The provider.
    pub provider: Provider,
    /// The client id the URL was built for.
    pub client_id: String,
    /// Open this in a browser.
    pub url: String,
    /// The CSRF `state`, checked on the redirect.
    pub state: String,
    /// The PKCE pair; the verifier goes to the token endpoint.
    pub pkce: Pkce,
    /// The redirect URI, sent again at the exchange.
    pub redirect_uri: String,
    /// The `login_hint` the URL carries (only where [`sends_login_hint`]): it goes to the
    /// provider in the URL and is never written anywhere by this crate.
    pub login_hint: Option<Secret>,
}

impl std::fmt::Debug for AuthRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = match &self.login_hint {
            Some(h) => self.url.replace(&query_value(h.expose()), "[redacted]"),
            None => self.url.clone(),
        };
        f.debug_struct("AuthRequest")
            .field("provider", &self.provider)
            .field("client_id", &self.client_id)
            .field("url", &url)
            .field("state", &self.state)
            .field("pkce", &self.pkce)
            .field("redirect_uri", &self.redirect_uri)
            .field("login_hint", &self.login_hint)
            .finish()
    }
}

impl AuthRequest {
    /// A new attempt with a fresh `state` and PKCE pair.
    ///
    /// ```
    /// use fitbit_core::{Provider, provider::Endpoints, auth::AuthRequest};
    /// let a = AuthRequest::new(Provider::Fitbit, &Endpoints::default(), "23ABCD", "http://127.0.0.1:8080/");
    /// assert!(a.url.starts_with("https://www.fitbit.com/oauth2/authorize?response_type=code&client_id=23ABCD"));
    /// assert!(a.url.contains("scope=heartrate%20profile%20sleep%20settings"));
    /// assert!(a.url.contains(&format!("state={}", a.state)));
    /// ```
    pub fn new(
        provider: Provider,
        endpoints: &Endpoints,
        client_id: &str,
        redirect_uri: &str,
    ) -> AuthRequest {
        AuthRequest::with_login_hint(provider, endpoints, client_id, redirect_uri, None)
    }

    /// [`AuthRequest::new`] for a given account: Google's authorize URL gets
    /// `login_hint=<hint>` (the account's e-mail address or Google ID), so the consent page
    /// signs in that account; a provider that documents no hint ([`sends_login_hint`]) gets the
    /// same URL as without one, and [`AuthRequest::login_hint`] stays `None`.
    ///
    /// ```
    /// use fitbit_core::{Provider, provider::Endpoints, auth::AuthRequest};
    /// let e = Endpoints::default();
    /// let g = AuthRequest::with_login_hint(Provider::Google, &e, "1-a.apps.googleusercontent.com",
    ///     "http://127.0.0.1:8085", Some("p01@example.org"));
    /// assert!(g.url.contains("&login_hint=p01%40example.org"));
    /// assert!(!format!("{g:?}").contains("p01"));
    /// let f = AuthRequest::with_login_hint(Provider::Fitbit, &e, "23ABCD",
    ///     "http://localhost:8000", Some("p01@example.org"));
    /// assert!(!f.url.contains("login_hint") && f.login_hint.is_none());
    /// ```
    pub fn with_login_hint(
        provider: Provider,
        endpoints: &Endpoints,
        client_id: &str,
        redirect_uri: &str,
        login_hint: Option<&str>,
    ) -> AuthRequest {
        let login_hint = login_hint
            .map(str::trim)
            .filter(|h| !h.is_empty() && sends_login_hint(provider))
            .map(Secret::new);
        let state = random_state();
        let pkce = Pkce::new();
        let scope = scopes(provider).join(" ");
        let mut params: Vec<(&str, &str)> = vec![
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", redirect_uri),
            ("scope", &scope),
            ("code_challenge", &pkce.challenge),
            ("code_challenge_method", pkce.method),
            ("state", &state),
        ];
        if provider == Provider::Google {
            params.push(("access_type", "offline"));
            params.push(("prompt", "consent"));
        }
        if let Some(h) = &login_hint {
            params.push(("login_hint", h.expose()));
        }
        let base = endpoints.authorize_url(provider);
        let sep = if base.contains('?') { '&' } else { '?' };
        let query = params
            .iter()
            .map(|(k, v)| format!("{k}={}", query_value(v)))
            .collect::<Vec<_>>()
            .join("&");
        let url = format!("{base}{sep}{query}");
        AuthRequest {
            provider,
            client_id: client_id.to_string(),
            url,
            state,
            pkce,
            redirect_uri: redirect_uri.to_string(),
            login_hint,
        }
    }
}

/// The authorization code from a redirect, however it reached us: the whole address the browser
/// ended on (`http://127.0.0.1:8080/?code=…&state=…#_=_`), its query alone (with or without the
/// leading `?`), or the request target the loopback listener read (`/?state=…&code=…`). Extra
/// parameters may come in any order (Google adds `scope=https://…` with unencoded `://`,
/// `authuser`, `prompt`, `hd`, `iss`); a fragment (`#_=_`) and white space from a paste (a
/// trailing newline, a line break where a terminal wrapped the address) are ignored. Checks
/// `state`; `error=access_denied` means the user declined.
///
/// ```
/// use fitbit_core::auth::parse_redirect;
/// assert_eq!(parse_redirect("http://localhost:8080/?code=abc&state=s1#_=_", "s1")?, "abc");
/// assert_eq!(parse_redirect("code=abc&state=s1", "s1")?, "abc");
/// assert_eq!(
///     parse_redirect("/?state=s1&code=4/0Ab&scope=https://www.googleapis.com/auth/x", "s1")?,
///     "4/0Ab"
/// );
/// assert!(parse_redirect("?code=abc&state=other", "s1").is_err());
/// # Ok::<(), fitbit_core::Error>(())
/// ```
pub fn parse_redirect(input: &str, expected_state: &str) -> Result<String> {
    let params = RedirectParams::parse(input)?;
    params.code(expected_state)
}

/// The OAuth parameters of a redirect (RFC 6749 §4.1.2), read with the `url` crate's parsers.
#[derive(Default)]
struct RedirectParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    description: Option<String>,
}

/// Where a redirect's parameters are resolved against when only a path or a query was given.
const LOOPBACK_BASE: &str = "http://127.0.0.1/";

impl RedirectParams {
    fn parse(input: &str) -> Result<RedirectParams> {
        // A URL holds no white space: what a paste adds (newlines, wrapped lines) goes.
        let text: String = input.split_whitespace().collect();
        let url = redirect_url(&text).ok_or_else(not_a_redirect)?;
        if url.query().is_none_or(str::is_empty) {
            return Err(Error::Authorization {
                message: "the pasted URL has no query (`?code=...&state=...`): copy the whole \
                          address the browser shows after you approve access"
                    .into(),
            });
        }
        let mut p = RedirectParams::default();
        for (k, v) in url.query_pairs() {
            let slot = match k.as_ref() {
                "code" => &mut p.code,
                "state" => &mut p.state,
                "error" => &mut p.error,
                "error_description" => &mut p.description,
                _ => continue,
            };
            slot.get_or_insert_with(|| v.into_owned());
        }
        Ok(p)
    }

    fn code(self, expected_state: &str) -> Result<String> {
        if self.code.is_none() && self.state.is_none() && self.error.is_none() {
            return Err(not_a_redirect());
        }
        if let Some(err) = self.error {
            let message = if err == "access_denied" {
                "access was denied on the consent page (error=access_denied): authorize again \
                 and click Allow, granting every permission"
                    .to_string()
            } else {
                format!(
                    "the provider answered error={err}{}: check the app's redirect URI and client \
                     id, then authorize again",
                    self.description
                        .map(|d| format!(" ({d})"))
                        .unwrap_or_default()
                )
            };
            return Err(Error::Authorization { message });
        }
        if self.state.as_deref() != Some(expected_state) {
            return Err(Error::Authorization {
                message: "the `state` in the redirect does not match this authorization attempt \
                          (an old link, or a forged redirect): authorize again and use the \
                          newest link"
                    .into(),
            });
        }
        match self.code {
            Some(c) if !c.is_empty() => Ok(c),
            _ => Err(Error::Authorization {
                message: "the redirect has no `code`: copy the whole address the browser shows \
                          after you approve access"
                    .into(),
            }),
        }
    }
}

fn not_a_redirect() -> Error {
    Error::Authorization {
        message: "that is not the redirected address: copy the whole address the browser shows \
                  after you approve access (it contains `code=` and `state=`)"
            .into(),
    }
}

/// The redirect as a URL: an absolute address as it is; a path (`/cb?…`), a `?query` or a bare
/// query (`code=…&state=…`) resolved against the loopback address. `None` for text that is
/// neither (an address without its scheme is taken as a bare query, and fails on `state`).
fn redirect_url(text: &str) -> Option<url::Url> {
    use url::{ParseError, Url};
    match Url::parse(text) {
        Ok(u) if u.cannot_be_a_base() && !matches!(u.scheme(), "http" | "https") => {
            // `code=4/0A…` would not parse as a URL; `localhost:8080/?code=…` does, with
            // `localhost` as its scheme: take the part after `?` as the query.
            let (_, query) = text.split_once('?')?;
            with_query(query)
        }
        Ok(u) => Some(u),
        Err(ParseError::RelativeUrlWithoutBase) if text.starts_with('/') => {
            Url::parse(LOOPBACK_BASE).ok()?.join(text).ok()
        }
        // `?code=…`, `code=…&state=…`, or an address without its scheme (`127.0.0.1:8080/?…`).
        Err(ParseError::RelativeUrlWithoutBase) => {
            with_query(text.split_once('?').map_or(text, |(_, q)| q))
        }
        Err(_) => None,
    }
}

/// The loopback address with `query` (a fragment after `#` dropped) as its query.
fn with_query(query: &str) -> Option<url::Url> {
    let query = query.split('#').next().unwrap_or("");
    let mut u = url::Url::parse(LOOPBACK_BASE).ok()?;
    u.set_query(Some(query));
    Some(u)
}

const PAGE_OK: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>fitbit_core</title></head><body><h1>Authorized</h1><p>You can close this tab and go back to the terminal or notebook.</p></body></html>";

/// Waits on `listener` (bound by the caller on 127.0.0.1) for the browser's redirect and returns
/// the code. Answers the browser with a short page, ignores `/favicon.ico` and requests without
/// a query, and gives up after `timeout` with an error that says to paste the URL instead.
pub fn listen_for_redirect(
    listener: TcpListener,
    expected_state: &str,
    timeout: Duration,
) -> Result<String> {
    let deadline = Instant::now() + timeout;
    let io = |e| Error::Authorization {
        message: format!(
            "the local redirect listener failed ({e}): paste the redirected URL instead"
        ),
    };
    listener.set_nonblocking(true).map_err(io)?;
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                if let Some(result) = handle_connection(stream, expected_state) {
                    return result;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    return Err(Error::Authorization {
                        message: format!(
                            "no redirect reached the local listener within {} s: copy the address \
                             your browser shows after approving (it contains `code=`) and paste \
                             it instead",
                            timeout.as_secs()
                        ),
                    });
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) => return Err(io(e)),
        }
    }
}

/// Handles one browser connection; `None` means "not the redirect, keep waiting".
fn handle_connection(mut stream: TcpStream, expected_state: &str) -> Option<Result<String>> {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut line = String::new();
    {
        let mut reader = BufReader::new(Read::take(&stream, 64 * 1024));
        if reader.read_line(&mut line).is_err() {
            return None;
        }
        // Drain the headers so the browser sees a clean answer.
        let mut h = String::new();
        while reader.read_line(&mut h).is_ok_and(|n| n > 2) {
            h.clear();
        }
    }
    let target = line.split_whitespace().nth(1).unwrap_or("");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path == "/favicon.ico" || query.is_empty() {
        respond(
            &mut stream,
            "404 Not Found",
            "<p>Waiting for the authorization redirect.</p>",
        );
        return None;
    }
    // The whole request target: Google's `scope=https://…` values keep their `://`.
    let result = parse_redirect(target, expected_state);
    match &result {
        Ok(_) => respond(&mut stream, "200 OK", PAGE_OK),
        Err(e) => respond(
            &mut stream,
            "400 Bad Request",
            &format!("<p>{}</p>", html_escape(&e.to_string())),
        ),
    }
    Some(result)
}

fn respond(stream: &mut TcpStream, status: &str, html: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{html}",
        html.len()
    );
    let _ = stream.flush();
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Exchanges `code` and saves the tokens, expiry, provider, redirect URI, scope and user id
/// into the config file (under the lock, atomically). The file must already exist with
/// `client_id` and `client_secret`; a file that cannot be parsed is never overwritten.
pub fn complete(
    store: &ConfigStore,
    http: &HttpClient,
    endpoints: &Endpoints,
    auth: &AuthRequest,
    code: &str,
) -> Result<Config> {
    complete_with(store, http, endpoints, auth, code, |current| {
        current.ok_or_else(|| Error::ConfigMissing {
            path: store.path().to_path_buf(),
        })
    })
}

/// [`complete`] for a config that may not exist yet: under the lock, `prepare` gets the file's
/// config (`None` when there is no file) and returns the config the new grant goes into (a
/// cohort's enrollment builds a participant's first config here). The new grant replaces the
/// old one whole: a scope, user id or refresh expiry the token endpoint no longer sends is
/// cleared. A file that cannot be parsed is never overwritten, and nothing is sent then.
pub fn complete_with(
    store: &ConfigStore,
    http: &HttpClient,
    endpoints: &Endpoints,
    auth: &AuthRequest,
    code: &str,
    prepare: impl FnOnce(Option<Config>) -> Result<Config>,
) -> Result<Config> {
    let _lock = store.lock()?;
    let current = match store.load() {
        Ok(cfg) => Some(cfg),
        Err(Error::ConfigMissing { .. }) => None,
        Err(e) => return Err(e),
    };
    let mut cfg = prepare(current)?;
    if cfg.client_id.trim() != auth.client_id.trim() {
        return Err(Error::InvalidInput {
            what: "authorization".into(),
            hint: format!(
                "the link was made for client id {} but {} now holds {}: authorize again",
                auth.client_id,
                store.path().display(),
                cfg.client_id
            ),
        });
    }
    let req = exchange_request(
        auth.provider,
        endpoints,
        &cfg.client_id,
        &cfg.client_secret,
        code,
        &auth.pkce.verifier,
        &auth.redirect_uri,
    );
    let resp = http.send(auth.provider, &req)?;
    let tok = parse_token_response(auth.provider, resp.status, &resp.body)?;
    cfg.scope = None;
    cfg.user_id = None;
    cfg.refresh_token_expires_at = None;
    tok.apply_to(&mut cfg, Utc::now());
    cfg.provider = Some(auth.provider);
    cfg.redirect_uri = Some(auth.redirect_uri.clone());
    store.save(&cfg)?;
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{FnTransport, Request, Response};
    use crate::secret::Secret;
    use std::collections::HashMap;
    use std::io::Read;
    use std::sync::{Arc, Mutex};

    fn query(url: &str) -> HashMap<String, String> {
        url::Url::parse(url)
            .unwrap()
            .query_pairs()
            .into_owned()
            .collect()
    }

    #[test]
    fn fitbit_authorize_url() {
        let a = AuthRequest::new(
            Provider::Fitbit,
            &Endpoints::default(),
            "23ABCD",
            "http://127.0.0.1:8080/",
        );
        let q = query(&a.url);
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "23ABCD");
        assert_eq!(q["redirect_uri"], "http://127.0.0.1:8080/");
        assert_eq!(q["scope"], "heartrate profile sleep settings");
        assert_eq!(q["code_challenge"], a.pkce.challenge);
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["state"], a.state);
        assert!(!q.contains_key("access_type"));
        assert!(!a.url.contains(a.pkce.verifier.expose()));
    }

    #[test]
    fn google_authorize_url_asks_for_offline_access() {
        let a = AuthRequest::new(
            Provider::Google,
            &Endpoints::default(),
            "1-a.apps.googleusercontent.com",
            "http://127.0.0.1:8085/",
        );
        assert!(
            a.url
                .starts_with("https://accounts.google.com/o/oauth2/v2/auth?")
        );
        assert!(a.url.contains("%20https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fgooglehealth.activity_and_fitness.readonly"));
        let q = query(&a.url);
        assert_eq!(q["access_type"], "offline");
        assert_eq!(q["prompt"], "consent");
        let scopes: Vec<&str> = q["scope"].split(' ').collect();
        assert_eq!(scopes, super::scopes(Provider::Google));
        assert_ne!(
            a.state,
            AuthRequest::new(Provider::Google, &Endpoints::default(), "x", "y").state
        );
    }

    #[test]
    fn parse_redirect_accepts_urls_and_queries() {
        assert_eq!(
            parse_redirect("  http://localhost:8080/?code=00a30f&state=S#_=_ \n", "S").unwrap(),
            "00a30f"
        );
        assert_eq!(
            parse_redirect("?state=S&code=4%2F0Ab", "S").unwrap(),
            "4/0Ab"
        );
        assert_eq!(
            parse_redirect("code=c&state=S&scope=a+b", "S").unwrap(),
            "c"
        );
        let msg = |r: Result<String>| match r {
            Err(Error::Authorization { message }) => message,
            other => panic!("{other:?}"),
        };
        assert!(
            msg(parse_redirect(
                "http://127.0.0.1/?error=access_denied&state=S",
                "S"
            ))
            .contains("access_denied")
        );
        assert!(msg(parse_redirect("http://127.0.0.1/?code=c&state=T", "S")).contains("state"));
        assert!(msg(parse_redirect("http://127.0.0.1/?code=c", "S")).contains("state"));
        assert!(msg(parse_redirect("http://127.0.0.1/?state=S", "S")).contains("no `code`"));
        assert!(msg(parse_redirect("http://127.0.0.1/", "S")).contains("no query"));
        assert!(
            msg(parse_redirect(
                "?error=invalid_scope&error_description=bad&state=S",
                "S"
            ))
            .contains("invalid_scope (bad)")
        );
    }

    fn browser(port: u16, target: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            s,
            "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: test\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn listens_for_the_redirect_on_loopback() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let waiter = std::thread::spawn(move || {
            listen_for_redirect(listener, "S1", Duration::from_secs(10))
        });
        assert!(browser(port, "/favicon.ico").starts_with("HTTP/1.1 404"));
        let page = browser(port, "/?code=the-code&state=S1");
        assert!(page.starts_with("HTTP/1.1 200 OK"), "{page}");
        assert!(page.contains("You can close this tab"));
        assert_eq!(waiter.join().unwrap().unwrap(), "the-code");
    }

    #[test]
    fn listener_accepts_googles_redirect_with_scope_urls() {
        // Before the fix this answered 400: the `://` of the scope values was taken for a URL
        // without a query.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let waiter = std::thread::spawn(move || {
            listen_for_redirect(listener, "S1", Duration::from_secs(10))
        });
        let page = browser(
            port,
            "/?state=S1&code=4/0AWga-x_y&scope=https://www.googleapis.com/auth/googlehealth.settings.readonly%20https://www.googleapis.com/auth/googlehealth.sleep.readonly&authuser=0&prompt=consent",
        );
        assert!(page.starts_with("HTTP/1.1 200 OK"), "{page}");
        assert_eq!(waiter.join().unwrap().unwrap(), "4/0AWga-x_y");
    }

    #[test]
    fn listener_times_out_with_advice_to_paste() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        match listen_for_redirect(listener, "S", Duration::from_millis(200)) {
            Err(Error::Authorization { message }) => assert!(message.contains("paste")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn complete_exchanges_the_code_and_saves_everything() {
        let dir = tempfile::tempdir().unwrap();
        let store = ConfigStore::new(dir.path().join("fb_conf.json"));
        std::fs::write(store.path(), r#"{"client_id":"23ABCD","client_secret":"sec","access_token":"","refresh_token":"","color":"blue"}"#).unwrap();
        let auth = AuthRequest::new(
            Provider::Fitbit,
            &Endpoints::default(),
            "23ABCD",
            "http://127.0.0.1:8080/",
        );
        let seen: Arc<Mutex<Option<Request>>> = Arc::default();
        let seen2 = seen.clone();
        let http = HttpClient::new(FnTransport::new(move |req: &Request| {
            *seen2.lock().unwrap() = Some(req.clone());
            Ok(Response::new(
                200,
                r#"{"access_token":"at","expires_in":28800,"refresh_token":"rt","scope":"heartrate sleep","token_type":"Bearer","user_id":"26FWFL"}"#,
            ))
        }));
        let cfg = complete(&store, &http, &Endpoints::default(), &auth, "the-code").unwrap();
        let req = seen.lock().unwrap().clone().unwrap();
        assert_eq!(req.url, "https://api.fitbit.com/oauth2/token");
        let form: HashMap<String, String> =
            url::form_urlencoded::parse(req.body.as_deref().unwrap())
                .into_owned()
                .collect();
        assert_eq!(form["code"], "the-code");
        assert_eq!(
            Pkce::from_verifier(form["code_verifier"].clone()).challenge,
            auth.pkce.challenge
        );
        assert_eq!(form["redirect_uri"], "http://127.0.0.1:8080/");
        let disk = store.load().unwrap();
        assert_eq!(disk, cfg);
        assert_eq!(disk.access_token, Secret::new("at"));
        assert_eq!(disk.refresh_token, Secret::new("rt"));
        assert_eq!(disk.provider, Some(Provider::Fitbit));
        assert_eq!(disk.scope.as_deref(), Some("heartrate sleep"));
        assert_eq!(disk.user_id.as_deref(), Some("26FWFL"));
        assert_eq!(disk.redirect_uri.as_deref(), Some("http://127.0.0.1:8080/"));
        assert!(disk.expires_at.is_some());
        assert_eq!(disk.extra["color"], "blue");
    }

    #[test]
    fn complete_never_touches_a_bad_file_or_the_network() {
        let dir = tempfile::tempdir().unwrap();
        let store = ConfigStore::new(dir.path().join("fb_conf.json"));
        let bad = "{\"client_id\": \"23ABCD\",";
        std::fs::write(store.path(), bad).unwrap();
        let http = HttpClient::new(FnTransport::new(
            |_req: &Request| -> std::result::Result<Response, crate::http::TransportError> {
                panic!("no request may be sent")
            },
        ));
        let auth = AuthRequest::new(
            Provider::Fitbit,
            &Endpoints::default(),
            "23ABCD",
            "http://127.0.0.1:8080/",
        );
        assert!(matches!(
            complete(&store, &http, &Endpoints::default(), &auth, "c"),
            Err(Error::ConfigSyntax { .. })
        ));
        assert_eq!(std::fs::read_to_string(store.path()).unwrap(), bad);
    }
}
