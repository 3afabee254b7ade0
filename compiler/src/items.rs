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

#[salsa::tracked(returns(ref))]
pub fn parse_file<'db>(db: &'db dyn salsa::Database, file: SourceFile) -> ParsedFile<'db> {
    let parsed = writ_language::parse(file.text(db));
    let mut seen: std::collections::HashMap<(ItemTag, Arc<str>), u32> = Default::default();
    let items = parsed
        .items
        .into_iter()
        .map(|item| {
            let tag = tag_of(&item.kind);
            let name: Arc<str> = Arc::from(item.kind.name().unwrap_or(""));
            let nth = seen.entry((tag, name.clone())).or_default();
            let key = ItemKey {
                tag,
                name,
                nth: *nth,
            };
            *nth += 1;
            let syntax = ItemSyntax {
                kind: item.kind,
                span: item.span,
            };
            ItemNode::new(db, file, key, item.offset, Arc::new(syntax))
        })
        .collect();
    ParsedFile {
        items,
        errors: parsed.errors,
    }
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
