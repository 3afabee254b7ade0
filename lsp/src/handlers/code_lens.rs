//! A code lens on each `test` block showing whether it passes, which runs it again when
//! clicked (`writ.runTest`); `writ.runTests` runs them all.

use lsp_types::{
    CodeLens, CodeLensParams, Command, ExecuteCommandParams, MessageType, ShowMessageParams, Url,
};
use serde_json::{Value, json};
use writ_compiler::ide::{self, OutlineKind};

use super::{RequestError, Result};
use crate::capabilities::{RUN_TEST, RUN_TESTS};
use crate::snapshot::Snap;
use crate::test_results::{Run, prepare};

/// The tests of a file: name and where the name is.
fn tests_of(
    snap: &Snap,
    file: writ_compiler::SourceFile,
) -> Vec<(String, writ_language::ast::Span)> {
    ide::document_outline(snap.db(), file)
        .into_iter()
        .filter(|n| n.kind == OutlineKind::Test)
        .map(|n| (n.name, n.name_span))
        .collect()
}

fn title(run: &std::result::Result<Run, String>, path: &str, name: &str) -> String {
    let result = run
        .as_ref()
        .ok()
        .and_then(|r| r.results.iter().find(|t| t.path == path && t.name == name));
    match (run, result) {
        (Err(why), _) => format!("▶ Run test (cannot run: {why})"),
        (Ok(_), None) => "▶ Run test".to_string(),
        (Ok(_), Some(t)) if t.passed => "✓ passed · run again".to_string(),
        (Ok(_), Some(t)) => format!(
            "✗ failed: {} · run again",
            t.failure.as_deref().unwrap_or("it did not pass")
        ),
    }
}

pub fn code_lens(snap: &Snap, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
    let uri = params.text_document.uri;
    let Some(file) = snap.file(&uri) else {
        return Ok(None);
    };
    let tests = tests_of(snap, file);
    if tests.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let path = file.path(snap.db()).clone();
    let index = snap.index(file);
    let lenses: Vec<(lsp_types::Range, String)> = tests
        .into_iter()
        .map(|(name, span)| (index.range(span), name))
        .collect();
    let run = prepare(snap).run();
    Ok(Some(
        lenses
            .into_iter()
            .map(|(range, name)| CodeLens {
                range,
                command: Some(Command {
                    title: title(&run, &path, &name),
                    command: RUN_TEST.to_string(),
                    arguments: Some(vec![json!(uri), json!(name)]),
                }),
                data: None,
            })
            .collect(),
    ))
}

fn invalid(message: &str) -> RequestError {
    RequestError {
        code: lsp_server::ErrorCode::InvalidParams as i32,
        message: message.to_string(),
    }
}

/// Runs one test (`[uri, name]`) or all of them, tells the user, and publishes failures.
pub fn execute(snap: &Snap, params: ExecuteCommandParams) -> Result<Option<Value>> {
    let wanted: Option<(Url, String)> = match params.command.as_str() {
        RUN_TEST => match params.arguments.as_slice() {
            [uri, name] => {
                let uri: Url = serde_json::from_value(uri.clone())
                    .map_err(|_| invalid("writ.runTest takes a document URI and a test name"))?;
                let name = name
                    .as_str()
                    .ok_or_else(|| invalid("writ.runTest takes a document URI and a test name"))?;
                Some((uri, name.to_string()))
            }
            _ => return Err(invalid("writ.runTest takes a document URI and a test name")),
        },
        RUN_TESTS => None,
        other => return Err(invalid(&format!("unknown command `{other}`"))),
    };
    let path = match &wanted {
        Some((uri, _)) => match snap.file(uri) {
            Some(file) => Some(file.path(snap.db()).clone()),
            None => return Err(invalid("the test's document is not part of the policy set")),
        },
        None => None,
    };
    let mut prepared = prepare(snap);
    let run = prepared.run();
    let (kind, message, result) = match (&run, &wanted) {
        (Err(why), _) => (
            MessageType::ERROR,
            format!("Tests cannot run: {why}"),
            json!({"error": why}),
        ),
        (Ok(run), Some((_, name))) => {
            let found = run
                .results
                .iter()
                .find(|t| Some(&t.path) == path.as_ref() && &t.name == name);
            match found {
                None => (
                    MessageType::WARNING,
                    format!("There is no test \"{name}\" in this file"),
                    json!({"error": "no such test"}),
                ),
                Some(t) if t.passed => (
                    MessageType::INFO,
                    format!("test \"{name}\" passed"),
                    json!({"name": name, "passed": true}),
                ),
                Some(t) => {
                    let failure = t.failure.clone().unwrap_or_default();
                    (
                        MessageType::ERROR,
                        format!("test \"{name}\" failed: {failure}"),
                        json!({"name": name, "passed": false, "failure": failure}),
                    )
                }
            }
        }
        (Ok(run), None) => {
            let failed = run.results.iter().filter(|t| !t.passed).count();
            let passed = run.results.len() - failed;
            let kind = if failed == 0 {
                MessageType::INFO
            } else {
                MessageType::ERROR
            };
            (
                kind,
                format!("{passed} tests passed, {failed} failed"),
                json!({"passed": passed, "failed": failed}),
            )
        }
    };
    let _ = prepared.outbox.send(
        lsp_server::Notification::new(
            "window/showMessage".to_string(),
            ShowMessageParams { typ: kind, message },
        )
        .into(),
    );
    prepared.report(&run);
    Ok(Some(result))
}
