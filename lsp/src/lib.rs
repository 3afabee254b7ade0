//! Writ's language server, `writ lsp`.
//!
//! It speaks the Language Server Protocol over standard input and output, on top of the
//! compiler's salsa database: the main loop owns the database and applies edits; requests run
//! on worker threads against snapshots of it, so they never block typing, and an edit that
//! arrives while one computes cancels it (the request answers `ContentModified`). Everything
//! the server knows of the language comes from the compiler's queries (`writ_compiler::ide`
//! for positions, names and types), so the editor and `writ check` always agree.
//!
//! - `transport`: JSON-RPC framing on stdio, resilient to malformed messages;
//! - `server`: the main loop, documents and files, publishing diagnostics;
//! - `handlers`: one module per request;
//! - `line_index`: byte offsets ↔ UTF-16 positions.

mod capabilities;
mod convert;
mod diagnostics;
mod documents;
mod files;
mod handlers;
pub mod line_index;
mod pool;
mod server;
mod snapshot;
mod test_results;
mod testrun;
mod transport;

pub use lsp_server::Connection;
pub use server::serve;

/// Serves one client over stdin and stdout. Returns whether it exited cleanly (`shutdown`,
/// then `exit`): the process's exit status should be 0 then, 1 otherwise.
pub fn run_stdio() -> bool {
    let (connection, threads) = transport::stdio();
    let clean = serve(connection);
    // Everything queued for the client is written before the process ends.
    threads.finish();
    clean
}
