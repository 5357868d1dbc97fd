//! The whole study as polars frames: every participant of a dataset as one LazyFrame, and a
//! per-participant summary (days with heart rate, mean resting HR, mean nightly HRV).

use polars::prelude::*;

use crate::Result;
use crate::store::{Dataset, Store};

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
