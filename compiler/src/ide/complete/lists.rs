//! The completion lists themselves: what the schema, the helpers and the standard library
//! offer at each kind of position.

use std::collections::BTreeSet;

use writ_stdlib::{Kind, SigType};

use super::super::describe::{
    DELEGATED_DOC, DELEGATED_SIGNATURE, action_head, action_signature, alias_signature,
    entity_head, entity_signature, enum_signature, field_line, helper_signature, markdown,
    primitive_doc, variable_doc,
};
use super::context::ItemHead;
use super::{Completion, CompletionKind};
use crate::schema::Schema;
use crate::types::{PRIMITIVE_NAMES, RecordTy, Ty};
use crate::workspace::{HelperSig, NameIndex};

fn item(label: impl Into<String>, kind: CompletionKind) -> Completion {
    Completion {
        label: label.into(),
        kind,
        detail: None,
        documentation: None,
        insert: None,
        snippet: false,
    }
}

pub(super) fn keywords(words: &[&str]) -> Vec<Completion> {
    words
        .iter()
        .map(|w| item(*w, CompletionKind::Keyword))
        .collect()
}

/// Whether a method whose receiver is `sig` applies to a value of type `ty`.
fn receiver_fits(sig: &SigType, ty: &Ty) -> bool {
    matches!(
        (sig, ty),
        (SigType::T | SigType::K | SigType::V, _)
            | (SigType::Bool, Ty::Bool(_))
            | (SigType::Int, Ty::Int)
            | (SigType::Decimal, Ty::Decimal)
            | (SigType::String, Ty::String)
            | (SigType::Datetime, Ty::Datetime)
            | (SigType::Duration, Ty::Duration)
            | (SigType::IpAddr, Ty::IpAddr)
            | (SigType::Set(_), Ty::Set(_) | Ty::Never)
            | (SigType::Map(..), Ty::Map(..))
    )
}

/// The fields of a record type, documented from the declaration they come from when the
/// record is an action's arguments or the state.
fn record_fields(schema: &Schema, record: &RecordTy, out: &mut Vec<Completion>) {
    let docs_of = |name: &str| -> Option<(String, CompletionKind)> {
        if let Some(state) = &schema.state
            && state.ty == *record
        {
            let docs = state.field_info.get(name).map(|i| i.docs.clone());
            return Some((docs.unwrap_or_default(), CompletionKind::StateField));
        }
        schema
            .actions
            .values()
            .find(|a| a.args == *record)
            .map(|a| {
                let docs = a.arg_info.get(name).map(|i| i.docs.clone());
                (docs.unwrap_or_default(), CompletionKind::Argument)
            })
    };
    for (name, field) in &record.fields {
        if !writ_stdlib::is_identifier(name) {
            continue;
        }
        let (docs, kind) = docs_of(name).unwrap_or((String::new(), CompletionKind::Field));
        out.push(Completion {
            detail: Some(field_line(name, field)),
            documentation: (!docs.is_empty()).then_some(docs),
            ..item(name.as_ref(), kind)
        });
    }
}

/// What can follow `target.` when the target has one of `types` (one per environment).
pub(super) fn members(schema: &Schema, types: &[Ty], methods: bool) -> Vec<Completion> {
    let mut out = Vec::new();
    for ty in types {
        match ty {
            Ty::Entity(e) => {
                let Some(info) = schema.entities.get(e) else {
                    continue;
                };
                for (name, field) in &info.attrs.fields {
                    if !writ_stdlib::is_identifier(name) {
                        continue;
                    }
                    let docs = info.attr_info.get(name).map_or("", |a| a.docs.as_str());
                    out.push(Completion {
                        detail: Some(format!("{e}.{}", field_line(name, field))),
                        documentation: Some(markdown(
                            &format!("{e}.{}", field_line(name, field)),
                            &[docs],
                        )),
                        ..item(name.as_ref(), CompletionKind::Attribute)
                    });
                }
            }
            Ty::Record(record) => record_fields(schema, record, &mut out),
            _ => {}
        }
        if methods {
            for (_, b) in writ_stdlib::all().filter(|(_, b)| b.kind == Kind::Method) {
                if b.params.first().is_some_and(|r| receiver_fits(r, ty)) {
                    out.push(Completion {
                        detail: Some(b.signature()),
                        documentation: Some(format!("{}\n\nExample: `{}`", b.doc, b.example)),
                        insert: Some(call_snippet(b.name, b.params.len() > 1)),
                        snippet: true,
                        ..item(b.name, CompletionKind::Method)
                    });
                }
            }
        }
    }
    // One entry per name: with several environments, the first type's wins.
    let mut seen = BTreeSet::new();
    out.retain(|c| seen.insert(c.label.clone()));
    out
}

fn call_snippet(name: &str, has_args: bool) -> String {
    if has_args {
        format!("{name}($1)")
    } else {
        format!("{name}()")
    }
}

pub(super) fn enum_members(schema: &Schema, name: &str) -> Option<Vec<Completion>> {
    let info = schema.enums.get(name)?;
    Some(
        info.members
            .iter()
            .map(|m| {
                let docs = info.member_info.get(m).map_or("", |i| i.docs.as_str());
                Completion {
                    detail: Some(format!("{name}.{m}")),
                    documentation: (!docs.is_empty()).then(|| docs.to_string()),
                    ..item(m.as_ref(), CompletionKind::EnumMember)
                }
            })
            .collect(),
    )
}

pub(super) fn types(schema: &Schema, entities_only: bool) -> Vec<Completion> {
    let mut out: Vec<Completion> = schema
        .entities
        .values()
        .map(|info| Completion {
            detail: Some(entity_head(info)),
            documentation: Some(markdown(&entity_signature(info), &[&info.docs])),
            ..item(info.name.as_ref(), CompletionKind::Entity)
        })
        .collect();
    if entities_only {
        return out;
    }
    out.extend(schema.enums.values().map(|info| Completion {
        detail: Some(enum_signature(info)),
        documentation: (!info.docs.is_empty()).then(|| info.docs.clone()),
        ..item(info.name.as_ref(), CompletionKind::Enum)
    }));
    out.extend(schema.aliases.values().map(|info| Completion {
        detail: Some(alias_signature(info)),
        documentation: (!info.docs.is_empty()).then(|| info.docs.clone()),
        ..item(info.name.as_ref(), CompletionKind::Alias)
    }));
    for name in PRIMITIVE_NAMES {
        let insert = match *name {
            "Set" => Some("Set<$1>".to_string()),
            "Map" => Some("Map<$1, $2>".to_string()),
            _ => None,
        };
        out.push(Completion {
            documentation: Some(primitive_doc(name).to_string()),
            snippet: insert.is_some(),
            insert,
            ..item(*name, CompletionKind::Primitive)
        });
    }
    out
}

/// Declared actions; continuing `prefix.` when one was typed, with patterns (`fs.*`, `*`) for
/// a rule's `on` list.
pub(super) fn actions(schema: &Schema, prefix: Option<&str>, patterns: bool) -> Vec<Completion> {
    let mut out = Vec::new();
    let mut groups = BTreeSet::new();
    for info in schema.actions.values() {
        let rest = match prefix {
            None => info.name.as_ref(),
            Some(p) => match info.name.strip_prefix(p).and_then(|r| r.strip_prefix('.')) {
                Some(rest) => rest,
                None => continue,
            },
        };
        if let Some((group, _)) = info.name.rsplit_once('.') {
            groups.insert(group.to_string());
        }
        out.push(Completion {
            detail: Some(action_head(info)),
            documentation: Some(markdown(&action_signature(info), &[&info.docs])),
            ..item(rest, CompletionKind::Action)
        });
    }
    if patterns {
        out.push(Completion {
            detail: Some("every action".to_string()),
            ..item("*", CompletionKind::Action)
        });
        for group in groups {
            let label = match prefix {
                None => format!("{group}.*"),
                Some(p) if group == p => "*".to_string(),
                Some(p) => match group.strip_prefix(p).and_then(|r| r.strip_prefix('.')) {
                    Some(rest) => format!("{rest}.*"),
                    None => continue,
                },
            };
            if label == "*" {
                continue;
            }
            out.push(Completion {
                detail: Some(format!("every `{group}.` action")),
                ..item(label, CompletionKind::Action)
            });
        }
    }
    out
}

pub(super) fn rules(names: &NameIndex) -> Vec<Completion> {
    names
        .rules
        .iter()
        .filter_map(|(name, entries)| {
            let effect = entries.first()?.effect?;
            Some(Completion {
                detail: Some(format!("{effect} rule")),
                ..item(name.as_ref(), CompletionKind::Rule)
            })
        })
        .collect()
}

/// The predefined variables an item of this kind may read.
fn variables(head: ItemHead) -> &'static [&'static str] {
    match head {
        ItemHead::Rule => &[
            "actor", "resource", "args", "action", "now", "state", "next",
        ],
        ItemHead::Invariant => &["actor", "resource", "action", "now", "state", "next"],
        ItemHead::Schema => &["actor", "resource", "args", "action", "now", "state"],
        ItemHead::Helper | ItemHead::Test => &[],
    }
}

const EXPRESSION_KEYWORDS: &[&str] = &[
    "if", "then", "else", "any", "all", "true", "false", "has", "like", "in", "is",
];

pub(super) const CLAUSE_KEYWORDS: &[&str] =
    &["when", "unless", "because", "approver", "obligation"];

/// Everything an expression may start with at the cursor.
pub(super) fn expression(
    schema: &Schema,
    helpers: &std::collections::BTreeMap<crate::types::Name, HelperSig>,
    head: ItemHead,
    locals: &[&str],
    clauses: bool,
) -> Vec<Completion> {
    let mut out = Vec::new();
    for local in locals {
        out.push(item(*local, CompletionKind::Local));
    }
    for v in variables(head) {
        out.push(Completion {
            documentation: Some(variable_doc(v).to_string()),
            ..item(*v, CompletionKind::Variable)
        });
    }
    for sig in helpers.values() {
        out.push(Completion {
            detail: Some(helper_signature(sig)),
            documentation: (!sig.docs.is_empty()).then(|| sig.docs.clone()),
            insert: Some(call_snippet(&sig.name, !sig.params.is_empty())),
            snippet: true,
            ..item(sig.name.as_ref(), CompletionKind::Helper)
        });
    }
    let mut seen = BTreeSet::new();
    for (_, b) in writ_stdlib::all().filter(|(_, b)| b.kind == Kind::Function) {
        if !seen.insert(b.name) {
            continue;
        }
        out.push(Completion {
            detail: Some(b.signature()),
            documentation: Some(format!("{}\n\nExample: `{}`", b.doc, b.example)),
            insert: Some(call_snippet(b.name, !b.params.is_empty())),
            snippet: true,
            ..item(b.name, CompletionKind::Function)
        });
    }
    if head == ItemHead::Rule {
        out.push(Completion {
            detail: Some(DELEGATED_SIGNATURE.replace('\n', "; ")),
            documentation: Some(DELEGATED_DOC.to_string()),
            insert: Some("delegated()".to_string()),
            ..item(crate::check::DELEGATED, CompletionKind::Function)
        });
    }
    for info in schema.enums.values() {
        out.push(Completion {
            detail: Some(enum_signature(info)),
            documentation: (!info.docs.is_empty()).then(|| info.docs.clone()),
            ..item(info.name.as_ref(), CompletionKind::Enum)
        });
    }
    // An entity type starts an entity reference: `User::"alice"`.
    for info in schema.entities.values() {
        out.push(Completion {
            detail: Some(format!("{}::\"...\"", info.name)),
            documentation: (!info.docs.is_empty()).then(|| info.docs.clone()),
            insert: Some(format!("{}::\"$1\"", info.name)),
            snippet: true,
            ..item(info.name.as_ref(), CompletionKind::Entity)
        });
    }
    out.extend(keywords(EXPRESSION_KEYWORDS));
    if clauses {
        out.extend(keywords(CLAUSE_KEYWORDS));
    }
    out
}
