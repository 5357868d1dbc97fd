//! A hand-written reader for the intraday heart-rate `dataset` array in the exact layout the
//! Fitbit Web API writes (`[{"time":"00:00:01","value":63},…]`: no whitespace, keys in this
//! order, whole-number values). A 1-second day has 86,400 points; generic serde decoding spends
//! most of its time on per-key bookkeeping for them, and even skipping them costs serde more than
//! reading them here.
//!
//! It only ever answers "here are the points" or "not this layout": any deviation returns `None`
//! and the caller decodes the body with the typed serde models instead, which also name the JSON
//! path of a real error. So it can be strict without being fragile.

use chrono::NaiveTime;
use serde_json::value::RawValue;

/// A heart-rate body split in two: the dataset's points, read by hand, and the rest of the body
/// with `[]` in the dataset's place, for serde.
#[derive(Debug)]
pub(crate) struct SplitBody {
    pub points: Vec<(NaiveTime, u16)>,
    pub rest: Vec<u8>,
    /// Where the `[]` stands in `rest`.
    at: usize,
}

impl SplitBody {
    /// Whether `dataset`, as serde decoded it from [`Self::rest`], is the `[]` put in place of
    /// the points: proof that they were the value of that very key, not of some other one.
    pub fn is_dataset(&self, dataset: &RawValue) -> bool {
        let text = dataset.get();
        text == "[]" && text.as_ptr() as usize == self.rest.as_ptr() as usize + self.at
    }
}

/// Finds the first `"dataset":[` in `body` and reads its array by hand. `None` when there is
/// none or it is not in Fitbit's layout.
pub(crate) fn split_heart_body(body: &[u8]) -> Option<SplitBody> {
    const KEY: &[u8] = b"\"dataset\":[";
    let key = body.windows(KEY.len()).position(|w| w == KEY)?;
    // A quote after a backslash would be inside a string (the proof in `is_dataset` would
    // catch it too; this just gives up early).
    if key > 0 && body[key - 1] == b'\\' {
        return None;
    }
    let at = key + KEY.len() - 1;
    let (points, len) = read_heart_dataset(&body[at..])?;
    let mut rest = Vec::with_capacity(body.len() - len + 2);
    rest.extend_from_slice(&body[..at]);
    rest.extend_from_slice(b"[]");
    rest.extend_from_slice(&body[at + len..]);
    Some(SplitBody { points, rest, at })
}

/// The points of the `dataset` array at the start of `text` (from its `[`), as `(time, bpm)`,
/// and the length of the array's text; `None` when it is not in the exact layout above.
pub(crate) fn read_heart_dataset(text: &[u8]) -> Option<(Vec<(NaiveTime, u16)>, usize)> {
    const OPEN: &[u8] = b"{\"time\":\"";
    const MID: &[u8] = b"\",\"value\":";
    let mut rest = text.strip_prefix(b"[")?;
    if rest.first() == Some(&b']') {
        return Some((Vec::new(), 2));
    }
    // A point takes about 30 bytes of text; this over-reserves a little for the day's array.
    let mut points = Vec::with_capacity(text.len().min(4 << 20) / 28 + 1);
    loop {
        rest = rest.strip_prefix(OPEN)?;
        let (clock, after) = rest.split_first_chunk::<8>()?;
        let time = crate::time::read_hms(clock)?;
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
            [b'}', b']', ref tail @ ..] => return Some((points, text.len() - tail.len())),
            _ => return None,
        }
    }
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
        let points = vec![(t(0, 0, 0), 56), (t(23, 59, 59), 187), (t(12, 0, 7), 0)];
        assert_eq!(read_heart_dataset(raw), Some((points.clone(), raw.len())));
        let mut more = raw.to_vec();
        more.extend_from_slice(br#","datasetInterval":1}"#);
        assert_eq!(read_heart_dataset(&more), Some((points, raw.len())));
        assert_eq!(read_heart_dataset(b"[]}"), Some((vec![], 2)));
    }

    #[test]
    fn a_split_body_proves_where_its_dataset_was() {
        let body = br#"{"activities-heart-intraday":{"dataset":[{"time":"00:00:01","value":61}]}}"#;
        let split = split_heart_body(body).unwrap();
        assert_eq!(split.points, vec![(t(0, 0, 1), 61)]);
        assert_eq!(
            split.rest,
            br#"{"activities-heart-intraday":{"dataset":[]}}"#
        );
        let elsewhere: Box<RawValue> = serde_json::from_str("[]").unwrap();
        assert!(!split.is_dataset(&elsewhere));
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
