//! One HTTP exchange, no policy: [`Request`] and [`Response`] as plain data, the [`Transport`]
//! trait that sends one, [`ReqwestTransport`] for real use and [`FnTransport`] for tests.
//!
//! Nothing here formats headers or bodies into messages: they carry tokens.

use std::time::Duration;

use crate::secret::Secret;

/// The HTTP methods this crate needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`: idempotent, always safe to retry.
    Get,
    /// `POST`: token requests; retried only when it surely did not reach the server.
    Post,
}

/// An HTTP request as plain data. `Debug` shows the method and URL only.
///
/// ```
/// use fitbit_core::http::Request;
/// let req = Request::post_form("https://example.test/token", &[("grant_type", "refresh_token")]);
/// assert_eq!(req.body.as_deref(), Some(&b"grant_type=refresh_token"[..]));
/// assert_eq!(req.header_value("content-type"), Some("application/x-www-form-urlencoded"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    /// GET or POST.
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<Vec<u8>>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &"[redacted]")
            .field("body", &self.body.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

impl Request {
    /// A GET without headers.
    pub fn get(url: impl Into<String>) -> Request {
        Request {
            method: Method::Get,
            url: url.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// A POST with an `application/x-www-form-urlencoded` body built from `pairs`.
    pub fn post_form(url: impl Into<String>, pairs: &[(&str, &str)]) -> Request {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        Request {
            method: Method::Post,
            url: url.into(),
            headers: vec![(
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            )],
            body: Some(body.into_bytes()),
        }
    }

    /// Adds `Authorization: Bearer <token>`.
    pub fn bearer(self, token: &Secret) -> Request {
        self.header("Authorization", format!("Bearer {}", token.expose()))
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Request {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The first value of header `name`, compared case-insensitively.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// An HTTP response as plain data. `Debug` leaves out the body.
#[derive(Clone, PartialEq, Eq)]
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The whole body.
    pub body: Vec<u8>,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl Response {
    /// A response with a status and body and no headers (handy in tests).
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// Adds a header (builder style, handy in tests).
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The first value of header `name`, compared case-insensitively.
    ///
    /// ```
    /// use fitbit_core::http::Response;
    /// let r = Response::new(200, "").with_header("Fitbit-rate-limit-reset", "1201");
    /// assert_eq!(r.header("fitbit-Rate-Limit-Reset"), Some("1201"));
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// True for 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// What kind of failure kept a request from getting a complete response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportErrorKind {
    /// The connection could not be made: the request surely did not reach the server.
    Connect,
    /// No complete answer in time.
    Timeout,
    /// The connection closed early or the body was cut short.
    Dropped,
    /// Anything else (bad URL, TLS setup, ...).
    Other,
}

/// A failure below HTTP. The message never contains headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    /// The kind, which decides whether a retry is safe.
    pub kind: TransportErrorKind,
    /// A description for the user.
    pub message: String,
}

impl TransportError {
    /// A transport error of `kind`.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError {
            kind,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TransportError {}

/// Sends one request and returns the whole response, whatever its status.
pub trait Transport: Send {
    /// Sends `req`; any HTTP status is `Ok`, only failures below HTTP are `Err`.
    fn send(&self, req: &Request) -> Result<Response, TransportError>;
}

/// A [`Transport`] made from a closure: the fake server of unit tests.
///
/// ```
/// use fitbit_core::http::{FnTransport, Request, Response, Transport};
/// let t = FnTransport::new(|req: &Request| Ok(Response::new(200, req.url.clone())));
/// assert_eq!(t.send(&Request::get("u")).unwrap().body, b"u");
/// ```
pub struct FnTransport<F>(F);

impl<F> FnTransport<F>
where
    F: Fn(&Request) -> Result<Response, TransportError> + Send,
{
    /// Wraps the closure.
    pub fn new(f: F) -> Self {
        FnTransport(f)
    }
}

impl<F> Transport for FnTransport<F>
where
    F: Fn(&Request) -> Result<Response, TransportError> + Send,
{
    fn send(&self, req: &Request) -> Result<Response, TransportError> {
        (self.0)(req)
    }
}

/// The real transport: blocking reqwest with rustls (ring) and the Mozilla root certificates
/// compiled in (`webpki-roots`), so starting needs no scan of the system's certificate folder
/// (that scan cost about 15 ms per command). Connect timeout 10 s, total 60 s, redirects are
/// not followed.
pub struct ReqwestTransport {
    client: reqwest::blocking::Client,
}

impl ReqwestTransport {
    /// Builds the client; installs the ring crypto provider the first time.
    pub fn new() -> Result<Self, TransportError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let tls = rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let client = reqwest::blocking::Client::builder()
            .tls_backend_preconfigured(tls)
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("fitbit_core/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| classify(&e, "could not set up the HTTP client"))?;
        Ok(ReqwestTransport { client })
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, req: &Request) -> Result<Response, TransportError> {
        let mut builder = match req.method {
            Method::Get => self.client.get(&req.url),
            Method::Post => self.client.post(&req.url),
        };
        for (k, v) in &req.headers {
            builder = builder.header(k, v);
        }
        if let Some(body) = &req.body {
            builder = builder.body(body.clone());
        }
        let mut resp = builder.send().map_err(|e| classify(&e, "request failed"))?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        // Straight into one buffer of the announced size: collecting chunks and growing a
        // buffer copied a 2.6 MB Google page several times and touched fresh pages each time.
        let expected = resp.content_length().unwrap_or(0).min(64 << 20) as usize;
        let mut body = Vec::with_capacity(expected);
        std::io::Read::read_to_end(&mut resp, &mut body).map_err(|e| {
            let kind = match e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<reqwest::Error>())
            {
                Some(re) => classify(re, "the response body was cut short").kind,
                None => TransportErrorKind::Dropped,
            };
            let kind = match kind {
                TransportErrorKind::Timeout => TransportErrorKind::Timeout,
                _ => TransportErrorKind::Dropped,
            };
            TransportError::new(kind, format!("the response body was cut short: {e}"))
        })?;
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

/// Maps a reqwest error to a kind and a message without the URL (the caller adds it).
fn classify(e: &reqwest::Error, what: &str) -> TransportError {
    let kind = if e.is_connect() {
        TransportErrorKind::Connect
    } else if e.is_timeout() {
        TransportErrorKind::Timeout
    } else if e.is_body() || e.is_decode() || e.is_request() {
        TransportErrorKind::Dropped
    } else {
        TransportErrorKind::Other
    };
    let mut message = format!("{what}: {e}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    TransportError { kind, message }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    #[test]
    fn headers_are_case_insensitive_and_debug_hides_them() {
        let req = Request::get("https://api.fitbit.com/1/user/-/profile.json")
            .bearer(&Secret::new("tok123"))
            .header("Accept-Language", "en_US");
        assert_eq!(req.header_value("authorization"), Some("Bearer tok123"));
        assert!(!format!("{req:?}").contains("tok123"));
        let resp = Response::new(200, "x").with_header("FITBIT-RATE-LIMIT-REMAINING", "121");
        assert_eq!(resp.header("fitbit-rate-limit-remaining"), Some("121"));
        assert_eq!(resp.header("missing"), None);
    }

    #[test]
    fn post_form_encodes_pairs() {
        let req = Request::post_form(
            "u",
            &[("redirect_uri", "http://127.0.0.1:8080/"), ("a", "b c+")],
        );
        assert_eq!(
            req.body.as_deref(),
            Some(&b"redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2F&a=b+c%2B"[..])
        );
        assert_eq!(req.method, Method::Post);
    }

    #[test]
    fn reqwest_reports_refused_connections_as_connect() {
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let t = ReqwestTransport::new().unwrap();
        let err = t
            .send(&Request::get(format!("http://127.0.0.1:{port}/x")))
            .unwrap_err();
        assert_eq!(err.kind, TransportErrorKind::Connect, "{err}");
    }

    fn serve_once(answer: &'static [u8]) -> String {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", l.local_addr().unwrap());
        std::thread::spawn(move || {
            if let Ok((mut s, _)) = l.accept() {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                let _ = s.write_all(answer);
            }
        });
        url
    }

    #[test]
    fn reqwest_reads_status_headers_body_and_detects_truncation() {
        let t = ReqwestTransport::new().unwrap();
        let url = serve_once(
            b"HTTP/1.1 429 Too Many Requests\r\nFitbit-Rate-Limit-Reset: 12\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
        );
        let resp = t.send(&Request::get(url)).unwrap();
        assert_eq!(resp.status, 429);
        assert_eq!(resp.header("fitbit-rate-limit-reset"), Some("12"));
        assert_eq!(resp.body, b"ok");

        let url =
            serve_once(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\nshort");
        let err = t.send(&Request::get(url)).unwrap_err();
        assert_eq!(err.kind, TransportErrorKind::Dropped, "{err}");
    }

    #[test]
    fn reqwest_does_not_follow_redirects() {
        let t = ReqwestTransport::new().unwrap();
        let url = serve_once(
            b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        assert_eq!(t.send(&Request::get(url)).unwrap().status, 302);
    }
}
