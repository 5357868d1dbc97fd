//! The `fitbit` binary end to end against the in-process emulator.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use fitbit_core::config::ConfigStore;
use fitbit_core::http::{Request, ReqwestTransport, Transport};
use fitbit_sim::Provider;

mod common;
use common::browser::*;
use common::*;

fn write_client(dir: &Path, provider: Provider) -> PathBuf {
    let body = match provider {
        Provider::Fitbit => {
            r#"{"client_id":"23DEMO","client_secret":"demo-fitbit-secret","access_token":"","refresh_token":""}"#
        }
        Provider::Google => {
            r#"{"client_id":"demo.apps.googleusercontent.com","client_secret":"demo-google-secret","access_token":"","refresh_token":""}"#
        }
    };
    let path = dir.join("fb_conf.json");
    std::fs::write(&path, body).unwrap();
    path
}

#[test]
fn help_explains_every_command() {
    let o = run({
        let mut c = Command::new(env!("CARGO_BIN_EXE_fitbit"));
        c.arg("--help");
        c
    });
    assert!(o.status.success());
    let t = text(&o);
    for cmd in ["auth", "token", "heart-rate", "hrv", "import"] {
        assert!(t.contains(cmd), "--help lists {cmd}");
    }
}

#[test]
fn auth_through_the_loopback_redirect_writes_a_private_config() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("fb_conf.json"),
        r#"{"client_id":"23DEMO","client_secret":"demo-fitbit-secret","access_token":"","refresh_token":"","note":"kept"}"#,
    )
    .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cmd = fitbit(&sim, dir.path());
    let redirect = format!("http://127.0.0.1:{port}/callback");
    cmd.args(["auth", "--redirect-uri", &redirect, "--timeout", "30"]);
    let auth = start_auth(cmd);
    let url = auth.url.clone();
    assert!(url.contains("code_challenge_method=S256") && url.contains("state="));
    let location = get_location(&url);
    assert!(location.ends_with("#_=_"), "Fitbit appends #_=_");
    // The browser follows the redirect to our listener.
    let t = ReqwestTransport::new().unwrap();
    let page = t
        .send(&Request::get(location.trim_end_matches("#_=_")))
        .unwrap();
    assert_eq!(page.status, 200);
    assert!(auth.finish().0);
    let path = dir.path().join("fb_conf.json");
    let cfg = ConfigStore::new(&path).load().unwrap();
    assert!(!cfg.access_token.is_empty() && !cfg.refresh_token.is_empty());
    assert_eq!(cfg.extra.get("note").and_then(|v| v.as_str()), Some("kept"));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn auth_by_pasting_the_redirected_url_for_google() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("fb_conf.json"),
        r#"{"client_id":"demo.apps.googleusercontent.com","client_secret":"demo-google-secret","access_token":"","refresh_token":""}"#,
    )
    .unwrap();
    let mut cmd = fitbit(&sim, dir.path());
    cmd.args(["auth", "--no-listen", "--timeout", "30"]);
    let mut auth = start_auth(cmd);
    assert!(auth.url.contains("access_type=offline") && auth.url.contains("prompt=consent"));
    let location = get_location(&auth.url);
    assert!(
        location.contains("&scope=https://"),
        "Google's redirect shape: {location}"
    );
    let mut stdin = auth.child.stdin.take().unwrap();
    writeln!(stdin, "not an url").unwrap();
    writeln!(stdin, "  {location}  ").unwrap();
    let (ok, printed) = auth.finish();
    assert!(ok, "{printed}");
    assert!(
        printed.contains("copy the whole address"),
        "a wrong paste says what to copy: {printed}"
    );
    let cfg = assert_authorized(&dir.path().join("fb_conf.json"), &printed);
    assert_eq!(cfg.provider(), fitbit_core::Provider::Google);
}

#[test]
fn auth_through_the_loopback_for_a_google_desktop_client() {
    // The README's recommended setup: a Desktop client, no redirect_uri in the config, a free
    // loopback port. Google's redirect carries `scope=https://…` values.
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    let path = write_client(dir.path(), Provider::Google);
    let mut cmd = fitbit(&sim, dir.path());
    cmd.args(["auth", "--timeout", "30"]);
    let auth = start_auth(cmd);
    let (location, page) = browse(&auth.url);
    assert!(location.starts_with("http://127.0.0.1:"), "{location}");
    assert!(
        location.contains("&scope=https://"),
        "Google's redirect shape: {location}"
    );
    assert_eq!(page.status, 200, "{}", String::from_utf8_lossy(&page.body));
    assert!(String::from_utf8_lossy(&page.body).contains("You can close this tab"));
    let (ok, printed) = auth.finish();
    assert!(ok, "{printed}");
    let cfg = assert_authorized(&path, &printed);
    assert_eq!(cfg.provider(), fitbit_core::Provider::Google);
    assert!(
        cfg.redirect_uri
            .as_deref()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    // The tokens work: `fitbit token` and a day of heart rate with them.
    let mut c = fitbit(&sim, dir.path());
    c.arg("token");
    let o = run(c);
    assert!(
        o.status.success() && text(&o).contains("The request succeeded."),
        "{}",
        text(&o)
    );
}

#[test]
fn auth_by_pasting_the_redirected_url_for_fitbit() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    let path = write_client(dir.path(), Provider::Fitbit);
    let mut cmd = fitbit(&sim, dir.path());
    cmd.args(["auth", "--no-listen", "--timeout", "30"]);
    let mut auth = start_auth(cmd);
    assert!(
        auth.url
            .contains("redirect_uri=http%3A%2F%2Flocalhost%3A8000"),
        "{}",
        auth.url
    );
    let location = get_location(&auth.url);
    assert!(
        location.starts_with("http://localhost:8000") && location.ends_with("#_=_"),
        "{location}"
    );
    let mut stdin = auth.child.stdin.take().unwrap();
    writeln!(stdin, "{location}\r").unwrap();
    let (ok, printed) = auth.finish();
    assert!(ok, "{printed}");
    let cfg = assert_authorized(&path, &printed);
    assert_eq!(cfg.provider(), fitbit_core::Provider::Fitbit);
    let mut c = fitbit(&sim, dir.path());
    c.arg("token");
    let o = run(c);
    assert!(
        o.status.success() && text(&o).contains("The request succeeded."),
        "{}",
        text(&o)
    );
}

#[test]
fn token_refreshes_an_expired_google_token_and_keeps_the_refresh_token() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    let path = config(&sim, dir.path(), Provider::Google, -60);
    let before = ConfigStore::new(&path).load().unwrap();
    let mut c = fitbit(&sim, dir.path());
    c.arg("token");
    let o = run(c);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("The request succeeded."));
    let after = ConfigStore::new(&path).load().unwrap();
    assert_ne!(
        before.access_token, after.access_token,
        "a new access token was saved"
    );
    assert_eq!(
        before.refresh_token, after.refresh_token,
        "Google does not rotate it"
    );
    assert!(!text(&o).contains(after.access_token.expose()));
    assert_eq!(sim.control().counters().token_refreshes, 1);
}

#[test]
fn token_refreshes_an_expired_token_and_says_the_request_succeeded() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    let path = config(&sim, dir.path(), Provider::Fitbit, -60);
    let before = std::fs::read_to_string(&path).unwrap();
    let mut c = fitbit(&sim, dir.path());
    c.arg("token");
    let o = run(c);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("The request succeeded."));
    let after = std::fs::read_to_string(&path).unwrap();
    assert_ne!(before, after, "the rotated pair was saved");
    let cfg: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert!(
        !text(&o).contains(cfg["access_token"].as_str().unwrap()),
        "no token in output"
    );
    assert!(!text(&o).contains(cfg["refresh_token"].as_str().unwrap()));
}

#[test]
fn concurrent_processes_refresh_once_and_all_succeed() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    config(&sim, dir.path(), Provider::Fitbit, -60);
    let children: Vec<_> = (0..4)
        .map(|_| {
            let mut c = fitbit(&sim, dir.path());
            c.arg("token").stdout(Stdio::piped()).stderr(Stdio::piped());
            c.spawn().unwrap()
        })
        .collect();
    for ch in children {
        let o = ch.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", text(&o));
    }
    assert_eq!(
        sim.control().counters().token_refreshes,
        1,
        "one refresh for four processes"
    );
}

#[test]
fn heart_rate_and_hrv_write_the_original_csv_names_for_both_providers() {
    for provider in [Provider::Fitbit, Provider::Google] {
        let sim = sim();
        let dir = tempfile::tempdir().unwrap();
        config(&sim, dir.path(), provider, 3600);
        let mut c = fitbit(&sim, dir.path());
        c.args([
            "heart-rate",
            "--date",
            "2026-10-20",
            "--detail",
            "1min",
            "--out",
            "out",
        ]);
        let o = run(c);
        assert!(o.status.success(), "{provider:?}: {}", text(&o));
        let csv = std::fs::read_to_string(dir.path().join("out/Fitbit_HR_2026-10-20.csv")).unwrap();
        assert!(csv.starts_with("timestamp,heartrate,"), "{}", &csv[..60]);
        assert!(csv.lines().nth(1).unwrap().starts_with("2026-10-20 00:"));
        assert!(
            dir.path()
                .join("out/Fitbit_RestingHR_2026-10-20.csv")
                .exists()
        );
        let mut c = fitbit(&sim, dir.path());
        c.args([
            "hrv",
            "--start",
            "2026-10-18",
            "--end",
            "2026-10-20",
            "--intraday",
            "--out",
            "out",
        ]);
        let o = run(c);
        assert!(o.status.success(), "{provider:?}: {}", text(&o));
        let daily =
            std::fs::read_to_string(dir.path().join("out/Fitbit_HRV_2026-10-18_2026-10-20.csv"))
                .unwrap();
        assert!(daily.starts_with("date,daily_rmssd,deep_rmssd"));
        assert!(
            dir.path()
                .join("out/Fitbit_HRV_intraday_2026-10-18_2026-10-20.csv")
                .exists()
        );
    }
}

#[test]
fn bad_configs_get_clear_errors_and_stay_byte_identical() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fb_conf.json");
    let cases: [(&str, &[&str]); 3] = [
        (
            "{\"client_id\": \"23DEMO\",\n  \"client_secret\": }",
            &["line 2", "not valid JSON"],
        ),
        (
            "{\"client_secret\": \"x\", \"access_token\": \"\", \"refresh_token\": \"\"}",
            &["client_id"],
        ),
        (
            "{\"client_id\": 5, \"client_secret\": \"x\"}",
            &["client_id"],
        ),
    ];
    for (body, needles) in cases {
        std::fs::write(&path, body).unwrap();
        let commands: [&[&str]; 3] = [
            &["token"],
            &["heart-rate", "--date", "2026-10-20"],
            &["auth", "--timeout", "1"],
        ];
        for cmd in commands {
            let mut c = fitbit(&sim, dir.path());
            c.args(cmd);
            let o = run(c);
            assert!(!o.status.success());
            let t = text(&o);
            for n in needles {
                assert!(t.contains(n), "{cmd:?} on {body:?}: {t}");
            }
            assert_eq!(
                std::fs::read_to_string(&path).unwrap(),
                body,
                "file untouched"
            );
        }
    }
    std::fs::remove_file(&path).unwrap();
    let mut c = fitbit(&sim, dir.path());
    c.arg("token");
    let o = run(c);
    assert!(
        !o.status.success() && text(&o).contains("fb_conf.example.json"),
        "{}",
        text(&o)
    );
}

#[test]
fn invalid_grant_and_shutdown_are_explained() {
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    let path = config(&sim, dir.path(), Provider::Fitbit, -60);
    // Use the refresh token once elsewhere: the config's copy is now spent.
    let cfg = ConfigStore::new(&path).load().unwrap();
    let t = ReqwestTransport::new().unwrap();
    let url = format!("{}/oauth2/token", sim.url());
    let req = Request::post_form(
        url,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", cfg.refresh_token.expose()),
            ("client_id", "23DEMO"),
        ],
    );
    assert_eq!(t.send(&req).unwrap().status, 200);
    let before = std::fs::read(&path).unwrap();
    let mut c = fitbit(&sim, dir.path());
    c.arg("token");
    let o = run(c);
    assert!(!o.status.success());
    assert!(text(&o).contains("fitbit auth"), "{}", text(&o));
    assert_eq!(std::fs::read(&path).unwrap(), before);

    sim.control().set_gone(true);
    config(&sim, dir.path(), Provider::Fitbit, 3600);
    let mut c = fitbit(&sim, dir.path());
    c.args(["heart-rate", "--date", "2026-10-20"]);
    let o = run(c);
    assert!(!o.status.success());
    let t = text(&o);
    assert!(
        t.contains("2026-11-02") && t.contains("Google Health API"),
        "{t}"
    );
}

#[test]
fn import_reads_an_export_folder_into_the_same_csvs() {
    let dir = tempfile::tempdir().unwrap();
    let global = legacy_export_day(dir.path());
    std::fs::write(
        global.join("heart_rate-2019-04-23.json"),
        "[{\"dateTime\" : \"04/23/19 0",
    )
    .unwrap();
    let mut c = Command::new(env!("CARGO_BIN_EXE_fitbit"));
    c.current_dir(dir.path()).args([
        "import",
        "Takeout",
        "--tz",
        "local:Europe/Berlin",
        "--out",
        "out",
    ]);
    let o = run(c);
    assert!(o.status.success(), "{}", text(&o));
    let csv = std::fs::read_to_string(dir.path().join("out/Fitbit_HR_2019-04-22.csv")).unwrap();
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("timestamp,heartrate,timestamp_utc")
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("2019-04-22 04:00:05,69,2019-04-22T02:00:05Z")
    );
    let t = text(&o);
    assert!(
        t.contains("truncated or corrupt"),
        "bad files are counted: {t}"
    );
    assert!(
        dir.path()
            .join("out/Fitbit_HR_2019-04-22_2019-04-22.parquet")
            .exists()
    );
}

#[test]
fn import_reads_a_google_health_export_into_the_same_csvs() {
    // The Google-era layout: `*_GoogleData/heart_rate_YYYY-MM-DD.csv` with UTC `Z` instants.
    // 2024-10-27 is Berlin's DST fall-back day: 00:00:04Z is 02:00:04 at +02:00.
    let dir = tempfile::tempdir().unwrap();
    google_export(dir.path());
    let mut c = Command::new(env!("CARGO_BIN_EXE_fitbit"));
    c.current_dir(dir.path()).args([
        "import",
        "Takeout",
        "--tz",
        "utc:Europe/Berlin",
        "--out",
        "out",
    ]);
    let o = run(c);
    assert!(o.status.success(), "{}", text(&o));
    let csv = std::fs::read_to_string(dir.path().join("out/Fitbit_HR_2024-10-27.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("timestamp,heartrate,timestamp_utc,utc_offset"));
    assert!(
        rows[1].starts_with("2024-10-27 02:00:04,65,2024-10-27T00:00:04Z,+02:00"),
        "{}",
        rows[1]
    );
    assert_eq!(rows.len(), 1 + 7, "every sample of the file");
}

#[test]
fn yesterday_is_the_accounts_yesterday_and_a_bad_date_says_what_to_type() {
    use fitbit_core::chrono_tz::Europe::Berlin;
    use fitbit_core::day::DaySpec;
    let sim = sim();
    let dir = tempfile::tempdir().unwrap();
    config(&sim, dir.path(), Provider::Google, 3600);
    // The emulator's account lives in Europe/Berlin (its settings say so).
    let before = DaySpec::Yesterday.in_zone(Berlin);
    let mut c = fitbit(&sim, dir.path());
    c.args(["heart-rate", "--date", "yesterday", "--out", "out"]);
    let o = run(c);
    assert!(o.status.success(), "{}", text(&o));
    let after = DaySpec::Yesterday.in_zone(Berlin);
    let written = |day| {
        dir.path().join(format!("out/Fitbit_HR_{day}.csv")).exists()
            && dir
                .path()
                .join(format!("out/Fitbit_RestingHR_{day}.csv"))
                .exists()
    };
    assert!(
        written(before) || written(after),
        "Fitbit_HR_{before}.csv: {}",
        text(&o)
    );
    for bad in ["2026-13-01", "tomorrow"] {
        let mut c = fitbit(&sim, dir.path());
        c.args(["hrv", "--start", bad, "--out", "out"]);
        let o = run(c);
        let t = text(&o);
        assert!(!o.status.success(), "{bad}: {t}");
        assert!(
            t.contains("YYYY-MM-DD") && t.contains("yesterday"),
            "{bad}: {t}"
        );
    }
}
