//! The policy set being served, swapped whole by the reload thread.
//!
//! Handlers load the current set without a lock (`arc-swap`) and keep their `Arc` for the
//! whole request, so a reload in the middle of a request never mixes two sets.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use arc_swap::ArcSwap;
use serde_json::Value as Json;
use writ_evaluator::PolicySet;

/// A compiled set with its hash as a shared string, so that log records can name it without
/// allocating per decision.
pub struct Loaded {
    pub set: PolicySet,
    pub hash: Arc<str>,
    /// RFC 3339.
    pub loaded_at: String,
}

/// Why the last reload failed; cleared by the next reload that succeeds.
#[derive(Clone)]
pub struct ReloadError {
    pub at: String,
    /// The diagnostics as `writ check` prints them.
    pub message: String,
    /// The diagnostics as `writ check --format json` gives them.
    pub diagnostics: Json,
}

/// How many superseded sets stay in memory, so that recent decisions made with them can still
/// be explained against their own source.
const RETAINED: usize = 8;

pub struct Policies {
    current: ArcSwap<Loaded>,
    pub path: PathBuf,
    state: Mutex<State>,
}

struct State {
    error: Option<ReloadError>,
    watching: Result<(), String>,
    retained: VecDeque<Arc<Loaded>>,
}

impl Policies {
    pub fn new(path: PathBuf, first: Loaded) -> Policies {
        let first = Arc::new(first);
        Policies {
            current: ArcSwap::new(first.clone()),
            path,
            state: Mutex::new(State {
                error: None,
                watching: Ok(()),
                retained: VecDeque::from([first]),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn current(&self) -> Arc<Loaded> {
        self.current.load_full()
    }

    /// Serves a newly compiled set from the next request on.
    pub fn install(&self, loaded: Loaded) {
        let loaded = Arc::new(loaded);
        let mut state = self.lock();
        state.error = None;
        state.retained.retain(|l| l.hash != loaded.hash);
        state.retained.push_back(loaded.clone());
        if state.retained.len() > RETAINED {
            state.retained.pop_front();
        }
        self.current.store(loaded);
    }

    pub fn failed(&self, error: ReloadError) {
        self.lock().error = Some(error);
    }

    pub fn last_error(&self) -> Option<ReloadError> {
        self.lock().error.clone()
    }

    pub fn set_watching(&self, watching: Result<(), String>) {
        self.lock().watching = watching;
    }

    pub fn watching(&self) -> Result<(), String> {
        self.lock().watching.clone()
    }

    /// The served set or a recently superseded one, by hash.
    pub fn by_hash(&self, hash: &str) -> Option<Arc<Loaded>> {
        self.lock()
            .retained
            .iter()
            .find(|l| l.hash.as_ref() == hash)
            .cloned()
    }
}
