//! Diagnostics: computed on workers, published by the main loop, which knows whether they are
//! still current. A file's published diagnostics are its compiler diagnostics followed by its
//! failing tests (as long as its text is the one the tests ran on); they are sent only when
//! they change, or when an open document reaches a new version.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};

use lsp_types::{PublishDiagnosticsParams, Url};

use super::Server;
use crate::diagnostics;
use crate::snapshot::Task;
use crate::test_results;

/// Runs a job on a snapshot, letting a cancellation (an edit arrived) end it quietly: the edit
/// schedules the job again.
fn quietly(job: impl FnOnce()) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(job))
        && !payload.is::<salsa::Cancelled>()
    {
        eprintln!("writ lsp: internal error in a background job");
    }
}

impl Server {
    pub(super) fn schedule_diagnostics(&mut self) {
        let snap = self.snapshot();
        let revision = self.revision;
        self.pool.spawn(move || {
            quietly(|| {
                let files = diagnostics::compute(&snap);
                let _ = snap.tasks.send(Task::Diagnostics { revision, files });
            })
        });
    }

    pub(super) fn run_tests(&mut self) {
        self.tests_due = None;
        let snap = self.snapshot();
        self.pool.spawn(move || quietly(|| test_results::job(snap)));
    }

    pub(super) fn task(&mut self, task: Task) {
        match task {
            Task::Diagnostics { revision, files } => {
                if revision != self.revision {
                    // Computed before the latest change; its own diagnostics are on the way.
                    return;
                }
                self.compiler_diagnostics = files.into_iter().collect();
                self.diagnostics_revision = revision;
                self.publish();
            }
            Task::Tests { generations, files } => {
                self.test_diagnostics = files
                    .into_iter()
                    .map(|(uri, found)| {
                        let generation = generations.get(&uri).copied().unwrap_or(0);
                        (uri, (generation, found))
                    })
                    .collect();
                self.publish();
            }
            Task::RefreshCodeLens => self.request_client("workspace/codeLens/refresh", ()),
        }
    }

    fn generation(&self, uri: &Url) -> u64 {
        self.generations.get(uri).copied().unwrap_or(0)
    }

    pub(super) fn publish(&mut self) {
        // Until the latest change's diagnostics are in, the ones at hand describe older text:
        // publishing them under a document's new version would be wrong.
        if self.diagnostics_revision != self.revision {
            return;
        }
        let uris: BTreeSet<Url> = self
            .compiler_diagnostics
            .keys()
            .chain(self.test_diagnostics.keys())
            .chain(self.published.keys())
            .cloned()
            .collect();
        for uri in uris {
            let known = self.files.get(&uri).is_some();
            let mut found = Vec::new();
            if known {
                found.extend(
                    self.compiler_diagnostics
                        .get(&uri)
                        .into_iter()
                        .flatten()
                        .cloned(),
                );
                if let Some((generation, tests)) = self.test_diagnostics.get(&uri)
                    && *generation == self.generation(&uri)
                {
                    found.extend(tests.iter().cloned());
                }
            }
            let version = self.documents.get(&uri).map(|d| d.version);
            let entry = (version, found);
            if self.published.get(&uri) == Some(&entry) {
                continue;
            }
            // A closed file without problems that was never published needs no message.
            if entry.1.is_empty() && version.is_none() && !self.published.contains_key(&uri) {
                continue;
            }
            self.notify(
                "textDocument/publishDiagnostics",
                PublishDiagnosticsParams {
                    uri: uri.clone(),
                    diagnostics: entry.1.clone(),
                    version,
                },
            );
            if known {
                self.published.insert(uri, entry);
            } else {
                self.published.remove(&uri);
            }
        }
    }
}
