//! `fitbit sync --cohort`: every participant of a shard into one store, `jobs` at a time. Each
//! participant has their own client, per-user pacer and ledger lock; all share the project-wide
//! pacer. One participant's failure is recorded in their ledger and reported; the others go on.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{NaiveDate, Utc};

use super::{Cohort, Participant, Shard};
use crate::http::Pacer;
use crate::store::{Store, UserId};
use crate::sync::{SyncEvent, SyncOptions, SyncReport, sync};
use crate::{Client, Error, Fix, Result};

/// Google's documented cap on users of an unverified app.
pub const DEFAULT_MAX_USERS: usize = 100;
/// Google's documented project-wide quota: requests a minute.
pub const DEFAULT_PROJECT_PER_MINUTE: u32 = 120_000;

/// How to sync a cohort.
#[derive(Debug, Clone)]
pub struct CohortOptions {
    /// The options of every participant's sync; each participant's collection window
    /// narrows `start`/`end` (the intersection of both).
    pub sync: SyncOptions,
    /// Participants synced at once (threads).
    pub jobs: usize,
    /// Which participants this machine syncs.
    pub shard: Shard,
    /// The project-wide quota, requests a minute, shared by every participant.
    pub project_per_minute: u32,
    /// Refuse cohorts larger than this (Google: 100 users for an unverified app).
    pub max_users: usize,
}

impl Default for CohortOptions {
    fn default() -> Self {
        CohortOptions {
            sync: SyncOptions::default(),
            jobs: 4,
            shard: Shard::ALL,
            project_per_minute: DEFAULT_PROJECT_PER_MINUTE,
            max_users: DEFAULT_MAX_USERS,
        }
    }
}

/// How one participant's sync ended.
#[derive(Debug)]
pub enum Outcome {
    /// Everything planned was stored.
    Complete(SyncReport),
    /// The sync ran, but some datasets failed for good (a missing scope) or the budget ran out.
    Partial(SyncReport),
    /// The sync could not run or stopped (no config, revoked grant, network).
    Failed(Error),
}

/// One participant's result.
#[derive(Debug)]
pub struct ParticipantReport {
    /// The participant.
    pub participant: UserId,
    /// How it ended.
    pub outcome: Outcome,
}

impl ParticipantReport {
    /// True when everything was stored.
    pub fn is_complete(&self) -> bool {
        matches!(self.outcome, Outcome::Complete(_))
    }

    /// What to do, when something failed.
    pub fn fix(&self) -> Option<Fix> {
        match &self.outcome {
            Outcome::Complete(_) => None,
            Outcome::Partial(r) => Some(
                r.failures
                    .first()
                    .map_or(Fix::RetryLater, |f| Fix::for_error(&f.error)),
            ),
            Outcome::Failed(e) => Some(Fix::for_error(e)),
        }
    }

    /// Requests sent for this participant.
    pub fn requests(&self) -> u64 {
        match &self.outcome {
            Outcome::Complete(r) | Outcome::Partial(r) => r.requests,
            Outcome::Failed(_) => 0,
        }
    }

    /// Rows written for this participant.
    pub fn rows(&self) -> u64 {
        match &self.outcome {
            Outcome::Complete(r) | Outcome::Partial(r) => r.rows,
            Outcome::Failed(_) => 0,
        }
    }
}

/// A cohort sync's result, one report per participant of the shard, in file order.
#[derive(Debug)]
pub struct CohortReport {
    /// Per participant.
    pub participants: Vec<ParticipantReport>,
    /// Participants of the cohort not in this shard.
    pub other_shards: usize,
    /// Wall time.
    pub elapsed: Duration,
}

impl CohortReport {
    /// The participants that did not complete.
    pub fn failed(&self) -> impl Iterator<Item = &ParticipantReport> {
        self.participants.iter().filter(|p| !p.is_complete())
    }

    /// Requests sent in all.
    pub fn requests(&self) -> u64 {
        self.participants.iter().map(|p| p.requests()).sum()
    }

    /// Rows written in all.
    pub fn rows(&self) -> u64 {
        self.participants.iter().map(|p| p.rows()).sum()
    }
}

/// Progress of a cohort sync (from several threads at once).
#[derive(Debug)]
#[non_exhaustive]
pub enum CohortEvent<'a> {
    /// Before the first participant: how many this shard syncs.
    Started {
        /// Participants of this shard.
        participants: usize,
    },
    /// A task of a participant was stored.
    Stored {
        /// The participant.
        participant: &'a UserId,
        /// Requests it took.
        requests: u64,
        /// Rows written.
        rows: u64,
    },
    /// A participant finished (whatever the outcome).
    Finished(&'a ParticipantReport),
}

/// Syncs every participant of `opts.shard` into `store`, `opts.jobs` at a time. Errors only for
/// what stops the whole run (a cohort over `max_users`); a participant's failure is in the
/// report and in their ledger ([`crate::store::Ledger::last_failure`]).
pub fn sync_cohort(
    cohort: &Cohort,
    store: &Store,
    opts: &CohortOptions,
    on_event: &(dyn Fn(CohortEvent<'_>) + Sync),
) -> Result<CohortReport> {
    let started = std::time::Instant::now();
    let all = cohort.participants();
    if all.len() > opts.max_users {
        return Err(Error::InvalidInput {
            what: format!("a cohort of {} participants", all.len()),
            hint: format!(
                "an unverified Google app may have at most {} users: have the app verified by \
                 Google, then raise the cohort's user limit (max_users) to {} or more",
                opts.max_users,
                all.len()
            ),
        });
    }
    let mine: Vec<&Participant> = all.iter().filter(|p| opts.shard.contains(&p.id)).collect();
    on_event(CohortEvent::Started {
        participants: mine.len(),
    });
    let project = Arc::new(Pacer::new(
        "per project",
        opts.project_per_minute,
        Duration::from_secs(60),
    ));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<ParticipantReport>>> =
        Mutex::new((0..mine.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..opts.jobs.clamp(1, mine.len().max(1)) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(p) = mine.get(i) else { break };
                    let report = sync_one(p, store, opts, project.clone(), on_event);
                    on_event(CohortEvent::Finished(&report));
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(report);
                }
            });
        }
    });
    let participants = results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .flatten()
        .collect();
    Ok(CohortReport {
        participants,
        other_shards: all.len() - mine.len(),
        elapsed: started.elapsed(),
    })
}

/// The participant's window within the run's.
fn window(p: &Participant, opts: &SyncOptions) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let max = |a: Option<NaiveDate>, b: Option<NaiveDate>| match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let min = |a: Option<NaiveDate>, b: Option<NaiveDate>| match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    (max(p.start, opts.start), min(p.end, opts.end))
}

fn sync_one(
    p: &Participant,
    store: &Store,
    opts: &CohortOptions,
    project: Arc<Pacer>,
    on_event: &(dyn Fn(CohortEvent<'_>) + Sync),
) -> ParticipantReport {
    let run = || -> Result<SyncReport> {
        let mut client = Client::open(&p.config)?;
        let (start, end) = window(p, &opts.sync);
        if let (Some(a), Some(b)) = (start, end)
            && a > b
        {
            // The collection window is over before the run's range starts: nothing to do.
            return Err(Error::InvalidInput {
                what: format!("participant {} window", p.id),
                hint:
                    "the run's start and end dates lie outside this participant's collection window"
                        .into(),
            });
        }
        let mut sopts = opts.sync.clone();
        sopts.start = start;
        sopts.end = end;
        sopts.shared_pacers.push(project);
        sync(&mut client, store, &p.id, &sopts, &mut |ev| {
            if let SyncEvent::Stored { rows, requests, .. } = ev {
                on_event(CohortEvent::Stored {
                    participant: &p.id,
                    requests,
                    rows,
                });
            }
        })
    };
    let outcome = match run() {
        Ok(r) if r.is_complete() => Outcome::Complete(r),
        Ok(r) => Outcome::Partial(r),
        Err(e) => Outcome::Failed(e),
    };
    let report = ParticipantReport {
        participant: p.id.clone(),
        outcome,
    };
    // The failure (or its absence) goes into the participant's own ledger for `status`.
    if let Ok(ledger) = store.ledger(&p.id) {
        let note = report.fix().map(|fix| {
            let message = match &report.outcome {
                Outcome::Failed(e) => e.to_string(),
                Outcome::Partial(r) => r.failures.first().map_or_else(
                    || "stopped at the request budget".into(),
                    |f| format!("{}: {}", f.dataset, f.error),
                ),
                Outcome::Complete(_) => String::new(),
            };
            (fix.as_str().to_string(), message)
        });
        let _ = ledger.set_last_failure(
            note.as_ref().map(|(f, m)| (f.as_str(), m.as_str())),
            Utc::now(),
        );
    }
    report
}
