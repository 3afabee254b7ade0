//! What every handler shares.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use super::auth::Token;
use super::metrics::Metrics;
use super::policies::Policies;
use crate::decision_log::recent::RecentLog;
use crate::decision_log::writer::LogHandle;

pub struct Limits {
    /// Largest request body, in bytes.
    pub max_body: usize,
    /// Most requests in one batch.
    pub max_batch: usize,
    /// From the request's arrival to its answer.
    pub timeout: Duration,
}

pub struct AppState {
    pub policies: Arc<Policies>,
    pub log: Arc<LogHandle>,
    pub recent: Arc<RecentLog>,
    pub metrics: Arc<Metrics>,
    pub limits: Limits,
    /// Requests allowed to run at once; the rest wait (within the time limit).
    pub concurrency: Arc<Semaphore>,
    pub token: Option<Token>,
}

pub type Shared = Arc<AppState>;
