//! `writ serve`: the decision service (`docs/api.md`).
//!
//! Threads: tokio's workers answer requests and decide inline (a decision takes microseconds,
//! less than handing it to another thread would); one thread owns the incremental compiler
//! and reloads the policies (`reload.rs`); one owns the decision log file (`decision_log`).

mod auth;
mod body;
mod clock;
mod decide;
mod decisions;
mod error;
mod guard;
mod hierarchy;
mod info;
mod listen;
mod metrics;
mod page;
mod policies;
mod reload;
mod routes;
mod state;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::decision_log::entry::Head;
use crate::decision_log::recent::RecentLog;
use crate::decision_log::{open, writer};

pub struct Config {
    pub policies: PathBuf,
    pub addr: SocketAddr,
    pub log: Option<PathBuf>,
    pub log_sync: Duration,
    pub token_file: Option<PathBuf>,
    pub max_body: usize,
    pub max_batch: usize,
    pub timeout: Duration,
    pub max_concurrent: usize,
    pub max_connections: usize,
    pub recent: usize,
}

/// Runs until Ctrl-C or SIGTERM. Exits 1 if it cannot start: the policies do not compile, the
/// log or the token cannot be read, the address cannot be bound.
pub fn run(config: Config) -> ExitCode {
    match serve(config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprint!("{message}");
            ExitCode::from(1)
        }
    }
}

fn error(message: impl std::fmt::Display) -> String {
    format!("error: {message}\n")
}

fn serve(config: Config) -> Result<(), String> {
    let token = config
        .token_file
        .as_deref()
        .map(auth::Token::read)
        .transpose()
        .map_err(error)?;
    let metrics = Arc::new(metrics::Metrics::default());
    let policies = reload::start(config.policies.clone(), metrics.clone())?;
    let recent = Arc::new(RecentLog::new(config.recent));
    let (file, head) = match &config.log {
        None => (None, Head::genesis()),
        Some(path) => {
            let opened = open::open(path, config.recent).map_err(error)?;
            for warning in &opened.warnings {
                eprintln!("warning: {warning}");
            }
            for entry in opened.recent {
                recent.push(entry);
            }
            (Some((opened.file, path.clone())), opened.head)
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("writ-serve")
        .build()
        .map_err(|e| error(format!("cannot start the server's threads: {e}")))?;
    let writer = runtime.block_on(async {
        // The channel must hold a whole batch, which is reserved at once.
        let capacity = config.max_batch.max(8192);
        let (log, writer) = writer::start(file, head, recent.clone(), config.log_sync, capacity)
            .map_err(|e| error(format!("cannot start the decision log writer: {e}")))?;
        if !config.log_sync.is_zero() {
            let ticking = log.clone();
            let every = config.log_sync;
            tokio::spawn(async move {
                let mut interval = tokio::time::interval(every);
                loop {
                    interval.tick().await;
                    ticking.tick();
                }
            });
        }
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|e| error(format!("cannot listen on `{}`: {e}", config.addr)))?;
        let local = listener
            .local_addr()
            .map_err(|e| error(format!("cannot listen on `{}`: {e}", config.addr)))?;
        if !local.ip().is_loopback() && token.is_none() {
            eprintln!(
                "warning: listening on {local}, which other machines can reach, without \
                 `--token-file`: anyone who can connect can ask for decisions and read the \
                 decision log"
            );
        }
        let loaded = policies.current();
        let state = Arc::new(state::AppState {
            policies: policies.clone(),
            log: log.clone(),
            recent,
            metrics,
            limits: state::Limits {
                max_body: config.max_body,
                max_batch: config.max_batch,
                timeout: config.timeout,
            },
            concurrency: Arc::new(Semaphore::new(config.max_concurrent)),
            token,
        });
        eprintln!(
            "writ: serving `{}` ({} rules, policy {}), decision log {}",
            config.policies.display(),
            loaded.set.rules().count(),
            loaded.hash,
            match &config.log {
                Some(path) => format!("`{}`", path.display()),
                None => "in memory only (no `--log`)".to_string(),
            }
        );
        if loaded.set.rules().next().is_none() {
            eprintln!(
                "warning: `{}` holds no rules: every request will be denied",
                config.policies.display()
            );
        }
        // Tests and scripts read the address from this line (with `--addr 127.0.0.1:0`).
        eprintln!("writ: listening on http://{local}");
        drop(loaded);
        listen::serve(
            listener,
            routes::router(state),
            config.timeout,
            config.max_connections,
            listen::shutdown_signal(),
        )
        .await;
        log.shutdown().await;
        Ok::<_, String>(writer)
    })?;
    drop(runtime);
    writer
        .join()
        .map_err(|_| error("the decision log writer panicked"))?;
    Ok(())
}
