//! One item as an editor sees it: every name in it with what it denotes, and every
//! expression's type. Memoized per item, so after an edit only the edited item is analysed
//! again, exactly as only it is checked again.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use writ_language::ast::Span;
use writ_stdlib::BuiltinId;

use super::symbol::{Occurrence, Role};
use super::walk::Walker;
use crate::check::check_tree;
use crate::db::SourceFile;
use crate::items::{ItemKey, ItemNode, ItemSyntax};
use crate::schema::schema;
use crate::types::Ty;
use crate::workspace::name_index;

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ItemAnalysis {
    /// Sorted by span; spans are item-relative.
    pub occurrences: Vec<Occurrence>,
    /// Each expression's types (one per environment where they differ), by span.
    pub types: BTreeMap<Span, Vec<Ty>>,
    /// The built-in overloads each call resolved to, by the whole call's span.
    pub calls: BTreeMap<(u32, u32), BTreeSet<BuiltinId>>,
}

impl ItemAnalysis {
    /// The innermost name at `offset` (item-relative); an offset just after a name counts, so
    /// that a cursor at the end of a word finds it.
    pub fn occurrence_at(&self, offset: u32) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .filter(|o| o.span.contains(offset))
            .min_by_key(|o| (o.span.len(), u32::MAX - o.span.start))
    }

    /// The innermost expression at `offset` with its types.
    pub fn type_at(&self, offset: u32) -> Option<(Span, &[Ty])> {
        self.types
            .iter()
            .filter(|(span, _)| span.contains(offset))
            .min_by_key(|(span, _)| span.len())
            .map(|(span, types)| (*span, types.as_slice()))
    }
}

#[salsa::tracked(returns(ref))]
pub fn item_analysis<'db>(db: &'db dyn salsa::Database, item: ItemNode<'db>) -> Arc<ItemAnalysis> {
    Arc::new(analyze(
        db,
        item.file(db),
        item.key(db).clone(),
        item.syntax(db),
    ))
}

/// Analyses a tree that need not be in the database (completion analyses a copy of the item
/// with the text being typed completed).
pub fn analyze(
    db: &dyn salsa::Database,
    file: SourceFile,
    key: ItemKey,
    syntax: &ItemSyntax,
) -> ItemAnalysis {
    let (check, recorded) = check_tree(db, file, key, syntax, true);
    let mut recorded = recorded.unwrap_or_default();
    let fields = recorded.all_fields();
    let mut walker = Walker::new(schema(db), name_index(db));
    walker.item(&syntax.kind);
    let mut occurrences = walker.out;
    occurrences.extend(fields.into_iter().map(|(span, symbol, quoted)| Occurrence {
        span,
        symbol,
        role: Role::Reference,
        quoted,
    }));
    occurrences.sort();
    occurrences.dedup();
    ItemAnalysis {
        occurrences,
        types: recorded.all_types(),
        calls: check.calls,
    }
}
