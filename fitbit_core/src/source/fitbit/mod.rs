//! The legacy Fitbit Web API: endpoints, serde models, parsers.
