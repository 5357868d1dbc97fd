//! Placeholder: api_error (both error envelopes → Error).
