//! The Writ compiler: an incremental salsa database from policy text to checked, lowered IR.
//!
//! Inputs are [`SourceFile`]s (path and text) gathered in the [`Workspace`]. Queries, in the
//! order data flows:
//!
//! - [`items::parse_file`] splits a file into items, each a tracked struct keyed by kind and name;
//! - [`workspace::active_files`] adds the prelude modules that files `use`;
//! - [`schema::schema`] merges every `schema` block and resolves its types;
//! - [`check::check_item`] type-checks one item against the schema;
//! - [`lower::lower_item`] turns one checked item into IR;
//! - [`file_diagnostics`] gathers a file's diagnostics with absolute positions;
//! - [`ide`] answers editors' questions (hover, definitions, references, completion, ...).
//!
//! Diagnostics are query values, never side effects. Nothing here reads files or prints.

pub mod check;
pub mod codes;
pub mod db;
pub mod diagnostic;
pub mod ide;
pub mod ir;
pub mod items;
pub mod lower;
pub mod render;
pub mod schema;
mod suggest;
pub mod types;
pub mod workspace;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use salsa::Setter;

pub use db::{Database, ExecutionLog, SourceFile, Workspace};
pub use diagnostic::{Anchor, Diagnostic, Label, Loc, Severity, Suggestion};
pub use suggest::closest;

use crate::check::check_item;
use crate::items::{ItemTag, file_items, find_item, syntax_errors};
use crate::workspace::{active_files, active_items, duplicate_diagnostics, name_index};

/// A policy set being compiled: owns the database and its inputs.
pub struct Compiler {
    db: Database,
    workspace: Workspace,
}

impl Default for Compiler {
    fn default() -> Self {
        Compiler::with_database(Database::default())
    }
}

impl Compiler {
    pub fn new() -> Compiler {
        Compiler::default()
    }

    /// A compiler whose database records the queries it executes (for incrementality tests).
    pub fn with_execution_log() -> (Compiler, ExecutionLog) {
        let (db, log) = Database::with_execution_log();
        (Compiler::with_database(db), log)
    }

    fn with_database(db: Database) -> Compiler {
        let preludes = writ_stdlib::prelude_modules()
            .iter()
            .map(|m| {
                let path = format!("<{}>", m.name);
                (
                    m.name.to_string(),
                    SourceFile::new(&db, path, m.source.to_string()),
                )
            })
            .collect();
        let workspace = Workspace::new(&db, Vec::new(), preludes);
        Compiler { db, workspace }
    }

    pub fn db(&self) -> &Database {
        &self.db
    }

    /// A read-only copy of the database, for another thread. It sees the inputs as they are
    /// now. The next change made through this compiler first cancels it: its queries then
    /// unwind with [`salsa::Cancelled`], and the change waits until every snapshot is dropped.
    /// So a snapshot's work runs under [`salsa::Cancelled::catch`] and is dropped promptly.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot(Compiler {
            db: self.db.clone(),
            workspace: self.workspace,
        })
    }

    /// Adds a file to the policy set.
    pub fn add_file(&mut self, path: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let file = SourceFile::new(&self.db, path.into(), text.into());
        let mut files = self.workspace.files(&self.db).clone();
        files.push(file);
        self.workspace.set_files(&mut self.db).to(files);
        file
    }

    /// Replaces a file's text.
    pub fn set_text(&mut self, file: SourceFile, text: impl Into<String>) {
        file.set_text(&mut self.db).to(text.into());
    }

    pub fn remove_file(&mut self, file: SourceFile) {
        let mut files = self.workspace.files(&self.db).clone();
        files.retain(|f| *f != file);
        self.workspace.set_files(&mut self.db).to(files);
    }

    /// The user's files, in the order they were added.
    pub fn files(&self) -> Vec<SourceFile> {
        self.workspace.files(&self.db).clone()
    }

    pub fn file_by_path(&self, path: &str) -> Option<SourceFile> {
        self.files().into_iter().find(|f| f.path(&self.db) == path)
    }

    /// Every diagnostic of the policy set, with file positions, in file order.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        all_diagnostics(&self.db)
    }

    /// The policy set in the form the evaluator runs, or every diagnostic if it has errors.
    /// Warnings do not prevent compilation.
    pub fn compile(&self) -> Result<Compiled, Vec<Diagnostic>> {
        let diagnostics = self.diagnostics();
        if diagnostics.iter().any(|d| d.is_error()) {
            return Err(diagnostics);
        }
        let db = &self.db;
        let mut sources: Vec<Source> = Vec::new();
        let mut index: std::collections::HashMap<SourceFile, usize> = Default::default();
        let mut items = Vec::new();
        for item in active_items(db) {
            let Some(ir) = lower::lower_item(db, *item).clone() else {
                let syntax = item.syntax(db);
                if matches!(syntax.kind, writ_language::ast::ItemKind::Use(_)) {
                    continue;
                }
                // Every item that checked cleanly must compile: dropping one silently would
                // change what the policy set decides.
                let d = Diagnostic::error(
                    "E0000",
                    format!("internal compiler error: the {} `{}` checked cleanly but could not be compiled", syntax.kind.kind_name(), item.key(db).name),
                    resolve_loc(db, &Loc { file: item.file(db), anchor: Anchor::Item(item.key(db).clone()), span: syntax.span }),
                    "left out of the policy set",
                )
                .with_help("this is a bug in Writ; please report it with this policy");
                return Err(vec![d]);
            };
            let file = item.file(db);
            let source = *index.entry(file).or_insert_with(|| {
                sources.push(Source {
                    path: Arc::from(file.path(db).as_str()),
                    text: Arc::from(file.text(db).as_str()),
                });
                sources.len() - 1
            });
            items.push(CompiledItem {
                ir,
                source,
                offset: item.offset(db),
            });
        }
        // Every active file counts toward what a decision was computed from, even one that
        // contributes no IR (a file of `use` items).
        for file in active_files(db) {
            index.entry(*file).or_insert_with(|| {
                sources.push(Source {
                    path: Arc::from(file.path(db).as_str()),
                    text: Arc::from(file.text(db).as_str()),
                });
                sources.len() - 1
            });
        }
        Ok(Compiled {
            schema: schema::schema(db).clone(),
            items,
            sources,
            warnings: diagnostics,
        })
    }

    /// The IR of every item that checked without errors.
    pub fn lowered_items(&self) -> Vec<ir::Item> {
        active_items(&self.db)
            .iter()
            .filter_map(|item| lower::lower_item(&self.db, *item).clone())
            .collect()
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics().iter().any(|d| d.is_error())
    }
}

/// A read-only [`Compiler`]: every query, no changes (see [`Compiler::snapshot`]).
pub struct Snapshot(Compiler);

impl std::ops::Deref for Snapshot {
    type Target = Compiler;

    fn deref(&self) -> &Compiler {
        &self.0
    }
}

/// A checked policy set, lowered: everything evaluation needs and nothing of the database.
#[derive(Clone, Debug)]
pub struct Compiled {
    pub schema: Arc<schema::Schema>,
    pub items: Vec<CompiledItem>,
    /// Every file of the policy set (prelude modules included), for explanations and hashing.
    pub sources: Vec<Source>,
    /// Warnings the set compiled with.
    pub warnings: Vec<Diagnostic>,
}

#[derive(Clone, Debug)]
pub struct CompiledItem {
    pub ir: ir::Item,
    /// Index into [`Compiled::sources`].
    pub source: usize,
    /// Where the item starts in its file; the IR's spans are relative to it.
    pub offset: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub path: Arc<str>,
    pub text: Arc<str>,
}

/// Every diagnostic of every active file (prelude modules included, should they have any).
pub fn all_diagnostics(db: &dyn salsa::Database) -> Vec<Diagnostic> {
    active_files(db)
        .iter()
        .flat_map(|f| file_diagnostics(db, *f).iter().cloned())
        .collect()
}

/// A file's diagnostics, with positions measured from the start of the file.
#[salsa::tracked(returns(ref))]
pub fn file_diagnostics(db: &dyn salsa::Database, file: SourceFile) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = syntax_errors(db, file)
        .iter()
        .map(|e| {
            let loc = Loc {
                file,
                anchor: Anchor::File,
                span: e.span,
            };
            let d = Diagnostic::error(e.code, e.message.clone(), loc, e.label.clone());
            match &e.help {
                Some(h) => d.with_help(h.clone()),
                None => d,
            }
        })
        .collect();
    let mut found = Vec::new();
    for item in file_items(db, file) {
        found.extend(check_item(db, *item).diagnostics.iter().cloned());
    }
    found.extend(
        global_diagnostics(db)
            .iter()
            .filter(|d| d.primary.loc.file == file)
            .cloned(),
    );
    out.extend(found.into_iter().map(|d| resolve(db, d)));
    out.sort_by_key(|d| (d.primary.loc.span.start, d.primary.loc.span.end));
    out.dedup();
    out
}

/// Diagnostics about the policy set as a whole: the schema, duplicate names, and the helper
/// call graph.
#[salsa::tracked(returns(ref))]
pub fn global_diagnostics(db: &dyn salsa::Database) -> Vec<Diagnostic> {
    let mut out = schema::schema(db).diagnostics.clone();
    out.extend(duplicate_diagnostics(name_index(db)));
    out.extend(helper_graph_diagnostics(db));
    out
}

/// Which helpers each item of a file calls: `(caller, callee)`, the caller being the calling
/// helper's name, or empty for any other item.
#[salsa::tracked(returns(ref))]
pub fn file_calls(
    db: &dyn salsa::Database,
    file: SourceFile,
) -> Arc<BTreeSet<(Arc<str>, Arc<str>)>> {
    let mut calls = BTreeSet::new();
    for item in file_items(db, file) {
        let key = item.key(db);
        let caller: Arc<str> = if key.tag == ItemTag::Function {
            key.name.clone()
        } else {
            Arc::from("")
        };
        for callee in &check_item(db, *item).helpers_called {
            calls.insert((caller.clone(), callee.clone()));
        }
    }
    Arc::new(calls)
}

fn helper_graph_diagnostics(db: &dyn salsa::Database) -> Vec<Diagnostic> {
    let user_files: std::collections::HashSet<SourceFile> =
        Workspace::get(db).files(db).iter().copied().collect();
    let mut calls: BTreeMap<Arc<str>, BTreeSet<Arc<str>>> = BTreeMap::new();
    let mut callers: BTreeMap<Arc<str>, BTreeSet<Arc<str>>> = BTreeMap::new();
    for file in active_files(db) {
        for (caller, callee) in file_calls(db, *file).iter() {
            calls
                .entry(caller.clone())
                .or_default()
                .insert(callee.clone());
            callers
                .entry(callee.clone())
                .or_default()
                .insert(caller.clone());
        }
    }
    let helpers = &name_index(db).helpers;
    let signatures = workspace::helper_signatures(db);
    let mut out = Vec::new();
    for (name, origins) in helpers {
        let Some(origin) = origins.first() else {
            continue;
        };
        if !signatures.contains_key(name) {
            // Its definition has a syntax error; nothing is known of its calls.
            continue;
        }
        // A helper is unused when nothing but itself calls it.
        let used = callers
            .get(name)
            .is_some_and(|c| c.iter().any(|caller| caller != name));
        if !used && user_files.contains(&origin.file) {
            out.push(
                Diagnostic::warning(
                    "W0001",
                    format!("the function `{name}` is never used"),
                    origin.loc(),
                    "never called",
                )
                .with_help("call it from a rule, or remove it"),
            );
        }
        // Helpers must not recurse: evaluation has to terminate.
        let mut stack: Vec<Arc<str>> = calls
            .get(name)
            .map(|c| c.iter().cloned().collect())
            .unwrap_or_default();
        let mut seen = BTreeSet::new();
        while let Some(next) = stack.pop() {
            if &next == name {
                out.push(
                    Diagnostic::error(
                        "E0118",
                        format!("the function `{name}` calls itself, directly or through other functions"),
                        origin.loc(),
                        "recursive",
                    )
                    .with_help("helpers may not recurse, so that every decision terminates; use `any`/`all` over a collection instead"),
                );
                break;
            }
            if seen.insert(next.clone()) {
                stack.extend(calls.get(&next).into_iter().flatten().cloned());
            }
        }
    }
    out
}

/// Turns item-relative positions into file positions.
fn resolve(db: &dyn salsa::Database, mut d: Diagnostic) -> Diagnostic {
    d.primary.loc = resolve_loc(db, &d.primary.loc);
    for label in &mut d.secondary {
        label.loc = resolve_loc(db, &label.loc);
    }
    d
}

pub fn resolve_loc(db: &dyn salsa::Database, loc: &Loc) -> Loc {
    match &loc.anchor {
        Anchor::File => loc.clone(),
        Anchor::Item(key) => {
            let offset = find_item(db, loc.file, key).map_or(0, |item| item.offset(db));
            Loc {
                file: loc.file,
                anchor: Anchor::File,
                span: loc.span.shift(offset),
            }
        }
    }
}
