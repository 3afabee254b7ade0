//! Going from a name to its declaration and to every place it is used, across files.

use writ_language::ast::Span;

use super::analysis::item_analysis;
use super::symbol::{Occurrence, Role, Symbol};
use super::{FileSpan, is_user_file, item_at, item_text};
use crate::db::SourceFile;
use crate::items::{ItemNode, file_items};
use crate::schema::{Origin, schema};
use crate::workspace::{active_files, name_index};

/// The name under the cursor.
#[derive(Clone, Debug)]
pub struct SymbolAt<'db> {
    pub symbol: Symbol,
    /// Where it is written, in the file.
    pub span: Span,
    pub quoted: bool,
    pub role: Role,
    /// The item it is written in (locals are only meaningful there).
    pub item: ItemNode<'db>,
}

pub fn symbol_at(db: &dyn salsa::Database, file: SourceFile, offset: u32) -> Option<SymbolAt<'_>> {
    let item = item_at(db, file, offset)?;
    let base = item.offset(db);
    let occurrence = item_analysis(db, item).occurrence_at(offset.checked_sub(base)?)?;
    Some(SymbolAt {
        symbol: occurrence.symbol.clone(),
        span: occurrence.span.shift(base),
        quoted: occurrence.quoted,
        role: occurrence.role,
        item,
    })
}

fn origin_span(db: &dyn salsa::Database, origin: &Origin) -> FileSpan {
    let loc = crate::resolve_loc(db, &origin.loc());
    FileSpan {
        file: loc.file,
        span: loc.span,
    }
}

/// Where a symbol is declared (the first declaration, when there are several). `within` is
/// the item a local belongs to.
pub fn declaration(
    db: &dyn salsa::Database,
    symbol: &Symbol,
    within: ItemNode<'_>,
) -> Option<FileSpan> {
    let schema = schema(db);
    let names = name_index(db);
    let origin = match symbol {
        Symbol::Entity(n) => &schema.entities.get(n)?.origin,
        Symbol::Enum(n) => &schema.enums.get(n)?.origin,
        Symbol::Alias(n) => &schema.aliases.get(n)?.origin,
        Symbol::EnumMember { ty, member } => &schema.enums.get(ty)?.member_info.get(member)?.origin,
        Symbol::Attribute { entity, name } => {
            &schema.entities.get(entity)?.attr_info.get(name)?.origin
        }
        Symbol::Argument { action, name } => {
            &schema.actions.get(action)?.arg_info.get(name)?.origin
        }
        Symbol::StateField(n) => &schema.state.as_ref()?.field_info.get(n)?.origin,
        Symbol::Action(n) => &schema.actions.get(n)?.origin,
        Symbol::Rule(n) => &names.rules.get(n)?.first()?.origin,
        Symbol::Helper(n) => names.helpers.get(n)?.first()?,
        Symbol::Test(n) => names.tests.get(n)?.first()?,
        Symbol::Local { def, .. } => {
            return Some(FileSpan {
                file: within.file(db),
                span: def.shift(within.offset(db)),
            });
        }
        Symbol::Primitive(_) | Symbol::Module(_) | Symbol::Variable(_) | Symbol::Builtin { .. } => {
            return None;
        }
    };
    Some(origin_span(db, origin))
}

/// The declaration of the name at the cursor, if it is declared in one of the user's files.
pub fn definition(db: &dyn salsa::Database, file: SourceFile, offset: u32) -> Option<FileSpan> {
    let at = symbol_at(db, file, offset)?;
    declaration(db, &at.symbol, at.item).filter(|d| is_user_file(db, d.file))
}

/// Every occurrence of a symbol in the policy set (prelude modules included), in file order.
pub(crate) fn occurrences(
    db: &dyn salsa::Database,
    symbol: &Symbol,
    within: ItemNode<'_>,
) -> Vec<(SourceFile, Occurrence)> {
    let mut out = Vec::new();
    let mut search = |item: ItemNode<'_>| {
        let base = item.offset(db);
        for o in &item_analysis(db, item).occurrences {
            if o.symbol == *symbol {
                let mut o = o.clone();
                o.span = o.span.shift(base);
                out.push((item.file(db), o));
            }
        }
    };
    if matches!(symbol, Symbol::Local { .. }) {
        search(within);
        return out;
    }
    // Every occurrence spells the name out, so only items whose text contains it need analysing.
    let needle = symbol.name();
    for file in active_files(db) {
        for item in file_items(db, *file) {
            if item_text(db, *item).contains(needle) {
                search(*item);
            }
        }
    }
    out
}

/// Every use of the name at the cursor in the user's files, and its declarations if asked.
pub fn references(
    db: &dyn salsa::Database,
    file: SourceFile,
    offset: u32,
    include_declaration: bool,
) -> Vec<FileSpan> {
    let Some(at) = symbol_at(db, file, offset) else {
        return Vec::new();
    };
    occurrences(db, &at.symbol, at.item)
        .into_iter()
        .filter(|(f, o)| is_user_file(db, *f) && (include_declaration || o.role == Role::Reference))
        .map(|(file, o)| FileSpan { file, span: o.span })
        .collect()
}

/// An occurrence of the name at the cursor within the same file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Highlight {
    pub span: Span,
    pub role: Role,
}

/// The occurrences, in this file, of the name at the cursor.
pub fn highlights(db: &dyn salsa::Database, file: SourceFile, offset: u32) -> Vec<Highlight> {
    let Some(at) = symbol_at(db, file, offset) else {
        return Vec::new();
    };
    occurrences(db, &at.symbol, at.item)
        .into_iter()
        .filter(|(f, _)| *f == file)
        .map(|(_, o)| Highlight {
            span: o.span,
            role: o.role,
        })
        .collect()
}
