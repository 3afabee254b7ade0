//! `textDocument/codeAction`: the quick fix of each did-you-mean diagnostic in the range
//! (replace the misspelled name with the suggestion).

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, TextEdit, WorkspaceEdit,
};

use super::Result;
use crate::convert::{Indexes, diagnostic};
use crate::snapshot::Snap;

pub fn code_action(
    snap: &Snap,
    params: CodeActionParams,
) -> Result<Option<Vec<CodeActionOrCommand>>> {
    let uri = params.text_document.uri;
    let Some(file) = snap.file(&uri) else {
        return Ok(None);
    };
    let wanted = snap.index(file).span(params.range);
    let mut indexes = Indexes::new(snap);
    let mut actions = Vec::new();
    for d in writ_compiler::file_diagnostics(snap.db(), file) {
        let Some(suggestion) = &d.suggestion else {
            continue;
        };
        let span = d.primary.loc.span;
        if span.end < wanted.start || wanted.end < span.start {
            continue;
        }
        let converted = diagnostic(&mut indexes, d);
        let edit = TextEdit {
            range: converted.range,
            new_text: suggestion.replacement.clone(),
        };
        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: capitalize(&suggestion.message),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![converted]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                ..WorkspaceEdit::default()
            }),
            command: None,
            is_preferred: Some(true),
            disabled: None,
            data: None,
        }));
    }
    Ok(Some(actions))
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
