//! `textDocument/documentSymbol` (a file's outline) and `workspace/symbol` (search over every
//! declaration of the policy set).

use lsp_types::{
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, Location, SymbolInformation,
    SymbolKind, WorkspaceSymbolParams, WorkspaceSymbolResponse,
};
use writ_compiler::ide::{self, OutlineKind, OutlineNode};

use super::Result;
use crate::line_index::LineIndex;
use crate::snapshot::Snap;

fn kind(kind: OutlineKind) -> SymbolKind {
    match kind {
        OutlineKind::Module => SymbolKind::MODULE,
        OutlineKind::Schema => SymbolKind::NAMESPACE,
        OutlineKind::Entity => SymbolKind::CLASS,
        OutlineKind::Attribute => SymbolKind::PROPERTY,
        OutlineKind::Enum => SymbolKind::ENUM,
        OutlineKind::EnumMember => SymbolKind::ENUM_MEMBER,
        OutlineKind::Alias => SymbolKind::TYPE_PARAMETER,
        OutlineKind::Action => SymbolKind::EVENT,
        OutlineKind::Argument | OutlineKind::StateField => SymbolKind::FIELD,
        OutlineKind::State => SymbolKind::STRUCT,
        OutlineKind::Authority => SymbolKind::KEY,
        OutlineKind::Rule | OutlineKind::Helper => SymbolKind::FUNCTION,
        OutlineKind::Invariant => SymbolKind::CONSTANT,
        OutlineKind::Test => SymbolKind::METHOD,
    }
}

#[allow(deprecated)]
fn document_symbol(index: &LineIndex<'_>, node: OutlineNode) -> DocumentSymbol {
    let range = index.range(node.span);
    // The protocol requires the name's range inside the whole declaration's.
    let selection =
        if node.span.start <= node.name_span.start && node.name_span.end <= node.span.end {
            index.range(node.name_span)
        } else {
            range
        };
    DocumentSymbol {
        name: node.name,
        detail: node.detail,
        kind: kind(node.kind),
        tags: None,
        deprecated: None,
        range,
        selection_range: selection,
        children: (!node.children.is_empty()).then(|| {
            node.children
                .into_iter()
                .map(|c| document_symbol(index, c))
                .collect()
        }),
    }
}

pub fn document(
    snap: &Snap,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    let Some(file) = snap.file(&params.text_document.uri) else {
        return Ok(None);
    };
    let index = snap.index(file);
    let symbols = ide::document_outline(snap.db(), file)
        .into_iter()
        .map(|n| document_symbol(&index, n))
        .collect();
    Ok(Some(DocumentSymbolResponse::Nested(symbols)))
}

#[allow(deprecated)]
pub fn workspace(
    snap: &Snap,
    params: WorkspaceSymbolParams,
) -> Result<Option<WorkspaceSymbolResponse>> {
    let mut out = Vec::new();
    for (file, node, container) in ide::workspace_symbols(snap.db(), &params.query) {
        let Some(uri) = snap.uri(file) else { continue };
        out.push(SymbolInformation {
            name: node.name,
            kind: kind(node.kind),
            tags: None,
            deprecated: None,
            location: Location {
                uri: uri.clone(),
                range: snap.index(file).range(node.name_span),
            },
            container_name: container,
        });
    }
    Ok(Some(WorkspaceSymbolResponse::Flat(out)))
}
