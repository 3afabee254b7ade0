//! `textDocument/prepareRename` and `textDocument/rename`, across files. A name that cannot be
//! renamed, or a new name that would not parse or would collide, is refused with a message
//! for the user.

use std::collections::HashMap;

use lsp_types::{
    PrepareRenameResponse, RenameParams, TextDocumentPositionParams, TextEdit, WorkspaceEdit,
};
use writ_compiler::ide;

use super::{Result, failed, locate};
use crate::snapshot::Snap;

pub fn prepare(
    snap: &Snap,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>> {
    let Some((file, offset)) = locate(snap, &params) else {
        return Ok(None);
    };
    let (span, placeholder) = ide::prepare_rename(snap.db(), file, offset).map_err(failed)?;
    Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: snap.index(file).range(span),
        placeholder,
    }))
}

pub fn rename(snap: &Snap, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
    let Some((file, offset)) = locate(snap, &params.text_document_position) else {
        return Ok(None);
    };
    let edits = ide::rename(snap.db(), file, offset, &params.new_name).map_err(failed)?;
    let mut changes: HashMap<lsp_types::Url, Vec<TextEdit>> = HashMap::new();
    for edit in edits {
        let Some(uri) = snap.uri(edit.file) else {
            return Err(failed(
                "the name is used in a file the editor cannot change",
            ));
        };
        changes.entry(uri.clone()).or_default().push(TextEdit {
            range: snap.index(edit.file).range(edit.span),
            new_text: edit.text,
        });
    }
    Ok(Some(WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    }))
}
