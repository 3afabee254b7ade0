//! Go to definition, find references and document highlights.

use lsp_types::{
    DocumentHighlight, DocumentHighlightKind, DocumentHighlightParams, GotoDefinitionParams,
    GotoDefinitionResponse, Location, ReferenceParams,
};
use writ_compiler::ide::{self, Role};

use super::{Result, locate, location};
use crate::snapshot::Snap;

pub fn definition(
    snap: &Snap,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>> {
    let Some((file, offset)) = locate(snap, &params.text_document_position_params) else {
        return Ok(None);
    };
    Ok(ide::definition(snap.db(), file, offset)
        .and_then(|at| location(snap, at))
        .map(GotoDefinitionResponse::Scalar))
}

pub fn references(snap: &Snap, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
    let Some((file, offset)) = locate(snap, &params.text_document_position) else {
        return Ok(None);
    };
    let found = ide::references(snap.db(), file, offset, params.context.include_declaration);
    Ok(Some(
        found
            .into_iter()
            .filter_map(|at| location(snap, at))
            .collect(),
    ))
}

pub fn highlight(
    snap: &Snap,
    params: DocumentHighlightParams,
) -> Result<Option<Vec<DocumentHighlight>>> {
    let Some((file, offset)) = locate(snap, &params.text_document_position_params) else {
        return Ok(None);
    };
    let index = snap.index(file);
    Ok(Some(
        ide::highlights(snap.db(), file, offset)
            .into_iter()
            .map(|h| DocumentHighlight {
                range: index.range(h.span),
                kind: Some(match h.role {
                    Role::Definition => DocumentHighlightKind::WRITE,
                    Role::Reference => DocumentHighlightKind::READ,
                }),
            })
            .collect(),
    ))
}
