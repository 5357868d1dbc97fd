//! Fast CSV writer with per-column formats (local vs UTC datetimes), atomic file replacement.

use std::path::{Path, PathBuf};

use polars::prelude::{DataFrame, DataType};

use super::format::{
    DatetimeStyle, DatetimeWriter, into_text, push_date, push_float, push_int, to_millis,
};
use crate::Result;
use crate::atomic::{Care, replace_with};

/// Writes `df` as CSV to `path` (atomically: a temporary file in the same directory, then a
/// rename) and returns the absolute path. Missing parent directories are created.
///
/// Format: a header row; `timestamp`-like datetime columns as `YYYY-MM-DD HH:MM:SS` (local
/// wall-clock, exactly as the original tool wrote `timestamp,heartrate`); columns named `*_utc`
/// as `YYYY-MM-DDTHH:MM:SSZ`; dates as `YYYY-MM-DD`; nulls as empty fields; floats in their
/// shortest exact form (`59.0`, `29.232`). Lines end with `\n`.
pub fn write_csv(df: &DataFrame, path: impl AsRef<Path>) -> Result<PathBuf> {
    use std::io::Write;
    let height = df.height();
    // Large tables: the second half is formatted on another thread while the first half is
    // streamed to the file in 64 KiB pieces (no whole-file string: fewer fresh pages to fault).
    let mid = if height >= PARALLEL_ROWS {
        height / 2
    } else {
        height
    };
    let first = df.slice(0, mid);
    let second = (mid < height).then(|| df.slice(mid as i64, height - mid));
    let mut header = Vec::new();
    push_header(&mut header, df);
    std::thread::scope(|scope| {
        let second = second.as_ref().map(|part| {
            scope.spawn(move || {
                let mut text = Vec::with_capacity(part.height() * 16 * part.width().max(1));
                push_rows(&mut text, part).map(|_| text)
            })
        });
        let mut cells = cells_of(&first)?;
        let mut failure: Option<crate::Error> = None;
        let written = replace_with(path.as_ref(), Care::Output, |file| {
            let mut buf = header;
            for row in 0..first.height() {
                push_row(&mut buf, &mut cells, row);
                if buf.len() >= 1 << 16 {
                    file.write_all(&buf)?;
                    buf.clear();
                }
            }
            file.write_all(&buf)?;
            if let Some(handle) = second {
                match handle
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))
                {
                    Ok(text) => file.write_all(&text)?,
                    Err(e) => {
                        failure = Some(e);
                        return Err(std::io::Error::other("formatting failed"));
                    }
                }
            }
            Ok(())
        });
        match (written, failure) {
            (Err(_), Some(e)) => Err(e),
            (result, _) => result,
        }
    })
}

/// The CSV text [`write_csv`] writes.
pub fn csv_string(df: &DataFrame) -> Result<String> {
    let height = df.height();
    let mut out = Vec::with_capacity(64 + height * 16 * df.width().max(1));
    push_header(&mut out, df);
    if height < PARALLEL_ROWS {
        push_rows(&mut out, df)?;
        return Ok(into_text(out));
    }
    let mid = height / 2;
    let (first, second) = (df.slice(0, mid), df.slice(mid as i64, height - mid));
    let second = std::thread::scope(|scope| {
        let second = scope.spawn(|| {
            let mut text = Vec::with_capacity(second.height() * 16 * df.width().max(1));
            push_rows(&mut text, &second).map(|_| text)
        });
        push_rows(&mut out, &first)?;
        second
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })?;
    out.extend_from_slice(&second);
    Ok(into_text(out))
}

fn push_header(out: &mut Vec<u8>, df: &DataFrame) {
    for (i, column) in df.columns().iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_quoted(out, column.name().as_str());
    }
    out.push(b'\n');
}

/// Rows at or above which the rows are formatted by two threads (a 1-second day has 86,400).
const PARALLEL_ROWS: usize = 20_000;

fn cells_of(df: &DataFrame) -> Result<Vec<Cells<'_>>> {
    df.columns().iter().map(Cells::from_column).collect()
}

/// Appends every row of `df` to `out`.
fn push_rows(out: &mut Vec<u8>, df: &DataFrame) -> Result<()> {
    let mut cells = cells_of(df)?;
    for row in 0..df.height() {
        push_row(out, &mut cells, row);
    }
    Ok(())
}

fn push_row(out: &mut Vec<u8>, cells: &mut [Cells<'_>], row: usize) {
    for (i, c) in cells.iter_mut().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        c.push(out, row);
    }
    out.push(b'\n');
}

/// One column's values, materialised once so rows can be written by index.
enum Cells<'a> {
    Datetime(Vec<Option<i64>>, DatetimeWriter),
    Date(Vec<Option<i32>>),
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
    Text(Vec<Option<&'a str>>),
    Owned(Vec<Option<String>>),
}

impl<'a> Cells<'a> {
    fn from_column(column: &'a polars::prelude::Column) -> Result<Self> {
        Ok(match column.dtype() {
            DataType::Datetime(unit, _) => {
                let unit = *unit;
                let values = column.datetime()?.physical().iter();
                Cells::Datetime(
                    values.map(|v| v.map(|v| to_millis(v, unit))).collect(),
                    DatetimeWriter::new(DatetimeStyle::for_column(column.name())),
                )
            }
            DataType::Date => Cells::Date(column.date()?.physical().iter().collect()),
            DataType::Float32 | DataType::Float64 => {
                let cast = column.cast(&DataType::Float64)?;
                Cells::Float(cast.f64()?.iter().collect())
            }
            DataType::Boolean => Cells::Bool(column.bool()?.iter().collect()),
            DataType::String => Cells::Text(column.str()?.iter().collect()),
            dtype if dtype.is_integer() => {
                let cast = column.cast(&DataType::Int64)?;
                Cells::Int(cast.i64()?.iter().collect())
            }
            _ => {
                let cast = column.cast(&DataType::String)?;
                Cells::Owned(cast.str()?.iter().map(|v| v.map(str::to_owned)).collect())
            }
        })
    }

    fn push(&mut self, out: &mut Vec<u8>, row: usize) {
        match self {
            Cells::Datetime(v, writer) => {
                if let Some(ms) = v[row] {
                    writer.push(out, ms)
                }
            }
            Cells::Date(v) => {
                if let Some(days) = v[row] {
                    push_date(out, days)
                }
            }
            Cells::Int(v) => {
                if let Some(x) = v[row] {
                    push_int(out, x)
                }
            }
            Cells::Float(v) => {
                if let Some(x) = v[row] {
                    push_float(out, x)
                }
            }
            Cells::Bool(v) => {
                if let Some(b) = v[row] {
                    out.extend_from_slice(if b { b"true" } else { b"false" })
                }
            }
            Cells::Text(v) => {
                if let Some(s) = v[row] {
                    push_quoted(out, s)
                }
            }
            Cells::Owned(v) => {
                if let Some(s) = &v[row] {
                    push_quoted(out, s)
                }
            }
        }
    }
}

/// Appends a text field, quoted (RFC 4180) only when it must be.
fn push_quoted(out: &mut Vec<u8>, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push(b'"');
        out.extend_from_slice(s.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}
