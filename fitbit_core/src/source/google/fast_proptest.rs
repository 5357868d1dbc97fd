//! The hand reader of `heart-rate` pages ([`super::fast`]) against the serde models: on any page
//! it accepts, both give the same samples and token; on Google's layout, compact or spaced out,
//! it does accept; on pages serde rejects, it declines.

use chrono::{DateTime, Duration, Timelike, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;

use super::fast::read_heart_page;
use super::parse::{heart_rate_page, heart_rate_page_serde};

/// One generated point, with the choices that decide its text.
#[derive(Debug, Clone)]
struct Point {
    secs: i64,
    frac: Option<(u32, usize)>,
    offset: Option<i32>,
    /// 0 none, 1 civil = physical + offset, 2 another date and time, 3 a date only, 4 `{}` time.
    civil: u8,
    nanos: u32,
    bpm: u32,
    source: Option<String>,
    metadata: bool,
    bpm_first: bool,
    heart_first: bool,
}

fn any_point() -> impl Strategy<Value = Point> {
    (
        (
            0i64..2 * 86_400,
            prop::option::weighted(0.2, (0u32..1_000_000_000, 1usize..=9)),
            prop::option::weighted(
                0.97,
                prop::sample::select(vec![0, 3600, 7200, -18000, 19800, 32400, 45900, -34200]),
            ),
            0u8..5,
            prop::sample::select(vec![0u32, 0, 0, 1, 500_000_000, 999_999_999]),
        ),
        (
            prop_oneof![20 => 30u32..220, 1 => 0u32..70_000],
            prop::option::weighted(
                0.9,
                prop::sample::select(vec![
                    "Pixel Watch 4".to_string(),
                    "Montre d’Émile".to_string(),
                    "quote \\\" and \\\\ and \\u00e9".to_string(),
                    String::new(),
                ]),
            ),
            prop::bool::weighted(0.1),
            prop::bool::weighted(0.2),
            prop::bool::weighted(0.8),
        ),
    )
        .prop_map(
            |(
                (secs, frac, offset, civil, nanos),
                (bpm, source, metadata, bpm_first, heart_first),
            )| {
                Point {
                    secs,
                    frac,
                    offset,
                    civil,
                    nanos,
                    bpm,
                    source,
                    metadata,
                    bpm_first,
                    heart_first: !heart_first,
                }
            },
        )
}

/// The point as Google writes it (compact), with the generated variations.
fn point_json(p: &Point) -> String {
    let base = DateTime::<Utc>::from_timestamp(1_790_000_000, 0).unwrap();
    let t = base + Duration::seconds(p.secs);
    let mut physical = t.format("%Y-%m-%dT%H:%M:%S").to_string();
    if let Some((f, digits)) = p.frac {
        let s = format!("{f:09}");
        physical.push('.');
        physical.push_str(&s[..digits]);
    }
    physical.push('Z');
    let mut st = format!(r#""physicalTime":"{physical}""#);
    if let Some(o) = p.offset {
        st.push_str(&format!(r#","utcOffset":"{o}s""#));
    }
    let local = t + Duration::seconds(i64::from(p.offset.unwrap_or(0)));
    let date = |d: DateTime<Utc>| {
        use chrono::Datelike;
        format!(
            r#"{{"year":{},"month":{},"day":{}}}"#,
            d.year(),
            d.month(),
            d.day()
        )
    };
    let time = |d: DateTime<Utc>, nanos: u32| {
        let parts: Vec<String> = [
            ("hours", d.hour()),
            ("minutes", d.minute()),
            ("seconds", d.second()),
            ("nanos", nanos),
        ]
        .iter()
        .filter(|(_, v)| *v != 0)
        .map(|(k, v)| format!(r#""{k}":{v}"#))
        .collect();
        format!("{{{}}}", parts.join(","))
    };
    match p.civil {
        1 => st.push_str(&format!(
            r#","civilTime":{{"date":{},"time":{}}}"#,
            date(local),
            time(local, 0)
        )),
        2 => {
            let other = local + Duration::seconds(4000);
            st.push_str(&format!(
                r#","civilTime":{{"date":{},"time":{}}}"#,
                date(other),
                time(other, p.nanos)
            ))
        }
        3 => st.push_str(&format!(r#","civilTime":{{"date":{}}}"#, date(local))),
        4 => st.push_str(&format!(
            r#","civilTime":{{"date":{},"time":{{}}}}"#,
            date(local)
        )),
        _ => {}
    }
    let st = format!(r#""sampleTime":{{{st}}}"#);
    let bpm = format!(r#""beatsPerMinute":"{}""#, p.bpm);
    let mut hr = if p.bpm_first {
        format!("{bpm},{st}")
    } else {
        format!("{st},{bpm}")
    };
    if p.metadata {
        hr.push_str(r#","metadata":{"motionContext":"SEDENTARY","sensorLocation":"WRIST"}"#);
    }
    let heart = format!(r#""heartRate":{{{hr}}}"#);
    let source = p.source.as_ref().map(|name| {
        format!(
            r#""dataSource":{{"recordingMethod":"PASSIVELY_MEASURED","device":{{"displayName":"{name}"}},"platform":"FITBIT"}}"#
        )
    });
    match (source, p.heart_first) {
        (None, _) => format!("{{{heart}}}"),
        (Some(s), false) => format!("{{{s},{heart}}}"),
        (Some(s), true) => format!("{{{heart},{s}}}"),
    }
}

fn page_json(points: &[Point], token: &Option<String>) -> String {
    let items: Vec<String> = points.iter().map(point_json).collect();
    let mut members = Vec::new();
    if !points.is_empty() {
        members.push(format!(r#""dataPoints":[{}]"#, items.join(",")));
    }
    if let Some(t) = token {
        members.push(format!(r#""nextPageToken":"{t}""#));
    }
    format!("{{{}}}", members.join(","))
}

/// `compact` with white space after structural characters outside strings, as a pretty
/// printer writes it (`seed` picks which kind where).
fn respace(compact: &str, seed: u64) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let (mut in_str, mut escaped) = (false, false);
    let mut r = seed;
    for c in compact.chars() {
        out.push(c);
        if in_str {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '{' | '[' | ',' | ':' => {
                r = r.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                out.push_str([" ", "\n  ", "\r\n\t", ""][(r >> 33) as usize % 4]);
            }
            _ => {}
        }
    }
    out.push('\n');
    out
}

fn any_tz() -> impl Strategy<Value = Option<Tz>> {
    prop_oneof![
        Just(None),
        Just(Some(chrono_tz::Europe::Berlin)),
        Just(Some(chrono_tz::Asia::Tokyo)),
    ]
}

/// Same samples and token from the whole reader and the serde models; the hand reader answers
/// only what serde answers.
fn agree(body: &[u8], tz: Option<Tz>) -> Result<bool, TestCaseError> {
    let serde = heart_rate_page_serde(body, tz, "t");
    let both = heart_rate_page(body, tz, "t");
    match (&serde, &both) {
        (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
        (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
        _ => prop_assert!(false, "serde {:?} vs fast {:?}", serde, both),
    }
    let fast = read_heart_page(body);
    if fast.is_some() {
        prop_assert!(serde.is_ok(), "hand reader accepted what serde rejects");
    }
    Ok(fast.is_some())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn hand_reader_and_serde_agree_on_google_pages(
        points in prop::collection::vec(any_point(), 0..40),
        token in prop::option::of("[A-Za-z0-9_-]{0,24}"),
        spaced in any::<bool>(),
        seed in any::<u64>(),
        tz in any_tz(),
    ) {
        let compact = page_json(&points, &token);
        let body = if spaced { respace(&compact, seed) } else { compact };
        let fast = agree(body.as_bytes(), tz)?;
        // Google's own layout is always read by hand: every point has an offset and a bpm.
        let readable = points.iter().all(|p| p.offset.is_some() && p.bpm <= 65_535);
        prop_assert_eq!(fast, readable, "{}", body);
    }

    #[test]
    fn hand_reader_declines_what_serde_rejects(
        points in prop::collection::vec(any_point(), 1..8),
        at in any::<prop::sample::Index>(),
        with in prop::sample::select(vec![
            b'{', b'}', b'[', b']', b',', b':', b'"', b'\\', b' ', b'0', b'9', b'-', b'.', b'e',
            b'n', b'Z', b'T', 0x80, 0xC3,
        ]),
        tz in any_tz(),
    ) {
        let mut body = page_json(&points, &Some("tok".into())).into_bytes();
        let i = at.index(body.len());
        body[i] = with;
        agree(&body, tz)?;
    }
}
