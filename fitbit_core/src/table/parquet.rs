//! Parquet output (feature `parquet`), for multi-day exports.

use std::path::{Path, PathBuf};

use polars::io::parquet::write::BatchedWriter;
use polars::prelude::{DataFrame, ParquetWriter};

use crate::atomic::{Care, Staged, replace_with};
use crate::{Error, Result};

/// Writes `df` as Parquet to `path` atomically and returns the absolute path. Datetime columns
/// keep their dtype (ms, no time zone): `timestamp` is local wall-clock, `timestamp_utc` UTC.
pub fn write_parquet(df: &DataFrame, path: impl AsRef<Path>) -> Result<PathBuf> {
    let mut failure: Option<polars::error::PolarsError> = None;
    // The writer wants `&mut` (to rechunk); a clone shares the columns' buffers.
    let mut df = df.clone();
    let written = replace_with(path.as_ref(), Care::Output, |file| {
        ParquetWriter::new(file)
            .finish(&mut df)
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
/// a batch. Batches go to a temporary file in the sink's folder; [`ParquetSink::finish`] renames
/// it to its final name (the crate's one atomic replace), which may be chosen only at the end
/// (for example from the first and last day seen). Dropped unfinished, the temporary is removed.
pub struct ParquetSink {
    /// Where the temporary goes: the folder and a name it is derived from.
    near: PathBuf,
    open: Option<(BatchedWriter<std::fs::File>, Staged)>,
    rows: usize,
}

impl ParquetSink {
    /// A sink whose file will be written in `dir` (its temporary is named after `name` and
    /// created on the first batch).
    pub fn new(dir: impl AsRef<Path>, name: &str) -> ParquetSink {
        ParquetSink {
            near: dir.as_ref().join(name),
            open: None,
            rows: 0,
        }
    }

    /// Appends `df` (all batches must share the first batch's schema).
    pub fn write(&mut self, df: &DataFrame) -> Result<()> {
        if df.height() == 0 {
            return Ok(());
        }
        if self.open.is_none() {
            let staged = Staged::create(&self.near, Care::Output)?;
            let writer = ParquetWriter::new(staged.handle()?).batched(df.schema())?;
            self.open = Some((writer, staged));
        }
        if let Some((writer, _)) = self.open.as_mut() {
            writer.write_batch(df)?;
        }
        self.rows += df.height();
        Ok(())
    }

    /// Closes the file and renames it to `path` (in the sink's folder). Returns the absolute
    /// path and the row count, or `None` when no row was written (then no file is created).
    pub fn finish(mut self, path: impl AsRef<Path>) -> Result<Option<(PathBuf, usize)>> {
        let Some((writer, staged)) = self.open.take() else {
            return Ok(None);
        };
        writer.finish()?;
        drop(writer);
        let abs = staged.commit(path.as_ref())?;
        Ok(Some((abs, self.rows)))
    }
}
