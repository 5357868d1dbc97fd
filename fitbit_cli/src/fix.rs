//! The library's [`Fix`]es in the CLI's words: the command to run or the flag to pass.

use fitbit_core::{Error, Fix};

/// What to run or pass to apply `fix`.
pub fn command(fix: Fix) -> String {
    match fix {
        Fix::Enroll => "copy fb_conf.example.json to the config path (--config, default \
                        fb_conf.json), fill in client_id and client_secret, then run `fitbit auth`"
            .into(),
        Fix::Reauthorize => "run `fitbit auth`".into(),
        Fix::RepairConfig => {
            "edit the config file by hand (fb_conf.example.json shows the fields)".into()
        }
        Fix::RetryLater => "run the same command again later".into(),
        Fix::WaitForLock => "run again with --wait to wait for the other sync".into(),
        Fix::SetTimeZone => "pass --tz ZONE (an IANA name such as Europe/Berlin)".into(),
        Fix::ChooseExportClock => "pass --tz utc:ZONE (the heart_rate JSON is UTC) or --tz \
                                   local:ZONE (it is wall-clock time in ZONE)"
            .into(),
        Fix::ReadExport => "read your Google Takeout export with `fitbit import PATH`".into(),
        other => other.to_string(),
    }
}

/// The line printed under an error: `fix: …`, when there is something to do.
pub fn line(e: &Error) -> Option<String> {
    e.fix().map(|f| format!("fix: {}", command(f)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_commands_are_named() {
        assert_eq!(command(Fix::Reauthorize), "run `fitbit auth`");
        assert!(command(Fix::WaitForLock).contains("--wait"));
        assert!(command(Fix::SetTimeZone).contains("--tz ZONE"));
        assert!(command(Fix::ChooseExportClock).contains("--tz utc:ZONE"));
        assert!(command(Fix::ReadExport).contains("fitbit import"));
        let locked = Error::Locked {
            path: "s/.lock".into(),
            holder: String::new(),
        };
        assert_eq!(
            line(&locked).unwrap(),
            "fix: run again with --wait to wait for the other sync"
        );
    }
}
