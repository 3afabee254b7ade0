//! One module per kind of request. Each handler runs on a worker with a snapshot, takes the
//! request's parameters and returns its result: it never writes to the database.

pub mod code_action;
pub mod code_lens;
pub mod completion;
pub mod folding;
pub mod formatting;
pub mod hover;
pub mod navigation;
pub mod rename;
pub mod symbols;
pub mod tokens;

use lsp_server::ErrorCode;
use lsp_types::{Location, MarkupContent, MarkupKind, TextDocumentPositionParams};
use writ_compiler::SourceFile;
use writ_compiler::ide::FileSpan;

use crate::snapshot::Snap;

/// A request that could not be answered, as a JSON-RPC error.
#[derive(Debug)]
pub struct RequestError {
    pub code: i32,
    pub message: String,
}

pub type Result<T> = std::result::Result<T, RequestError>;

/// The request made sense but cannot be done (renaming a keyword, say); the message is for
/// the user.
pub fn failed(message: impl Into<String>) -> RequestError {
    RequestError {
        code: ErrorCode::RequestFailed as i32,
        message: message.into(),
    }
}

/// The file and byte offset of a position in a document, if the server knows the document.
pub fn locate(snap: &Snap, at: &TextDocumentPositionParams) -> Option<(SourceFile, u32)> {
    let file = snap.file(&at.text_document.uri)?;
    Some((file, snap.index(file).offset(at.position)))
}

/// A span as a location the client can open (not in a standard module, which has no file).
pub fn location(snap: &Snap, at: FileSpan) -> Option<Location> {
    Some(Location {
        uri: snap.uri(at.file)?.clone(),
        range: snap.index(at.file).range(at.span),
    })
}

/// Markdown for clients that render it, the same text without code fences for the others.
pub fn markup(snap: &Snap, markdown: String) -> MarkupContent {
    if snap.caps.markdown {
        MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }
    } else {
        let plain: Vec<&str> = markdown.lines().filter(|l| !l.starts_with("```")).collect();
        MarkupContent {
            kind: MarkupKind::PlainText,
            value: plain.join("\n"),
        }
    }
}
