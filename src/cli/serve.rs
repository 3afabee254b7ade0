//! `writ serve`: the arguments, turned into the server's configuration.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::server;

#[derive(clap::Args)]
pub struct Args {
    /// The policy directory (or file), watched and reloaded on change.
    #[arg(long, default_value = "policies")]
    pub policies: PathBuf,
    /// Where to listen. Loopback by default; another address makes the service reachable
    /// from other machines (use `--token-file` then).
    #[arg(long, default_value = "127.0.0.1:8181")]
    pub addr: SocketAddr,
    /// Append every decision to this hash-chained JSON-lines file (created if missing,
    /// continued if not). Without it, recent decisions are kept in memory only.
    #[arg(long)]
    pub log: Option<PathBuf>,
    /// Sync the decision log to disk at most this often, in milliseconds (0: whenever the
    /// writer catches up).
    #[arg(long, default_value_t = 100, value_name = "MS")]
    pub log_sync_ms: u64,
    /// Require `authorization: Bearer <token>` on every request, the token being this
    /// file's content.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Largest request body accepted, in bytes (larger: 413).
    #[arg(long, default_value_t = 1 << 20, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..=(1 << 30)))]
    pub max_body_bytes: u64,
    /// Most requests in one batch (more: 413).
    #[arg(long, default_value_t = 1000, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub max_batch: u64,
    /// Time limit for one request, from its arrival to its answer, in milliseconds (over: 408).
    #[arg(long, default_value_t = 5000, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout_ms: u64,
    /// Requests answered at once; more wait for a slot (within the time limit).
    #[arg(long, default_value_t = 256, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_concurrent: u64,
    /// Open connections at once; more wait to be accepted.
    #[arg(long, default_value_t = 1024, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_connections: u64,
    /// Decisions kept in memory for the review page and `GET /v1/decisions`.
    #[arg(long, default_value_t = 1000, value_name = "N", value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    pub recent: u64,
}

pub fn run(args: Args) -> ExitCode {
    // Every value was range-checked by clap, so these conversions cannot truncate on the
    // 64-bit targets the server runs on; `try_from` keeps them honest elsewhere.
    let size = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    server::run(server::Config {
        policies: args.policies,
        addr: args.addr,
        log: args.log,
        log_sync: Duration::from_millis(args.log_sync_ms),
        token_file: args.token_file,
        max_body: size(args.max_body_bytes),
        max_batch: size(args.max_batch),
        timeout: Duration::from_millis(args.timeout_ms),
        max_concurrent: size(args.max_concurrent),
        max_connections: size(args.max_connections),
        recent: size(args.recent),
    })
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    #[test]
    fn serve_listens_on_loopback_unless_told_otherwise() {
        let cli = crate::cli::Cli::try_parse_from(["writ", "serve"]).unwrap();
        let crate::cli::Command::Serve(args) = cli.command else {
            panic!("not the serve command");
        };
        assert!(args.addr.ip().is_loopback());
        assert_eq!(args.policies, std::path::PathBuf::from("policies"));
        assert!(args.log.is_none() && args.token_file.is_none());
    }
}
