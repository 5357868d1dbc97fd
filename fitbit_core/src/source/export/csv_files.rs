//! The CSV files: HRV details and daily summaries (local time) and the GoogleData CSVs (`Z`).
//! Columns are found by header name, so extra columns such as `data source` are fine.

use crate::DailyHrv;

use super::clock;
use super::layout::FileKind;
use super::parsed::{ParsedFile, RawHr, RawHrv, reason};
use crate::source::json::without_bom;

/// Column indices by header name (lower-cased, trimmed).
struct Columns(Vec<String>);

impl Columns {
    fn find(&self, names: &[&str]) -> Option<usize> {
        self.0.iter().position(|h| names.contains(&h.as_str()))
    }
}

fn field(rec: &csv::ByteRecord, i: Option<usize>) -> Option<&str> {
    let raw = rec.get(i?)?;
    let s = std::str::from_utf8(raw).ok()?.trim();
    (!s.is_empty()).then_some(s)
}

fn number(rec: &csv::ByteRecord, i: Option<usize>) -> Option<f64> {
    field(rec, i)?.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A positive measurement; 0, negatives, blanks and junk are sentinels (`None`).
fn positive(rec: &csv::ByteRecord, i: Option<usize>) -> Option<f64> {
    number(rec, i).filter(|v| *v > 0.0)
}

/// Parses a CSV file of the given kind. Never fails: damage is counted in the result.
pub fn parse(kind: FileKind, name: &str, bytes: &[u8]) -> ParsedFile {
    let mut out = ParsedFile::new(kind);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(without_bom(bytes));
    let header = match rdr.byte_headers() {
        Ok(h) => Columns(
            h.iter()
                .map(|c| String::from_utf8_lossy(c).trim().to_ascii_lowercase())
                .collect(),
        ),
        Err(e) => {
            out.skip(reason::CORRUPT_FILE);
            out.warnings
                .push(format!("{name}: no readable CSV header ({e})"));
            return out;
        }
    };
    let time_col = header.find(&["timestamp", "time", "datetime", "date"]);
    let cols: Vec<Option<usize>> = match kind {
        FileKind::HrvDetailsCsv => vec![
            header.find(&["rmssd"]),
            header.find(&["coverage"]),
            header.find(&["high_frequency"]),
            header.find(&["low_frequency"]),
        ],
        FileKind::HrvDailyCsv => vec![
            header.find(&["rmssd"]),
            header.find(&["nremhr"]),
            header.find(&["entropy"]),
        ],
        FileKind::GoogleHrCsv => vec![header.find(&["beats per minute", "bpm"])],
        FileKind::GoogleHrvCsv => vec![
            header.find(&["root mean square of successive differences ms", "rmssd"]),
            header.find(&["standard deviation ms", "sdnn"]),
        ],
        FileKind::GoogleDailyHrvCsv => vec![
            header.find(&["average heart rate variability milliseconds", "rmssd"]),
            header.find(&["non rem heart rate beats per minute", "nremhr"]),
            header.find(&["entropy"]),
            header.find(&["deep sleep rmssd ms", "deep rmssd"]),
        ],
        FileKind::LegacyHrJson | FileKind::RestingHrJson => vec![None],
    };
    if time_col.is_none() || cols[0].is_none() {
        out.skip(reason::BAD_HEADER);
        out.warnings.push(format!(
            "{name}: unexpected CSV header {:?} for {}; file skipped",
            header.0.join(","),
            kind.label()
        ));
        return out;
    }
    let last_kept = read_rows(kind, name, &mut rdr, time_col, &cols, &mut out);
    if !last_kept && !bytes.ends_with(b"\n") && !out.skipped.contains_key(reason::CORRUPT_FILE) {
        out.skip(reason::CORRUPT_FILE);
        out.warnings.push(format!(
            "{name}: ends in the middle of a row (truncated?); the last row was skipped"
        ));
    }
    out.rows = out.hr.len() + out.hrv.len() + out.daily_hrv.len();
    out
}

fn read_rows(
    kind: FileKind,
    name: &str,
    rdr: &mut csv::Reader<&[u8]>,
    time_col: Option<usize>,
    cols: &[Option<usize>],
    out: &mut ParsedFile,
) -> bool {
    let mut rec = csv::ByteRecord::new();
    let mut line = 1usize;
    let kept = |o: &ParsedFile| o.hr.len() + o.hrv.len() + o.daily_hrv.len();
    let mut before = 0usize;
    let mut last_kept;
    loop {
        last_kept = line == 1 || kept(out) > before;
        before = kept(out);
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => line += 1,
            Ok(false) => break,
            Err(e) => {
                out.skip(reason::CORRUPT_FILE);
                out.warnings.push(format!(
                    "{name}: unreadable after line {line} ({e}); kept the {} row(s) before it",
                    out.hr.len() + out.hrv.len() + out.daily_hrv.len()
                ));
                break;
            }
        }
        let Some(time) = field(&rec, time_col).and_then(clock::iso) else {
            out.skip(reason::BAD_TIME);
            continue;
        };
        match kind {
            FileKind::GoogleHrCsv => match number(&rec, cols[0]) {
                Some(b) if (1.0..=300.0).contains(&b) => out.hr.push(RawHr {
                    time,
                    bpm: b.round() as u16,
                    confidence: None,
                }),
                Some(b) if b > 300.0 => out.skip(reason::BPM_RANGE),
                _ => out.skip(reason::BPM_SENTINEL),
            },
            FileKind::HrvDetailsCsv | FileKind::GoogleHrvCsv => {
                let Some(rmssd) = positive(&rec, cols[0]) else {
                    out.skip(reason::HRV_SENTINEL);
                    continue;
                };
                let details = kind == FileKind::HrvDetailsCsv;
                let at = |k: usize| cols.get(k).copied().flatten();
                out.hrv.push(RawHrv {
                    time,
                    rmssd: Some(rmssd),
                    coverage: if details { number(&rec, at(1)) } else { None },
                    hf: if details { number(&rec, at(2)) } else { None },
                    lf: if details { number(&rec, at(3)) } else { None },
                    sdnn: if details { None } else { positive(&rec, at(1)) },
                });
            }
            FileKind::HrvDailyCsv | FileKind::GoogleDailyHrvCsv => {
                let at = |k: usize| cols.get(k).copied().flatten();
                let Some(rmssd) = positive(&rec, cols[0]) else {
                    out.skip(reason::HRV_SENTINEL);
                    continue;
                };
                // the date as written: nightly summaries are dated by the user's calendar
                out.daily_hrv.push(DailyHrv {
                    date: time.clock().date(),
                    daily_rmssd: Some(rmssd),
                    non_rem_hr: positive(&rec, at(1)),
                    entropy: positive(&rec, at(2)),
                    deep_rmssd: positive(&rec, at(3)),
                });
            }
            FileKind::LegacyHrJson | FileKind::RestingHrJson => {}
        }
    }
    last_kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn google_hr_with_data_source_and_sentinels() {
        let body = b"timestamp,beats per minute,data source\n\
            2024-10-27T00:00:04Z,65.0,Pixel Watch\n\
            2024-10-27T00:00:09Z,0,Pixel Watch\n\
            2024-10-27T00:00:14Z,-1,Pixel Watch\n\
            2024-10-27T00:00:19Z,,Pixel Watch\n\
            garbage,61,x\n\
            2024-10-27T00:00:2";
        let p = parse(FileKind::GoogleHrCsv, "h.csv", body);
        assert_eq!(p.rows, 1);
        assert_eq!(p.hr[0].bpm, 65);
        assert_eq!(p.skipped[reason::BPM_SENTINEL], 3);
        assert_eq!(p.skipped[reason::BAD_TIME], 2);
    }

    #[test]
    fn unknown_header_is_reported() {
        let p = parse(FileKind::GoogleHrCsv, "h.csv", b"a,b\n1,2\n");
        assert_eq!(p.skipped[reason::BAD_HEADER], 1);
        assert!(p.warnings[0].contains("h.csv"));
    }

    #[test]
    fn daily_summary() {
        let p = parse(
            FileKind::HrvDailyCsv,
            "d.csv",
            b"timestamp,rmssd,nremhr,entropy\n2024-07-21T00:00:00,29.232,49.623,2.472\n",
        );
        assert_eq!(p.daily_hrv[0].date.to_string(), "2024-07-21");
        assert_eq!(p.daily_hrv[0].non_rem_hr, Some(49.623));
    }
}
