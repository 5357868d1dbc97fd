//! The whole study as polars frames: every participant of a dataset as one LazyFrame, and a
//! per-participant summary (days with heart rate, mean resting HR, mean nightly HRV), and the
//! wear coverage of every participant and day.

use polars::prelude::*;

use chrono::NaiveDate;

use super::Cohort;
use crate::Result;
use crate::store::{Dataset, Store, summary::coverage_per_day};

/// Every participant and day of `dataset` as one LazyFrame, with `user` and `date` columns (the
/// hive keys): the study for the analysis that follows. The same as [`Store::scan`].
pub fn scan_study(store: &Store, dataset: Dataset) -> Result<LazyFrame> {
    store.scan(dataset)
}

/// One row per participant with data: `user`, `hr_days` (days with heart-rate samples),
/// `hr_samples`, `mean_resting_hr`, `mean_nightly_rmssd` (mean of the nightly `daily_rmssd`),
/// sorted by `user`.
pub fn participant_summary(store: &Store) -> Result<DataFrame> {
    let hr = store
        .scan(Dataset::HeartRate)?
        .group_by([col("user")])
        .agg([
            col("date").n_unique().alias("hr_days"),
            col("heartrate").count().alias("hr_samples"),
        ]);
    let rhr = store
        .scan(Dataset::RestingHeartRate)?
        .group_by([col("user")])
        .agg([col("resting_heart_rate").mean().alias("mean_resting_hr")]);
    let hrv = store
        .scan(Dataset::HrvDaily)?
        .group_by([col("user")])
        .agg([col("daily_rmssd").mean().alias("mean_nightly_rmssd")]);
    let users = concat(
        [
            store.scan(Dataset::HeartRate)?.select([col("user")]),
            store.scan(Dataset::RestingHeartRate)?.select([col("user")]),
            store.scan(Dataset::HrvDaily)?.select([col("user")]),
        ],
        UnionArgs::default(),
    )?
    .unique(None, UniqueKeepStrategy::First);
    let args = || JoinArgs::new(JoinType::Left);
    Ok(users
        .join(hr, [col("user")], [col("user")], args())
        .join(rhr, [col("user")], [col("user")], args())
        .join(hrv, [col("user")], [col("user")], args())
        .sort(["user"], SortMultipleOptions::default())
        .collect()?)
}

/// Wear coverage of every participant of `cohort` for the local days `start..=end`, read from
/// `store`: `user` (String) then the columns of [`coverage_per_day`] (`date`,
/// `hours_with_data`, `minutes_with_data`, `day_minutes`), participants in cohort order, days
/// ascending; a day without heart rate has no row. The frame
/// [`plot::coverage_heatmap`](crate::plot::coverage_heatmap) draws.
///
/// ```no_run
/// use fitbit_core::{cohort::{Cohort, study_coverage}, plot, store::Store, chrono::NaiveDate};
/// let (cohort, store) = (Cohort::load("study/cohort.csv")?, Store::open("study/store")?);
/// let day = |d| NaiveDate::from_ymd_opt(2026, 10, d).unwrap();
/// let coverage = study_coverage(&store, &cohort, day(1), day(31))?;
/// let chart = plot::coverage_heatmap(&coverage, "Hours worn per day")?;
/// # Ok::<(), fitbit_core::Error>(())
/// ```
pub fn study_coverage(
    store: &Store,
    cohort: &Cohort,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<DataFrame> {
    let with_user = |user: &str, mut cov: DataFrame| -> Result<DataFrame> {
        let users = Column::new("user".into(), vec![user; cov.height()]);
        cov.insert_column(0, users)?;
        Ok(cov)
    };
    let mut out = with_user("", coverage_per_day(&Dataset::HeartRate.empty_frame()?)?)?;
    for p in cohort.participants() {
        let hr = store.heart_rate(&p.id, start, end)?;
        out.vstack_mut(&with_user(p.id.as_str(), coverage_per_day(&hr)?)?)?;
    }
    Ok(out)
}
