//! The facade notebooks and the CLI use: open a config (or the demo), then fetch records from
//! whichever provider the config names. Every method returns owned records, so notebook
//! variables persist across cells.

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;

use crate::Result;
use crate::auth::{Session, TokenStatus};
use crate::http::ApiGet;
use crate::provider::{Endpoints, Provider};
use crate::record::{DailyHr, DailyHrv, Detail, HrSample, HrvSample};
use crate::source::{fitbit, google};

/// A connection to one account, through the provider its config names.
///
/// ```no_run
/// use fitbit_core::{Client, Detail, chrono::NaiveDate};
/// let mut client = Client::open("fb_conf.json")?;
/// let day = NaiveDate::from_ymd_opt(2026, 9, 25).unwrap();
/// let samples = client.heart_rate_intraday(day, Detail::OneMinute)?;
/// println!("{} samples", samples.len());
/// # Ok::<(), fitbit_core::Error>(())
/// ```
pub struct Client {
    session: Session,
    demo: bool,
    time_zone: Option<Option<Tz>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("provider", &self.provider())
            .field("config", &self.session.store().path())
            .field("demo", &self.demo)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Opens the config at `path` (usually `fb_conf.json`). Base URLs come from the environment
    /// (`FITBIT_API_URL`, `GOOGLE_HEALTH_API_URL`, `GOOGLE_OAUTH_TOKEN_URL`), defaulting to the
    /// real services.
    pub fn open(path: impl AsRef<Path>) -> Result<Client> {
        let session = Session::open(path.as_ref(), Endpoints::from_env())?;
        Ok(Client {
            session,
            demo: false,
            time_zone: None,
        })
    }

    /// Opens `path` when it exists; otherwise connects to the local emulator with a demo account
    /// (synthetic data). See [`crate::demo`].
    pub fn open_or_demo(path: impl AsRef<Path>) -> Result<Client> {
        if path.as_ref().exists() {
            Client::open(path)
        } else {
            Client::demo()
        }
    }

    /// Connects to the emulator at `$FITBIT_SIM_URL` (default `http://127.0.0.1:8790`) with a demo
    /// account; `$FITBIT_DEMO_PROVIDER` (`google` or `fitbit`) picks the API it plays.
    pub fn demo() -> Result<Client> {
        let session = crate::demo::session()?;
        Ok(Client {
            session,
            demo: true,
            time_zone: None,
        })
    }

    /// Wraps an existing session (tests, custom transports).
    pub fn from_session(session: Session) -> Client {
        Client {
            session,
            demo: false,
            time_zone: None,
        }
    }

    /// True when the data comes from the local emulator: synthetic, not yours.
    pub fn is_demo(&self) -> bool {
        self.demo
    }

    /// The API this client talks to.
    pub fn provider(&self) -> Provider {
        self.session.provider()
    }

    /// The path of the config file in use.
    pub fn config_path(&self) -> PathBuf {
        self.session.store().path().to_path_buf()
    }

    /// Token state without secrets.
    pub fn token_status(&self) -> TokenStatus {
        self.session.token_status(Utc::now())
    }

    /// A problem with storing the tokens the user should hear about (new tokens that only
    /// reached the recovery file or memory, or tokens loaded from the recovery file); no
    /// secrets inside. See [`crate::auth::Session::token_note`].
    pub fn token_note(&self) -> Option<&crate::config::TokenNote> {
        self.session.token_note()
    }

    /// One paragraph for people: provider, account, config file, token expiry. No secrets.
    pub fn describe(&self) -> String {
        let st = self.token_status();
        let mut s = String::new();
        if self.demo {
            s.push_str("DEMO: synthetic data from the local emulator, not your own.\n");
        }
        s.push_str(&format!("Provider: {}\n", self.provider_label()));
        s.push_str(&format!(
            "Account:  {}\n",
            st.user_id
                .clone()
                .unwrap_or_else(|| "(not reported by the API)".into())
        ));
        s.push_str(&format!("Config:   {}\n", self.config_path().display()));
        match st.expires_at {
            Some(t) => {
                let left = t - Utc::now();
                if left.num_seconds() > 0 {
                    s.push_str(&format!(
                        "Access token expires at {} UTC (in {} min)",
                        t.format("%Y-%m-%d %H:%M:%S"),
                        left.num_minutes()
                    ));
                } else {
                    s.push_str(&format!(
                        "Access token expired at {} UTC; it will be refreshed",
                        t.format("%Y-%m-%d %H:%M:%S")
                    ));
                }
            }
            None => s.push_str("Access token expiry unknown; it is refreshed when the API says so"),
        }
        s
    }

    fn provider_label(&self) -> &'static str {
        match self.provider() {
            Provider::Google => "Google Health API v4",
            Provider::Fitbit => "legacy Fitbit Web API (shut down by Google on 2026-11-02)",
        }
    }

    /// Refreshes the access token when it is about to expire, saving the new one safely.
    /// Returns true when it refreshed.
    pub fn ensure_token(&mut self) -> Result<bool> {
        self.session.ensure_fresh()
    }

    /// Makes one small authorized request (refreshing the token when the API says it expired),
    /// as the original notebook did before printing "The request succeeded.".
    pub fn check(&mut self) -> Result<()> {
        self.ensure_token()?;
        let url = match self.provider() {
            Provider::Fitbit => {
                format!(
                    "{}/1/user/-/activities/heart/date/today/1d.json",
                    self.base()
                )
            }
            Provider::Google => format!(
                "{}/v4/users/me/dataTypes/heart-rate/dataPoints?pageSize=1",
                self.base()
            ),
        };
        self.session.get(&url).map(|_| ())
    }

    fn base(&self) -> String {
        let e = self.session.endpoints();
        match self.provider() {
            Provider::Fitbit => e.fitbit_api.clone(),
            Provider::Google => e.google_health_api.clone(),
        }
    }

    /// The user's time zone from the profile (Fitbit) or settings (Google); cached.
    /// `None` when the API does not say (then UTC instants stay unknown for Fitbit data).
    pub fn time_zone(&mut self) -> Result<Option<Tz>> {
        if let Some(tz) = self.time_zone {
            return Ok(tz);
        }
        let base = self.base();
        let tz = match self.provider() {
            Provider::Fitbit => fitbit::fetch_profile_tz(&mut self.session, &base)?,
            Provider::Google => google::fetch_settings(&mut self.session, &base)?.effective_zone(),
        };
        self.time_zone = Some(tz);
        Ok(tz)
    }

    /// The user's local date now, in the account's time zone ([`Client::time_zone`]; this
    /// machine's zone when the API does not say). `today` / `yesterday` mean days of this
    /// calendar: `"yesterday".parse::<DaySpec>()?.on(client.today()?)`.
    ///
    /// [`DaySpec`]: crate::day::DaySpec
    pub fn today(&mut self) -> Result<NaiveDate> {
        Ok(crate::day::today(self.time_zone()?))
    }

    /// Intraday heart rate for one local day, ascending. `detail` applies to the Fitbit API;
    /// Google returns every sample it has (one every 1–5 s).
    pub fn heart_rate_intraday(&mut self, day: NaiveDate, detail: Detail) -> Result<Vec<HrSample>> {
        self.heart_rate_day(day, detail).map(|(samples, _)| samples)
    }

    /// Intraday heart rate for one local day and, when the same answer carries it (the Fitbit
    /// API's day summary), that day's resting heart rate — one request instead of two.
    pub fn heart_rate_day(
        &mut self,
        day: NaiveDate,
        detail: Detail,
    ) -> Result<(Vec<HrSample>, Option<DailyHr>)> {
        let tz = self.time_zone()?;
        let base = self.base();
        match self.provider() {
            Provider::Fitbit => {
                fitbit::fetch_heart_intraday(&mut self.session, &base, day, detail, tz)
                    .map(|(summary, samples)| (samples, summary))
            }
            Provider::Google => {
                google::fetch_heart_intraday(&mut self.session, &base, day, tz.unwrap_or(Tz::UTC))
                    .map(|paged| (paged.items, None))
            }
        }
    }

    /// Resting heart rate per local day, `start..=end`.
    pub fn heart_rate_daily(&mut self, start: NaiveDate, end: NaiveDate) -> Result<Vec<DailyHr>> {
        crate::time::check_range(start, end)?;
        let base = self.base();
        match self.provider() {
            Provider::Fitbit => fitbit::fetch_heart_daily(&mut self.session, &base, start, end),
            Provider::Google => google::fetch_resting_daily(&mut self.session, &base, start, end)
                .map(|paged| paged.items),
        }
    }

    /// Nightly HRV summaries, `start..=end` (dated by the day the main sleep ended).
    pub fn hrv_daily(&mut self, start: NaiveDate, end: NaiveDate) -> Result<Vec<DailyHrv>> {
        crate::time::check_range(start, end)?;
        let base = self.base();
        match self.provider() {
            Provider::Fitbit => fitbit::fetch_hrv_daily(&mut self.session, &base, start, end),
            Provider::Google => google::fetch_hrv_daily(&mut self.session, &base, start, end)
                .map(|paged| paged.items),
        }
    }

    /// HRV measurements during sleep (5-minute intervals), `start..=end`, ascending.
    pub fn hrv_intraday(&mut self, start: NaiveDate, end: NaiveDate) -> Result<Vec<HrvSample>> {
        crate::time::check_range(start, end)?;
        let tz = self.time_zone()?;
        let base = self.base();
        match self.provider() {
            Provider::Fitbit => {
                fitbit::fetch_hrv_intraday(&mut self.session, &base, start, end, tz)
            }
            Provider::Google => google::fetch_hrv_intraday(
                &mut self.session,
                &base,
                start,
                end,
                tz.unwrap_or(Tz::UTC),
            )
            .map(|paged| paged.items),
        }
    }

    /// The id this account's data is stored under (`user=<id>` in a store): the config's
    /// `"user"` field when set (a study's pseudonym), else the user id the provider returned,
    /// else `demo` for the emulator's account and `me` otherwise.
    #[cfg(feature = "store")]
    pub fn store_user(&self) -> Result<crate::store::UserId> {
        let cfg = self.session.config();
        let id = cfg
            .extra
            .get("user")
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .or_else(|| cfg.user_id.clone())
            .unwrap_or_else(|| if self.demo { "demo" } else { "me" }.to_string());
        crate::store::UserId::new(id)
    }

    /// The underlying session (token store, HTTP client).
    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }
}
