//! Rich output in evcxr notebooks: DataFrames as HTML tables, charts as inline SVG.
//!
//! evcxr shows any value with an `evcxr_display` method by scanning stdout for
//! `EVCXR_BEGIN_CONTENT <mime>` … `EVCXR_END_CONTENT` blocks. A cell keeps one output per mime
//! type (the last one wins), so show one table or chart per cell.
//!
//! ```
//! use fitbit_core::display::{Show, table};
//! use fitbit_core::polars::prelude::*;
//! let df = DataFrame::new(2, vec![Column::new("bpm".into(), vec![61i64, 62])])?;
//! let html = df.show(); // in a notebook, `df.show()` as the last expression renders the table
//! assert!(html.0.contains("<caption>2 rows × 1 columns</caption>"));
//! assert_eq!(html, table(&df));
//! # Ok::<(), fitbit_core::Error>(())
//! ```

use polars::prelude::{AnyValue, DataFrame};

use crate::source::export::ImportReport;
use crate::{Error, Fix};

use crate::table::format::{
    DatetimeStyle, push_date, push_datetime, push_float, text as cell_text, to_millis,
};

/// A [`Fix`] in the notebooks' words: the cell to run or the setting to change.
///
/// ```
/// use fitbit_core::{Fix, display::notebook_fix};
/// assert!(notebook_fix(Fix::Reauthorize).contains("update_token.ipynb"));
/// assert!(notebook_fix(Fix::SetTimeZone).contains("tz:"));
/// ```
pub fn notebook_fix(fix: Fix) -> String {
    let auth = "run section 4, \"Authorize from inside the notebook\", of update_token.ipynb";
    match fix {
        Fix::Enroll => format!(
            "copy fb_conf.example.json to fb_conf.json beside the notebooks, fill in client_id \
             and client_secret, then {auth}"
        ),
        Fix::Reauthorize => auth.to_string(),
        Fix::RepairConfig => {
            "repair fb_conf.json by hand (it was not changed), then run the cell again".into()
        }
        Fix::RetryLater => "run the cell again later".into(),
        Fix::WaitForLock => "wait for the other sync to finish, then run the cell again".into(),
        Fix::SetTimeZone => "in the import cell, pass your zone: `ImportOptions { tz: \
                             \"Europe/Berlin\".parse()?, ..Default::default() }`"
            .into(),
        Fix::ChooseExportClock => "in the import cell, say how the heart_rate JSON is read: \
                                   `ImportOptions { tz: \"utc:Europe/Berlin\".parse()?, .. }` \
                                   (UTC, shown in your zone) or `\"local:Europe/Berlin\"` \
                                   (wall-clock time)"
            .into(),
        Fix::ReadExport => "read your Google Takeout export with import_export.ipynb".into(),
    }
}

/// An error as a notebook shows it: the library's message, then what to do in the notebooks.
///
/// ```
/// use fitbit_core::{Error, Provider, display::explain};
/// let e = Error::Reauthorize { provider: Provider::Fitbit, detail: "invalid_grant".into() };
/// let text = explain(&e);
/// assert!(text.starts_with(&e.message().to_string()));
/// assert!(text.contains("update_token.ipynb"));
/// ```
pub fn explain(e: &Error) -> String {
    match e.fix() {
        Some(fix) => format!("{}\nIn the notebooks: {}", e.message(), notebook_fix(fix)),
        None => e.message().to_string(),
    }
}

/// Whether this code runs inside an evcxr notebook: evcxr sets `EVCXR_IS_RUNTIME` in the process
/// that runs the cells. There, an [`Error`]'s `Display` (what a bare `?` in a cell prints) ends
/// with the notebooks' words for its fix, as [`explain`] gives them.
pub fn in_notebook() -> bool {
    std::env::var_os("EVCXR_IS_RUNTIME").is_some()
}

/// An import report with its fixes as notebook settings (see [`ImportReport::render`]).
pub fn import_report(report: &ImportReport) -> String {
    report.render(notebook_fix).to_string()
}

/// HTML shown by notebooks as `text/html`.
#[derive(Clone, PartialEq, Eq)]
pub struct Html(pub String);

impl Html {
    /// Prints the evcxr rich-output block (`text/html`) in one locked write.
    pub fn evcxr_display(&self) {
        print_evcxr_block("text/html", &self.0);
    }
}

/// One evcxr rich-output block: `EVCXR_BEGIN_CONTENT {mime}\n{content}\nEVCXR_END_CONTENT\n`.
pub(crate) fn evcxr_block(mime: &str, content: &str) -> String {
    format!("EVCXR_BEGIN_CONTENT {mime}\n{content}\nEVCXR_END_CONTENT\n")
}

/// Prints one evcxr block in a single write to locked stdout.
pub(crate) fn print_evcxr_block(mime: &str, content: &str) {
    use std::io::Write;
    let block = evcxr_block(mime, content);
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(block.as_bytes());
    let _ = out.flush();
}

/// The HTML source.
impl std::fmt::Display for Html {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `Html(<n> bytes)`: markup is not useful as plain text.
impl std::fmt::Debug for Html {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Html({} bytes of text/html)", self.0.len())
    }
}

/// Shows DataFrames as HTML tables in notebooks: `df.show()`.
pub trait Show {
    /// The first 5 and last 5 rows as an HTML table (see [`table`]).
    fn show(&self) -> Html;
}

impl Show for DataFrame {
    fn show(&self) -> Html {
        table(self)
    }
}

/// An HTML table of the first 5 and last 5 rows (with a `…` row between when longer), column
/// names and dtypes in the header, and a caption `N rows × M columns`.
pub fn table(df: &DataFrame) -> Html {
    table_with(df, 5, 5)
}

/// Like [`table`] with `head` first and `tail` last rows. All rows when `head + tail >= height`.
pub fn table_with(df: &DataFrame, head: usize, tail: usize) -> Html {
    let height = df.height();
    let columns = df.columns();
    let mut html = String::from("<table class=\"fitbit-table\">\n");
    html.push_str(&format!(
        "<caption>{height} rows × {} columns</caption>\n<thead><tr>",
        columns.len()
    ));
    for column in columns {
        html.push_str("<th>");
        push_escaped(&mut html, column.name());
        html.push_str("<br><small>");
        push_escaped(&mut html, &column.dtype().to_string());
        html.push_str("</small></th>");
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    let shown: Vec<Option<usize>> = if head.saturating_add(tail) >= height {
        (0..height).map(Some).collect()
    } else {
        (0..head)
            .map(Some)
            .chain(std::iter::once(None))
            .chain((height - tail..height).map(Some))
            .collect()
    };
    for row in shown {
        html.push_str("<tr>");
        for column in columns {
            match row {
                None => html.push_str("<td>…</td>"),
                Some(i) => push_cell(&mut html, column, i),
            }
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>");
    Html(html)
}

fn push_cell(html: &mut String, column: &polars::prelude::Column, row: usize) {
    let value = column.get(row).unwrap_or(AnyValue::Null);
    let mut text = String::new();
    let numeric = column.dtype().is_primitive_numeric();
    match value {
        AnyValue::Null => {
            html.push_str("<td style=\"color:#999\"><i>null</i></td>");
            return;
        }
        AnyValue::Datetime(v, unit, _) => {
            let style = DatetimeStyle::for_column(column.name());
            text = cell_text(|out| push_datetime(out, to_millis(v, unit), style))
        }
        AnyValue::DatetimeOwned(v, unit, _) => {
            let style = DatetimeStyle::for_column(column.name());
            text = cell_text(|out| push_datetime(out, to_millis(v, unit), style))
        }
        AnyValue::Date(days) => text = cell_text(|out| push_date(out, days)),
        AnyValue::Float64(x) if x.is_nan() => text.push_str("NaN"),
        AnyValue::Float32(x) if x.is_nan() => text.push_str("NaN"),
        AnyValue::Float64(x) => text = cell_text(|out| push_float(out, x)),
        AnyValue::Float32(x) => text = cell_text(|out| push_float(out, f64::from(x))),
        AnyValue::String(s) => text.push_str(s),
        AnyValue::StringOwned(s) => text.push_str(&s),
        other => text = other.to_string(),
    }
    html.push_str(if numeric {
        "<td style=\"text-align:right\">"
    } else {
        "<td>"
    });
    push_escaped(html, &text);
    html.push_str("</td>");
}

/// Appends `s` with `& < > " '` escaped for HTML text and attributes.
pub(crate) fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::Column;

    fn numbers(n: i64) -> DataFrame {
        DataFrame::new(
            n as usize,
            vec![Column::new("bpm".into(), (0..n).collect::<Vec<i64>>())],
        )
        .unwrap()
    }

    #[test]
    fn long_tables_show_head_ellipsis_tail() {
        let html = table(&numbers(12)).0;
        assert!(html.contains("<caption>12 rows × 1 columns</caption>"));
        assert!(html.contains("<th>bpm<br><small>i64</small></th>"));
        assert_eq!(html.matches("<tr>").count(), 1 + 5 + 1 + 5);
        assert!(html.contains("<td>…</td>"));
        assert!(html.contains(">4</td>") && html.contains(">7</td>"));
        assert!(!html.contains(">5</td>") && !html.contains(">6</td>"));
    }

    #[test]
    fn short_tables_show_every_row() {
        let html = table_with(&numbers(3), 1, 2).0;
        assert_eq!(html.matches("<tr>").count(), 1 + 3);
        assert!(!html.contains('…'));
        assert!(table(&numbers(0)).0.contains("0 rows × 1 columns"));
    }

    #[test]
    fn names_and_values_are_escaped() {
        let df = DataFrame::new(
            2,
            vec![Column::new(
                "<b>name</b>".into(),
                vec![Some("<script>alert('x')</script> & co"), None],
            )],
        )
        .unwrap();
        let html = table(&df).0;
        assert!(!html.contains("<script>") && !html.contains("<b>"));
        assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
        assert!(html.contains("&lt;b&gt;name&lt;/b&gt;"));
        assert!(html.contains("<i>null</i>"));
    }

    #[test]
    fn timestamps_use_the_csv_forms() {
        use crate::record::{HrSample, Timestamp};
        let local = chrono::NaiveDate::from_ymd_opt(2023, 7, 31)
            .and_then(|d| d.and_hms_opt(0, 0, 5))
            .unwrap();
        let sample = HrSample {
            time: Timestamp::new(local, chrono::FixedOffset::east_opt(9 * 3600)),
            bpm: 62,
            confidence: None,
        };
        let html = crate::table::hr_intraday(&[sample]).unwrap().show().0;
        assert!(html.contains("<td>2023-07-31 00:00:05</td>"), "{html}");
        assert!(html.contains("<td>2023-07-30T15:00:05Z</td>"), "{html}");
        assert!(html.contains("<td>+09:00</td>"), "{html}");
    }

    #[test]
    fn evcxr_block_has_the_kernel_markers() {
        assert_eq!(
            evcxr_block("text/html", "<p>hi</p>"),
            "EVCXR_BEGIN_CONTENT text/html\n<p>hi</p>\nEVCXR_END_CONTENT\n"
        );
    }

    #[test]
    fn floats_and_nan_are_readable() {
        let df = DataFrame::new(
            2,
            vec![Column::new(
                "rmssd".into(),
                vec![Some(59.0), Some(f64::NAN)],
            )],
        )
        .unwrap();
        let html = table(&df).0;
        assert!(
            html.contains(">59.0</td>") && html.contains(">NaN</td>"),
            "{html}"
        );
    }

    #[test]
    fn debug_is_short_and_display_is_the_markup() {
        let html = Html("<p>hi</p>".into());
        assert_eq!(format!("{html}"), "<p>hi</p>");
        assert_eq!(format!("{html:?}"), "Html(9 bytes of text/html)");
    }
}
