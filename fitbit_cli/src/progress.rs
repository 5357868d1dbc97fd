//! Progress bars on stderr for long runs (hidden when stderr is not a terminal).

use indicatif::{ProgressBar, ProgressStyle};

pub use fitbit_core::http::human_duration as human;

/// A bar of `len` steps named `what`.
pub fn bar(len: u64, what: &str) -> ProgressBar {
    styled(
        len,
        what,
        "{msg:>12} [{bar:30}] {pos}/{len} {wide_msg} ({eta} left)",
    )
}

/// A sync's bar: days done of days planned, then requests and rows (the prefix), ETA.
pub fn sync_bar(what: &str) -> ProgressBar {
    styled(
        0,
        what,
        "[{bar:30}] {pos}/{len} days, {prefix}, {msg} ({eta} left)",
    )
}

fn styled(len: u64, what: &str, template: &str) -> ProgressBar {
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_message(what.to_string());
    pb
}

/// A line for people above the bar; on stderr when the bar is hidden (not a terminal, cron).
pub fn say(bar: &ProgressBar, line: &str) {
    if bar.is_hidden() {
        eprintln!("{line}");
    } else {
        bar.println(line);
    }
}
