//! The person's data as each API's JSON. Pure functions: no HTTP, no auth, no clock.
//! CONTRACT (owned by the simdata helper).

pub mod fitbit;
pub mod google;

/// An error answer: HTTP status and the exact JSON body the real API documents for it.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorAnswer {
    pub status: u16,
    pub body: String,
}
