//! A hand-written reader for the intraday heart-rate `dataset` array in the exact layout the
//! Fitbit Web API writes (`[{"time":"00:00:01","value":63},…]`: no whitespace, keys in this
//! order, whole-number values). A 1-second day has 86,400 points; generic serde decoding spends
//! most of its time on per-key bookkeeping, this reads them several times faster.
//!
//! It only ever answers "here are the points" or "not this layout": any deviation returns `None`
//! and the caller decodes the body with the typed serde models instead, which also name the JSON
//! path of a real error. So it can be strict without being fragile.

use chrono::NaiveTime;

/// The points of a raw `dataset` array (the JSON text of the value, `[` to `]`), as
/// `(time, bpm)`, or `None` when the text is not in the exact layout described above.
pub(crate) fn read_heart_dataset(raw: &[u8]) -> Option<Vec<(NaiveTime, u16)>> {
    const OPEN: &[u8] = b"{\"time\":\"";
    const MID: &[u8] = b"\",\"value\":";
    let rest = raw.strip_prefix(b"[")?;
    if rest == b"]" {
        return Some(Vec::new());
    }
    // A point takes about 30 bytes; over-reserving a little avoids regrowing a 1 MB vector.
    let mut points = Vec::with_capacity(rest.len() / 28 + 1);
    let mut rest = rest;
    loop {
        rest = rest.strip_prefix(OPEN)?;
        let (clock, after) = rest.split_first_chunk::<8>()?;
        let time = read_clock(clock)?;
        rest = after.strip_prefix(MID)?;
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        // 1 to 4 digits, no leading zero (JSON forbids it): always a valid u16 bpm.
        if digits == 0 || digits > 4 || (digits > 1 && rest[0] == b'0') {
            return None;
        }
        let bpm = rest[..digits]
            .iter()
            .fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
        points.push((time, bpm));
        match rest[digits..] {
            [b'}', b',', ref tail @ ..] => rest = tail,
            [b'}', b']'] => return Some(points),
            _ => return None,
        }
    }
}

/// `HH:MM:SS` as 8 bytes; `None` unless every field is two digits in range.
fn read_clock(b: &[u8; 8]) -> Option<NaiveTime> {
    let two = |i: usize| {
        let (a, c) = (b[i], b[i + 1]);
        (a.is_ascii_digit() && c.is_ascii_digit())
            .then(|| u32::from(a - b'0') * 10 + u32::from(c - b'0'))
    };
    if b[2] != b':' || b[5] != b':' {
        return None;
    }
    NaiveTime::from_hms_opt(two(0)?, two(3)?, two(6)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32, s: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, s).unwrap()
    }

    #[test]
    fn reads_the_fitbit_layout() {
        let raw = br#"[{"time":"00:00:00","value":56},{"time":"23:59:59","value":187},{"time":"12:00:07","value":0}]"#;
        assert_eq!(
            read_heart_dataset(raw),
            Some(vec![
                (t(0, 0, 0), 56),
                (t(23, 59, 59), 187),
                (t(12, 0, 7), 0)
            ])
        );
        assert_eq!(read_heart_dataset(b"[]"), Some(vec![]));
    }

    #[test]
    fn anything_else_is_left_to_serde() {
        for raw in [
            &br#"[{"time":"00:00:00","value":56.5}]"#[..],
            br#"[{"value":56,"time":"00:00:00"}]"#,
            br#"[ {"time":"00:00:00","value":56}]"#,
            br#"[{"time":"00:00","value":56}]"#,
            br#"[{"time":"24:00:00","value":56}]"#,
            br#"[{"time":"00:00:00","value":056}]"#,
            br#"[{"time":"00:00:00","value":-5}]"#,
            br#"[{"time":"00:00:00","value":99999}]"#,
            br#"[{"time":"00:00:00","value":56},]"#,
            br#"[{"time":"00:00:00","value":56}"#,
            br#"[{"time":"00:00:00","value":56}] "#,
            br#"[{"time":"00:00:00","value":56,"extra":1}]"#,
            br#"null"#,
            b"",
        ] {
            assert_eq!(
                read_heart_dataset(raw),
                None,
                "{}",
                String::from_utf8_lossy(raw)
            );
        }
    }
}
