//! The wall clock, for log entries and reload reports (never for decisions: those take their
//! time from the snapshot).

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The current time in RFC 3339, UTC.
pub fn now() -> String {
    writ_stdlib::Datetime::from_millis(now_ms()).to_string()
}
