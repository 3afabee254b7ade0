//! The decision log: every decision the server makes, one JSON line each, chained by hashes so
//! that an edited, dropped or reordered entry shows (`docs/api.md`, "Decision log").

pub mod entry;
pub mod lines;
pub mod open;
pub mod recent;
pub mod verify;
pub mod writer;
