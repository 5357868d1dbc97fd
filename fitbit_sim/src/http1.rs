//! A small HTTP/1.1 server on std sockets: keep-alive, `Content-Length` and chunked request
//! bodies, `Expect: 100-continue`.
//!
//! Why not `tiny_http`: fault injection must close a keep-alive connection without answering
//! and cut a body short and then close; `tiny_http` 0.12 owns its sockets and offers no way to
//! close one, so a client would hang instead of seeing a dropped connection.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 1024 * 1024;

/// One parsed request.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub method: String,
    /// Percent-decoded path, without the query.
    pub path: String,
    /// The raw query string (no leading `?`), as sent.
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// A header value by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A complete answer.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Response::new(status, "application/json;charset=UTF-8", body)
    }
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// What the handler wants done with the connection.
#[derive(Debug)]
pub enum Outcome {
    /// Send the answer (the connection stays open if the client wants keep-alive).
    Respond(Response),
    /// Close the connection without sending a byte.
    Drop,
    /// Send the head with the full `Content-Length` but only `keep` body bytes, then close.
    Truncate(Response, usize),
}

/// A handler of requests, shared by all connection threads.
pub type Handler = Arc<dyn Fn(Request) -> Outcome + Send + Sync>;

/// The listening server; dropping it does not stop it, call [`Server::stop`].
pub struct Server {
    addr: std::net::SocketAddr,
    stopping: Arc<AtomicBool>,
    live: Arc<Mutex<HashMap<u64, TcpStream>>>,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    /// Bind and start accepting; each connection gets its own thread.
    pub fn start(addr: std::net::SocketAddr, handler: Handler) -> io::Result<Server> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let stopping = Arc::new(AtomicBool::new(false));
        let live: Arc<Mutex<HashMap<u64, TcpStream>>> = Arc::default();
        let (stop2, live2) = (stopping.clone(), live.clone());
        let accept = std::thread::Builder::new()
            .name("fitbit_sim-accept".into())
            .spawn(move || accept_loop(listener, handler, stop2, live2))?;
        Ok(Server {
            addr,
            stopping,
            live,
            accept: Some(accept),
        })
    }

    pub fn addr(&self) -> std::net::SocketAddr {
        self.addr
    }

    /// Stop accepting and close every open connection. Idempotent.
    pub fn stop(&mut self) {
        if self.stopping.swap(true, Ordering::SeqCst) {
            return;
        }
        // Wake the blocking accept().
        let _ = TcpStream::connect(self.addr);
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
        if let Ok(live) = self.live.lock() {
            for s in live.values() {
                let _ = s.shutdown(Shutdown::Both);
            }
        }
    }
}

fn accept_loop(
    listener: TcpListener,
    handler: Handler,
    stopping: Arc<AtomicBool>,
    live: Arc<Mutex<HashMap<u64, TcpStream>>>,
) {
    let ids = AtomicU64::new(0);
    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let id = ids.fetch_add(1, Ordering::Relaxed);
        if let (Ok(clone), Ok(mut map)) = (stream.try_clone(), live.lock()) {
            map.insert(id, clone);
        }
        let (handler, live2) = (handler.clone(), live.clone());
        let spawned = std::thread::Builder::new()
            .name("fitbit_sim-conn".into())
            .spawn(move || {
                let _ = serve_connection(stream, &handler);
                if let Ok(mut map) = live2.lock() {
                    map.remove(&id);
                }
            });
        if spawned.is_err()
            && let Ok(mut map) = live.lock()
            && let Some(s) = map.remove(&id)
        {
            let _ = s.shutdown(Shutdown::Both);
        }
    }
}

fn serve_connection(stream: TcpStream, handler: &Handler) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::with_capacity(16 * 1024, stream);
    loop {
        let (req, keep_alive) = match read_request(&mut reader, &mut writer) {
            Ok(Some(r)) => r,
            Ok(None) => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                let resp = Response::new(400, "text/plain", format!("Bad Request: {e}\n"));
                write_response(&mut writer, &resp, false, None, false)?;
                let _ = writer.shutdown(Shutdown::Both);
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        let head_only = req.method == "HEAD";
        match handler(req) {
            Outcome::Respond(resp) => {
                write_response(&mut writer, &resp, keep_alive, None, head_only)?;
                if !keep_alive {
                    let _ = writer.shutdown(Shutdown::Both);
                    return Ok(());
                }
            }
            Outcome::Drop => {
                let _ = writer.shutdown(Shutdown::Both);
                return Ok(());
            }
            Outcome::Truncate(resp, keep) => {
                let _ = write_response(&mut writer, &resp, false, Some(keep), false);
                let _ = writer.shutdown(Shutdown::Both);
                return Ok(());
            }
        }
    }
}

/// Read one request; `Ok(None)` when the client closed the connection between requests.
fn read_request(
    reader: &mut BufReader<TcpStream>,
    writer: &mut TcpStream,
) -> io::Result<Option<(Request, bool)>> {
    let bad = |m: &str| io::Error::new(io::ErrorKind::InvalidData, m.to_string());
    let mut head_len = 0usize;
    let mut line = String::new();
    // Skip blank lines before a request line (RFC 9112 §2.2).
    loop {
        line.clear();
        let n = read_line(reader, &mut line, &mut head_len)?;
        if n == 0 {
            return Ok(None);
        }
        if !line.trim().is_empty() {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("malformed request line"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(bad("only HTTP/1.0 and HTTP/1.1 are supported"));
    }
    let http10 = version == "HTTP/1.0";
    let (method, target) = (method.to_string(), target.to_string());
    let mut headers = Vec::new();
    loop {
        line.clear();
        if read_line(reader, &mut line, &mut head_len)? == 0 {
            return Err(bad("connection closed inside the request head"));
        }
        let l = line.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            break;
        }
        let Some((k, v)) = l.split_once(':') else {
            return Err(bad("malformed header line"));
        };
        headers.push((k.trim().to_string(), v.trim().to_string()));
        if headers.len() > 200 {
            return Err(bad("too many headers"));
        }
    }
    let mut req = Request {
        method,
        headers,
        ..Request::default()
    };
    let connection = req.header("Connection").unwrap_or("").to_ascii_lowercase();
    let keep_alive = if http10 {
        connection.contains("keep-alive")
    } else {
        !connection.contains("close")
    };
    if req
        .header("Expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    let chunked = req
        .header("Transfer-Encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        req.body = read_chunked(reader)?;
    } else if let Some(len) = req.header("Content-Length") {
        let len: usize = len.trim().parse().map_err(|_| bad("bad Content-Length"))?;
        if len > MAX_BODY {
            return Err(bad("request body too large"));
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body)?;
        req.body = body;
    }
    let target = strip_absolute_form(&target);
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    req.path = percent_decode(path);
    req.query = query.to_string();
    Ok(Some((req, keep_alive)))
}

fn read_line(
    r: &mut BufReader<TcpStream>,
    line: &mut String,
    total: &mut usize,
) -> io::Result<usize> {
    let mut buf = Vec::new();
    let n = r
        .by_ref()
        .take((MAX_HEAD + 1 - *total) as u64)
        .read_until(b'\n', &mut buf)?;
    *total += n;
    if *total > MAX_HEAD {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "request head too large",
        ));
    }
    line.push_str(&String::from_utf8_lossy(&buf));
    Ok(n)
}

fn read_chunked(r: &mut BufReader<TcpStream>) -> io::Result<Vec<u8>> {
    let bad = |m: &str| io::Error::new(io::ErrorKind::InvalidData, m.to_string());
    let mut body = Vec::new();
    let mut total = 0;
    loop {
        let mut line = String::new();
        read_line(r, &mut line, &mut total)?;
        let size = line.trim().split(';').next().unwrap_or("");
        let size = usize::from_str_radix(size.trim(), 16).map_err(|_| bad("bad chunk size"))?;
        if size == 0 {
            // Trailers until a blank line.
            loop {
                line.clear();
                if read_line(r, &mut line, &mut total)? == 0 || line.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        if body.len() + size > MAX_BODY {
            return Err(bad("request body too large"));
        }
        let start = body.len();
        body.resize(start + size, 0);
        r.read_exact(&mut body[start..])?;
        let mut crlf = [0u8; 2];
        r.read_exact(&mut crlf)?;
    }
}

fn strip_absolute_form(target: &str) -> &str {
    for scheme in ["http://", "https://"] {
        if let Some(rest) = target.strip_prefix(scheme) {
            return rest.find('/').map_or("/", |i| &rest[i..]);
        }
    }
    target
}

/// Decode `%XX` escapes (invalid escapes are kept as they are).
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

/// Write the head and (up to `keep` bytes of) the body. The body is written straight to the
/// socket, without copying it into a buffer.
fn write_response(
    w: &mut TcpStream,
    resp: &Response,
    keep_alive: bool,
    keep: Option<usize>,
    head_only: bool,
) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    for (k, v) in &resp.headers {
        head.push_str(k);
        head.push_str(": ");
        head.push_str(v);
        head.push_str("\r\n");
    }
    head.push_str(&format!(
        "Date: {}\r\nContent-Length: {}\r\n",
        chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT"),
        resp.body.len()
    ));
    head.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    let body = if head_only {
        &[][..]
    } else {
        &resp.body[..keep.unwrap_or(resp.body.len()).min(resp.body.len())]
    };
    if body.len() <= 16 * 1024 {
        let mut all = head.into_bytes();
        all.extend_from_slice(body);
        w.write_all(&all)?;
    } else {
        w.write_all(head.as_bytes())?;
        w.write_all(body)?;
    }
    w.flush()
}
