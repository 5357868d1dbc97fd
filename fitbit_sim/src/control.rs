//! Shared emulator state and the test controls ([`Control`], also under `/_sim/` over HTTP).

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::clock::{Clock, delta};
use crate::config::{Faults, IntradayAccess, Provider, SimConfig};
use crate::limits::Windows;
use crate::person::Person;
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
}

/// Mutable state behind one lock (held briefly; never while rendering or writing).
#[derive(Debug, Default)]
pub struct State {
    pub tokens: Tokens,
    pub fitbit_windows: Windows,
    pub google_windows: Windows,
    pub counters: Counters,
    /// Ordinal of the next data request that reaches fault injection.
    pub fault_seq: u64,
}

/// Everything the request threads share.
#[derive(Debug)]
pub struct Shared {
    pub config: SimConfig,
    pub person: Person,
    /// The one user's 6-character Fitbit id.
    pub user_id: String,
    pub clock: Clock,
    pub settings: Mutex<Settings>,
    pub state: Mutex<State>,
    /// The last few rendered legacy bodies (a dense 1-second day takes ~8 ms to render), so a
    /// benchmark that fetches the same day repeatedly measures the client, not the emulator.
    pub body_cache: Mutex<Vec<(String, String)>>,
}

impl Shared {
    pub fn new(config: SimConfig) -> Shared {
        let person = Person::new(config.seed, config.time_zone, config.dense_1sec)
            .pixel_watch(config.pixel_watch);
        let settings = Settings {
            legacy_gone: config.legacy_gone,
            intraday: config.intraday,
            faults: config.faults,
            fitbit_hourly_limit: config.fitbit_hourly_limit,
            google_per_minute_limit: config.google_per_minute_limit,
        };
        Shared {
            user_id: user_id_for(config.seed),
            clock: Clock::new(config.frozen_clock),
            person,
            settings: Mutex::new(settings),
            state: Mutex::new(State::default()),
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

    /// Issue an access token (and a refresh token when `refresh_consent` is given).
    pub fn issue(
        &self,
        st: &mut State,
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
        let access = st
            .tokens
            .mint(provider, Kind::Access, client_id, &self.user_id, now);
        st.tokens.access.insert(
            access.clone(),
            Access {
                provider,
                client_id: client_id.into(),
                scope: scope.to_vec(),
                expires_at: now + delta(ttl),
            },
        );
        let refresh = refresh_consent.map(|consent_at| {
            let r = st
                .tokens
                .mint(provider, Kind::Refresh, client_id, &self.user_id, now);
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

/// A 6-character upper-case alphanumeric id (like `26FWFL`), fixed by the seed.
fn user_id_for(seed: u64) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut x = crate::faults::mix(seed ^ 0x5EED_F17B);
    (0..6)
        .map(|_| {
            let c = ALPHABET[(x % 36) as usize] as char;
            x /= 36;
            c
        })
        .collect()
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

    /// Zero all counters.
    pub fn reset_counters(&self) {
        self.shared.state().counters = Counters::default();
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

    /// Change the rate limits (Fitbit per hour, Google per minute).
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

    /// The synthetic user's Fitbit id (6 characters).
    pub fn user_id(&self) -> String {
        self.shared.user_id.clone()
    }

    /// Issue a token pair as if the user had just consented, for tests that skip the browser.
    /// `scope` is space-separated. Returns `(access_token, refresh_token)`.
    pub fn issue_tokens(
        &self,
        provider: Provider,
        client_id: &str,
        scope: &str,
    ) -> (String, String) {
        let scope: Vec<String> = scope.split_whitespace().map(String::from).collect();
        let now = self.shared.clock.now();
        let mut st = self.shared.state();
        let (a, r) = self
            .shared
            .issue(&mut st, provider, client_id, &scope, Some(now));
        (a, r.unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_id_is_six_alphanumerics_and_stable() {
        let a = user_id_for(42);
        assert_eq!(a.len(), 6);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
        assert_eq!(a, user_id_for(42));
        assert_ne!(a, user_id_for(43));
    }
}
