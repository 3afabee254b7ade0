//! Hover: what the name or expression under the cursor is.

use writ_language::ast::{ItemKind, Span};

use super::analysis::{ItemAnalysis, item_analysis};
use super::describe::{
    DELEGATED_DOC, DELEGATED_SIGNATURE, action_signature, alias_signature, builtin_markdown,
    builtin_overloads, entity_signature, enum_signature, field_line, helper_signature, markdown,
    primitive_doc, types_line, variable_doc,
};
use super::item_at;
use super::symbol::{Occurrence, Symbol};
use crate::db::SourceFile;
use crate::items::{ItemNode, find_item};
use crate::schema::schema;
use crate::workspace::{helper_signatures, name_index};

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Hover {
    pub markdown: String,
    /// What the hover is about, in the file.
    pub span: Span,
}

pub fn hover(db: &dyn salsa::Database, file: SourceFile, offset: u32) -> Option<Hover> {
    let item = item_at(db, file, offset)?;
    let base = item.offset(db);
    let rel = offset.checked_sub(base)?;
    let analysis = item_analysis(db, item);
    if let Some(occurrence) = analysis.occurrence_at(rel)
        && let Some(markdown) = describe(db, item, analysis, occurrence)
    {
        return Some(Hover {
            markdown,
            span: occurrence.span.shift(base),
        });
    }
    let (span, types) = analysis.type_at(rel)?;
    Some(Hover {
        markdown: markdown(&types_line(types), &[]),
        span: span.shift(base),
    })
}

fn describe(
    db: &dyn salsa::Database,
    item: ItemNode<'_>,
    analysis: &ItemAnalysis,
    occurrence: &Occurrence,
) -> Option<String> {
    let schema = schema(db);
    Some(match &occurrence.symbol {
        Symbol::Entity(name) => {
            let info = schema.entities.get(name)?;
            markdown(&entity_signature(info), &[&info.docs])
        }
        Symbol::Enum(name) => {
            let info = schema.enums.get(name)?;
            markdown(&enum_signature(info), &[&info.docs])
        }
        Symbol::Alias(name) => {
            let info = schema.aliases.get(name)?;
            markdown(&alias_signature(info), &[&info.docs])
        }
        Symbol::Primitive(name) => markdown(name, &[primitive_doc(name)]),
        Symbol::EnumMember { ty, member } => {
            let info = schema.enums.get(ty)?;
            let docs = info.member_info.get(member).map_or("", |m| m.docs.as_str());
            markdown(
                &format!("{ty}.{member}"),
                &[docs, &format!("A member of `{ty}`.")],
            )
        }
        Symbol::Attribute { entity, name } => {
            let info = schema.entities.get(entity)?;
            let field = info.attrs.fields.get(name)?;
            let docs = info.attr_info.get(name).map_or("", |a| a.docs.as_str());
            markdown(
                &format!("{entity}.{}", field_line(name, field)),
                &[docs, &format!("An attribute of `{entity}`.")],
            )
        }
        Symbol::Argument { action, name } => {
            let info = schema.actions.get(action)?;
            let field = info.args.fields.get(name)?;
            let docs = info.arg_info.get(name).map_or("", |a| a.docs.as_str());
            markdown(
                &format!("args.{}", field_line(name, field)),
                &[docs, &format!("An argument of the action `{action}`.")],
            )
        }
        Symbol::StateField(name) => {
            let state = schema.state.as_ref()?;
            let field = state.ty.fields.get(name)?;
            let docs = state.field_info.get(name).map_or("", |a| a.docs.as_str());
            markdown(&format!("state.{}", field_line(name, field)), &[docs])
        }
        Symbol::Action(name) => {
            let info = schema.actions.get(name)?;
            let effect = if info.has_effect {
                "Changes `state` with its `effect`."
            } else {
                ""
            };
            markdown(&action_signature(info), &[&info.docs, effect])
        }
        Symbol::Rule(name) => rule(db, name)?,
        Symbol::Helper(name) => {
            let sig = helper_signatures(db).get(name)?;
            markdown(&helper_signature(sig), &[&sig.docs])
        }
        Symbol::Test(name) => {
            let origin = name_index(db).tests.get(name)?.first()?;
            let docs = match &find_item(db, origin.file, &origin.item)?.syntax(db).kind {
                ItemKind::Test(t) => t.docs.text(),
                _ => String::new(),
            };
            markdown(&format!("test {name:?}"), &[&docs])
        }
        Symbol::Module(name) => {
            let module = writ_stdlib::prelude(name)?;
            markdown(&format!("use {name}"), &[module.doc])
        }
        Symbol::Variable(name) => {
            let ty = analysis
                .types
                .get(&occurrence.span)
                .map(|t| format!(": {}", types_line(t)))
                .unwrap_or_default();
            markdown(&format!("{name}{ty}"), &[variable_doc(name)])
        }
        Symbol::Local { name, def } => {
            let ty = local_type(db, item, analysis, name, *def)
                .map(|t| format!(": {t}"))
                .unwrap_or_default();
            markdown(&format!("{name}{ty}"), &[])
        }
        Symbol::Builtin { name, method } => {
            if !method && name.as_ref() == crate::check::DELEGATED {
                return Some(markdown(DELEGATED_SIGNATURE, &[DELEGATED_DOC]));
            }
            let mut overloads = resolved_overloads(analysis, occurrence.span);
            if overloads.is_empty() {
                overloads = builtin_overloads(name, *method);
            }
            if overloads.is_empty() {
                return None;
            }
            builtin_markdown(&overloads)
        }
    })
}

/// The overloads the checker chose at this call: the innermost call around the name.
fn resolved_overloads(analysis: &ItemAnalysis, name: Span) -> Vec<&'static writ_stdlib::Builtin> {
    analysis
        .calls
        .iter()
        .filter(|((start, end), _)| *start <= name.start && name.end <= *end)
        .min_by_key(|((start, end), _)| end - start)
        .map(|(_, ids)| ids.iter().map(|id| writ_stdlib::builtin(*id)).collect())
        .unwrap_or_default()
}

/// A local's type: a parameter's declared type, or the type of any of its uses.
fn local_type(
    db: &dyn salsa::Database,
    item: ItemNode<'_>,
    analysis: &ItemAnalysis,
    name: &str,
    def: Span,
) -> Option<String> {
    if let ItemKind::Function(f) = &item.syntax(db).kind
        && f.params.iter().any(|p| p.name.span == def)
        && let Some(sig) = helper_signatures(db).get(f.name.name.as_str())
        && let Some((_, ty)) = sig.params.iter().find(|(n, _)| n.as_ref() == name)
    {
        return Some(ty.to_string());
    }
    analysis
        .occurrences
        .iter()
        .filter(|o| matches!(&o.symbol, Symbol::Local { def: d, .. } if *d == def))
        .find_map(|o| analysis.types.get(&o.span))
        .map(|types| types_line(types))
}

/// A rule's or invariant's head, with its documentation and reason.
fn rule(db: &dyn salsa::Database, name: &str) -> Option<String> {
    let entry = name_index(db).rules.get(name)?.first()?;
    let item = find_item(db, entry.origin.file, &entry.origin.item)?;
    Some(match &item.syntax(db).kind {
        ItemKind::Rule(r) => {
            let patterns: Vec<String> = r.actions.iter().map(|p| p.to_string()).collect();
            let on = if r.actions_bracketed {
                format!("[{}]", patterns.join(", "))
            } else {
                patterns.join(", ")
            };
            let because = r.clauses.iter().find_map(|c| match &c.kind {
                writ_language::ast::ClauseKind::Because(s) => {
                    Some(format!("because {:?}", s.value))
                }
                _ => None,
            });
            markdown(
                &format!("{} {} on {on}", r.effect, r.name.name),
                &[&r.docs.text(), because.as_deref().unwrap_or("")],
            )
        }
        ItemKind::Invariant(i) => {
            let description = i
                .description
                .as_ref()
                .map(|d| format!(" {:?}", d.value))
                .unwrap_or_default();
            markdown(
                &format!("invariant {}{description}", i.name.name),
                &[&i.docs.text()],
            )
        }
        _ => markdown(&format!("rule {name}"), &["This rule has a syntax error."]),
    })
}
