//! The synthetic accounts an emulator serves: account k has seed `config.seed + k`, its own
//! 6-character user id, time zone and e-mail address (known only to the emulator: a client
//! picks an account with the OAuth `login_hint` and must never store the address).

use chrono_tz::Tz;
use serde::Serialize;

use crate::config::SimConfig;
use crate::person::Person;

/// Time zones of accounts 1, 2, …, in turn: with DST in both hemispheres (New York, Sydney,
/// Los Angeles, Berlin) and without (Tokyo, Kolkata with its half-hour offset).
pub const ZONES: &[Tz] = &[
    chrono_tz::America::New_York,
    chrono_tz::Asia::Tokyo,
    chrono_tz::Australia::Sydney,
    chrono_tz::America::Los_Angeles,
    chrono_tz::Asia::Kolkata,
    chrono_tz::Europe::Berlin,
];

/// One synthetic account.
#[derive(Debug, Clone)]
pub struct Account {
    /// 0-based position (the `account=K` of the controls).
    pub index: usize,
    /// The person's data seed.
    pub seed: u64,
    /// The 6-character Fitbit user id.
    pub user_id: String,
    /// `participant{index}@example.com`.
    pub email: String,
    /// The person, data in physical time.
    pub person: Person,
}

/// What [`crate::Control::accounts`] and `GET /_sim/accounts` report about an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountInfo {
    /// 0-based position.
    pub index: usize,
    /// The 6-character Fitbit user id (also Google's `legacyUserId`).
    pub user_id: String,
    /// The address to send as `login_hint`.
    pub email: String,
    /// IANA time zone name.
    pub time_zone: String,
    /// The data seed.
    pub seed: u64,
}

impl Account {
    /// Account `index` of `config` (cheap: a [`Person`] holds a seed and a zone, nothing rendered).
    pub fn new(config: &SimConfig, index: usize) -> Account {
        let seed = config.seed.wrapping_add(index as u64);
        let tz = if index == 0 {
            config.time_zone
        } else {
            ZONES[(index - 1) % ZONES.len()]
        };
        Account {
            index,
            seed,
            user_id: user_id_for(seed),
            email: format!("participant{index}@example.com"),
            person: Person::new(seed, tz, config.dense_1sec)
                .pixel_watch(config.pixel_watch)
                .hr_every(config.hr_every_secs),
        }
    }

    /// Every account of `config` (at least one).
    pub fn all(config: &SimConfig) -> Vec<Account> {
        (0..config.accounts.max(1))
            .map(|k| Account::new(config, k))
            .collect()
    }

    /// The report of this account.
    pub fn info(&self) -> AccountInfo {
        AccountInfo {
            index: self.index,
            user_id: self.user_id.clone(),
            email: self.email.clone(),
            time_zone: self.person.tz.name().to_string(),
            seed: self.seed,
        }
    }

    /// Google's `healthUserId` of this account: a stable 20-digit number.
    pub fn health_user_id(&self) -> String {
        let x = crate::faults::mix(self.seed ^ 0x4845_414c_5448);
        format!("1{:019}", x % 10u64.pow(19))
    }

    /// Does `hint` (a `login_hint`: an e-mail address or the user id) name this account?
    pub fn matches_hint(&self, hint: &str) -> bool {
        let hint = hint.trim();
        hint.eq_ignore_ascii_case(&self.email) || hint == self.user_id
    }
}

/// A 6-character upper-case alphanumeric id (like `26FWFL`), fixed by the seed.
pub fn user_id_for(seed: u64) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut x = crate::faults::mix(seed ^ 0x5EED_F17B);
    (0..6)
        .map(|_| {
            let c = ALPHABET[(x % 36) as usize] as char;
            x /= 36;
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_id_is_six_alphanumerics_and_stable() {
        let a = user_id_for(42);
        assert_eq!(a.len(), 6);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
        assert_eq!(a, user_id_for(42));
        assert_ne!(a, user_id_for(43));
    }

    #[test]
    fn accounts_differ_and_cycle_zones() {
        let config = SimConfig {
            accounts: 8,
            time_zone: chrono_tz::Europe::London,
            ..SimConfig::default()
        };
        let all = Account::all(&config);
        assert_eq!(all.len(), 8);
        assert_eq!(all[0].person.tz, chrono_tz::Europe::London);
        assert_eq!(all[0].user_id, user_id_for(config.seed));
        assert_eq!(all[1].person.tz, chrono_tz::America::New_York);
        assert_eq!(all[3].person.tz, chrono_tz::Australia::Sydney);
        assert_eq!(all[6].person.tz, chrono_tz::Europe::Berlin);
        assert_eq!(all[7].person.tz, chrono_tz::America::New_York);
        assert_eq!(all[3].seed, config.seed + 3);
        assert_eq!(all[5].email, "participant5@example.com");
        assert!(all[5].matches_hint("Participant5@Example.com"));
        assert!(all[5].matches_hint(&all[5].user_id));
        assert!(!all[5].matches_hint("participant6@example.com"));
        let ids: std::collections::HashSet<_> = all.iter().map(|a| &a.user_id).collect();
        assert_eq!(ids.len(), 8);
        assert_ne!(all[2].health_user_id(), all[3].health_user_id());
        let many = Account::all(&SimConfig {
            accounts: 2000,
            ..SimConfig::default()
        });
        for a in &many {
            let id = a.health_user_id();
            assert!(
                id.len() == 20 && id.bytes().all(|b| b.is_ascii_digit()),
                "{id}"
            );
        }
    }
}
