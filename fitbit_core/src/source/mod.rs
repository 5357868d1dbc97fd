//! The three sources. Each turns its own wire format into [`crate::record`] types and nothing else.

pub mod export;
pub mod fitbit;
pub mod google;
pub(crate) mod json;
