//! The Google Health API v4: endpoints, paging, serde models, parsers.
