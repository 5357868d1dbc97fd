//! Parquet output (feature `parquet`), for multi-day exports.

use std::path::{Path, PathBuf};

use polars::prelude::{DataFrame, ParquetWriter};

use super::file::write_atomically;
use crate::{Error, Result};

/// Writes `df` as Parquet to `path` atomically and returns the absolute path. Datetime columns
/// keep their dtype (ms, no time zone): `timestamp` is local wall-clock, `timestamp_utc` UTC.
pub fn write_parquet(df: &mut DataFrame, path: impl AsRef<Path>) -> Result<PathBuf> {
    let mut failure: Option<polars::error::PolarsError> = None;
    let written = write_atomically(path.as_ref(), |file| {
        ParquetWriter::new(file)
            .finish(df)
            .map(|_| ())
            .map_err(|e| {
                let io = std::io::Error::other(e.to_string());
                failure = Some(e);
                io
            })
    });
    match (written, failure) {
        (Err(_), Some(e)) => Err(Error::Table(e)),
        (result, _) => result,
    }
}
