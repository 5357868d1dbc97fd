//! `fitbit sync --cohort FILE` and `fitbit status --cohort FILE`: a study's participants into
//! one store, and one status row per participant (also as CSV). The library does the work
//! (`fitbit_core::cohort`); this module puts its facts and fixes into words.

use std::path::{Path, PathBuf};

use fitbit_core::chrono::Utc;
use fitbit_core::cohort::{
    Cohort, CohortEvent, CohortOptions, Fix, Outcome, ParticipantStatus, Shard, cohort_status,
    status_csv, sync_cohort,
};
use fitbit_core::store::{Dataset, Store};
use fitbit_core::sync::SyncOptions;
use fitbit_core::{Error, Result};

/// What the coordinator runs to apply `fix` for participant `id` of `cohort`.
fn fix_command(fix: Fix, cohort: &Cohort, id: &str) -> String {
    let auth = format!(
        "fitbit auth --cohort {} --participant {id}",
        cohort.path().display()
    );
    match fix {
        Fix::Enroll => format!("enroll {id}: {auth}"),
        Fix::Reauthorize => format!("have {id} authorize again: {auth}"),
        Fix::RepairConfig => {
            let config = cohort
                .participant(id)
                .map(|p| p.config.display().to_string())
                .unwrap_or_else(|_| "their config".into());
            format!("repair {config} (or move it aside), then: {auth}")
        }
        Fix::RetryLater => "run the same sync again later".into(),
        other => crate::fix::command(other),
    }
}

/// `fitbit sync --cohort FILE --store DIR …`.
pub fn sync(
    cohort_path: &Path,
    store: &Path,
    sync: SyncOptions,
    jobs: usize,
    shard: Shard,
    project_per_minute: u32,
    max_users: usize,
) -> Result<()> {
    let cohort = Cohort::load(cohort_path)?;
    let store = Store::open(store)?;
    let opts = CohortOptions {
        sync,
        jobs,
        shard,
        project_per_minute,
        max_users,
    };
    let bar = crate::progress::bar(0, "participants");
    let counts = std::sync::Mutex::new((0u64, 0u64));
    let report = sync_cohort(&cohort, &store, &opts, &|ev| match ev {
        CohortEvent::Started { participants } => bar.set_length(participants as u64),
        CohortEvent::Stored { requests, rows, .. } => {
            let mut c = counts.lock().unwrap_or_else(|e| e.into_inner());
            c.0 += requests;
            c.1 += rows;
            bar.set_message(format!("{} requests, {} rows", c.0, c.1));
        }
        CohortEvent::Finished(p) => {
            bar.inc(1);
            if let Outcome::Failed(e) = &p.outcome {
                crate::progress::say(&bar, &format!("{}: failed: {e}", p.participant));
            }
        }
        _ => {}
    })?;
    bar.finish_and_clear();
    let done = report
        .participants
        .iter()
        .filter(|p| p.is_complete())
        .count();
    println!(
        "Synced {done} of {} participants into {} ({} in other shards): {} requests, {} rows, {}.",
        report.participants.len(),
        store.root().display(),
        report.other_shards,
        report.requests(),
        report.rows(),
        crate::progress::human(report.elapsed)
    );
    let failed: Vec<_> = report.failed().collect();
    if failed.is_empty() {
        return Ok(());
    }
    for p in &failed {
        let what = match &p.outcome {
            Outcome::Failed(e) => e.to_string(),
            Outcome::Partial(r) => r
                .failures
                .iter()
                .map(|f| format!("{} failed: {}", f.dataset, f.error))
                .collect::<Vec<_>>()
                .join("; "),
            _ => String::new(),
        };
        let fix = p.fix().unwrap_or(Fix::RetryLater);
        println!(
            "FAILED {}: {what}\n  fix: {}",
            p.participant,
            fix_command(fix, &cohort, p.participant.as_str())
        );
    }
    Err(Error::Store {
        path: store.root().to_path_buf(),
        message: format!(
            "{} of {} participants did not complete (see above); the others were stored",
            failed.len(),
            report.participants.len()
        ),
    })
}

/// `fitbit status --cohort FILE --store DIR [--csv PATH]`.
pub fn status(cohort_path: &Path, store: &Path, csv: Option<&PathBuf>) -> Result<()> {
    let cohort = Cohort::load(cohort_path)?;
    let store = Store::open(store)?;
    let rows = cohort_status(&cohort, &store)?;
    println!(
        "{:<12} {:>6} {:>8} {:>8} {:>8} {:>8} {:>11} {:>5} {:<15} fix",
        "participant", "days", "hr", "resting", "hrv", "hrv_5min", "last day", "gaps", "token"
    );
    let now = Utc::now();
    for r in &rows {
        let cov = |d: Dataset| format!("{:.0}%", 100.0 * r.coverage(d));
        let gaps = r
            .tables
            .iter()
            .find(|t| t.dataset == Dataset::HeartRate)
            .map_or(0, |t| t.gaps.len());
        let token = match r.token.refresh_days_left(now) {
            Some(d) => format!("{} ({d:.1} d left)", r.token.as_str()),
            None => r.token.as_str().to_string(),
        };
        println!(
            "{:<12} {:>6} {:>8} {:>8} {:>8} {:>8} {:>11} {:>5} {:<15} {}",
            r.participant.as_str(),
            r.window_days(),
            cov(Dataset::HeartRate),
            cov(Dataset::RestingHeartRate),
            cov(Dataset::HrvDaily),
            cov(Dataset::HrvIntraday),
            r.last_synced_day
                .map(|d| d.to_string())
                .unwrap_or_else(|| "-".into()),
            gaps,
            token,
            fix_of(r)
                .map(|f| fix_command(f, &cohort, r.participant.as_str()))
                .unwrap_or_default(),
        );
    }
    if let Some(path) = csv {
        status_csv(&rows, path)?;
        println!("Wrote {}", path.display());
    }
    Ok(())
}

/// The fix a participant's status calls for: their token's first, else their last failure's.
fn fix_of(r: &ParticipantStatus) -> Option<Fix> {
    r.token
        .fix()
        .or_else(|| r.last_failure.as_ref().map(|f| f.0))
}
