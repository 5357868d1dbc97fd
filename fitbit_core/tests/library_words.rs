//! The library speaks in facts: its messages name no command-line flag, `fitbit` command or
//! notebook cell; what to do is data ([`Fix`]) that each front end renders.

use std::path::Path;

use fitbit_core::http::api_error;
use fitbit_core::{Error, Fix, Provider};

/// Words that belong to a front end, not to the library.
fn front_end_words(text: &str) -> Vec<&'static str> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    if bytes
        .windows(3)
        .any(|w| w[0] == b'-' && w[1] == b'-' && w[2].is_ascii_lowercase())
    {
        found.push("a --flag");
    }
    for word in [
        "`fitbit ",
        "fitbit auth",
        "fitbit import",
        "fitbit sync",
        ".ipynb",
    ] {
        if text.contains(word) {
            found.push(word);
        }
    }
    found
}

fn assert_library_words(text: &str) {
    let found = front_end_words(text);
    assert!(found.is_empty(), "{found:?} in: {text}");
}

fn every_error() -> Vec<Error> {
    let p = || Path::new("fb_conf.json").to_path_buf();
    let mut all = vec![
        Error::ConfigMissing { path: p() },
        Error::ConfigSyntax {
            path: p(),
            line: 1,
            column: 2,
            message: "expected value".into(),
        },
        Error::ConfigField {
            path: p(),
            field: "client_id".into(),
            problem: "is missing".into(),
        },
        Error::io(p(), std::io::Error::other("disk full")),
        Error::TokenEndpoint {
            provider: Provider::Fitbit,
            status: 401,
            error: "invalid_client".into(),
            description: "bad secret".into(),
        },
        Error::Authorization {
            message: "no code".into(),
        },
        Error::IntradayUnavailable,
        Error::LegacyApiGone,
        Error::Network {
            url: "http://127.0.0.1:1/".into(),
            message: "refused".into(),
        },
        Error::Locked {
            path: "store/.lock".into(),
            holder: "pid 1".into(),
        },
        Error::BudgetSpent { requests: 10 },
        Error::Store {
            path: "store".into(),
            message: "damaged".into(),
        },
    ];
    for provider in [Provider::Fitbit, Provider::Google] {
        all.push(Error::Reauthorize {
            provider,
            detail: "invalid_grant".into(),
        });
        // Every envelope hint: each documented error body and status.
        let bodies: [&[u8]; 8] = [
            br#"{"errors":[{"errorType":"expired_token","message":"m"}]}"#,
            br#"{"errors":[{"errorType":"insufficient_permissions","message":"m"}]}"#,
            br#"{"errors":[{"errorType":"insufficient_scope","message":"m"}]}"#,
            br#"{"errors":[{"errorType":"invalid_client","message":"m"}]}"#,
            br#"{"error":{"code":403,"status":"PERMISSION_DENIED","message":"m","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"ACCESS_TOKEN_SCOPE_INSUFFICIENT"}]}}"#,
            br#"{"error":{"code":400,"status":"FAILED_PRECONDITION","message":"m"}}"#,
            br#"{"error":{"code":403,"status":"PERMISSION_DENIED","message":"m"}}"#,
            b"<html>",
        ];
        for body in bodies {
            for status in [400, 401, 403, 404, 429, 500] {
                all.push(api_error(provider, status, body));
            }
        }
    }
    all
}

#[test]
fn error_messages_name_no_flag_command_or_cell() {
    for e in every_error() {
        assert_library_words(&e.to_string());
    }
}

#[test]
fn errors_carry_their_fix_as_data() {
    let fix = |e: Error| e.fix();
    assert_eq!(
        fix(Error::Locked {
            path: "l".into(),
            holder: String::new()
        }),
        Some(Fix::WaitForLock)
    );
    assert_eq!(fix(Error::LegacyApiGone), Some(Fix::ReadExport));
    assert_eq!(fix(Error::IntradayUnavailable), Some(Fix::Reauthorize));
    assert_eq!(
        fix(Error::ConfigMissing { path: "c".into() }),
        Some(Fix::Enroll)
    );
    let scope = br#"{"errors":[{"errorType":"insufficient_scope","message":"m"}]}"#;
    assert_eq!(
        fix(api_error(Provider::Fitbit, 403, scope)),
        Some(Fix::Reauthorize)
    );
    assert_eq!(
        fix(api_error(Provider::Google, 503, b"")),
        Some(Fix::RetryLater)
    );
    assert_eq!(fix(api_error(Provider::Google, 404, b"")), None);
    // The notebook rendering adds the notebook's words to the library's message.
    let e = Error::Reauthorize {
        provider: Provider::Google,
        detail: "invalid_grant".into(),
    };
    let shown = fitbit_core::display::explain(&e);
    assert!(shown.starts_with(&e.message().to_string()) && shown.contains("update_token.ipynb"));
}

/// In a notebook a bare `?` prints the error's `Display`: there (evcxr sets `EVCXR_IS_RUNTIME`
/// in the process that runs the cells) it ends with the notebooks' words for the fix. Outside,
/// `Display` is the library's message alone. The notebook half runs in a child process of this
/// test binary, with that variable set.
#[test]
fn a_bare_question_mark_in_a_notebook_names_the_cell_to_run() {
    let e = Error::Reauthorize {
        provider: Provider::Fitbit,
        detail: "invalid_grant".into(),
    };
    let no_fix = Error::InvalidInput {
        what: "date `2026-13-01`".into(),
        hint: "write it as YYYY-MM-DD".into(),
    };
    assert_eq!(no_fix.to_string(), no_fix.message().to_string());
    if std::env::var_os("EVCXR_IS_RUNTIME").is_some() {
        assert!(fitbit_core::display::in_notebook());
        assert_eq!(e.to_string(), fitbit_core::display::explain(&e));
        assert!(e.to_string().contains("update_token.ipynb"), "{e}");
        assert!(!e.message().to_string().contains(".ipynb"));
        println!("checked in notebook mode");
        return;
    }
    assert!(!fitbit_core::display::in_notebook());
    assert_eq!(e.to_string(), e.message().to_string());
    assert_eq!(front_end_words(&e.to_string()), Vec::<&str>::new());
    let me = "a_bare_question_mark_in_a_notebook_names_the_cell_to_run";
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", me, "--nocapture", "--test-threads=1"])
        .env("EVCXR_IS_RUNTIME", "1")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&child.stdout);
    assert!(
        child.status.success() && out.contains("checked in notebook mode"),
        "{out}{}",
        String::from_utf8_lossy(&child.stderr)
    );
}

/// A guard for new code: no string in the library's own (non-test) source names a flag, a
/// `fitbit` command or a notebook. Comments may; the notebook rendering (`display.rs`) must.
#[test]
fn library_source_strings_name_no_front_end() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    assert!(
        files.len() > 20,
        "read {} files under {}",
        files.len(),
        root.display()
    );
    let mut bad = Vec::new();
    for path in files {
        if path.ends_with("display.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("#[cfg(test)]") {
                break;
            }
            if line.trim_start().starts_with("//") {
                continue;
            }
            if !front_end_words(line).is_empty() {
                bad.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "front-end words in library strings:\n{}",
        bad.join("\n")
    );
}
