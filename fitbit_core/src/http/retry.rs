//! Placeholder: HttpClient, RetryPolicy, RateLimit, Sleeper.
