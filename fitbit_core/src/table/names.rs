//! Output file names, exactly as the original Python tool named them.

use chrono::NaiveDate;

/// `Fitbit_HR_{YYYY-MM-DD}.csv`, one day of intraday heart rate.
///
/// ```
/// let day = fitbit_core::chrono::NaiveDate::from_ymd_opt(2023, 7, 31).unwrap();
/// assert_eq!(fitbit_core::table::hr_csv_name(day), "Fitbit_HR_2023-07-31.csv");
/// ```
pub fn hr_csv_name(day: NaiveDate) -> String {
    format!("Fitbit_HR_{}.csv", day.format("%Y-%m-%d"))
}

/// `Fitbit_RestingHR_{start}_{end}.csv`, or `Fitbit_RestingHR_{day}.csv` when `start == end`.
///
/// ```
/// use fitbit_core::{chrono::NaiveDate, table::hr_daily_csv_name};
/// let d = |day| NaiveDate::from_ymd_opt(2026, 9, day).unwrap();
/// assert_eq!(hr_daily_csv_name(d(1), d(7)), "Fitbit_RestingHR_2026-09-01_2026-09-07.csv");
/// assert_eq!(hr_daily_csv_name(d(1), d(1)), "Fitbit_RestingHR_2026-09-01.csv");
/// ```
pub fn hr_daily_csv_name(start: NaiveDate, end: NaiveDate) -> String {
    range_name("Fitbit_RestingHR", start, end)
}

/// `Fitbit_HRV_{start}_{end}.csv` (one date when `start == end`).
pub fn hrv_daily_csv_name(start: NaiveDate, end: NaiveDate) -> String {
    range_name("Fitbit_HRV", start, end)
}

/// `Fitbit_HRV_intraday_{start}_{end}.csv` (one date when `start == end`).
pub fn hrv_intraday_csv_name(start: NaiveDate, end: NaiveDate) -> String {
    range_name("Fitbit_HRV_intraday", start, end)
}

/// `Fitbit_HR_{start}_{end}.parquet`, all heart rate of an export (both dates even when equal).
///
/// ```
/// use fitbit_core::{chrono::NaiveDate, table::hr_parquet_name};
/// let d = NaiveDate::from_ymd_opt(2019, 4, 22).unwrap();
/// assert_eq!(hr_parquet_name(d, d), "Fitbit_HR_2019-04-22_2019-04-22.parquet");
/// ```
pub fn hr_parquet_name(start: NaiveDate, end: NaiveDate) -> String {
    format!(
        "Fitbit_HR_{}_{}.parquet",
        start.format("%Y-%m-%d"),
        end.format("%Y-%m-%d")
    )
}

fn range_name(prefix: &str, start: NaiveDate, end: NaiveDate) -> String {
    if start == end {
        format!("{prefix}_{}.csv", start.format("%Y-%m-%d"))
    } else {
        format!(
            "{prefix}_{}_{}.csv",
            start.format("%Y-%m-%d"),
            end.format("%Y-%m-%d")
        )
    }
}
