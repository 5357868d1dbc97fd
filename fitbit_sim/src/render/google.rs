//! Google Health API v4 bodies (google-health-api.md sections 3, 4).
//! CONTRACT: `path` after the host (e.g. `/v4/users/me/dataTypes/heart-rate/dataPoints`,
//! `/v4/users/me/settings`), `query` the raw (URL-encoded) query string with `filter`, `pageSize`,
//! `pageToken`. Validates filters as documented (AIP-160 subset: only `>=` and `<`, joined by
//! `AND`, snake_case member names per data type; anything else → 400 INVALID_ARGUMENT with the
//! `error{}` envelope as in shared/fixtures/ghapi_error_400_invalid_filter.json). Pages newest
//! first, int64 as strings, zero civil-time parts omitted, `{}` for an empty last page.

use super::ErrorAnswer;
use crate::person::Person;

pub fn route(person: &Person, path: &str, query: &str) -> Result<String, ErrorAnswer> {
    let _ = (person, path, query);
    todo!()
}
