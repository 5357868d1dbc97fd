//! Legacy Fitbit Web API bodies (fitbit-api.md sections 2, 3, 5).
//! CONTRACT: `path` is the URL path after the host, e.g. `/1/user/-/hrv/date/2026-10-01/all.json`,
//! `query` the raw query string (e.g. `timezone=UTC`). Returns the 200 body, or the documented
//! error answer (bad date, range too long, unknown path → 400/404 with the `errors[]` envelope).
//! `intraday` false means the app has no intraday access: the 200 body then lacks
//! `activities-heart-intraday` (and HRV intraday answers 403 insufficient_permissions).

use super::ErrorAnswer;
use crate::person::Person;

pub fn route(
    person: &Person,
    path: &str,
    query: &str,
    intraday: bool,
) -> Result<String, ErrorAnswer> {
    let _ = (person, path, query, intraday);
    todo!()
}
