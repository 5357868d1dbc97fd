//! The intraday heart-rate CSV written straight from the records, for the command line: the same
//! bytes as [`super::write_csv`] on [`super::hr_intraday`], without building the DataFrame first
//! (a 1-second day is 86,400 rows; this path is what `bench/cli_vs_python.sh` measures).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::build::utc_reorder;
use super::format::{DatetimeStyle, DatetimeWriter, push_int};
use crate::Result;
use crate::atomic::{Care, replace_with};
use crate::record::HrSample;

/// The header of every intraday heart-rate CSV (the columns of [`super::hr_intraday`]).
pub(super) const HR_HEADER: &str = "timestamp,heartrate,timestamp_utc,utc_offset,confidence\n";

/// Rows at or above which the second half is formatted on another thread.
const PARALLEL_ROWS: usize = 20_000;

/// Writes `Fitbit_HR_{DATE}.csv`-style text for `samples` to `path` atomically and returns the
/// absolute path. Byte for byte what `write_csv(&hr_intraday(samples)?, path)` writes.
///
/// ```
/// use fitbit_core::{HrSample, Timestamp, chrono::NaiveDate, table};
/// let local = NaiveDate::from_ymd_opt(2023, 7, 31).unwrap().and_hms_opt(0, 0, 5).unwrap();
/// let s = [HrSample { time: Timestamp::new(local, None), bpm: 62, confidence: None }];
/// let dir = std::env::temp_dir().join("fitbit_core_doc_hr_csv");
/// let path = table::write_hr_intraday_csv(&s, dir.join("Fitbit_HR_2023-07-31.csv"))?;
/// let df = table::hr_intraday(&s)?;
/// assert_eq!(std::fs::read_to_string(path).unwrap(), table::csv_string(&df)?);
/// # Ok::<(), fitbit_core::Error>(())
/// ```
pub fn write_hr_intraday_csv(samples: &[HrSample], path: impl AsRef<Path>) -> Result<PathBuf> {
    // Rows in UTC order; a day of samples nearly always arrives that way already.
    let order = utc_reorder(samples.iter().map(|s| s.time));
    let row = |i: usize| &samples[order.as_ref().map_or(i, |o| o[i])];
    let n = samples.len();
    let mid = if n >= PARALLEL_ROWS { n / 2 } else { n };
    std::thread::scope(|scope| {
        let second = (mid < n).then(|| {
            scope.spawn(|| {
                let mut text = Vec::with_capacity((n - mid) * 56);
                let mut rows = Rows::new();
                for i in mid..n {
                    rows.push(&mut text, row(i));
                }
                text
            })
        });
        replace_with(path.as_ref(), Care::Output, |file| {
            let mut buf = Vec::with_capacity(1 << 17);
            buf.extend_from_slice(HR_HEADER.as_bytes());
            let mut rows = Rows::new();
            for i in 0..mid {
                rows.push(&mut buf, row(i));
                if buf.len() >= 1 << 16 {
                    file.write_all(&buf)?;
                    buf.clear();
                }
            }
            file.write_all(&buf)?;
            if let Some(handle) = second {
                let text = handle
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p));
                file.write_all(&text)?;
            }
            Ok(())
        })
    })
}

/// Formats rows with the same writers the DataFrame CSV uses.
struct Rows {
    local: DatetimeWriter,
    utc: DatetimeWriter,
    offsets: Vec<(chrono::FixedOffset, String)>,
}

impl Rows {
    fn new() -> Rows {
        Rows {
            local: DatetimeWriter::new(DatetimeStyle::for_column("timestamp")),
            utc: DatetimeWriter::new(DatetimeStyle::for_column("timestamp_utc")),
            offsets: Vec::new(),
        }
    }

    fn push(&mut self, out: &mut Vec<u8>, s: &HrSample) {
        let local_ms = s.time.local.and_utc().timestamp_millis();
        self.local.push(out, local_ms);
        out.push(b',');
        push_int(out, i64::from(s.bpm));
        out.push(b',');
        if let Some(off) = s.time.offset {
            // The UTC instant, as `Timestamp::utc` computes it, in plain integer arithmetic.
            self.utc
                .push(out, local_ms - i64::from(off.local_minus_utc()) * 1000);
        }
        out.push(b',');
        if let Some(off) = s.time.offset {
            let known = self.offsets.iter().position(|(o, _)| *o == off);
            let i = known.unwrap_or_else(|| {
                self.offsets.push((off, off.to_string()));
                self.offsets.len() - 1
            });
            let text = self.offsets[i].1.as_bytes();
            match text.get(..6) {
                // `+HH:MM`, nearly always: a fixed-size copy.
                Some(six) if text.len() == 6 => out.extend_from_slice(six),
                _ => out.extend_from_slice(text),
            }
        }
        out.push(b',');
        if let Some(c) = s.confidence {
            push_int(out, i64::from(c));
        }
        out.push(b'\n');
    }
}
