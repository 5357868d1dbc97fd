//! `fitbit token`: check the token, refresh when needed, make a test request.

use std::path::Path;

use fitbit_core::Result;

pub fn run(config: &Path, demo: bool) -> Result<()> {
    let mut client = super::open_client(config, demo)?;
    let refreshed = client.ensure_token()?;
    client.check()?;
    println!("{}", client.describe());
    if refreshed {
        println!("The access token was refreshed and saved.");
    }
    println!("The request succeeded.");
    Ok(())
}
