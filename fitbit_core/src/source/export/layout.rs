//! Layout detection: which HR/HRV format a file holds, from its file name alone (never from a
//! fixed root), so every export layout (`Takeout/Fitbit/`, `Google Health/`, `MyFitbitData/<Name>/`,
//! a bare folder of files) is recognised wherever the files sit in the tree.

use chrono::NaiveDate;

/// The file formats this reader understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    /// `heart_rate-YYYY-MM-DD.json`: JSON array, `dateTime` "MM/DD/YY HH:MM:SS", no zone.
    LegacyHrJson,
    /// `resting_heart_rate-YYYY-MM-DD.json`: daily resting heart rate.
    RestingHrJson,
    /// `Heart Rate Variability Details - YYYY-MM-DD.csv`: 5-minute HRV, local time.
    HrvDetailsCsv,
    /// `Daily Heart Rate Variability Summary - YYYY-MM-(DD).csv`: nightly HRV, local date.
    HrvDailyCsv,
    /// `*_GoogleData/heart_rate_YYYY-MM-DD.csv`: `timestamp,beats per minute[,data source]`, UTC `Z`.
    GoogleHrCsv,
    /// `heart_rate_variability_YYYY-MM-DD.csv`: rmssd and sdnn, UTC `Z`.
    GoogleHrvCsv,
    /// `daily_heart_rate_variability_YYYY-MM-DD.csv`: nightly HRV summary.
    GoogleDailyHrvCsv,
}

impl FileKind {
    /// Short name for reports.
    pub fn label(self) -> &'static str {
        match self {
            FileKind::LegacyHrJson => "heart_rate-*.json",
            FileKind::RestingHrJson => "resting_heart_rate-*.json",
            FileKind::HrvDetailsCsv => "Heart Rate Variability Details - *.csv",
            FileKind::HrvDailyCsv => "Daily Heart Rate Variability Summary - *.csv",
            FileKind::GoogleHrCsv => "heart_rate_*.csv",
            FileKind::GoogleHrvCsv => "heart_rate_variability_*.csv",
            FileKind::GoogleDailyHrvCsv => "daily_heart_rate_variability_*.csv",
        }
    }

    /// Every pattern looked for, for the "no recognised files" error.
    pub const ALL: [FileKind; 7] = [
        FileKind::LegacyHrJson,
        FileKind::RestingHrJson,
        FileKind::HrvDetailsCsv,
        FileKind::HrvDailyCsv,
        FileKind::GoogleHrCsv,
        FileKind::GoogleHrvCsv,
        FileKind::GoogleDailyHrvCsv,
    ];
}

/// Classifies a path (any separator) by its file name.
pub fn classify(path: &str) -> Option<FileKind> {
    let name = file_name(path).to_ascii_lowercase();
    if name.starts_with("._") {
        return None; // macOS resource forks inside zips
    }
    if let Some(stem) = name.strip_suffix(".json") {
        if stem.starts_with("resting_heart_rate-") {
            return Some(FileKind::RestingHrJson);
        }
        if stem.starts_with("heart_rate-") {
            return Some(FileKind::LegacyHrJson);
        }
        return None;
    }
    let stem = name.strip_suffix(".csv")?;
    if stem.starts_with("heart rate variability details") {
        Some(FileKind::HrvDetailsCsv)
    } else if stem.starts_with("daily heart rate variability summary") {
        Some(FileKind::HrvDailyCsv)
    } else if stem.starts_with("daily_heart_rate_variability") {
        Some(FileKind::GoogleDailyHrvCsv)
    } else if stem.starts_with("heart_rate_variability") {
        Some(FileKind::GoogleHrvCsv)
    } else if stem
        .strip_prefix("heart_rate_")
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        || stem == "heart_rate"
    {
        Some(FileKind::GoogleHrCsv)
    } else {
        None
    }
}

/// The last path component, for `/` or `\` separators.
pub fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The date written in a file name (`YYYY-MM-DD`, also `YYYY-MM-(DD)`; `YYYY-MM-` gives day 1).
/// Used only to order files and to decide when a day is complete, never as the data's date.
pub fn name_date(path: &str) -> Option<NaiveDate> {
    let name: Vec<u8> = file_name(path)
        .bytes()
        .filter(|b| *b != b'(' && *b != b')')
        .collect();
    (0..name.len()).find_map(|i| date_at(&name[i..]))
}

fn date_at(s: &[u8]) -> Option<NaiveDate> {
    let num = |r: &[u8]| -> Option<u32> {
        r.iter().try_fold(0u32, |acc, b| {
            b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
        })
    };
    if s.len() < 8 || s.get(4) != Some(&b'-') || s.get(7) != Some(&b'-') {
        return None;
    }
    let y = num(&s[0..4])? as i32;
    let m = num(&s[5..7])?;
    let d = s.get(8..10).and_then(num).unwrap_or(1);
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Is this file itself an archive we can open (a Takeout part inside a folder)?
pub fn archive_kind(path: &str) -> Option<ArchiveKind> {
    let name = file_name(path).to_ascii_lowercase();
    if name.ends_with(".zip") {
        Some(ArchiveKind::Zip)
    } else if name.ends_with(".tgz") || name.ends_with(".tar.gz") {
        Some(ArchiveKind::Tgz)
    } else {
        None
    }
}

/// Archive formats Takeout produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveKind {
    Zip,
    Tgz,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_and_name_date_examples() {
        let k = classify("Takeout/Fitbit/Global Export Data/heart_rate-2024-03-01.json");
        assert_eq!(k, Some(FileKind::LegacyHrJson));
        assert_eq!(
            classify("a/b/heart_rate_variability_2024-03-01.csv"),
            Some(FileKind::GoogleHrvCsv)
        );
        assert_eq!(classify("a/b/steps-2024-03-01.json"), None);
        assert_eq!(
            name_date("x/Daily Heart Rate Variability Summary - 2024-07-(21).csv"),
            NaiveDate::from_ymd_opt(2024, 7, 21)
        );
        assert_eq!(name_date("heart_rate.csv"), None);
    }

    #[test]
    fn classifies_every_layout() {
        let cases = [
            (
                "MyFitbitData/Ann/Physical Activity/heart_rate-2020-01-02.json",
                FileKind::LegacyHrJson,
            ),
            (
                "Google Health/Global Export Data/resting_heart_rate-2024-03-01.json",
                FileKind::RestingHrJson,
            ),
            (
                "T/Heart Rate Variability/Heart Rate Variability Details - 2024-07-21.csv",
                FileKind::HrvDetailsCsv,
            ),
            (
                "T/Heart Rate Variability/Daily Heart Rate Variability Summary - 2024-07-(21).csv",
                FileKind::HrvDailyCsv,
            ),
            (
                "T/Physical Activity_GoogleData/heart_rate_2024-10-27.csv",
                FileKind::GoogleHrCsv,
            ),
            (
                "T/x_GoogleData/daily_heart_rate_variability_2024-10-27.csv",
                FileKind::GoogleDailyHrvCsv,
            ),
            (
                "C:\\x\\heart_rate_variability_2024-10-27.csv",
                FileKind::GoogleHrvCsv,
            ),
        ];
        for (p, k) in cases {
            assert_eq!(classify(p), Some(k), "{p}");
        }
        assert_eq!(classify("x/heart_rate_zones-2020-01-01.csv"), None);
        assert_eq!(classify("x/sleep-2020-01-01.json"), None);
    }

    #[test]
    fn name_dates() {
        assert_eq!(
            name_date("heart_rate-2023-01-26.json"),
            NaiveDate::from_ymd_opt(2023, 1, 26)
        );
        assert_eq!(
            name_date("Daily Heart Rate Variability Summary - 2024-07-.csv"),
            NaiveDate::from_ymd_opt(2024, 7, 1)
        );
        assert_eq!(name_date("heart_rate-2023-13-26.json"), None);
    }
}
