//! The intraday heart-rate CSV written straight from the records, for the command line: the same
//! bytes as [`super::write_csv`] on [`super::hr_intraday`], without building the DataFrame first
//! (a 1-second day is 86,400 rows; this path is what `bench/cli_vs_python.sh` measures).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::build::utc_order;
use super::file::write_atomically;
use super::format::{DatetimeStyle, DatetimeWriter, push_int};
use crate::Result;
use crate::record::HrSample;

/// The header of every intraday heart-rate CSV (the columns of [`super::hr_intraday`]).
pub(super) const HR_HEADER: &str = "timestamp,heartrate,timestamp_utc,utc_offset,confidence\n";

/// Rows at or above which the second half is formatted on another thread.
const PARALLEL_ROWS: usize = 20_000;

/// Writes `Fitbit_HR_{DATE}.csv`-style text for `samples` to `path` atomically and returns the
/// absolute path. Byte for byte what `write_csv(&mut hr_intraday(samples)?, path)` writes.
///
/// ```
/// use fitbit_core::{HrSample, Timestamp, chrono::NaiveDate, table};
/// let local = NaiveDate::from_ymd_opt(2023, 7, 31).unwrap().and_hms_opt(0, 0, 5).unwrap();
/// let s = [HrSample { time: Timestamp::new(local, None), bpm: 62, confidence: None }];
/// let dir = std::env::temp_dir().join("fitbit_core_doc_hr_csv");
/// let path = table::write_hr_intraday_csv(&s, dir.join("Fitbit_HR_2023-07-31.csv"))?;
/// let mut df = table::hr_intraday(&s)?;
/// assert_eq!(std::fs::read_to_string(path).unwrap(), table::csv_string(&mut df)?);
/// # Ok::<(), fitbit_core::Error>(())
/// ```
pub fn write_hr_intraday_csv(samples: &[HrSample], path: impl AsRef<Path>) -> Result<PathBuf> {
    let order = utc_order(samples.iter().map(|s| s.time));
    let mid = if order.len() >= PARALLEL_ROWS {
        order.len() / 2
    } else {
        order.len()
    };
    let (first, second) = order.split_at(mid);
    std::thread::scope(|scope| {
        let second = (!second.is_empty()).then(|| {
            scope.spawn(|| {
                let mut text = String::with_capacity(second.len() * 56);
                let mut rows = Rows::new();
                for &i in second {
                    rows.push(&mut text, &samples[i]);
                }
                text
            })
        });
        write_atomically(path.as_ref(), |file| {
            let mut buf = String::with_capacity(1 << 17);
            buf.push_str(HR_HEADER);
            let mut rows = Rows::new();
            for &i in first {
                rows.push(&mut buf, &samples[i]);
                if buf.len() >= 1 << 16 {
                    file.write_all(buf.as_bytes())?;
                    buf.clear();
                }
            }
            file.write_all(buf.as_bytes())?;
            if let Some(handle) = second {
                let text = handle
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p));
                file.write_all(text.as_bytes())?;
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

    fn push(&mut self, out: &mut String, s: &HrSample) {
        self.local
            .push(out, s.time.local.and_utc().timestamp_millis());
        out.push(',');
        push_int(out, i64::from(s.bpm));
        out.push(',');
        if let Some(utc) = s.time.utc() {
            self.utc.push(out, utc.timestamp_millis());
        }
        out.push(',');
        if let Some(off) = s.time.offset {
            let known = self.offsets.iter().position(|(o, _)| *o == off);
            let i = known.unwrap_or_else(|| {
                self.offsets.push((off, off.to_string()));
                self.offsets.len() - 1
            });
            out.push_str(&self.offsets[i].1);
        }
        out.push(',');
        if let Some(c) = s.confidence {
            push_int(out, i64::from(c));
        }
        out.push('\n');
    }
}
