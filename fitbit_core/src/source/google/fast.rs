//! A hand-written reader for one `heart-rate` list page in the layout the Google Health API
//! writes (docs/google-health-api.md §4.6): `{"dataPoints":[{"dataSource":{…},"heartRate":{
//! "sampleTime":{"physicalTime":"…Z","utcOffset":"32400s","civilTime":{"date":{…},"time":{…}}},
//! "beatsPerMinute":"49"}},…],"nextPageToken":"…"}`, compact or pretty-printed. A Pixel Watch day
//! is about 38,000 such points; serde spends most of its time on per-key bookkeeping for them.
//!
//! Members may come in any order and unknown ones (`dataSource`, `metadata`, …) are skipped, but
//! checked to be valid JSON. It only ever answers "here is the page" or "not this layout": a
//! string with an escape, a `null`, a number that is not a plain integer, a point without a
//! `heartRate`, `beatsPerMinute` or `utcOffset`, a duplicate member, an out-of-range value, or
//! anything serde would reject returns `None`, and the caller decodes the page with the typed
//! serde models instead, which also name the JSON path of a real error. So whenever this answers,
//! it answers what the serde path answers (a property test holds it to that).

use chrono::{Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};

use crate::record::{HrSample, Timestamp};
use crate::time::parse_google_offset;

/// One page read by hand: the samples in page order (newest first, as served) and the token.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HeartPage {
    pub samples: Vec<HrSample>,
    pub next_page_token: Option<String>,
}

/// Reads a whole `heart-rate` list body (after any BOM); `None` when it is not in the layout
/// above.
pub(crate) fn read_heart_page(body: &[u8]) -> Option<HeartPage> {
    let mut r = Reader {
        b: body,
        i: 0,
        skipped: &[],
        dates: None,
    };
    let mut samples = None;
    let mut token = None;
    r.object(|r, key| match key {
        b"dataPoints" if samples.is_none() => {
            samples = Some(r.heart_points()?);
            Some(())
        }
        b"nextPageToken" if token.is_none() => {
            token = Some(r.string()?.to_owned());
            Some(())
        }
        // The other members of a typed struct would be duplicates or `null`s: left to serde.
        b"dataPoints" | b"nextPageToken" => None,
        _ => r.skip_value(),
    })?;
    r.ws();
    (r.i == body.len()).then(|| HeartPage {
        samples: samples.unwrap_or_default(),
        next_page_token: token,
    })
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
    /// The text of the last value skipped inside a point (its `dataSource`, the same on every
    /// point): the same bytes again are the same valid value, compared instead of re-read.
    skipped: &'a [u8],
    /// The last `YYYY-MM-DD` text read and its date (a page spans a day or two).
    dates: Option<([u8; 10], NaiveDate)>,
}

/// The parts of `civilTime` that were present.
#[derive(Default)]
struct Civil {
    date: Option<NaiveDate>,
    time: Option<NaiveTime>,
}

impl<'a> Reader<'a> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    /// Skips white space, then takes `c`.
    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }

    /// Whether the next thing after white space is `c` (taken if so).
    fn peek_eat(&mut self, c: u8) -> bool {
        self.eat(c).is_some()
    }

    /// An object: `{`, then `member(self, key)` for each key (positioned after its `:`), `}`.
    fn object(&mut self, mut member: impl FnMut(&mut Self, &[u8]) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        if self.peek_eat(b'}') {
            return Some(());
        }
        loop {
            self.ws();
            let key = self.raw_string()?;
            self.eat(b':')?;
            member(self, key)?;
            if self.peek_eat(b'}') {
                return Some(());
            }
            self.eat(b',')?;
        }
    }

    /// A string without escapes, as text; non-ASCII text must be valid UTF-8.
    fn string(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.raw_string()?).ok()
    }

    /// A string without escapes, as bytes checked to be UTF-8 (ASCII needs no more check).
    fn raw_string(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.i;
        let rest = &self.b[start..];
        let len = rest
            .iter()
            .position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
        if rest[len] != b'"' {
            return None;
        }
        self.i = start + len + 1;
        let text = &rest[..len];
        (text.is_ascii() || std::str::from_utf8(text).is_ok()).then_some(text)
    }

    /// A JSON integer without sign, fraction or exponent, at most 9 digits.
    fn uint(&mut self) -> Option<u32> {
        self.ws();
        let rest = &self.b[self.i..];
        let n = rest.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 9 || (n > 1 && rest[0] == b'0') {
            return None;
        }
        if let Some(b'.' | b'e' | b'E') = rest.get(n) {
            return None;
        }
        self.i += n;
        Some(
            rest[..n]
                .iter()
                .fold(0, |v, d| v * 10 + u32::from(d - b'0')),
        )
    }

    /// The `dataPoints` array of `heart-rate` points.
    fn heart_points(&mut self) -> Option<Vec<HrSample>> {
        self.eat(b'[')?;
        // A point is some 330 bytes compact, 420 pretty.
        let mut out = Vec::with_capacity((self.b.len() - self.i) / 320 + 1);
        if self.peek_eat(b']') {
            return Some(out);
        }
        loop {
            out.push(self.heart_point()?);
            if self.peek_eat(b']') {
                return Some(out);
            }
            self.eat(b',')?;
        }
    }

    /// One data point: a `heartRate` (required here) beside members that are skipped.
    fn heart_point(&mut self) -> Option<HrSample> {
        let mut sample = None;
        self.object(|r, key| match key {
            b"heartRate" if sample.is_none() => {
                sample = Some(r.heart_rate()?);
                Some(())
            }
            // Typed members of `DataPoint`: left to serde.
            b"heartRate"
            | b"name"
            | b"heartRateVariability"
            | b"dailyHeartRateVariability"
            | b"dailyRestingHeartRate" => None,
            _ => r.skip_repeated_value(),
        })?;
        sample
    }

    /// [`Self::skip_value`], or just a comparison when the text is that of the last value
    /// skipped here.
    fn skip_repeated_value(&mut self) -> Option<()> {
        self.ws();
        let start = self.i;
        if !self.skipped.is_empty() && self.b[start..].starts_with(self.skipped) {
            self.i += self.skipped.len();
            return Some(());
        }
        self.skip_value()?;
        self.skipped = &self.b[start..self.i];
        Some(())
    }

    /// `{"sampleTime":{…},"beatsPerMinute":"49"}` (both required here).
    fn heart_rate(&mut self) -> Option<HrSample> {
        let mut time = None;
        let mut bpm = None;
        self.object(|r, key| match key {
            b"sampleTime" if time.is_none() => {
                time = Some(r.sample_time()?);
                Some(())
            }
            b"beatsPerMinute" if bpm.is_none() => {
                bpm = Some(bpm_text(r.string()?)?);
                Some(())
            }
            b"sampleTime" | b"beatsPerMinute" => None,
            _ => r.skip_value(),
        })?;
        Some(HrSample {
            time: time?,
            bpm: bpm?,
            confidence: None,
        })
    }

    /// `physicalTime` and `utcOffset` (both required here) and `civilTime`: the local time is
    /// the civil time when it has a date, else the physical time plus the offset.
    fn sample_time(&mut self) -> Option<Timestamp> {
        let mut physical = None;
        let mut offset = None;
        let mut civil = None;
        self.object(|r, key| match key {
            b"physicalTime" if physical.is_none() => {
                let text = r.raw_string()?;
                physical = Some(rfc3339_utc(text, &mut r.dates)?);
                Some(())
            }
            b"utcOffset" if offset.is_none() => {
                offset = Some(parse_google_offset(r.string()?)?);
                Some(())
            }
            b"civilTime" if civil.is_none() => {
                civil = Some(r.civil_time()?);
                Some(())
            }
            b"physicalTime" | b"utcOffset" | b"civilTime" => None,
            _ => r.skip_value(),
        })?;
        let physical = physical?;
        let offset: FixedOffset = offset?;
        let civil = civil.unwrap_or_default();
        let local = match civil.date {
            Some(d) => d.and_time(civil.time.unwrap_or(NaiveTime::MIN)),
            None => physical
                .checked_add_signed(Duration::seconds(i64::from(offset.local_minus_utc())))?,
        };
        Some(Timestamp::new(local, Some(offset)))
    }

    /// `{"date":{year,month,day},"time":{hours,minutes,seconds,nanos}}`, parts optional; a
    /// date or time that serde would reject returns `None`.
    fn civil_time(&mut self) -> Option<Civil> {
        let mut c = Civil::default();
        let (mut seen_date, mut seen_time) = (false, false);
        self.object(|r, key| match key {
            b"date" if !seen_date => {
                seen_date = true;
                let [y, m, d] = r.parts([&b"year"[..], b"month", b"day"])?;
                c.date = Some(NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)?);
                Some(())
            }
            b"time" if !seen_time => {
                seen_time = true;
                let [h, m, s, n] = r.parts([&b"hours"[..], b"minutes", b"seconds", b"nanos"])?;
                c.time = Some(NaiveTime::from_hms_nano_opt(h, m, s, n)?);
                Some(())
            }
            b"date" | b"time" => None,
            _ => r.skip_value(),
        })?;
        // A time without a date: the serde path still checks the time only with a date.
        Some(c)
    }

    /// An object of unsigned integer members named `names` (missing ones are 0; others are
    /// skipped).
    fn parts<const N: usize>(&mut self, names: [&[u8]; N]) -> Option<[u32; N]> {
        let mut v = [0u32; N];
        let mut seen = [false; N];
        self.object(|r, key| match names.iter().position(|n| *n == key) {
            Some(k) if !seen[k] => {
                seen[k] = true;
                v[k] = r.uint()?;
                Some(())
            }
            Some(_) => None,
            None => r.skip_value(),
        })?;
        Some(v)
    }

    /// Skips one JSON value, checking that it is valid JSON (strings may have escapes here).
    fn skip_value(&mut self) -> Option<()> {
        self.skip_depth(0)
    }

    fn skip_depth(&mut self, depth: u32) -> Option<()> {
        // serde_json's own recursion limit is 128.
        if depth > 100 {
            return None;
        }
        self.ws();
        match *self.b.get(self.i)? {
            b'{' => {
                self.i += 1;
                if self.peek_eat(b'}') {
                    return Some(());
                }
                loop {
                    self.ws();
                    self.skip_string()?;
                    self.eat(b':')?;
                    self.skip_depth(depth + 1)?;
                    if self.peek_eat(b'}') {
                        return Some(());
                    }
                    self.eat(b',')?;
                }
            }
            b'[' => {
                self.i += 1;
                if self.peek_eat(b']') {
                    return Some(());
                }
                loop {
                    self.skip_depth(depth + 1)?;
                    if self.peek_eat(b']') {
                        return Some(());
                    }
                    self.eat(b',')?;
                }
            }
            b'"' => self.skip_string(),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => self.skip_number(),
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.b[self.i..]
            .starts_with(word)
            .then(|| self.i += word.len())
    }

    /// A string with any valid escapes; its text must be valid UTF-8.
    fn skip_string(&mut self) -> Option<()> {
        self.eat(b'"')?;
        let start = self.i;
        loop {
            let c = *self.b.get(self.i)?;
            self.i += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    match *self.b.get(self.i)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 1,
                        b'u' => {
                            let hex = self.b.get(self.i + 1..self.i + 5)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            // A lone surrogate is an error for serde_json: give up on any.
                            let v = u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
                            if (0xD800..0xE000).contains(&v) {
                                return None;
                            }
                            self.i += 5;
                        }
                        _ => return None,
                    }
                }
                0..0x20 => return None,
                _ => {}
            }
        }
        let text = &self.b[start..self.i - 1];
        (text.is_ascii() || std::str::from_utf8(text).is_ok()).then_some(())
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn skip_number(&mut self) -> Option<()> {
        let b = self.b;
        let mut i = self.i;
        let digits = |i: &mut usize| {
            let s = *i;
            while b.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i - s
        };
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                digits(&mut i);
            }
            _ => return None,
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            if digits(&mut i) == 0 {
                return None;
            }
        }
        if let Some(b'e' | b'E') = b.get(i) {
            i += 1;
            if let Some(b'+' | b'-') = b.get(i) {
                i += 1;
            }
            if digits(&mut i) == 0 {
                return None;
            }
        }
        self.i = i;
        Some(())
    }
}

/// An int64 string as a bpm: digits only (what `str::parse::<i64>` reads and `u16` holds).
fn bpm_text(s: &str) -> Option<u16> {
    if s.is_empty() || s.len() > 5 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.bytes()
        .try_fold(0u32, |v, d| Some(v * 10 + u32::from(d - b'0')))
        .and_then(|v| u16::try_from(v).ok())
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (the UTC form Google writes) as a naive UTC time; any
/// other RFC 3339 form is left to chrono on the serde path. `last` remembers the last date.
fn rfc3339_utc(s: &[u8], last: &mut Option<([u8; 10], NaiveDate)>) -> Option<NaiveDateTime> {
    let (head, rest) = s.split_first_chunk::<19>()?;
    let d = |i: usize, n: usize| -> Option<u32> {
        head[i..i + n].iter().try_fold(0u32, |v, c| {
            c.is_ascii_digit().then(|| v * 10 + u32::from(c - b'0'))
        })
    };
    let seps = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if seps.iter().any(|&(i, c)| head[i] != c) {
        return None;
    }
    let nanos = match rest {
        [b'Z'] => 0,
        [b'.', frac @ .., b'Z'] if (1..=9).contains(&frac.len()) => {
            let v = frac.iter().try_fold(0u32, |v, c| {
                c.is_ascii_digit().then(|| v * 10 + u32::from(c - b'0'))
            })?;
            v * 10u32.pow(9 - frac.len() as u32)
        }
        _ => return None,
    };
    let date = match *last {
        Some((text, date)) if head[..10] == text => date,
        _ => {
            let date = NaiveDate::from_ymd_opt(d(0, 4)? as i32, d(5, 2)?, d(8, 2)?)?;
            *last = Some((head[..10].try_into().ok()?, date));
            date
        }
    };
    // Second 60 (a leap second) is refused here and left to chrono.
    let time = NaiveTime::from_hms_nano_opt(d(11, 2)?, d(14, 2)?, d(17, 2)?, nanos)?;
    Some(date.and_time(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, s)
            .unwrap()
    }

    #[test]
    fn reads_compact_and_pretty_pages() {
        let compact = br#"{"dataPoints":[{"dataSource":{"recordingMethod":"PASSIVELY_MEASURED","device":{"displayName":"Pixel Watch 4"},"platform":"FITBIT"},"heartRate":{"sampleTime":{"physicalTime":"2026-09-25T10:04:59Z","utcOffset":"32400s","civilTime":{"date":{"year":2026,"month":9,"day":25},"time":{"hours":19,"minutes":4,"seconds":59}}},"beatsPerMinute":"49"}},{"heartRate":{"beatsPerMinute":"50","sampleTime":{"utcOffset":"32400s","physicalTime":"2026-09-25T15:00:00.5Z","civilTime":{"date":{"year":2026,"month":9,"day":26},"time":{}}}}}],"nextPageToken":"abc"}"#;
        let page = read_heart_page(compact).unwrap();
        let off = FixedOffset::east_opt(32400);
        assert_eq!(page.next_page_token.as_deref(), Some("abc"));
        assert_eq!(
            page.samples,
            vec![
                HrSample {
                    time: Timestamp::new(local(2026, 9, 25, 19, 4, 59), off),
                    bpm: 49,
                    confidence: None
                },
                HrSample {
                    time: Timestamp::new(local(2026, 9, 26, 0, 0, 0), off),
                    bpm: 50,
                    confidence: None
                },
            ]
        );
        let text = std::str::from_utf8(compact).unwrap();
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        assert_eq!(read_heart_page(pretty.as_bytes()), Some(page));
        assert_eq!(
            read_heart_page(b"{}"),
            Some(HeartPage {
                samples: vec![],
                next_page_token: None
            })
        );
    }

    #[test]
    fn local_time_without_civil_time_is_physical_plus_offset() {
        let body = br#"{"dataPoints":[{"heartRate":{"sampleTime":{"physicalTime":"2026-09-25T10:04:59Z","utcOffset":"-18000s"},"beatsPerMinute":"61"}}]}"#;
        let page = read_heart_page(body).unwrap();
        assert_eq!(page.samples[0].time.local, local(2026, 9, 25, 5, 4, 59));
        assert_eq!(page.samples[0].time.offset, FixedOffset::east_opt(-18000));
    }

    #[test]
    fn anything_else_is_left_to_serde() {
        let point = |hr: &str| format!(r#"{{"dataPoints":[{{"heartRate":{hr}}}]}}"#);
        let good = r#"{"sampleTime":{"physicalTime":"2026-09-25T10:04:59Z","utcOffset":"32400s"},"beatsPerMinute":"49"}"#;
        assert!(read_heart_page(point(good).as_bytes()).is_some());
        for bad in [
            good.replace("\"49\"", "49"),
            good.replace("\"49\"", "\"-1\""),
            good.replace("\"49\"", "\"70000\""),
            good.replace("\"49\"", "\"4\\u0039\""),
            good.replace("10:04:59Z", "10:04:60Z"),
            good.replace("10:04:59Z", "10:04:59+09:00"),
            good.replace("10:04:59Z", "10:04:59z"),
            good.replace("2026-09-25", "2026-02-30"),
            good.replace("32400s", "32400"),
            good.replace(r#","utcOffset":"32400s""#, ""),
            good.replace(r#","beatsPerMinute":"49""#, ""),
            good.replace(r#","beatsPerMinute":"49""#, r#","beatsPerMinute":"49","beatsPerMinute":"49""#),
            good.replace(r#""utcOffset":"32400s""#, r#""utcOffset":"32400s","civilTime":{"date":{"year":2026,"month":13,"day":1}}"#),
            good.replace(r#""utcOffset":"32400s""#, r#""utcOffset":"32400s","civilTime":{"date":{"year":2026,"month":9,"day":25},"time":{"hours":24}}"#),
            good.replace(r#""utcOffset":"32400s""#, r#""utcOffset":"32400s","civilTime":{"date":{"year":2026,"month":9.0,"day":25}}"#),
            good.replace(r#""utcOffset":"32400s""#, r#""utcOffset":"32400s","civilTime":null"#),
            good.replace("}", ",\"metadata\":{\"a\":[1,2,}}"),
            good.replace("}", ",\"metadata\":01}"),
        ] {
            assert_eq!(read_heart_page(point(&bad).as_bytes()), None, "{bad}");
        }
        for bad in [
            r#"{"dataPoints":[{"heartRateVariability":{}}]}"#,
            r#"{"dataPoints":[{"name":"x","heartRate":{}}]}"#,
            r#"{"dataPoints":[],"dataPoints":[]}"#,
            r#"{"dataPoints":null}"#,
            r#"{"nextPageToken":null}"#,
            r#"{"dataPoints":[]} x"#,
            r#"{"dataPoints":[],}"#,
            r#"{"dataPoints":[]"#,
            "",
        ] {
            assert_eq!(read_heart_page(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn unknown_members_are_skipped_when_valid_json() {
        let body = r#"{"kind":[1,-2.5e3,true,null,"\u00e9\n"],"dataPoints":[{"dataSource":{"device":{"displayName":"Montre à Émile"}},"heartRate":{"metadata":{"sensorLocation":"WRIST"},"sampleTime":{"physicalTime":"2026-09-25T10:04:59Z","utcOffset":"32400s","x":{}},"beatsPerMinute":"49"}}]}"#;
        let page = read_heart_page(body.as_bytes()).unwrap();
        assert_eq!(page.samples.len(), 1);
        assert_eq!(page.samples[0].bpm, 49);
    }
}
