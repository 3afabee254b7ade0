//! What editors ask of a policy set: the name or expression at a position, its type and
//! documentation, where it is declared and used, how to rename it, what may be typed next, and
//! the shape of a file (symbols, highlighting, folds).
//!
//! Everything is built on the compiler's queries: the per-item analysis
//! ([`item_analysis`]) is itself a tracked query over one item, so after an edit only the
//! edited item is analysed again. Positions in and out are byte offsets in a file's text; the
//! language server converts them to its own line and column positions.

mod analysis;
mod complete;
mod describe;
mod folding;
mod hover;
mod navigate;
mod outline;
mod rename;
mod symbol;
mod tokens;
mod visit;
mod walk;

pub use analysis::{ItemAnalysis, analyze, item_analysis};
pub use complete::{Completion, CompletionKind, Completions, completions};
pub use folding::{Fold, FoldKind, folding_ranges};
pub use hover::{Hover, hover};
pub use navigate::{
    Highlight, SymbolAt, declaration, definition, highlights, references, symbol_at,
};
pub use outline::{OutlineKind, OutlineNode, document_outline, workspace_symbols};
pub use rename::{Edit, prepare_rename, rename};
pub use symbol::{Occurrence, Role, Symbol};
pub use tokens::{Modifier, Token, TokenKind, semantic_tokens};

use writ_language::ast::Span;

use crate::db::SourceFile;
use crate::items::{ItemNode, file_items};

/// A span of a file, measured from the start of the file.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct FileSpan {
    pub file: SourceFile,
    pub span: Span,
}

/// The item whose text contains `offset`, counting the offset just past its end (a cursor at
/// the end of the last word of an item is in that item).
pub fn item_at(db: &dyn salsa::Database, file: SourceFile, offset: u32) -> Option<ItemNode<'_>> {
    file_items(db, file).iter().copied().find(|item| {
        let span = item.syntax(db).span.shift(item.offset(db));
        span.contains(offset)
    })
}

/// The text of an item, from its start to the end of its syntax.
pub(crate) fn item_text<'db>(db: &'db dyn salsa::Database, item: ItemNode<'db>) -> &'db str {
    let start = item.offset(db) as usize;
    let end = start + item.syntax(db).span.end as usize;
    item.file(db).text(db).get(start..end).unwrap_or("")
}

/// Whether a file is one of the user's (not a prelude module compiled into Writ).
pub(crate) fn is_user_file(db: &dyn salsa::Database, file: SourceFile) -> bool {
    crate::db::Workspace::get(db).files(db).contains(&file)
}
