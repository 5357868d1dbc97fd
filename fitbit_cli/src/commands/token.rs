//! `fitbit token`: check the token, refresh when needed, make a test request.

use std::path::Path;

use fitbit_core::Result;

pub fn run(config: &Path, demo: bool) -> Result<()> {
    let mut client = super::open_client(config, demo)?;
    let refreshed = client.ensure_token()?;
    client.check()?;
    println!("{}", client.describe());
    match client.token_note() {
        Some(note) if refreshed => eprintln!("The access token was refreshed; warning: {note}"),
        _ if refreshed => println!("The access token was refreshed and saved."),
        _ => {}
    }
    println!("The request succeeded.");
    Ok(())
}
