//! The import summary: what was read, what was skipped and why, and how time was interpreted.

use std::collections::BTreeMap;

use crate::Fix;

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
    /// What would make the import exact (a time zone, the JSON clock), as data: each front end
    /// says how ([`ImportReport::render`]).
    pub fixes: Vec<Fix>,
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

    /// Adds a fix, once.
    pub fn suggest(&mut self, fix: Fix) {
        if !self.fixes.contains(&fix) {
            self.fixes.push(fix);
        }
    }

    /// The multi-line summary with each fix in the front end's words (`Display` uses the
    /// library's own, [`Fix`]'s `Display`).
    ///
    /// ```
    /// use fitbit_core::{Fix, source::export::ImportReport};
    /// let mut r = ImportReport::default();
    /// r.suggest(Fix::SetTimeZone);
    /// let cli = r.render(|f| format!("[{}]", f.as_str())).to_string();
    /// assert!(cli.contains("to be exact: [set_time_zone]"));
    /// assert!(r.to_string().contains("to be exact: name your time zone"));
    /// ```
    pub fn render<W: Fn(Fix) -> String>(&self, words: W) -> Rendered<'_, W> {
        Rendered {
            report: self,
            words,
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
        self.render(|fix| fix.to_string()).fmt(f)
    }
}

/// An [`ImportReport`] with its fixes in a front end's words (see [`ImportReport::render`]).
pub struct Rendered<'a, W> {
    report: &'a ImportReport,
    words: W,
}

impl<W: Fn(Fix) -> String> std::fmt::Display for Rendered<'_, W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let r = self.report;
        writeln!(
            f,
            "import: {} file(s), {} row(s), {} day(s)",
            r.files, r.rows, r.days
        )?;
        for (layout, n) in &r.layouts {
            writeln!(f, "  found {n} × {layout}")?;
        }
        if r.other_files > 0 {
            writeln!(
                f,
                "  ignored {} file(s) that are not HR/HRV data",
                r.other_files
            )?;
        }
        if r.files_outside_range > 0 {
            writeln!(
                f,
                "  not read: {} file(s) outside the requested dates",
                r.files_outside_range
            )?;
        }
        writeln!(f, "time basis: {}", r.time_basis)?;
        if r.skipped.is_empty() {
            writeln!(f, "skipped: nothing")?;
        } else {
            writeln!(f, "skipped:")?;
            for (why, n) in &r.skipped {
                writeln!(f, "  {n} × {why}")?;
            }
        }
        for w in &r.warnings {
            writeln!(f, "warning: {w}")?;
        }
        for fix in &r.fixes {
            writeln!(f, "to be exact: {}", (self.words)(*fix))?;
        }
        Ok(())
    }
}
