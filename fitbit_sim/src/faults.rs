//! Deterministic fault decisions: the n-th data request of a seed always gets the same fault.

use crate::config::Faults;

/// What happens to one data request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// Answer with this 5xx status.
    ServerError(u16),
    /// Close the connection without answering.
    Drop,
    /// Send only this share (in thousandths) of the body, then close.
    Truncate(u16),
}

/// splitmix64: a small, good 64-bit mixer.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn unit(x: u64) -> f64 {
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// The fault of the `n`-th data request (0-based) under `faults`.
pub fn decide(faults: &Faults, n: u64) -> Fault {
    let h = mix(faults.seed ^ mix(n));
    let r = unit(h);
    let h2 = mix(h);
    let e = faults.error_rate.max(0.0);
    let d = e + faults.drop_rate.max(0.0);
    let t = d + faults.truncate_rate.max(0.0);
    if r < e {
        Fault::ServerError([500, 502, 503][(h2 % 3) as usize])
    } else if r < d {
        Fault::Drop
    } else if r < t {
        Fault::Truncate(100 + (h2 % 800) as u16)
    } else {
        Fault::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_roughly_honoured_and_repeatable() {
        let f = Faults {
            error_rate: 0.2,
            drop_rate: 0.1,
            truncate_rate: 0.1,
            seed: 7,
            ..Faults::default()
        };
        let a: Vec<Fault> = (0..2000).map(|n| decide(&f, n)).collect();
        let b: Vec<Fault> = (0..2000).map(|n| decide(&f, n)).collect();
        assert_eq!(a, b);
        let errors = a
            .iter()
            .filter(|x| matches!(x, Fault::ServerError(_)))
            .count();
        let drops = a.iter().filter(|x| matches!(x, Fault::Drop)).count();
        assert!((300..500).contains(&errors), "{errors}");
        assert!((130..270).contains(&drops), "{drops}");
        let other = Faults { seed: 8, ..f };
        let c: Vec<Fault> = (0..2000).map(|n| decide(&other, n)).collect();
        assert_ne!(a, c);
    }

    #[test]
    fn no_rates_no_faults() {
        let f = Faults::default();
        assert!((0..1000).all(|n| decide(&f, n) == Fault::None));
    }
}
