//! `textDocument/completion`.

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, CompletionTextEdit,
    Documentation, InsertTextFormat, TextEdit,
};
use writ_compiler::ide::{self, CompletionKind};

use super::{Result, locate, markup};
use crate::snapshot::Snap;

fn kind(kind: CompletionKind) -> CompletionItemKind {
    match kind {
        CompletionKind::Keyword => CompletionItemKind::KEYWORD,
        CompletionKind::Snippet => CompletionItemKind::SNIPPET,
        CompletionKind::Entity => CompletionItemKind::CLASS,
        CompletionKind::Enum => CompletionItemKind::ENUM,
        CompletionKind::Alias | CompletionKind::Primitive => CompletionItemKind::TYPE_PARAMETER,
        CompletionKind::EnumMember => CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Attribute => CompletionItemKind::PROPERTY,
        CompletionKind::Argument | CompletionKind::StateField | CompletionKind::Field => {
            CompletionItemKind::FIELD
        }
        CompletionKind::Action => CompletionItemKind::EVENT,
        CompletionKind::Rule => CompletionItemKind::REFERENCE,
        CompletionKind::Helper | CompletionKind::Function => CompletionItemKind::FUNCTION,
        CompletionKind::Method => CompletionItemKind::METHOD,
        CompletionKind::Variable | CompletionKind::Local => CompletionItemKind::VARIABLE,
        CompletionKind::Module => CompletionItemKind::MODULE,
    }
}

pub fn completion(snap: &Snap, params: CompletionParams) -> Result<Option<CompletionResponse>> {
    let Some((file, offset)) = locate(snap, &params.text_document_position) else {
        return Ok(None);
    };
    let found = ide::completions(snap.db(), file, offset);
    let range = snap.index(file).range(found.replace);
    let items = found
        .items
        .into_iter()
        // Without snippet support, skeletons are no use and calls insert their bare name.
        .filter(|c| snap.caps.snippets || c.kind != CompletionKind::Snippet)
        .enumerate()
        .map(|(i, c)| {
            let snippet = c.snippet && snap.caps.snippets;
            let text = match (&c.insert, c.snippet) {
                (Some(insert), true) if snippet => insert.clone(),
                (Some(insert), false) => insert.clone(),
                _ => c.label.clone(),
            };
            CompletionItem {
                kind: Some(kind(c.kind)),
                detail: c.detail,
                documentation: c
                    .documentation
                    .map(|d| Documentation::MarkupContent(markup(snap, d))),
                // The server's order groups what is most likely first.
                sort_text: Some(format!("{i:04}")),
                filter_text: Some(c.label.clone()),
                insert_text_format: Some(if snippet {
                    InsertTextFormat::SNIPPET
                } else {
                    InsertTextFormat::PLAIN_TEXT
                }),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                    range,
                    new_text: text,
                })),
                label: c.label,
                ..CompletionItem::default()
            }
        })
        .collect();
    Ok(Some(CompletionResponse::List(lsp_types::CompletionList {
        is_incomplete: false,
        items,
    })))
}
