//! Which files and items make up the policy set, and the tables every item is checked against.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use writ_language::ast::{Effect, ItemKind};

use crate::db::{SourceFile, Workspace};
use crate::diagnostic::Diagnostic;
use crate::items::{ItemNode, ItemTag, file_items};
use crate::schema::{Origin, schema};
use crate::types::{Name, Ty};

/// The user's files, then every prelude module they `use` (directly or through another module).
#[salsa::tracked(returns(ref))]
pub fn active_files(db: &dyn salsa::Database) -> Vec<SourceFile> {
    let workspace = Workspace::get(db);
    let preludes = workspace.preludes(db);
    let mut files = workspace.files(db).clone();
    let mut used = BTreeSet::new();
    let mut queue = files.clone();
    while let Some(file) = queue.pop() {
        for item in file_items(db, file) {
            if item.key(db).tag != ItemTag::Use {
                continue;
            }
            if let ItemKind::Use(u) = &item.syntax(db).kind {
                let name = u.path.dotted();
                if let Some((_, module)) = preludes.iter().find(|(n, _)| *n == name)
                    && used.insert(name)
                {
                    files.push(*module);
                    queue.push(*module);
                }
            }
        }
    }
    files
}

/// Every item of every active file, in file order.
#[salsa::tracked(returns(ref))]
pub fn active_items<'db>(db: &'db dyn salsa::Database) -> Vec<ItemNode<'db>> {
    active_files(db)
        .iter()
        .flat_map(|file| file_items(db, *file).iter().copied())
        .collect()
}

/// A helper function's signature, as callers see it.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct HelperSig {
    pub name: Name,
    pub params: Vec<(Name, Ty)>,
    pub ret: Ty,
    pub docs: String,
    pub origin: Origin,
}

/// Every helper's signature. A helper's body can change without changing this table, so
/// editing a body re-checks only that helper.
#[salsa::tracked(returns(ref))]
pub fn helper_signatures(db: &dyn salsa::Database) -> Arc<BTreeMap<Name, HelperSig>> {
    let schema = schema(db);
    let mut table = BTreeMap::new();
    for item in active_items(db) {
        if item.key(db).tag != ItemTag::Function {
            continue;
        }
        let ItemKind::Function(f) = &item.syntax(db).kind else {
            continue;
        };
        let name: Name = Arc::from(f.name.name.as_str());
        if table.contains_key(&name) {
            continue;
        }
        let origin = Origin {
            file: item.file(db),
            item: item.key(db).clone(),
            span: f.name.span,
        };
        let loc = |span| crate::schema::item_loc(db, *item, span);
        // Type errors in a signature are reported by the helper's own check.
        let mut ignored = Vec::new();
        let params = f
            .params
            .iter()
            .map(|p| {
                (
                    Arc::from(p.name.name.as_str()),
                    schema.resolve_type(&p.ty, &loc, &mut ignored),
                )
            })
            .collect();
        let ret = schema.resolve_type(&f.ret, &loc, &mut ignored);
        table.insert(
            name.clone(),
            HelperSig {
                name,
                params,
                ret,
                docs: f.docs.text(),
                origin,
            },
        );
    }
    Arc::new(table)
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct RuleEntry {
    pub name: Name,
    /// `None` for an invariant (or a rule too broken to tell).
    pub effect: Option<Effect>,
    /// The item has a syntax error; only its name is known.
    pub broken: bool,
    pub origin: Origin,
}

/// Rules and invariants by name (they share one namespace: decisions name them), and test
/// names. Depends only on the items' headers.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct NameIndex {
    pub rules: BTreeMap<Name, Vec<RuleEntry>>,
    pub tests: BTreeMap<Name, Vec<Origin>>,
    pub helpers: BTreeMap<Name, Vec<Origin>>,
}

/// The names of the whole policy set, merged from each file's (so that an edit inside one item
/// re-indexes only its file).
#[salsa::tracked(returns(ref))]
pub fn name_index(db: &dyn salsa::Database) -> Arc<NameIndex> {
    let mut index = NameIndex::default();
    for file in active_files(db) {
        let part = file_name_index(db, *file);
        for (name, entries) in &part.rules {
            index
                .rules
                .entry(name.clone())
                .or_default()
                .extend(entries.iter().cloned());
        }
        for (name, entries) in &part.tests {
            index
                .tests
                .entry(name.clone())
                .or_default()
                .extend(entries.iter().cloned());
        }
        for (name, entries) in &part.helpers {
            index
                .helpers
                .entry(name.clone())
                .or_default()
                .extend(entries.iter().cloned());
        }
    }
    Arc::new(index)
}

#[salsa::tracked(returns(ref))]
pub fn file_name_index(db: &dyn salsa::Database, file: SourceFile) -> Arc<NameIndex> {
    let mut index = NameIndex::default();
    for item in file_items(db, file) {
        let key = item.key(db);
        let syntax = item.syntax(db);
        let (span, effect) = match &syntax.kind {
            ItemKind::Rule(r) => (r.name.span, Some(r.effect)),
            ItemKind::Invariant(i) => (i.name.span, None),
            ItemKind::Test(t) => (t.name.span, None),
            ItemKind::Function(f) => (f.name.span, None),
            ItemKind::Broken(b) => match (&b.name, b.keyword.as_str()) {
                (Some(name), "allow") => (name.span, Some(Effect::Allow)),
                (Some(name), "review") => (name.span, Some(Effect::Review)),
                (Some(name), "deny") => (name.span, Some(Effect::Deny)),
                (Some(name), "invariant" | "test" | "fn") => (name.span, None),
                _ => continue,
            },
            _ => continue,
        };
        let broken = matches!(syntax.kind, ItemKind::Broken(_));
        let origin = Origin {
            file,
            item: key.clone(),
            span,
        };
        let name = key.name.clone();
        match key.tag {
            ItemTag::Test => index.tests.entry(name).or_default().push(origin),
            ItemTag::Function => index.helpers.entry(name).or_default().push(origin),
            _ => index
                .rules
                .entry(name.clone())
                .or_default()
                .push(RuleEntry {
                    name,
                    effect,
                    broken,
                    origin,
                }),
        }
    }
    Arc::new(index)
}

/// Duplicate names across the policy set.
pub(crate) fn duplicate_diagnostics(index: &NameIndex) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (name, entries) in &index.rules {
        for again in entries.iter().skip(1) {
            let what = if again.effect.is_some() {
                "rule"
            } else {
                "invariant"
            };
            out.push(
                Diagnostic::error(
                    "E0112",
                    format!("the name `{name}` is used by more than one rule or invariant"),
                    again.origin.loc(),
                    format!("this {what} reuses it"),
                )
                .with_label(entries[0].origin.loc(), "first used here")
                .with_help(
                    "decisions name the rules that made them, so every rule needs its own name",
                ),
            );
        }
    }
    for (name, entries) in &index.tests {
        for again in entries.iter().skip(1) {
            out.push(
                Diagnostic::error(
                    "E0120",
                    format!("there is more than one test named \"{name}\""),
                    again.loc(),
                    "this test reuses it",
                )
                .with_label(entries[0].loc(), "first used here"),
            );
        }
    }
    for (name, entries) in &index.helpers {
        for again in entries.iter().skip(1) {
            out.push(
                Diagnostic::error(
                    "E0115",
                    format!("the function `{name}` is defined more than once"),
                    again.loc(),
                    "defined again here",
                )
                .with_label(entries[0].loc(), "first defined here"),
            );
        }
    }
    out
}
