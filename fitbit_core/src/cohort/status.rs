//! `fitbit status --cohort`: one row per participant (coverage per dataset over their window,
//! last synced day, gaps, token state, last failure and its fix), as data and as CSV. The CSV
//! holds no token, email or account name: only the pseudonym and facts about the store.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};

use super::{Cohort, Fix, Participant};
use crate::config::ConfigStore;
use crate::store::{Dataset, Store, TableStatus, UserId};
use crate::{Error, Result};

/// What the participant's config says about their grant (read offline, no request).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TokenState {
    /// No config file: not enrolled yet.
    NoConfig,
    /// The config cannot be read.
    InvalidConfig,
    /// A config without tokens: authorization never completed.
    NotAuthorized,
    /// The access token is valid (or expired and refreshed at the next request);
    /// `refresh_expires_at` is the Testing-mode refresh expiry when the provider gave one.
    Valid {
        /// False when the access token has expired (the next sync refreshes it).
        access_valid: bool,
        /// When the refresh token expires (Google apps in Testing: 7 days after consent).
        refresh_expires_at: Option<DateTime<Utc>>,
    },
    /// The refresh token has expired: authorize again.
    RefreshExpired,
}

impl TokenState {
    /// Reads the config at `path`.
    pub fn of_config(path: &Path, now: DateTime<Utc>) -> TokenState {
        if !path.exists() {
            return TokenState::NoConfig;
        }
        let Ok(cfg) = ConfigStore::new(path).load() else {
            return TokenState::InvalidConfig;
        };
        if cfg.refresh_token.is_empty() && cfg.access_token.is_empty() {
            return TokenState::NotAuthorized;
        }
        match cfg.refresh_token_expires_at {
            Some(t) if t <= now => TokenState::RefreshExpired,
            r => TokenState::Valid {
                access_valid: cfg.expires_at.is_some_and(|t| t > now),
                refresh_expires_at: r,
            },
        }
    }

    /// Short name for the CSV: `valid`, `access_expired`, `no_config`, …
    pub fn as_str(&self) -> &'static str {
        match self {
            TokenState::NoConfig => "no_config",
            TokenState::InvalidConfig => "invalid_config",
            TokenState::NotAuthorized => "not_authorized",
            TokenState::Valid {
                access_valid: true, ..
            } => "valid",
            TokenState::Valid { .. } => "access_expired",
            TokenState::RefreshExpired => "refresh_expired",
        }
    }

    /// Days left before a Testing-mode refresh token expires.
    pub fn refresh_days_left(&self, now: DateTime<Utc>) -> Option<f64> {
        match self {
            TokenState::Valid {
                refresh_expires_at: Some(t),
                ..
            } => Some((*t - now).num_minutes() as f64 / 1440.0),
            _ => None,
        }
    }

    /// The fix this state calls for, if any.
    pub fn fix(&self) -> Option<Fix> {
        match self {
            TokenState::NoConfig | TokenState::NotAuthorized => Some(Fix::Enroll),
            TokenState::InvalidConfig => Some(Fix::RepairConfig),
            TokenState::RefreshExpired => Some(Fix::Reauthorize),
            TokenState::Valid { .. } => None,
        }
    }
}

/// One participant's row.
#[derive(Debug, Clone, PartialEq)]
pub struct ParticipantStatus {
    /// The pseudonym.
    pub participant: UserId,
    /// The study window (the participant's collection window, else what the store holds).
    pub window: Option<(NaiveDate, NaiveDate)>,
    /// Per dataset (in [`Dataset::ALL`] order): days with data, gaps, …
    pub tables: Vec<TableStatus>,
    /// The last day any dataset has data for.
    pub last_synced_day: Option<NaiveDate>,
    /// The grant, from the config.
    pub token: TokenState,
    /// The last sync's failure, with its fix and when.
    pub last_failure: Option<(Fix, String, DateTime<Utc>)>,
}

impl ParticipantStatus {
    /// Days in the window.
    pub fn window_days(&self) -> u64 {
        self.window
            .map_or(0, |(a, b)| ((b - a).num_days() + 1).max(0) as u64)
    }

    /// Days with data ÷ days in the window, for `dataset` (0 when there is no window).
    pub fn coverage(&self, dataset: Dataset) -> f64 {
        let n = self.window_days();
        let have = self
            .tables
            .iter()
            .find(|t| t.dataset == dataset)
            .map_or(0, |t| t.days_with_data);
        if n == 0 { 0.0 } else { have as f64 / n as f64 }
    }

    /// What to do next, if anything: the last failure's fix, else the token's.
    pub fn fix(&self) -> Option<Fix> {
        self.last_failure
            .as_ref()
            .map(|f| f.0)
            .or_else(|| self.token.fix())
    }
}

/// The status of every participant of `cohort` in `store`, in file order.
pub fn cohort_status(cohort: &Cohort, store: &Store) -> Result<Vec<ParticipantStatus>> {
    let now = Utc::now();
    cohort
        .participants()
        .iter()
        .map(|p| participant_status(p, store, now))
        .collect()
}

fn participant_status(
    p: &Participant,
    store: &Store,
    now: DateTime<Utc>,
) -> Result<ParticipantStatus> {
    let recorded = store.status(&p.id, None)?;
    let window = match (p.start, p.end, recorded.window) {
        (Some(a), Some(b), _) => Some((a, b)),
        (Some(a), None, w) => Some((a, w.map_or(a, |w| w.1.max(a)))),
        (None, Some(b), w) => Some((w.map_or(b, |w| w.0.min(b)), b)),
        (None, None, w) => w,
    };
    let st = if window == recorded.window {
        recorded
    } else {
        store.status(&p.id, window)?
    };
    let last_failure = store
        .ledger(&p.id)?
        .last_failure()?
        .map(|(fix, msg, at)| (Fix::parse(&fix).unwrap_or(Fix::RetryLater), msg, at));
    Ok(ParticipantStatus {
        participant: p.id.clone(),
        window,
        last_synced_day: st.tables.iter().filter_map(|t| t.last).max(),
        tables: st.tables,
        token: TokenState::of_config(&p.config, now),
        last_failure,
    })
}

/// Writes the rows as CSV to `path` (atomically): participant, window, coverage and days per
/// dataset, last synced day, heart-rate gaps (count and days), token state, days left of a
/// Testing-mode refresh token, last failure and its fix. No tokens, emails or account names.
pub fn status_csv(rows: &[ParticipantStatus], path: &Path) -> Result<()> {
    let now = Utc::now();
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = ["participant", "window_start", "window_end", "window_days"]
        .map(String::from)
        .to_vec();
    for d in Dataset::ALL {
        header.push(format!("{}_days", d.name()));
        header.push(format!("{}_coverage", d.name()));
    }
    header.extend(
        [
            "last_synced_day",
            "heart_rate_gaps",
            "heart_rate_gap_days",
            "token",
            "refresh_days_left",
            "fix",
            "last_failure",
            "last_failure_at",
        ]
        .map(String::from),
    );
    let csv_err = |e: csv::Error| Error::io(path, std::io::Error::other(e));
    w.write_record(&header).map_err(csv_err)?;
    for r in rows {
        let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let mut rec = vec![
            r.participant.to_string(),
            day(r.window.map(|w| w.0)),
            day(r.window.map(|w| w.1)),
            r.window_days().to_string(),
        ];
        for d in Dataset::ALL {
            let t = r.tables.iter().find(|t| t.dataset == d);
            rec.push(t.map_or(0, |t| t.days_with_data).to_string());
            rec.push(format!("{:.3}", r.coverage(d)));
        }
        let hr = r.tables.iter().find(|t| t.dataset == Dataset::HeartRate);
        rec.push(day(r.last_synced_day));
        rec.push(hr.map_or(0, |t| t.gaps.len()).to_string());
        rec.push(
            hr.map_or(0, |t| t.gaps.iter().map(|g| g.days()).sum::<i64>())
                .to_string(),
        );
        rec.push(r.token.as_str().to_string());
        rec.push(
            r.token
                .refresh_days_left(now)
                .map(|d| format!("{d:.1}"))
                .unwrap_or_default(),
        );
        rec.push(r.fix().map(|f| f.as_str().to_string()).unwrap_or_default());
        rec.push(
            r.last_failure
                .as_ref()
                .map(|f| f.1.clone())
                .unwrap_or_default(),
        );
        rec.push(
            r.last_failure
                .as_ref()
                .map(|f| f.2.to_rfc3339())
                .unwrap_or_default(),
        );
        w.write_record(&rec).map_err(csv_err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::io(path, e.into_error()))?;
    crate::atomic::write_durably(path, &bytes, 0o600)
}
