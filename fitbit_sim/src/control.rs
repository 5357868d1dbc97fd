//! Shared emulator state and the test controls ([`Control`], also under `/_sim/` over HTTP).

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::accounts::{Account, AccountInfo};
use crate::clock::{Clock, delta};
use crate::config::{Faults, IntradayAccess, Provider, SimConfig};
use crate::limits::Windows;
use crate::tokens::{Access, Kind, Refresh, Tokens};

/// What the emulator has seen since start (or the last reset).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Counters {
    /// Successful `refresh_token` grants (both providers).
    pub token_refreshes: u64,
    /// Successful `authorization_code` grants (both providers).
    pub token_exchanges: u64,
    /// Every request to a data path (`/1*/…`, `/v4/…`), whatever the answer.
    pub data_requests: u64,
    /// 429 answers.
    pub rate_limited: u64,
    /// 200 data answers sent in full.
    pub pages_served: u64,
    /// 401 answers on data paths.
    pub unauthorized: u64,
    /// Injected faults (5xx, drops, truncations).
    pub faults_injected: u64,
    /// Requests to the authorize endpoints.
    pub authorizations: u64,
    /// 429 answers because the Google project-wide per-minute quota was used up (also in
    /// `rate_limited`).
    pub project_rate_limited: u64,
    /// Google consents refused because the unverified app's user cap was reached.
    pub user_cap_refusals: u64,
    /// Most Google requests one user sent in any one per-user minute window, refused ones
    /// included (per account: that account's peak). A client that paces itself keeps this at or
    /// below the per-user limit.
    pub max_user_window: u32,
    /// The same for Fitbit's per-user clock-hour window.
    pub max_user_window_fitbit: u32,
    /// Most Google requests in any one project-wide minute window, refused ones included.
    pub max_project_window: u32,
    /// Data requests by path (no query).
    pub per_path: BTreeMap<String, u64>,
}

/// Settings that can change while running.
#[derive(Debug, Clone)]
pub struct Settings {
    pub legacy_gone: bool,
    pub intraday: IntradayAccess,
    pub faults: Faults,
    pub fitbit_hourly_limit: u32,
    pub google_per_minute_limit: u32,
    /// Google requests per minute across all users.
    pub google_project_per_minute: u32,
    /// Distinct accounts that may consent to Google (`None`: no cap).
    pub google_user_cap: Option<usize>,
}

/// Mutable state behind one lock (held briefly; never while rendering or writing).
#[derive(Debug)]
pub struct State {
    pub tokens: Tokens,
    pub fitbit_windows: Windows,
    pub google_windows: Windows,
    /// The Google project-wide window (one key).
    pub project_windows: Windows,
    /// Totals.
    pub counters: Counters,
    /// The same counters per account (index = account).
    pub per_account: Vec<Counters>,
    /// Accounts that have consented to a Google client (counted against the user cap).
    pub google_consented: std::collections::BTreeSet<usize>,
    /// Ordinal of the next data request that reaches fault injection.
    pub fault_seq: u64,
}

impl State {
    /// Apply `f` to the totals and, when known, to `account`'s counters.
    pub fn bump(&mut self, account: Option<usize>, f: impl Fn(&mut Counters)) {
        f(&mut self.counters);
        if let Some(c) = account.and_then(|k| self.per_account.get_mut(k)) {
            f(c);
        }
    }

    /// Zero every counter (totals and per account).
    pub fn reset_counters(&mut self) {
        self.counters = Counters::default();
        for c in &mut self.per_account {
            *c = Counters::default();
        }
    }
}

/// Everything the request threads share.
#[derive(Debug)]
pub struct Shared {
    pub config: SimConfig,
    /// The accounts (at least one); a token's `account` indexes this.
    pub accounts: Vec<Account>,
    pub clock: Clock,
    pub settings: Mutex<Settings>,
    pub state: Mutex<State>,
    /// The last few rendered legacy bodies (a dense 1-second day takes ~8 ms to render), so a
    /// benchmark that fetches the same day repeatedly measures the client, not the emulator.
    pub body_cache: Mutex<Vec<(String, String)>>,
}

impl Shared {
    pub fn new(config: SimConfig) -> Shared {
        let accounts = Account::all(&config);
        let settings = Settings {
            legacy_gone: config.legacy_gone,
            intraday: config.intraday,
            faults: config.faults,
            fitbit_hourly_limit: config.fitbit_hourly_limit,
            google_per_minute_limit: config.google_per_minute_limit,
            google_project_per_minute: config.google_project_per_minute,
            google_user_cap: config.google_user_cap,
        };
        let state = State {
            tokens: Tokens::default(),
            fitbit_windows: Windows::default(),
            google_windows: Windows::default(),
            project_windows: Windows::default(),
            counters: Counters::default(),
            per_account: vec![Counters::default(); accounts.len()],
            google_consented: Default::default(),
            fault_seq: 0,
        };
        Shared {
            clock: Clock::new(config.frozen_clock),
            accounts,
            settings: Mutex::new(settings),
            state: Mutex::new(state),
            body_cache: Mutex::new(Vec::new()),
            config,
        }
    }

    /// The state lock (a poisoned lock is recovered: one failed request must not stop the rest).
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn settings(&self) -> Settings {
        self.settings
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn update_settings(&self, f: impl FnOnce(&mut Settings)) {
        f(&mut self.settings.lock().unwrap_or_else(|p| p.into_inner()));
    }

    /// Account `account`'s counters, with the project's window peak.
    pub fn counters_for(&self, account: usize) -> Option<Counters> {
        let st = self.state();
        let mut c = st.per_account.get(account)?.clone();
        c.max_project_window = st.counters.max_project_window;
        Some(c)
    }

    /// Account `k` (an index from a token, so in range; out of range falls back to account 0).
    pub fn account(&self, k: usize) -> &Account {
        self.accounts.get(k).unwrap_or(&self.accounts[0])
    }

    /// Issue an access token (and a refresh token when `refresh_consent` is given) for `account`.
    #[allow(clippy::too_many_arguments)]
    pub fn issue(
        &self,
        st: &mut State,
        account: usize,
        provider: Provider,
        client_id: &str,
        scope: &[String],
        refresh_consent: Option<DateTime<Utc>>,
    ) -> (String, Option<String>) {
        let now = self.clock.now();
        let ttl = match provider {
            Provider::Fitbit => self.config.fitbit_access_ttl,
            Provider::Google => self.config.google_access_ttl,
        };
        let user_id = &self.account(account).user_id;
        let access = st
            .tokens
            .mint(provider, Kind::Access, client_id, user_id, now);
        st.tokens.access.insert(
            access.clone(),
            Access {
                provider,
                account,
                client_id: client_id.into(),
                scope: scope.to_vec(),
                expires_at: now + delta(ttl),
            },
        );
        let refresh = refresh_consent.map(|consent_at| {
            let r = st
                .tokens
                .mint(provider, Kind::Refresh, client_id, user_id, now);
            let expires_at = match provider {
                Provider::Fitbit => None,
                Provider::Google => self
                    .config
                    .google_refresh_ttl
                    .map(|t| consent_at + delta(t)),
            };
            st.tokens.refresh.insert(
                r.clone(),
                Refresh {
                    provider,
                    account,
                    client_id: client_id.into(),
                    scope: scope.to_vec(),
                    consent_at,
                    expires_at,
                },
            );
            r
        });
        (access, refresh)
    }
}

/// Test controls of a running emulator.
#[derive(Debug, Clone)]
pub struct Control {
    pub(crate) shared: std::sync::Arc<Shared>,
}

impl Control {
    /// Move the emulated clock forward (token and code expiry, rate-limit windows, the Google
    /// 7-day refresh expiry).
    pub fn advance_clock(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    /// The emulated now.
    pub fn now(&self) -> DateTime<Utc> {
        self.shared.clock.now()
    }

    /// A snapshot of the counters.
    pub fn counters(&self) -> Counters {
        self.shared.state().counters.clone()
    }

    /// Zero all counters (totals and per account, window peaks included).
    pub fn reset_counters(&self) {
        self.shared.state().reset_counters();
    }

    /// A snapshot of account `account`'s counters. Its `max_user_window` is that account's
    /// peak; `max_project_window` is the project's. Panics when there is no such account.
    pub fn counters_for(&self, account: usize) -> Counters {
        self.check(account);
        self.shared.counters_for(account).unwrap_or_default()
    }

    fn check(&self, account: usize) {
        assert!(
            account < self.shared.accounts.len(),
            "account {account} does not exist: the emulator has {} (SimConfig.accounts)",
            self.shared.accounts.len()
        );
    }

    /// Every account: index, user id, e-mail (the `login_hint`), time zone and seed.
    pub fn accounts(&self) -> Vec<AccountInfo> {
        self.shared.accounts.iter().map(Account::info).collect()
    }

    /// Account `account` withdraws consent from every client of both providers: its access
    /// tokens answer 401 and its refresh tokens `invalid_grant` from now on. Panics when there
    /// is no such account.
    pub fn revoke(&self, account: usize) {
        self.check(account);
        crate::oauth::withdraw(&mut self.shared.state(), account);
    }

    /// Switch the legacy-shutdown mode (every legacy URL answers 410).
    pub fn set_gone(&self, gone: bool) {
        self.shared.update_settings(|s| s.legacy_gone = gone);
    }

    /// Change the Fitbit app's intraday access.
    pub fn set_intraday(&self, access: IntradayAccess) {
        self.shared.update_settings(|s| s.intraday = access);
    }

    /// Replace the fault settings; the fault sequence restarts at its first request.
    pub fn set_faults(&self, faults: Faults) {
        self.shared.update_settings(|s| s.faults = faults);
        self.shared.state().fault_seq = 0;
    }

    /// Change the Google project-wide per-minute quota and the unverified app's user cap.
    pub fn set_project_limits(&self, per_minute: u32, user_cap: Option<usize>) {
        self.shared.update_settings(|s| {
            s.google_project_per_minute = per_minute;
            s.google_user_cap = user_cap;
        });
    }

    /// Change the per-user rate limits (Fitbit per hour, Google per minute).
    pub fn set_limits(&self, fitbit_hourly: u32, google_per_minute: u32) {
        self.shared.update_settings(|s| {
            s.fitbit_hourly_limit = fitbit_hourly;
            s.google_per_minute_limit = google_per_minute;
        });
    }

    /// The current runtime settings.
    pub fn settings(&self) -> Settings {
        self.shared.settings()
    }

    /// Account 0's Fitbit id (6 characters).
    pub fn user_id(&self) -> String {
        self.shared.accounts[0].user_id.clone()
    }

    /// Issue a token pair as if account 0 had just consented, for tests that skip the browser.
    /// `scope` is space-separated. Returns `(access_token, refresh_token)`.
    pub fn issue_tokens(
        &self,
        provider: Provider,
        client_id: &str,
        scope: &str,
    ) -> (String, String) {
        self.issue_tokens_for(0, provider, client_id, scope)
    }

    /// [`Control::issue_tokens`] for account `account` (for benchmarks that enroll many
    /// participants without a browser). The consent counts towards the Google user cap but is
    /// never refused by it. Panics when there is no such account.
    pub fn issue_tokens_for(
        &self,
        account: usize,
        provider: Provider,
        client_id: &str,
        scope: &str,
    ) -> (String, String) {
        self.check(account);
        let scope: Vec<String> = scope.split_whitespace().map(String::from).collect();
        let now = self.shared.clock.now();
        let mut st = self.shared.state();
        if provider == Provider::Google {
            st.google_consented.insert(account);
        }
        let (a, r) = self
            .shared
            .issue(&mut st, account, provider, client_id, &scope, Some(now));
        (a, r.unwrap_or_default())
    }
}
