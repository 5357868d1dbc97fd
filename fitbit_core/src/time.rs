//! Local wall-clock time, UTC instants and time zones, DST-safe.
