//! The salsa database and its inputs.

use std::sync::{Arc, Mutex};

/// One policy file: the only thing the compiler reads, and it reads it from here, never from disk.
#[salsa::input(debug)]
pub struct SourceFile {
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub text: String,
}

/// The policy set: the user's files and the prelude modules they may `use`.
#[salsa::input(singleton, debug)]
pub struct Workspace {
    #[returns(ref)]
    pub files: Vec<SourceFile>,
    /// Every prelude module the standard library offers, by name (`std.agents`); only those a
    /// file `use`s take part in the policy set.
    #[returns(ref)]
    pub preludes: Vec<(String, SourceFile)>,
}

#[salsa::db]
#[derive(Clone, Default)]
pub struct Database {
    storage: salsa::Storage<Self>,
}

#[salsa::db]
impl salsa::Database for Database {}

impl Database {
    /// A database that records the name of every query it executes, for tests that prove what
    /// an edit recomputes.
    pub fn with_execution_log() -> (Database, ExecutionLog) {
        let log = ExecutionLog::default();
        let sink = log.clone();
        let storage = salsa::Storage::new(Some(Box::new(move |event: salsa::Event| {
            if let salsa::EventKind::WillExecute { database_key } = event.kind {
                let name = format!("{database_key:?}");
                let name = name.split('(').next().unwrap_or_default().to_string();
                sink.0.lock().unwrap_or_else(|e| e.into_inner()).push(name);
            }
        })));
        (Database { storage }, log)
    }
}

/// The names of the queries a database executed, in order.
#[derive(Clone, Default, Debug)]
pub struct ExecutionLog(Arc<Mutex<Vec<String>>>);

impl ExecutionLog {
    /// Takes what was recorded so far.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// How many times the named query ran in what was recorded so far (and forgets it).
    pub fn count(names: &[String], query: &str) -> usize {
        names.iter().filter(|n| *n == query).count()
    }
}
