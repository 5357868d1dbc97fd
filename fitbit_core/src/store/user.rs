//! The `user=` partition key: a participant id or the provider's user id, checked to be safe as
//! a folder name and a hive partition value.

use crate::{Error, Result};

/// A user id as it appears in `user=<id>` folders and in the ledger.
///
/// ```
/// use fitbit_core::store::UserId;
/// assert_eq!(UserId::new("P-017")?.as_str(), "P-017");
/// assert!(UserId::new("../etc").is_err());
/// assert!(UserId::new("anna@example.org").is_err());
/// # Ok::<(), fitbit_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(String);

impl UserId {
    /// Accepts 1–64 characters of `A-Z a-z 0-9 - _ .`, not starting with `.` or `_` (hidden
    /// and reserved names). No `@`: an email address is not a pseudonym.
    pub fn new(id: impl Into<String>) -> Result<UserId> {
        let id = id.into();
        let ok = (1..=64).contains(&id.len())
            && !id.starts_with(['.', '_'])
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
        if ok {
            Ok(UserId(id))
        } else {
            Err(Error::InvalidInput {
                what: format!("user id {id:?}"),
                hint: "use 1-64 letters, digits, '-', '_' or '.' (a pseudonym, not an email \
                       address), not starting with '.' or '_'"
                    .into(),
            })
        }
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for UserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
