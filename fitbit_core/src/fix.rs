//! What would fix a problem, as data. Library errors ([`crate::Error::fix`]), import reports
//! ([`crate::source::export::ImportReport::fixes`]), token notes and cohort reports carry a
//! [`Fix`]; each front end puts it in its own words: the `fitbit` CLI as its command or flag,
//! the notebooks as the cell or setting to change ([`crate::display::notebook_fix`]). The
//! library's own words ([`Fix`]'s `Display`) name neither.
//!
//! ```
//! use fitbit_core::{Error, Fix, Provider};
//! let e = Error::Reauthorize { provider: Provider::Google, detail: "invalid_grant".into() };
//! assert_eq!(e.fix(), Some(Fix::Reauthorize));
//! assert_eq!(Fix::Reauthorize.to_string(), "authorize again");
//! assert_eq!(Fix::parse(Fix::WaitForLock.as_str()), Some(Fix::WaitForLock));
//! ```

/// What the user should do about a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fix {
    /// Set up the account: there is no config yet (create it, then authorize).
    Enroll,
    /// Authorize again: the grant was revoked, expired (Testing apps: 7 days), lacks a scope, or
    /// the app changed (its type, its client id).
    Reauthorize,
    /// Repair the config file by hand: it is not valid (it was left unchanged).
    RepairConfig,
    /// Nothing to change: run again later (network, server error, a spent request budget).
    RetryLater,
    /// Another sync holds the store's lock: wait for it to finish.
    WaitForLock,
    /// Name the user's time zone (IANA, such as `Europe/Berlin`) for the export: without it
    /// local times are a fixed offset that ignores daylight saving time, or UTC.
    SetTimeZone,
    /// Say how the export's legacy `heart_rate-*.json` clock is read: UTC instants shown in a
    /// zone, or wall-clock time of a zone (the data did not decide it, or it can be overridden).
    ChooseExportClock,
    /// Read the data export instead: the legacy Fitbit Web API is shut down or refuses access.
    ReadExport,
}

impl Fix {
    /// Every fix, for parsing.
    const ALL: [Fix; 8] = [
        Fix::Enroll,
        Fix::Reauthorize,
        Fix::RepairConfig,
        Fix::RetryLater,
        Fix::WaitForLock,
        Fix::SetTimeZone,
        Fix::ChooseExportClock,
        Fix::ReadExport,
    ];

    /// The stable name written to the ledger and the status CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Fix::Enroll => "enroll",
            Fix::Reauthorize => "reauthorize",
            Fix::RepairConfig => "repair_config",
            Fix::RetryLater => "retry_later",
            Fix::WaitForLock => "wait_for_lock",
            Fix::SetTimeZone => "set_time_zone",
            Fix::ChooseExportClock => "choose_export_clock",
            Fix::ReadExport => "read_export",
        }
    }

    /// Parses [`Fix::as_str`].
    pub fn parse(s: &str) -> Option<Fix> {
        Fix::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// The fix for an error: [`crate::Error::fix`], else run again later.
    pub fn for_error(e: &crate::Error) -> Fix {
        e.fix().unwrap_or(Fix::RetryLater)
    }
}

/// The fix in the library's words, naming no command, flag or notebook cell.
impl std::fmt::Display for Fix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Fix::Enroll => "create the config (client_id and client_secret), then authorize",
            Fix::Reauthorize => "authorize again",
            Fix::RepairConfig => "repair the config file by hand (it was not changed)",
            Fix::RetryLater => "run it again later",
            Fix::WaitForLock => "wait for the other sync to finish, then run again",
            Fix::SetTimeZone => "name your time zone (an IANA name such as Europe/Berlin)",
            Fix::ChooseExportClock => {
                "say whether the export's heart_rate JSON is UTC or wall-clock time, and your \
                 time zone"
            }
            Fix::ReadExport => "read your data export (Google Takeout) instead",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_distinct() {
        let names: std::collections::BTreeSet<&str> = Fix::ALL.iter().map(|f| f.as_str()).collect();
        assert_eq!(names.len(), Fix::ALL.len());
        for f in Fix::ALL {
            assert_eq!(Fix::parse(f.as_str()), Some(f));
        }
        assert_eq!(Fix::parse("reboot"), None);
    }

    #[test]
    fn library_words_name_no_front_end() {
        for f in Fix::ALL {
            let words = f.to_string();
            assert!(
                !words.contains("--") && !words.contains("fitbit ") && !words.contains(".ipynb"),
                "{words}"
            );
        }
    }
}
