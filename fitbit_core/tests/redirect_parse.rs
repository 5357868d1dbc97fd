//! The OAuth redirect parser on every shape a browser or a paste produces: the real Google and
//! Fitbit redirects, then a property test over parameter order, extra parameters, encodings,
//! containers (whole address, loopback request target, `?query`, bare query) and paste noise.

use fitbit_core::Error;
use fitbit_core::auth::parse_redirect;
use proptest::prelude::*;

/// Google's redirect as it reaches a Desktop client's loopback listener: `scope` carries
/// unencoded `https://` values (the shape quoted in prasmussen/gdrive#665).
const GOOGLE_TARGET: &str = "/?state=Zm9vYmFy&code=4/0AWgavdfXyZ-abc_123&scope=https://www.googleapis.com/auth/googlehealth.health_metrics_and_measurements.readonly%20https://www.googleapis.com/auth/googlehealth.settings.readonly";

fn message(r: fitbit_core::Result<String>) -> String {
    match r {
        Err(Error::Authorization { message }) => message,
        other => panic!("expected an authorization error, got {other:?}"),
    }
}

#[test]
fn google_loopback_target_with_scope_urls() {
    assert_eq!(
        parse_redirect(GOOGLE_TARGET, "Zm9vYmFy").unwrap(),
        "4/0AWgavdfXyZ-abc_123"
    );
    let full = format!("http://127.0.0.1:53682{GOOGLE_TARGET}&authuser=0&prompt=consent");
    assert_eq!(
        parse_redirect(&full, "Zm9vYmFy").unwrap(),
        "4/0AWgavdfXyZ-abc_123"
    );
    let query = GOOGLE_TARGET.trim_start_matches('/');
    assert_eq!(
        parse_redirect(query, "Zm9vYmFy").unwrap(),
        "4/0AWgavdfXyZ-abc_123"
    );
    assert_eq!(
        parse_redirect(query.trim_start_matches('?'), "Zm9vYmFy").unwrap(),
        "4/0AWgavdfXyZ-abc_123"
    );
}

#[test]
fn fitbit_redirect_with_fragment_and_paste_noise() {
    let url = "http://localhost:8000/?code=00a30f5d5c&state=S1#_=_";
    for pasted in [
        url.to_string(),
        format!("  {url}\n"),
        format!("{}\n{}", &url[..20], &url[20..]),
        "localhost:8000/?code=00a30f5d5c&state=S1#_=_".to_string(),
        "127.0.0.1:8000/?code=00a30f5d5c&state=S1".to_string(),
    ] {
        assert_eq!(
            parse_redirect(&pasted, "S1").unwrap(),
            "00a30f5d5c",
            "{pasted:?}"
        );
    }
}

#[test]
fn wrong_pastes_say_what_to_copy() {
    assert!(message(parse_redirect("http://127.0.0.1:8080/", "S")).contains("no query"));
    assert!(message(parse_redirect("not an url", "S")).contains("copy the whole address"));
    assert!(message(parse_redirect("", "S")).contains("copy the whole address"));
    assert!(message(parse_redirect("http://127.0.0.1/?foo=bar", "S")).contains("code="));
    assert!(message(parse_redirect("?code=c&state=T", "S")).contains("state"));
    assert!(message(parse_redirect("?state=S", "S")).contains("no `code`"));
    assert!(
        message(parse_redirect("/?error=access_denied&state=S", "S")).contains("access_denied")
    );
}

/// Percent-encodes every byte but ASCII letters, digits and `keep`: `-._~` is RFC 3986's
/// unreserved set; Google's redirects also keep `:` and `/` (and write a space as `%20`).
fn encode(s: &str, keep: &[u8]) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || keep.contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn extra_params() -> impl Strategy<Value = Vec<(String, String)>> {
    let scope = prop::sample::subsequence(
        vec![
            "https://www.googleapis.com/auth/googlehealth.health_metrics_and_measurements.readonly",
            "https://www.googleapis.com/auth/googlehealth.settings.readonly",
            "heartrate",
            "profile sleep",
        ],
        1..4,
    )
    .prop_map(|s| ("scope".to_string(), s.join(" ")));
    let fixed = prop::sample::subsequence(
        vec![
            ("authuser", "0"),
            ("prompt", "consent"),
            ("hd", "example.org"),
            ("iss", "https://accounts.google.com"),
            ("session_state", "a/b?c"),
        ],
        0..5,
    )
    .prop_map(|v| {
        v.into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
    });
    (prop::option::of(scope), fixed).prop_map(|(s, mut f)| {
        f.extend(s);
        f
    })
}

#[derive(Debug, Clone, Copy)]
enum Container {
    Url,
    Target,
    QuestionQuery,
    BareQuery,
}

proptest! {
    #[test]
    fn every_redirect_shape_gives_the_code(
        code in "[A-Za-z0-9/_.~-]{1,40}",
        state in "[A-Za-z0-9_-]{8,43}",
        extras in extra_params(),
        order in any::<prop::sample::Index>(),
        google_encoding in any::<bool>(),
        container in prop_oneof![
            Just(Container::Url), Just(Container::Target),
            Just(Container::QuestionQuery), Just(Container::BareQuery)
        ],
        port in 1024u16..65535,
        path in prop::sample::select(vec!["/", "/callback", "/oauth2/cb/"]),
        fragment in any::<bool>(),
        noise in prop::sample::select(vec!["", " ", "\n", "\r\n", "\t"]),
        break_at in any::<prop::sample::Index>(),
    ) {
        let enc = |v: &str| encode(v, if google_encoding { b"-._~:/" } else { b"-._~" });
        let mut pairs: Vec<(String, String)> = vec![
            ("code".into(), code.clone()),
            ("state".into(), state.clone()),
        ];
        pairs.extend(extras);
        let n = pairs.len();
        pairs.rotate_left(order.index(n));
        let query = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut text = match container {
            Container::Url => format!("http://127.0.0.1:{port}{path}?{query}"),
            Container::Target => format!("{path}?{query}"),
            Container::QuestionQuery => format!("?{query}"),
            Container::BareQuery => query.clone(),
        };
        if fragment {
            text.push_str("#_=_");
        }
        // A paste wrapped by a terminal, with white space around it.
        let cut = break_at.index(text.len() + 1);
        let pasted = format!("{noise}{}{noise}{}{noise}", &text[..cut], &text[cut..]);
        prop_assert_eq!(parse_redirect(&pasted, &state).unwrap(), code.clone());
        let wrong = format!("{state}x");
        prop_assert!(parse_redirect(&pasted, &wrong).is_err());
    }
}
