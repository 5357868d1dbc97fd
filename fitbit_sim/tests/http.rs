//! The HTTP layer: keep-alive, chunked request bodies, `Expect: 100-continue`, bad requests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use fitbit_sim::{Sim, SimConfig};

/// Read one response (head + Content-Length body) off a kept-alive connection.
fn read_one(r: &mut BufReader<TcpStream>) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut line = String::new();
    r.read_line(&mut line).expect("status line");
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).expect("header");
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .expect("content-length");
    let mut body = vec![0; len];
    r.read_exact(&mut body).expect("body");
    (status, headers, body)
}

fn connect(url: &str) -> (TcpStream, BufReader<TcpStream>) {
    let s = TcpStream::connect(url.trim_start_matches("http://")).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let r = BufReader::new(s.try_clone().expect("clone"));
    (s, r)
}

#[test]
fn keep_alive_serves_several_requests_on_one_connection() {
    let sim = Sim::start(SimConfig::default()).expect("start");
    let (mut w, mut r) = connect(&sim.url());
    for _ in 0..3 {
        w.write_all(b"GET /_sim/counters HTTP/1.1\r\nHost: x\r\n\r\n")
            .expect("write");
        let (status, headers, body) = read_one(&mut r);
        assert_eq!(status, 200);
        assert!(
            headers
                .iter()
                .any(|(k, v)| k == "connection" && v == "keep-alive")
        );
        assert!(body.starts_with(b"{"));
    }
    // A chunked form body with Expect: 100-continue.
    w.write_all(b"POST /_sim/clock/advance HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n")
        .expect("write");
    let mut cont = String::new();
    r.read_line(&mut cont).expect("100");
    assert!(cont.starts_with("HTTP/1.1 100"), "{cont}");
    let mut blank = String::new();
    r.read_line(&mut blank).expect("blank");
    w.write_all(b"5\r\nsecon\r\n5\r\nds=60\r\n0\r\n\r\n")
        .expect("write");
    let (status, _, body) = read_one(&mut r);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    // HTTP/1.0 without keep-alive: answered, then closed.
    w.write_all(b"GET / HTTP/1.0\r\n\r\n").expect("write");
    let (status, _, _) = read_one(&mut r);
    assert_eq!(status, 200);
    let mut rest = Vec::new();
    assert_eq!(r.read_to_end(&mut rest).expect("eof"), 0);
}

#[test]
fn malformed_request_gets_400_and_close() {
    let sim = Sim::start(SimConfig::default()).expect("start");
    let (mut w, mut r) = connect(&sim.url());
    w.write_all(b"NONSENSE\r\n\r\n").expect("write");
    let (status, _, _) = read_one(&mut r);
    assert_eq!(status, 400);
    let (mut w, mut r) = connect(&sim.url());
    w.write_all(b"GET / HTTP/1.1\r\nContent-Length: lots\r\n\r\n")
        .expect("write");
    assert_eq!(read_one(&mut r).0, 400);
}

#[test]
fn percent_encoded_paths_are_decoded() {
    let sim = Sim::start(SimConfig::default()).expect("start");
    let (mut w, mut r) = connect(&sim.url());
    w.write_all(b"GET /_sim/count%65rs HTTP/1.1\r\nHost: x\r\n\r\n")
        .expect("write");
    assert_eq!(read_one(&mut r).0, 200);
}
