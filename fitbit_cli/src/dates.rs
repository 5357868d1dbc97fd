//! Date arguments: `today`, `yesterday` or `YYYY-MM-DD` (parsed by `fitbit_core::day`), made
//! dates in the account's own time zone.

use fitbit_core::chrono::NaiveDate;
use fitbit_core::day::DaySpec;
use fitbit_core::{Client, Result};

/// The clap parser of a date argument.
pub fn parse_day(s: &str) -> std::result::Result<DaySpec, String> {
    s.parse().map_err(|e: fitbit_core::Error| e.to_string())
}

/// The date `spec` names: `today` / `yesterday` on the account's calendar (its time zone is
/// asked for only then).
pub fn resolve(client: &mut Client, spec: DaySpec) -> Result<NaiveDate> {
    match spec {
        DaySpec::Date(d) => Ok(d),
        relative => Ok(relative.on(client.today()?)),
    }
}

/// [`resolve`] of an optional argument.
pub fn resolve_opt(client: &mut Client, spec: Option<DaySpec>) -> Result<Option<NaiveDate>> {
    spec.map(|s| resolve(client, s)).transpose()
}
