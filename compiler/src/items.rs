//! Files into items: the unit of incremental work.
//!
//! Each item of a file becomes a tracked struct whose identity is its kind, its name and its
//! rank among items of the same kind and name. Its syntax tree (with item-relative spans) is a
//! tracked field: after an edit, salsa compares each item's new tree with the old one, and only
//! queries over the items that really changed run again.

use std::sync::Arc;

use writ_language::SyntaxError;
use writ_language::ast::{ItemKind, Span};

use crate::db::SourceFile;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum ItemTag {
    Use,
    Schema,
    Rule,
    Invariant,
    Function,
    Test,
}

/// What identifies an item within its file across edits.
#[derive(Clone, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct ItemKey {
    pub tag: ItemTag,
    pub name: Arc<str>,
    /// 0 for the first item of this tag and name in the file, 1 for the second, ...
    pub nth: u32,
}

/// An item's syntax: its tree and its extent, both relative to the item's start.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct ItemSyntax {
    pub kind: ItemKind,
    pub span: Span,
}

#[salsa::tracked(debug)]
pub struct ItemNode<'db> {
    #[returns(copy)]
    pub file: SourceFile,
    #[returns(ref)]
    pub key: ItemKey,
    #[tracked]
    #[returns(copy)]
    pub offset: u32,
    #[tracked]
    #[returns(ref)]
    pub syntax: Arc<ItemSyntax>,
}

#[derive(Clone, PartialEq, Eq, Debug, salsa::SalsaValue)]
pub struct ParsedFile<'db> {
    pub items: Vec<ItemNode<'db>>,
    pub errors: Vec<SyntaxError>,
}

/// One item's text, interned so that parsing it is memoized by content.
#[salsa::interned(debug)]
struct ChunkText<'db> {
    #[returns(ref)]
    text: String,
}

#[derive(Clone, PartialEq, Eq, Debug)]
struct ParsedChunk {
    syntax: Option<Arc<ItemSyntax>>,
    /// Measured from the start of the chunk.
    errors: Vec<SyntaxError>,
}

/// Parses one item's text. An edit changes the text of one item, so re-parsing a file runs
/// pest on that item only; the others are found here by their unchanged text.
#[salsa::tracked(returns(ref))]
fn parse_chunk<'db>(db: &'db dyn salsa::Database, chunk: ChunkText<'db>) -> Arc<ParsedChunk> {
    let parsed = writ_language::parse_chunk(chunk.text(db));
    Arc::new(ParsedChunk {
        syntax: parsed.item.map(|item| {
            Arc::new(ItemSyntax {
                kind: item.kind,
                span: item.span,
            })
        }),
        errors: parsed.errors,
    })
}

#[salsa::tracked(returns(ref))]
pub fn parse_file<'db>(db: &'db dyn salsa::Database, file: SourceFile) -> ParsedFile<'db> {
    let text = file.text(db);
    let outline = writ_language::outline(text);
    let mut errors = outline.errors;
    let mut seen: std::collections::HashMap<(ItemTag, Arc<str>), u32> = Default::default();
    let mut items = Vec::with_capacity(outline.chunks.len());
    for range in outline.chunks {
        let chunk = parse_chunk(db, ChunkText::new(db, text[range.clone()].to_string()));
        errors.extend(chunk.errors.iter().map(|e| SyntaxError {
            span: e.span.shift(range.start as u32),
            ..e.clone()
        }));
        let Some(syntax) = &chunk.syntax else {
            continue;
        };
        let tag = tag_of(&syntax.kind);
        let name: Arc<str> = Arc::from(syntax.kind.name().unwrap_or(""));
        let nth = seen.entry((tag, name.clone())).or_default();
        let key = ItemKey {
            tag,
            name,
            nth: *nth,
        };
        *nth += 1;
        items.push(ItemNode::new(
            db,
            file,
            key,
            range.start as u32,
            syntax.clone(),
        ));
    }
    ParsedFile { items, errors }
}

/// The items of a file. Equal from one revision to the next as long as no item was added,
/// removed or renamed, so queries that only enumerate items are not disturbed by edits inside
/// them.
#[salsa::tracked(returns(ref))]
pub fn file_items<'db>(db: &'db dyn salsa::Database, file: SourceFile) -> Vec<ItemNode<'db>> {
    parse_file(db, file).items.clone()
}

/// The syntax errors of a file.
#[salsa::tracked(returns(ref))]
pub fn syntax_errors(db: &dyn salsa::Database, file: SourceFile) -> Vec<SyntaxError> {
    parse_file(db, file).errors.clone()
}

pub fn tag_of(kind: &ItemKind) -> ItemTag {
    match kind {
        ItemKind::Use(_) => ItemTag::Use,
        ItemKind::Schema(_) => ItemTag::Schema,
        ItemKind::Rule(_) => ItemTag::Rule,
        ItemKind::Invariant(_) => ItemTag::Invariant,
        ItemKind::Function(_) => ItemTag::Function,
        ItemKind::Test(_) => ItemTag::Test,
        // A broken item keeps the tag it will have once fixed, so that it keeps its identity.
        ItemKind::Broken(b) => match b.keyword.as_str() {
            "allow" | "review" | "deny" => ItemTag::Rule,
            "invariant" => ItemTag::Invariant,
            "fn" => ItemTag::Function,
            "test" => ItemTag::Test,
            "use" => ItemTag::Use,
            _ => ItemTag::Schema,
        },
    }
}

/// The item of `file` with `key`, if it still exists.
pub fn find_item<'db>(
    db: &'db dyn salsa::Database,
    file: SourceFile,
    key: &ItemKey,
) -> Option<ItemNode<'db>> {
    file_items(db, file)
        .iter()
        .copied()
        .find(|item| item.key(db) == key)
}
