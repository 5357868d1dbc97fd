//! The import summary: what was read, what was skipped and why, and how time was interpreted.

use std::collections::BTreeMap;

/// Progress of a long import, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Files read so far.
    pub files_done: usize,
    /// Files to read in all.
    pub files_total: usize,
    /// Uncompressed bytes of the files done.
    pub bytes_done: u64,
    /// Uncompressed bytes of all files to read.
    pub bytes_total: u64,
    /// Local days handed to the callback so far.
    pub days_emitted: usize,
}

/// What an import did. `Display` prints a multi-line summary for users.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportReport {
    /// HR/HRV files read.
    pub files: usize,
    /// Rows accepted (HR samples, HRV samples, daily rows).
    pub rows: usize,
    /// Local days emitted.
    pub days: usize,
    /// Reason → count of rows or files skipped.
    pub skipped: BTreeMap<String, usize>,
    /// How timestamps were interpreted, and the evidence.
    pub time_basis: String,
    /// File pattern → number of files found.
    pub layouts: BTreeMap<String, usize>,
    /// Files in the export that are not HR/HRV data (ignored).
    pub other_files: usize,
    /// Files not read because their name date is outside the requested range.
    pub files_outside_range: usize,
    /// Problems worth a look, one line each (file names, never data values).
    pub warnings: Vec<String>,
}

/// At most this many warnings are kept; the rest are counted.
pub const MAX_WARNINGS: usize = 50;

impl ImportReport {
    /// Adds a warning, keeping the list short.
    pub fn warn(&mut self, w: String) {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(w);
        } else {
            *self
                .skipped
                .entry("further warnings not listed".into())
                .or_default() += 1;
        }
    }

    /// Counts skipped rows or files.
    pub fn skip(&mut self, why: &str, n: usize) {
        if n > 0 {
            *self.skipped.entry(why.to_string()).or_default() += n;
        }
    }
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "import: {} file(s), {} row(s), {} day(s)",
            self.files, self.rows, self.days
        )?;
        for (layout, n) in &self.layouts {
            writeln!(f, "  found {n} × {layout}")?;
        }
        if self.other_files > 0 {
            writeln!(
                f,
                "  ignored {} file(s) that are not HR/HRV data",
                self.other_files
            )?;
        }
        if self.files_outside_range > 0 {
            writeln!(
                f,
                "  not read: {} file(s) outside the requested dates",
                self.files_outside_range
            )?;
        }
        writeln!(f, "time basis: {}", self.time_basis)?;
        if self.skipped.is_empty() {
            writeln!(f, "skipped: nothing")?;
        } else {
            writeln!(f, "skipped:")?;
            for (why, n) in &self.skipped {
                writeln!(f, "  {n} × {why}")?;
            }
        }
        for w in &self.warnings {
            writeln!(f, "warning: {w}")?;
        }
        Ok(())
    }
}
