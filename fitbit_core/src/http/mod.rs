//! HTTP, kept apart from protocol: a [`Transport`] sends one request (reqwest in real use, a
//! closure in tests), [`HttpClient`] adds retries, backoff and rate-limit waits, and
//! [`ApiGet`] is what the sources see: "GET this URL with a valid token, give me the body".
//!
//! Contract (implemented in the submodules):
//! - 5xx and dropped connections are retried with capped exponential backoff; other 4xx never.
//! - Fitbit 429: wait `Fitbit-Rate-Limit-Reset` (headers read case-insensitively) plus a margin;
//!   `Retry-After` is known to be wrong there. Google 429 `RESOURCE_EXHAUSTED`: back off.
//! - Long waits are announced through the notifier with the time left.

pub mod envelope;
pub mod pace;
pub mod retry;
pub mod transport;

pub use envelope::{api_error, is_token_expired};
pub use pace::{Budget, Clock, Pacer, SystemClock};
pub use retry::{
    HttpClient, RateLimit, RecordingSleeper, RetryPolicy, Sleeper, ThreadSleeper, human_duration,
};
pub use transport::{
    FnTransport, Method, Request, ReqwestTransport, Response, Transport, TransportError,
    TransportErrorKind,
};

use crate::Result;

/// Percent-encodes a URL query value: the crate's one encoder, for the authorize URL and the
/// Google list queries. `byte_serialize` writes a space as `+` and a literal `+` as `%2B`, so
/// every `+` left is a space: spell it `%20`, which every decoder reads as a space.
pub(crate) fn query_value(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// An authorized GET: the sources call this and get the body of a 2xx answer, or an [`crate::Error`]
/// already mapped from the provider's error envelope.
pub trait ApiGet {
    /// GET `url` (absolute) with a valid bearer token; refresh once on 401 and retry.
    fn get(&mut self, url: &str) -> Result<Vec<u8>>;
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_values_round_trip_spaces_and_pluses() {
        let v = "date >= \"2026-09-01\" a+b/==";
        let enc = super::query_value(v);
        assert_eq!(enc, "date%20%3E%3D%20%222026-09-01%22%20a%2Bb%2F%3D%3D");
        let url = url::Url::parse(&format!("http://h/?q={enc}")).unwrap();
        assert_eq!(url.query_pairs().next().unwrap().1, v);
    }
}
