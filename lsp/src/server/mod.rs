//! The main loop. It alone owns the database and changes it: edits, opened and closed
//! documents, files changed on disk. Requests are answered on workers, each with a snapshot of
//! the database; an edit cancels the snapshots still computing (their requests answer
//! `ContentModified`) and waits for them to let go before it is applied.

mod lifecycle;
mod publish;
mod requests;
mod sync;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, after, never, select, unbounded};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::Url;
use writ_compiler::Compiler;

use crate::documents::Document;
use crate::files::FileMap;
use crate::pool::Pool;
use crate::snapshot::{ClientCaps, Snap, Task};

/// How long after the last edit tests run again: long enough not to run them on every key,
/// short enough to feel immediate.
const TEST_DEBOUNCE: Duration = Duration::from_millis(300);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    /// Waiting for `initialize`.
    Uninitialized,
    Running,
    /// `shutdown` was received: only `exit` is left.
    ShuttingDown,
}

pub struct Server {
    outbox: Sender<Message>,
    tasks: Sender<Task>,
    compiler: Compiler,
    files: Arc<FileMap>,
    documents: HashMap<Url, Document>,
    generations: Arc<HashMap<Url, u64>>,
    roots: Vec<PathBuf>,
    caps: ClientCaps,
    pool: Pool,
    state: State,
    /// Bumped on every change to the database; diagnostics computed for an older revision are
    /// dropped.
    revision: u64,
    published: HashMap<Url, (Option<i32>, Vec<lsp_types::Diagnostic>)>,
    compiler_diagnostics: HashMap<Url, Vec<lsp_types::Diagnostic>>,
    /// The revision `compiler_diagnostics` were computed for.
    diagnostics_revision: u64,
    /// Failing tests by file, with the generation of the file's text they were found on.
    test_diagnostics: HashMap<Url, (u64, Vec<lsp_types::Diagnostic>)>,
    tests_due: Option<Instant>,
    next_request: i32,
}

/// Serves one client until it says `exit` (or goes away). Returns whether it exited as the
/// protocol asks (after `shutdown`), which makes the exit status 0.
pub fn serve(connection: Connection) -> bool {
    let (tasks, task_results) = unbounded();
    let mut server = Server::new(connection.sender.clone(), tasks);
    server.run(&connection.receiver, &task_results)
}

impl Server {
    /// A server that answers on `outbox` and whose workers hand work back on `tasks`.
    fn new(outbox: Sender<Message>, tasks: Sender<Task>) -> Server {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        Server {
            outbox,
            tasks,
            compiler: Compiler::new(),
            files: Arc::default(),
            documents: HashMap::new(),
            generations: Arc::default(),
            roots: Vec::new(),
            caps: ClientCaps::default(),
            pool: Pool::new(threads),
            state: State::Uninitialized,
            revision: 0,
            published: HashMap::new(),
            compiler_diagnostics: HashMap::new(),
            diagnostics_revision: 0,
            test_diagnostics: HashMap::new(),
            tests_due: None,
            next_request: 0,
        }
    }

    fn run(&mut self, messages: &Receiver<Message>, task_results: &Receiver<Task>) -> bool {
        loop {
            let timer = match self.tests_due {
                Some(due) => after(due.saturating_duration_since(Instant::now())),
                None => never(),
            };
            select! {
                recv(messages) -> message => match message {
                    Ok(message) => {
                        if let Some(clean) = self.message(message) {
                            return clean;
                        }
                    }
                    // The client went away without `exit`.
                    Err(_) => return false,
                },
                recv(task_results) -> task => {
                    if let Ok(task) = task {
                        self.task(task);
                    }
                }
                recv(timer) -> _ => self.run_tests(),
            }
        }
    }

    /// Handles one message; `Some` when the server should stop, with whether that is a clean
    /// exit.
    fn message(&mut self, message: Message) -> Option<bool> {
        match message {
            Message::Request(request) => {
                let id = request.id.clone();
                if catch_unwind(AssertUnwindSafe(|| self.request(request))).is_err() {
                    self.respond_error(id, ErrorCode::InternalError, "internal error".into());
                }
                None
            }
            Message::Notification(n) if n.method == "exit" => {
                Some(self.state == State::ShuttingDown)
            }
            Message::Notification(n) => {
                let method = n.method.clone();
                if catch_unwind(AssertUnwindSafe(|| self.notification(n))).is_err() {
                    eprintln!("writ lsp: internal error while handling `{method}`");
                }
                None
            }
            // Answers to our own requests (registrations, refreshes) need no follow-up.
            Message::Response(_) => None,
        }
    }

    fn send(&self, message: impl Into<Message>) {
        // The connection closes only when the client is gone; there is no one left to tell.
        let _ = self.outbox.send(message.into());
    }

    fn respond_error(&self, id: RequestId, code: ErrorCode, message: String) {
        self.send(Response::new_err(id, code as i32, message));
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        self.send(Notification::new(method.to_string(), params));
    }

    /// Sends a request to the client; its answer is ignored.
    fn request_client(&mut self, method: &str, params: impl serde::Serialize) {
        self.next_request += 1;
        let id = RequestId::from(format!("writ-{}", self.next_request));
        self.send(Request::new(id, method.to_string(), params));
    }

    fn snapshot(&self) -> Snap {
        Snap {
            compiler: self.compiler.snapshot(),
            files: self.files.clone(),
            generations: self.generations.clone(),
            caps: self.caps,
            outbox: self.outbox.clone(),
            tasks: self.tasks.clone(),
        }
    }
}
