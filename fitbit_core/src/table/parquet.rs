//! Parquet output (feature `parquet`), for multi-day exports.

use std::path::{Path, PathBuf};

use polars::prelude::{DataFrame, ParquetWriter};

use crate::atomic::{Care, replace_with};
use crate::{Error, Result};

/// Writes `df` as Parquet to `path` atomically and returns the absolute path. Datetime columns
/// keep their dtype (ms, no time zone): `timestamp` is local wall-clock, `timestamp_utc` UTC.
pub fn write_parquet(df: &mut DataFrame, path: impl AsRef<Path>) -> Result<PathBuf> {
    let mut failure: Option<polars::error::PolarsError> = None;
    let written = replace_with(path.as_ref(), Care::Output, |file| {
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

/// A Parquet file written one batch (for example one day) at a time, so memory stays bounded by
/// a batch. Batches go to a temporary file; [`ParquetSink::finish`] moves it to its final name,
/// which may be chosen only at the end (for example from the first and last day seen).
pub struct ParquetSink {
    writer: Option<polars::io::parquet::write::BatchedWriter<std::fs::File>>,
    tmp: PathBuf,
    rows: usize,
}

impl ParquetSink {
    /// Starts a sink writing to the temporary file `tmp` (created on the first batch).
    pub fn create(tmp: impl AsRef<Path>) -> ParquetSink {
        ParquetSink {
            writer: None,
            tmp: tmp.as_ref().to_path_buf(),
            rows: 0,
        }
    }

    /// Appends `df` (all batches must share the first batch's schema).
    pub fn write(&mut self, df: &DataFrame) -> Result<()> {
        if df.height() == 0 {
            return Ok(());
        }
        if self.writer.is_none() {
            let file = std::fs::File::create(&self.tmp).map_err(|e| Error::io(&self.tmp, e))?;
            self.writer = Some(ParquetWriter::new(file).batched(df.schema())?);
        }
        if let Some(w) = self.writer.as_mut() {
            w.write_batch(df)?;
        }
        self.rows += df.height();
        Ok(())
    }

    /// Closes the file and renames it to `path`. Returns the absolute path and the row count,
    /// or `None` when no row was written (then no file is created).
    pub fn finish(mut self, path: impl AsRef<Path>) -> Result<Option<(PathBuf, usize)>> {
        let Some(w) = self.writer.take() else {
            return Ok(None);
        };
        let result = w.finish().map_err(Error::from).and_then(|_| {
            std::fs::rename(&self.tmp, path.as_ref()).map_err(|e| Error::io(path.as_ref(), e))
        });
        if let Err(e) = result {
            let _ = std::fs::remove_file(&self.tmp);
            return Err(e);
        }
        let abs = std::path::absolute(path.as_ref()).map_err(|e| Error::io(path.as_ref(), e))?;
        Ok(Some((abs, self.rows)))
    }
}

impl Drop for ParquetSink {
    fn drop(&mut self) {
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}
