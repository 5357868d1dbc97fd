//! [`fitbit_core`], with the `store` feature, as one shared library for the notebooks.
//!
//! Everything is re-exported as it is, so a notebook that loads this crate under the name
//! `fitbit_core` reads exactly like code using the library itself:
//!
//! ```text
//! :dep fitbit_core = { package = "fitbit_core_dylib", path = "../fitbit_core/dylib" }
//! use fitbit_core::{Client, table};
//! ```
pub use fitbit_core::*;
