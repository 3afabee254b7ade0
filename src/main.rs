//! The `writ` command.

mod cli;
mod decision_log;
mod server;

use std::process::ExitCode;

use clap::Parser;

// The server allocates and frees many small buffers per decision (the request's JSON tree, the
// snapshot's entities, the explanation) from two worker threads; glibc's allocator spent more
// than a tenth of the server's time in profiles, mimalloc's thread-local free lists far less.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    cli::run(args)
}
