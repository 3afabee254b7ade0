//! The declarations of a file as a tree (an editor's outline), and of the whole policy set as a
//! searchable list.

use writ_language::ast::{AttrDecl, Ident, ItemKind, SchemaDecl, Span, TypeExpr, TypeExprKind};

use crate::db::{SourceFile, Workspace};
use crate::items::file_items;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum OutlineKind {
    Module,
    Schema,
    Entity,
    Attribute,
    Enum,
    EnumMember,
    Alias,
    Action,
    Argument,
    State,
    StateField,
    Authority,
    Rule,
    Invariant,
    Helper,
    Test,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct OutlineNode {
    pub name: String,
    /// A short description: a rule's effect and actions, an attribute's type.
    pub detail: Option<String>,
    pub kind: OutlineKind,
    /// The whole declaration, in the file.
    pub span: Span,
    /// Its name, in the file.
    pub name_span: Span,
    pub children: Vec<OutlineNode>,
}

fn node(name: impl Into<String>, kind: OutlineKind, span: Span, name_span: Span) -> OutlineNode {
    OutlineNode {
        name: name.into(),
        detail: None,
        kind,
        span,
        name_span,
        children: Vec::new(),
    }
}

fn type_text(ty: &TypeExpr) -> String {
    match &ty.kind {
        TypeExprKind::Named(i) => i.name.clone(),
        TypeExprKind::Set(e) => format!("Set<{}>", type_text(e)),
        TypeExprKind::Map(k, v) => format!("Map<{}, {}>", type_text(k), type_text(v)),
        TypeExprKind::Record(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|f| format!("{}: {}", f.name.name, type_text(&f.ty)))
                .collect();
            format!("{{ {} }}", fields.join(", "))
        }
    }
}

fn attributes(attrs: &[AttrDecl], kind: OutlineKind, base: u32) -> Vec<OutlineNode> {
    attrs
        .iter()
        .map(|a| OutlineNode {
            detail: Some(format!(
                "{}{}",
                if a.optional { "?: " } else { ": " },
                type_text(&a.ty)
            )),
            ..node(
                &a.name.name,
                kind,
                a.span.shift(base),
                a.name.span.shift(base),
            )
        })
        .collect()
}

fn names(idents: &[Ident]) -> String {
    let all: Vec<&str> = idents.iter().map(|i| i.name.as_str()).collect();
    all.join(", ")
}

fn declaration(decl: &SchemaDecl, base: u32) -> Option<OutlineNode> {
    let span = decl.span().shift(base);
    Some(match decl {
        SchemaDecl::Entity(e) => OutlineNode {
            detail: (!e.parents.is_empty()).then(|| format!("in {}", names(&e.parents))),
            children: attributes(&e.attrs, OutlineKind::Attribute, base),
            ..node(
                &e.name.name,
                OutlineKind::Entity,
                span,
                e.name.span.shift(base),
            )
        },
        SchemaDecl::Enum(e) => OutlineNode {
            children: e
                .members
                .iter()
                .map(|m| {
                    let s = m.name.span.shift(base);
                    node(&m.name.name, OutlineKind::EnumMember, s, s)
                })
                .collect(),
            ..node(
                &e.name.name,
                OutlineKind::Enum,
                span,
                e.name.span.shift(base),
            )
        },
        SchemaDecl::Type(t) => OutlineNode {
            detail: Some(type_text(&t.ty)),
            ..node(
                &t.name.name,
                OutlineKind::Alias,
                span,
                t.name.span.shift(base),
            )
        },
        SchemaDecl::Action(a) => {
            let mut detail = Vec::new();
            if !a.actors.is_empty() {
                detail.push(format!("by {}", names(&a.actors)));
            }
            if !a.resources.is_empty() {
                detail.push(format!("on {}", names(&a.resources)));
            }
            OutlineNode {
                detail: (!detail.is_empty()).then(|| detail.join(" ")),
                children: attributes(&a.args, OutlineKind::Argument, base),
                ..node(
                    a.name.dotted(),
                    OutlineKind::Action,
                    span,
                    a.name.span.shift(base),
                )
            }
        }
        SchemaDecl::State(s) => OutlineNode {
            children: attributes(&s.fields, OutlineKind::StateField, base),
            ..node("state", OutlineKind::State, span, s.keyword.shift(base))
        },
        SchemaDecl::Authority(a) => {
            let name = match &a.id {
                Some(id) => format!("{}::{:?}", a.ty.name, id.value),
                None => a.ty.name.clone(),
            };
            node(name, OutlineKind::Authority, span, a.ty.span.shift(base))
        }
        SchemaDecl::Broken(..) => return None,
    })
}

/// The file's items, with schema declarations and their attributes nested inside.
pub fn document_outline(db: &dyn salsa::Database, file: SourceFile) -> Vec<OutlineNode> {
    let mut out = Vec::new();
    for item in file_items(db, file) {
        let base = item.offset(db);
        let syntax = item.syntax(db);
        let span = syntax.span.shift(base);
        let found = match &syntax.kind {
            ItemKind::Use(u) => node(
                u.path.dotted(),
                OutlineKind::Module,
                span,
                u.path.span.shift(base),
            ),
            ItemKind::Schema(s) => OutlineNode {
                children: s
                    .decls
                    .iter()
                    .filter_map(|d| declaration(d, base))
                    .collect(),
                ..node("schema", OutlineKind::Schema, span, s.keyword.shift(base))
            },
            ItemKind::Rule(r) => {
                let patterns: Vec<String> = r.actions.iter().map(|p| p.to_string()).collect();
                OutlineNode {
                    detail: Some(format!("{} on {}", r.effect, patterns.join(", "))),
                    ..node(
                        &r.name.name,
                        OutlineKind::Rule,
                        span,
                        r.name.span.shift(base),
                    )
                }
            }
            ItemKind::Invariant(i) => OutlineNode {
                detail: i.description.as_ref().map(|d| d.value.clone()),
                ..node(
                    &i.name.name,
                    OutlineKind::Invariant,
                    span,
                    i.name.span.shift(base),
                )
            },
            ItemKind::Function(f) => {
                let params: Vec<String> = f
                    .params
                    .iter()
                    .map(|p| format!("{}: {}", p.name.name, type_text(&p.ty)))
                    .collect();
                OutlineNode {
                    detail: Some(format!("({}) -> {}", params.join(", "), type_text(&f.ret))),
                    ..node(
                        &f.name.name,
                        OutlineKind::Helper,
                        span,
                        f.name.span.shift(base),
                    )
                }
            }
            ItemKind::Test(t) => node(
                &t.name.value,
                OutlineKind::Test,
                span,
                t.name.span.shift(base),
            ),
            ItemKind::Broken(b) => {
                let Some(name) = &b.name else { continue };
                let kind = match b.keyword.as_str() {
                    "allow" | "review" | "deny" => OutlineKind::Rule,
                    "invariant" => OutlineKind::Invariant,
                    "fn" => OutlineKind::Helper,
                    "test" => OutlineKind::Test,
                    _ => continue,
                };
                OutlineNode {
                    detail: Some("(syntax error)".to_string()),
                    ..node(&name.name, kind, span, name.span.shift(base))
                }
            }
        };
        out.push(found);
    }
    out
}

/// Whether every character of `query` appears in `name`, in order, ignoring case.
fn fuzzy(name: &str, query: &str) -> bool {
    let mut chars = name.chars().flat_map(char::to_lowercase);
    query
        .chars()
        .flat_map(char::to_lowercase)
        .all(|q| chars.any(|c| c == q))
}

/// The declarations of every user file whose name matches `query` (a subsequence, ignoring
/// case), with the name of what contains them: the items, schema declarations, and the
/// attributes, members and arguments inside those.
pub fn workspace_symbols(
    db: &dyn salsa::Database,
    query: &str,
) -> Vec<(SourceFile, OutlineNode, Option<String>)> {
    let mut out = Vec::new();
    for file in Workspace::get(db).files(db) {
        let mut stack: Vec<(OutlineNode, Option<String>)> = document_outline(db, *file)
            .into_iter()
            .map(|n| (n, None))
            .collect();
        while let Some((mut n, container)) = stack.pop() {
            let inner = match n.kind {
                OutlineKind::Schema => None,
                _ => Some(n.name.clone()),
            };
            for child in std::mem::take(&mut n.children) {
                stack.push((child, inner.clone()));
            }
            if n.kind != OutlineKind::Schema && fuzzy(&n.name, query) {
                out.push((*file, n, container));
            }
        }
    }
    out.sort_by(|a, b| {
        a.1.name
            .cmp(&b.1.name)
            .then(a.1.span.start.cmp(&b.1.span.start))
    });
    out
}
