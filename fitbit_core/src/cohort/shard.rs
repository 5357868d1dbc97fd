//! `--shard I/N`: which machine syncs which participant. A participant's shard depends only on
//! their id (the first 8 bytes of SHA-256 of the id, big-endian, modulo N, plus 1), never on
//! the position in the cohort file, so adding a participant moves no one else.

use sha2::{Digest, Sha256};

use crate::store::UserId;
use crate::{Error, Result};

/// Shard `index` of `count` (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, 1..=count.
    pub index: u32,
    /// Shards in all.
    pub count: u32,
}

impl Shard {
    /// The whole cohort.
    pub const ALL: Shard = Shard { index: 1, count: 1 };

    /// Parses `I/N`.
    ///
    /// ```
    /// use fitbit_core::cohort::Shard;
    /// assert_eq!("2/3".parse::<Shard>()?, Shard { index: 2, count: 3 });
    /// assert!("0/3".parse::<Shard>().is_err());
    /// # Ok::<(), fitbit_core::Error>(())
    /// ```
    pub fn parse(s: &str) -> Result<Shard> {
        let bad = || Error::InvalidInput {
            what: format!("shard {s:?}"),
            hint: "write I/N with 1 <= I <= N, e.g. shard 1/2 on one machine and 2/2 on another"
                .into(),
        };
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// The shard (1-based) of `id` among `count`.
    pub fn of(id: &UserId, count: u32) -> u32 {
        let h = Sha256::digest(id.as_str().as_bytes());
        let mut b = [0u8; 8];
        b.copy_from_slice(&h[..8]);
        (u64::from_be_bytes(b) % u64::from(count.max(1))) as u32 + 1
    }

    /// True when `id` belongs to this shard.
    pub fn contains(&self, id: &UserId) -> bool {
        Shard::of(id, self.count) == self.index
    }
}

impl std::str::FromStr for Shard {
    type Err = Error;
    fn from_str(s: &str) -> Result<Shard> {
        Shard::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_is_in_exactly_one_shard_and_stays_there() {
        let ids: Vec<UserId> = (0..200)
            .map(|i| UserId::new(format!("P{i:03}")).unwrap())
            .collect();
        let shards: Vec<Shard> = (1..=3).map(|index| Shard { index, count: 3 }).collect();
        let mut sizes = [0; 3];
        for id in &ids {
            let inn: Vec<_> = shards.iter().filter(|s| s.contains(id)).collect();
            assert_eq!(inn.len(), 1, "{id}");
            sizes[inn[0].index as usize - 1] += 1;
        }
        assert!(sizes.iter().all(|n| *n > 40), "roughly even: {sizes:?}");
        // Fixed by the id alone (the documented hash): a known value.
        assert_eq!(Shard::of(&ids[0], 1), 1);
        let again = Shard::of(&ids[7], 3);
        assert_eq!(Shard::of(&UserId::new("P007").unwrap(), 3), again);
    }
}
