//! A demo study on the local emulator: participants `P01`, `P02`, … enrolled with the
//! emulator's accounts 1, 2, … (`POST /_sim/tokens`, as if each had consented), one config each
//! and a cohort file, exactly as a real study lays them out. Account 0 is left to the
//! single-user demo (its notebooks sign in the emulator's first person), so a study synced
//! right after them does not share that person's per-user quota window.

use std::path::Path;

use chrono::{Duration, Utc};
use serde::Deserialize;

use super::Cohort;
use crate::config::ConfigStore;
use crate::demo::{GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET};
use crate::http::{Request, ReqwestTransport, Transport};
use crate::{Config, Error, Provider, Result, Secret};

/// The emulator's answer to `POST /_sim/tokens`.
#[derive(Deserialize)]
struct IssuedTokens {
    access_token: String,
    refresh_token: String,
    expires_in: i64,
}

/// Enrolls the emulator's accounts 1..=`participants` at `sim` (see [`crate::demo::sim_url`])
/// as `P01`, `P02`, … into `folder`: `folder/configs/Pnn.json` (Google, 0600, with the pseudonym
/// as `"user"`) and `folder/cohort.csv`; returns the loaded cohort. Run again, it enrolls again
/// (the emulator forgets its tokens when it restarts). The emulator must serve
/// `participants + 1` accounts (`fitbit_sim --accounts N`; `scripts/sim.py` starts it with
/// enough for five).
///
/// ```no_run
/// let cohort = fitbit_core::cohort::enroll_demo(&fitbit_core::demo::sim_url(), "study".as_ref(), 5)?;
/// assert_eq!(cohort.participants().len(), 5);
/// # Ok::<(), fitbit_core::Error>(())
/// ```
pub fn enroll_demo(sim: &str, folder: &Path, participants: usize) -> Result<Cohort> {
    let transport = ReqwestTransport::new().map_err(|e| Error::Network {
        url: sim.to_string(),
        message: e.message.clone(),
    })?;
    let scope = crate::auth::scopes(Provider::Google).join(" ");
    let mut csv = String::from("participant,config,start,end\n");
    for k in 0..participants {
        let id = format!("P{:02}", k + 1);
        let url = format!("{sim}/_sim/tokens");
        let account = (k + 1).to_string();
        let req = Request::post_form(
            &url,
            &[
                ("account", &account),
                ("provider", "google"),
                ("client_id", GOOGLE_CLIENT_ID),
                ("scope", &scope),
            ],
        );
        let answer = transport.send(&req).map_err(|e| Error::Network {
            url: url.clone(),
            message: format!(
                "{}. Is the emulator running? Start it with `python3 scripts/sim.py start`",
                e.message
            ),
        })?;
        if !answer.is_success() {
            return Err(Error::InvalidInput {
                what: format!(
                    "enrolling {id} as emulator account {}: HTTP {} {}",
                    k + 1,
                    answer.status,
                    String::from_utf8_lossy(&answer.body).trim()
                ),
                hint: format!(
                    "start the emulator with at least {} accounts (its `accounts` switch; \
                     account 0 is the single-user demo's), or enroll fewer participants",
                    participants + 1
                ),
            });
        }
        let tokens: IssuedTokens =
            serde_json::from_slice(&answer.body).map_err(|e| Error::InvalidInput {
                what: format!("the emulator's tokens for {id}: {e}"),
                hint: "use the fitbit_sim of this repository".into(),
            })?;
        let mut cfg = Config::new(GOOGLE_CLIENT_ID, Secret::new(GOOGLE_CLIENT_SECRET));
        cfg.provider = Some(Provider::Google);
        cfg.access_token = Secret::new(tokens.access_token);
        cfg.refresh_token = Secret::new(tokens.refresh_token);
        cfg.expires_at = Some(Utc::now() + Duration::seconds(tokens.expires_in));
        cfg.extra.insert("user".into(), id.clone().into());
        let config = format!("configs/{id}.json");
        let path = folder.join(&config);
        if let Some(dir) = path.parent() {
            crate::atomic::create_private_dir(dir)?;
        }
        ConfigStore::new(&path).save(&cfg)?;
        csv += &format!("{id},{config},,\n");
    }
    let path = folder.join("cohort.csv");
    crate::atomic::write_durably(&path, csv.as_bytes(), 0o644)?;
    Cohort::load(&path)
}
