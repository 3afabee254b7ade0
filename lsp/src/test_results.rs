//! Test runs as the editor sees them: each test's result for its code lens, and each failing
//! test as a diagnostic on its name, explained by the rules that decided (or came nearest).

use std::collections::HashMap;
use std::sync::Arc;

use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Url,
};

use crate::line_index::LineIndex;
use crate::snapshot::{Snap, Task};
use crate::testrun::{TestResult, run};

/// A run's results, with what is needed to place them in the editor's files.
pub struct Run {
    pub results: Vec<TestResult>,
    /// The compiler's path of each file → its URI.
    uris: HashMap<String, Url>,
    /// The compiler's path of each file → the text the tests ran on.
    texts: HashMap<String, Arc<str>>,
}

fn uris(snap: &Snap) -> HashMap<String, Url> {
    snap.files
        .uris()
        .filter_map(|uri| {
            let file = snap.files.get(uri)?;
            Some((file.path(snap.db()).clone(), uri.clone()))
        })
        .collect()
}

/// A compiled policy set ready to run its tests, holding nothing of the database.
pub struct Prepared {
    compiled: Result<writ_compiler::Compiled, String>,
    uris: HashMap<String, Url>,
    /// The generation of each file's text the set was compiled from.
    pub generations: Arc<HashMap<Url, u64>>,
    pub tasks: crossbeam_channel::Sender<Task>,
    pub outbox: crossbeam_channel::Sender<lsp_server::Message>,
    pub code_lens_refresh: bool,
}

/// Compiles the policy set, or finds why it cannot be. Only this needs the snapshot: a caller
/// that owns it drops it before running the tests, so that edits are not held up meanwhile.
pub fn prepare(snap: &Snap) -> Prepared {
    let compiled = snap.compiler.compile().map_err(|diagnostics| {
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        format!(
            "the policy set has {errors} error{}",
            if errors == 1 { "" } else { "s" }
        )
    });
    Prepared {
        compiled,
        uris: uris(snap),
        generations: snap.generations.clone(),
        tasks: snap.tasks.clone(),
        outbox: snap.outbox.clone(),
        code_lens_refresh: snap.caps.code_lens_refresh,
    }
}

impl Prepared {
    /// Runs every test, reading fixtures from disk.
    pub fn run(&mut self) -> Result<Run, String> {
        let compiled = std::mem::replace(&mut self.compiled, Err(String::new()))?;
        let texts = compiled
            .sources
            .iter()
            .map(|s| (s.path.to_string(), s.text.clone()))
            .collect();
        Ok(Run {
            results: run(compiled),
            uris: std::mem::take(&mut self.uris),
            texts,
        })
    }

    /// Hands failing tests' diagnostics to the main loop, and has lenses refreshed.
    pub fn report(&self, run: &Result<Run, String>) {
        let files = run.as_ref().map(Run::diagnostics).unwrap_or_default();
        let _ = self.tasks.send(Task::Tests {
            generations: self.generations.clone(),
            files,
        });
        if self.code_lens_refresh {
            let _ = self.tasks.send(Task::RefreshCodeLens);
        }
    }
}

impl Run {
    fn range(&self, path: &str, span: writ_language::ast::Span) -> Option<lsp_types::Range> {
        Some(LineIndex::new(self.texts.get(path)?).range(span))
    }

    pub fn uri(&self, path: &str) -> Option<&Url> {
        self.uris.get(path)
    }

    /// Each failing test as a diagnostic on its name, by file; every user file is listed, so
    /// that a test that passes again clears its diagnostic.
    pub fn diagnostics(&self) -> HashMap<Url, Vec<Diagnostic>> {
        let mut out: HashMap<Url, Vec<Diagnostic>> = self
            .uris
            .values()
            .map(|uri| (uri.clone(), Vec::new()))
            .collect();
        for result in self.results.iter().filter(|r| !r.passed) {
            let (Some(uri), Some(range)) = (
                self.uri(&result.path),
                self.range(&result.path, result.span),
            ) else {
                continue;
            };
            let mut message = format!(
                "test \"{}\" failed: {}",
                result.name,
                result.failure.as_deref().unwrap_or("it did not pass")
            );
            let mut related = Vec::new();
            for note in &result.explanation {
                message.push_str(&format!("\n{}", note.message));
                if let (Some(uri), Some(range)) =
                    (self.uri(&note.path), self.range(&note.path, note.span))
                {
                    related.push(DiagnosticRelatedInformation {
                        location: Location {
                            uri: uri.clone(),
                            range,
                        },
                        message: note.message.clone(),
                    });
                }
            }
            out.entry(uri.clone()).or_default().push(Diagnostic {
                range,
                severity: Some(DiagnosticSeverity::ERROR),
                code: Some(NumberOrString::String("test-failed".to_string())),
                code_description: None,
                source: Some("writ test".to_string()),
                message,
                related_information: (!related.is_empty()).then_some(related),
                tags: None,
                data: None,
            });
        }
        out
    }
}

/// The background job after edits: run the tests and hand their diagnostics to the main loop
/// (none while the policy set has errors: its tests cannot run).
pub fn job(snap: Snap) {
    if !has_tests(&snap) {
        // Nothing to run, and no need to compile the whole set to find that out.
        let _ = snap.tasks.send(Task::Tests {
            generations: snap.generations.clone(),
            files: HashMap::new(),
        });
        return;
    }
    let mut prepared = prepare(&snap);
    drop(snap);
    let run = prepared.run();
    prepared.report(&run);
}

/// Whether any of the user's files has a test.
fn has_tests(snap: &Snap) -> bool {
    let files = snap.compiler.files();
    writ_compiler::workspace::name_index(snap.db())
        .tests
        .values()
        .flatten()
        .any(|origin| files.contains(&origin.file))
}
