//! The user data export (Google Takeout "Fitbit" / "Google Health"), read offline.
