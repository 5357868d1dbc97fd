//! `fitbit auth --cohort FILE --participant ID` against an emulator with several accounts: the
//! loopback and the paste flows enroll participants, with a login hint or through the account
//! chooser (each config holds its own account's tokens, is 0600 and carries `"user"`), no token, secret or address is printed or written
//! anywhere else, a revoked grant is renewed and the next `fitbit sync --cohort` stores that
//! participant, and bad input says what to do without touching a file.

mod common;

use std::io::Write;
use std::path::Path;

use common::browser::*;
use common::*;
use fitbit_core::config::ConfigStore;
use fitbit_core::http::{Request, ReqwestTransport, Transport};
use fitbit_sim::{Sim, SimConfig, SimHandle};

const APP: &str = r#"{"client_id":"demo.apps.googleusercontent.com","client_secret":"demo-google-secret","access_token":"","refresh_token":""}"#;

/// A study folder: `cohort.csv` naming `configs/<id>.json` for each id, and the app's
/// credentials in `cohort_client.json`.
fn study(ids: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("participant,config\n");
    for id in ids {
        csv.push_str(&format!("{id},configs/{id}.json\n"));
    }
    std::fs::write(dir.path().join("cohort.csv"), csv).unwrap();
    std::fs::write(dir.path().join("cohort_client.json"), APP).unwrap();
    dir
}

fn auth_cmd(sim: &SimHandle, dir: &Path, id: &str, extra: &[&str]) -> std::process::Command {
    let mut c = fitbit(sim, dir);
    c.args([
        "auth",
        "--cohort",
        "cohort.csv",
        "--participant",
        id,
        "--timeout",
        "30",
    ]);
    c.args(extra);
    c
}

/// The emulator's account the config's access token belongs to (its `legacyUserId`).
fn account_of(sim: &SimHandle, config: &Path) -> String {
    let cfg = ConfigStore::new(config).load().unwrap();
    let t = ReqwestTransport::new().unwrap();
    let r = t
        .send(
            &Request::get(format!("{}/v4/users/me/identity", sim.url())).bearer(&cfg.access_token),
        )
        .unwrap();
    assert_eq!(r.status, 200);
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    v["legacyUserId"].as_str().unwrap().to_string()
}

/// Enrolls `id` as emulator account `account` by pasting the redirect (`--no-listen`, with the
/// account's address as login hint); returns what the command printed.
fn enroll_by_paste(sim: &SimHandle, dir: &Path, id: &str, account: usize) -> String {
    let email = sim.control().accounts()[account].email.clone();
    let mut auth = start_auth(auth_cmd(
        sim,
        dir,
        id,
        &["--no-listen", "--login-hint", &email],
    ));
    let location = get_location(&auth.url);
    writeln!(auth.child.stdin.take().unwrap(), "{location}").unwrap();
    let (ok, printed) = auth.finish();
    assert!(ok, "{printed}");
    printed
}

/// A test browser on the emulator's "Choose an account" page (an authorize request without a
/// hint, several accounts): follows the link of `email`, returns where the consent redirects.
fn choose_account(sim: &SimHandle, authorize_url: &str, email: &str) -> String {
    let t = ReqwestTransport::new().unwrap();
    let page = t.send(&Request::get(authorize_url)).unwrap();
    assert_eq!(page.status, 200, "several accounts and no hint: a chooser");
    let html = String::from_utf8(page.body.to_vec()).unwrap();
    let wanted = format!("login_hint={}", email.replace('@', "%40"));
    let href = html
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.ends_with(&wanted))
        .unwrap_or_else(|| panic!("no link for {email}: {html}"));
    get_location(&format!("{}{href}", sim.url()))
}

/// Every file under `dir`, as text.
fn all_files(dir: &Path) -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(all_files(&p));
        } else {
            let bytes = std::fs::read(&p).unwrap();
            out.push((p, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    out
}

#[test]
fn participants_enroll_by_loopback_by_paste_and_through_the_account_chooser() {
    let sim = Sim::start(SimConfig {
        accounts: 4,
        ..SimConfig::default()
    })
    .unwrap();
    let accounts = sim.control().accounts();
    let dir = study(&["P01", "P02", "P03"]);

    // P01: the loopback flow, signed in as account 1 through the login hint.
    let auth = start_auth(auth_cmd(
        &sim,
        dir.path(),
        "P01",
        &["--login-hint", &accounts[1].email],
    ));
    assert!(
        auth.url.contains("&login_hint=participant1%40example.com"),
        "the hint goes to the provider: {}",
        auth.url
    );
    let (location, page) = browse(&auth.url);
    assert!(location.starts_with("http://127.0.0.1:"), "{location}");
    assert_eq!(page.status, 200);
    let (ok, p01_out) = auth.finish();
    assert!(ok, "{p01_out}");
    assert!(p01_out.contains("Enrolling P01: a new config"), "{p01_out}");
    assert!(p01_out.contains("Authorized P01"), "{p01_out}");

    // P02: the paste flow of a coordinator on another machine, signed in as account 2.
    let p02_out = enroll_by_paste(&sim, dir.path(), "P02", 2);

    // P03: no hint; the consent page offers the accounts and the participant picks theirs.
    let mut auth = start_auth(auth_cmd(&sim, dir.path(), "P03", &["--no-listen"]));
    assert!(!auth.url.contains("login_hint"), "{}", auth.url);
    let location = choose_account(&sim, &auth.url, &accounts[3].email);
    writeln!(auth.child.stdin.take().unwrap(), "{location}").unwrap();
    let (ok, p03_out) = auth.finish();
    assert!(ok, "{p03_out}");

    for (id, account, out) in [
        ("P01", 1, &p01_out),
        ("P02", 2, &p02_out),
        ("P03", 3, &p03_out),
    ] {
        let path = dir.path().join(format!("configs/{id}.json"));
        let cfg = assert_authorized(&path, out);
        assert_eq!(cfg.extra["user"], id);
        assert_eq!(account_of(&sim, &path), accounts[account].user_id);
        for a in &accounts {
            assert!(!out.contains(&a.email), "an address was printed: {out}");
        }
    }
    use std::os::unix::fs::PermissionsExt;
    let configs = std::fs::metadata(dir.path().join("configs")).unwrap();
    assert_eq!(configs.permissions().mode() & 0o777, 0o700);

    // The cohort syncs both, each from their own account; account 0 is nobody's.
    let o = sync_cohort(&sim, dir.path(), &[]);
    let t = text(&o);
    assert!(o.status.success() && t.contains("Synced 3 of 3"), "{t}");
    assert_eq!(sim.control().counters_for(0).data_requests, 0);
    for k in 1..4 {
        assert!(sim.control().counters_for(k).data_requests > 0);
    }
    for id in ["P01", "P02", "P03"] {
        assert!(dir.path().join(format!("st/heart_rate/user={id}")).is_dir());
    }
    // No address anywhere on disk: configs, store, ledgers.
    for (path, body) in all_files(dir.path()) {
        for a in &accounts {
            assert!(
                !body.contains(&a.email),
                "{} holds {}",
                path.display(),
                a.email
            );
        }
    }
}

#[test]
fn a_revoked_grant_renewed_by_auth_is_stored_by_the_next_sync() {
    let sim = Sim::start(SimConfig {
        accounts: 2,
        ..SimConfig::default()
    })
    .unwrap();
    let dir = study(&["P01", "P02"]);
    enroll_by_paste(&sim, dir.path(), "P01", 0);
    enroll_by_paste(&sim, dir.path(), "P02", 1);
    sim.control().revoke(1);

    let o = sync_cohort(&sim, dir.path(), &[]);
    let t = text(&o);
    assert!(!o.status.success(), "{t}");
    assert!(
        t.contains("FAILED P02")
            && t.contains(
                "fix: have P02 authorize again: fitbit auth --cohort cohort.csv --participant P02"
            ),
        "{t}"
    );

    // Renewing needs no app file: the participant's config has the app.
    std::fs::remove_file(dir.path().join("cohort_client.json")).unwrap();
    let path = dir.path().join("configs/P02.json");
    let mut cfg = ConfigStore::new(&path).load().unwrap();
    cfg.extra.insert("note".into(), "kept".into());
    ConfigStore::new(&path).save(&cfg).unwrap();
    let out = enroll_by_paste(&sim, dir.path(), "P02", 1);
    assert!(out.contains("Renewing P02's authorization"), "{out}");
    let renewed = assert_authorized(&path, &out);
    assert_ne!(renewed.refresh_token, cfg.refresh_token);
    assert_eq!(renewed.extra["note"], "kept");
    assert_eq!(renewed.extra["user"], "P02");

    let before = sim.control().counters_for(1).data_requests;
    let o = sync_cohort(&sim, dir.path(), &[]);
    let t = text(&o);
    assert!(o.status.success() && t.contains("Synced 2 of 2"), "{t}");
    assert!(sim.control().counters_for(1).data_requests > before);
    assert!(dir.path().join("st/heart_rate/user=P02").is_dir());
}

#[test]
fn enrollment_errors_say_what_to_do_and_touch_no_file() {
    let sim = Sim::start(SimConfig::default()).unwrap();
    let dir = study(&["P01"]);
    let fail = |extra: &[&str], id: &str| {
        let o = run(auth_cmd(&sim, dir.path(), id, extra));
        assert!(!o.status.success());
        text(&o)
    };
    let t = fail(&[], "P09");
    assert!(t.contains("P09,configs/P09.json"), "{t}");
    let t = fail(&["--app", "nope.json"], "P01");
    assert!(t.contains("nope.json") && t.contains("--app"), "{t}");
    std::fs::remove_file(dir.path().join("cohort_client.json")).unwrap();
    let t = fail(&[], "P01");
    assert!(
        t.contains("cohort_client.json") && t.contains("--app"),
        "{t}"
    );
    assert!(!dir.path().join("configs").exists(), "nothing was created");

    std::fs::create_dir(dir.path().join("configs")).unwrap();
    let bad = "{\"client_id\": \"demo.apps.googleusercontent.com\",";
    std::fs::write(dir.path().join("configs/P01.json"), bad).unwrap();
    std::fs::write(dir.path().join("app.json"), APP).unwrap();
    let t = fail(&["--app", "app.json"], "P01");
    assert!(t.contains("P01.json"), "{t}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("configs/P01.json")).unwrap(),
        bad,
        "an unparsable config is never overwritten"
    );
    // --participant without --cohort is refused by the argument parser.
    let mut c = fitbit(&sim, dir.path());
    c.args(["auth", "--participant", "P01"]);
    let o = run(c);
    assert!(
        !o.status.success() && text(&o).contains("--cohort"),
        "{}",
        text(&o)
    );
}
