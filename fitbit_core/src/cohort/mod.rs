//! Studies: a cohort of participants, each with their own `fb_conf.json`, synced into one
//! [`Store`](crate::store::Store) (`user=<participant>` partitions), concurrently, within a
//! per-user and a project-wide quota, and sharded across machines when needed.
//!
//! The cohort file is a CSV (spreadsheet-friendly):
//!
//! ```text
//! participant,config,start,end
//! P01,configs/P01.json,2026-10-01,2026-10-31
//! P02,configs/P02.json,,
//! ```
//!
//! `config` is relative to the cohort file's folder; `start` and `end` (optional) bound that
//! participant's collection window. Participant ids are pseudonyms ([`UserId`] rules) and become
//! the `user=` partition key. [`Enrollment`] creates or renews a participant's config through
//! the same PKCE flow as a single user's (`fitbit auth --cohort FILE --participant ID`).
//!
//! ```no_run
//! use fitbit_core::cohort::{Cohort, CohortOptions, sync_cohort};
//! use fitbit_core::store::Store;
//! let cohort = Cohort::load("study/cohort.csv")?;
//! let store = Store::open("study/store")?;
//! let report = sync_cohort(&cohort, &store, &CohortOptions::default(), &|_event| {})?;
//! for p in report.failed() {
//!     println!("{}: {:?}", p.participant, p.fix());
//! }
//! # Ok::<(), fitbit_core::Error>(())
//! ```

mod demo;
mod enroll;
mod file;
mod run;
mod shard;
mod status;
mod summary;

pub use demo::enroll_demo;
pub use enroll::{AppSource, Enrollment};
pub use file::{CLIENT_TEMPLATE, Cohort, Participant};
pub use run::{
    CohortEvent, CohortOptions, CohortReport, DEFAULT_MAX_USERS, DEFAULT_PROJECT_PER_MINUTE,
    Outcome, ParticipantReport, sync_cohort,
};
pub use shard::Shard;
pub use status::{ParticipantStatus, TokenState, cohort_status, status_csv};
pub use summary::{participant_summary, scan_study, study_coverage};

pub use crate::fix::Fix;
pub use crate::store::UserId;
