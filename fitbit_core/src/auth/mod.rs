//! OAuth 2.0 for both providers: PKCE, authorize URLs, code exchange, refresh, the token session.
