//! One module per subcommand.

pub mod auth;
pub mod cohort;
pub mod heart_rate;
pub mod hrv;
pub mod import;
pub mod status;
pub mod sync;
pub mod token;

use std::path::{Path, PathBuf};

use fitbit_core::table::{FileKind, Written};
use fitbit_core::{Client, Error, Result};

/// Opens the config, or the emulator's demo account with `--demo`.
pub fn open_client(config: &Path, demo: bool) -> Result<Client> {
    let client = if demo {
        Client::demo()?
    } else {
        Client::open(config)?
    };
    if client.is_demo() {
        eprintln!("DEMO: synthetic data from the local emulator, not your own.");
    }
    report_token_note(&client);
    Ok(client)
}

/// Tells the user (on stderr) when the tokens could not be stored as usual, or came from the
/// recovery file. Never prints a token.
pub fn report_token_note(client: &Client) {
    if let Some(note) = client.token_note() {
        eprintln!("warning: {note}");
        if let Some(fix) = note.fix() {
            eprintln!("  then: {}", crate::fix::command(fix));
        }
    }
}

/// Creates the output directory.
pub fn out_dir(dir: &Option<PathBuf>) -> Result<PathBuf> {
    let dir = dir.clone().unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    Ok(dir)
}

/// `PATH (N samples)`: a written file in words.
pub fn describe(file: &Written) -> String {
    let unit = match file.kind {
        FileKind::HeartRate => "samples",
        FileKind::RestingHeartRate => "days",
        FileKind::HrvDaily => "nights",
        FileKind::HrvIntraday => "measurements",
    };
    format!("{} ({} {unit})", file.path.display(), file.rows)
}

/// Prints each written file, one a line.
pub fn print_written(files: &[Written]) {
    for file in files {
        println!("{}", describe(file));
    }
}
