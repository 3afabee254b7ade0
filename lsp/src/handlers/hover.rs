//! `textDocument/hover`: the type of an expression, a declaration's signature and doc comment,
//! a built-in's signatures and documentation.

use lsp_types::{Hover, HoverContents, HoverParams};

use super::{Result, locate, markup};
use crate::snapshot::Snap;

pub fn hover(snap: &Snap, params: HoverParams) -> Result<Option<Hover>> {
    let Some((file, offset)) = locate(snap, &params.text_document_position_params) else {
        return Ok(None);
    };
    let Some(found) = writ_compiler::ide::hover(snap.db(), file, offset) else {
        return Ok(None);
    };
    Ok(Some(Hover {
        contents: HoverContents::Markup(markup(snap, found.markdown)),
        range: Some(snap.index(file).range(found.span)),
    }))
}
