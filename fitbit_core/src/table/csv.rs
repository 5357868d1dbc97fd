//! Fast CSV writer with per-column formats (local vs UTC datetimes), atomic file replacement.

use std::path::{Path, PathBuf};

use polars::prelude::{DataFrame, DataType};

use super::file::write_atomically;
use super::format::{DatetimeStyle, DatetimeWriter, push_date, push_float, push_int, to_millis};
use crate::Result;

/// Writes `df` as CSV to `path` (atomically: a temporary file in the same directory, then a
/// rename) and returns the absolute path. Missing parent directories are created.
///
/// Format: a header row; `timestamp`-like datetime columns as `YYYY-MM-DD HH:MM:SS` (local
/// wall-clock, exactly as the original tool wrote `timestamp,heartrate`); columns named `*_utc`
/// as `YYYY-MM-DDTHH:MM:SSZ`; dates as `YYYY-MM-DD`; nulls as empty fields; floats in their
/// shortest exact form (`59.0`, `29.232`). Lines end with `\n`.
///
/// `df` is `&mut` so that chunked columns can be rechunked in place.
pub fn write_csv(df: &mut DataFrame, path: impl AsRef<Path>) -> Result<PathBuf> {
    let text = csv_string(df)?;
    write_atomically(path.as_ref(), |file| {
        use std::io::Write;
        file.write_all(text.as_bytes())
    })
}

/// The CSV text [`write_csv`] would write.
pub fn csv_string(df: &mut DataFrame) -> Result<String> {
    df.rechunk_mut();
    let mut columns = df
        .columns()
        .iter()
        .map(Cells::from_column)
        .collect::<Result<Vec<_>>>()?;
    let height = df.height();
    let mut out = String::with_capacity(64 + height * 16 * columns.len().max(1));
    for (i, column) in df.columns().iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_quoted(&mut out, column.name().as_str());
    }
    out.push('\n');
    for row in 0..height {
        for (i, cells) in columns.iter_mut().enumerate() {
            if i > 0 {
                out.push(',');
            }
            cells.push(&mut out, row);
        }
        out.push('\n');
    }
    Ok(out)
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

    fn push(&mut self, out: &mut String, row: usize) {
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
                    out.push_str(if b { "true" } else { "false" })
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
fn push_quoted(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}
