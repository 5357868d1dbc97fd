//! Fault injection on data endpoints: 5xx, dropped connections, truncated bodies; deterministic.

mod common;

use common::*;
use fitbit_sim::{Faults, Provider, Sim, SimConfig};

#[derive(Debug, PartialEq, Eq)]
enum Seen {
    Answer(u16),
    Dropped,
    Truncated,
}

fn observe(r: &Resp) -> Seen {
    if r.dropped {
        Seen::Dropped
    } else if r.truncated {
        Seen::Truncated
    } else {
        Seen::Answer(r.status)
    }
}

fn run(faults: Faults, n: usize) -> Vec<Seen> {
    let s = Sim::start(SimConfig {
        faults,
        ..SimConfig::default()
    })
    .expect("start");
    let (tok, _) = s
        .control()
        .issue_tokens(Provider::Fitbit, FITBIT_ID, "heartrate");
    let auth = bearer(&tok);
    let out: Vec<Seen> = (0..n)
        .map(|_| {
            observe(&get(
                &s.url(),
                "/1/user/-/hrv/date/2026-10-01.json",
                &[("Authorization", &auth)],
            ))
        })
        .collect();
    let c = s.control().counters();
    let injected = out
        .iter()
        .filter(|x| !matches!(x, Seen::Answer(200) | Seen::Answer(500)))
        .count() as u64;
    assert!(c.faults_injected >= injected, "{c:?}");
    out
}

#[test]
fn same_seed_same_faults_and_all_kinds_occur() {
    let f = Faults {
        error_rate: 0.25,
        drop_rate: 0.2,
        truncate_rate: 0.2,
        seed: 11,
        ..Faults::default()
    };
    let a = run(f, 60);
    let b = run(f, 60);
    assert_eq!(a, b);
    assert!(a.contains(&Seen::Dropped), "{a:?}");
    assert!(
        a.iter().any(|x| matches!(x, Seen::Answer(502 | 503))),
        "{a:?}"
    );
    let c = run(Faults { seed: 12, ..f }, 60);
    assert_ne!(a, c, "another seed, another sequence");
}

#[test]
fn each_fault_kind_alone() {
    let s = Sim::start(SimConfig::default()).expect("start");
    let (tok, _) = s.control().issue_tokens(Provider::Google, GOOGLE_ID, HM);
    let auth = bearer(&tok);
    let path = "/v4/users/me/dataTypes/heart-rate/dataPoints";
    s.control().set_faults(Faults {
        drop_rate: 1.0,
        ..Faults::default()
    });
    assert!(get(&s.url(), path, &[("Authorization", &auth)]).dropped);
    s.control().set_faults(Faults {
        truncate_rate: 1.0,
        ..Faults::default()
    });
    let r = get(&s.url(), path, &[("Authorization", &auth)]);
    assert!(
        r.truncated,
        "Content-Length larger than the bytes sent: {:?}",
        r.headers
    );
    s.control().set_faults(Faults {
        error_rate: 1.0,
        ..Faults::default()
    });
    let statuses: Vec<u16> = (0..20)
        .map(|_| get(&s.url(), path, &[("Authorization", &auth)]).status)
        .collect();
    assert!(
        statuses.iter().all(|s| [500, 502, 503].contains(s)),
        "{statuses:?}"
    );
    // OAuth and controls are never faulted.
    let r = post_form(
        &s.url(),
        "/token",
        &[],
        &[
            ("client_id", GOOGLE_ID),
            ("client_secret", GOOGLE_SECRET),
            ("grant_type", "refresh_token"),
            ("refresh_token", "x"),
        ],
    );
    assert_eq!(r.status, 400);
    assert_eq!(get(&s.url(), "/_sim/counters", &[]).status, 200);
    // Faults stop when switched off.
    s.control().set_faults(Faults::default());
    let r = get(&s.url(), path, &[("Authorization", &auth)]);
    assert!(!r.dropped && !r.truncated && ![502, 503].contains(&r.status));
}

#[test]
fn latency_delays_data_answers() {
    let s = Sim::start(SimConfig {
        faults: Faults {
            latency_ms: 150,
            ..Faults::default()
        },
        ..SimConfig::default()
    })
    .expect("start");
    let t0 = std::time::Instant::now();
    let _ = get(&s.url(), "/_sim/counters", &[]);
    assert!(t0.elapsed().as_millis() < 150, "controls are not delayed");
    let (tok, _) = s
        .control()
        .issue_tokens(Provider::Fitbit, FITBIT_ID, "heartrate");
    let t0 = std::time::Instant::now();
    let _ = get(
        &s.url(),
        "/1/user/-/hrv/date/2026-10-01.json",
        &[("Authorization", &bearer(&tok))],
    );
    assert!(t0.elapsed().as_millis() >= 150);
}
