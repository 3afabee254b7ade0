//! How declarations read in hovers and completion details: a signature in Writ syntax, and
//! documentation as Markdown.

use writ_stdlib::{Builtin, Kind};

use crate::schema::{ActionInfo, AliasInfo, EntityInfo, EnumInfo};
use crate::types::{Field, RecordTy, Ty};
use crate::workspace::HelperSig;

/// A fenced Writ code block followed by Markdown paragraphs (empty ones are left out).
pub(crate) fn markdown(code: &str, paragraphs: &[&str]) -> String {
    let mut out = format!("```writ\n{code}\n```");
    for p in paragraphs
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
    {
        out.push_str("\n\n");
        out.push_str(p);
    }
    out
}

/// `name?: Type`, quoting a name that is not an identifier.
pub(crate) fn field_line(name: &str, field: &Field) -> String {
    let mark = if field.optional { "?" } else { "" };
    if writ_stdlib::is_identifier(name) {
        format!("{name}{mark}: {}", field.ty)
    } else {
        format!("{name:?}{mark}: {}", field.ty)
    }
}

fn names_list(names: &[crate::types::Name]) -> String {
    match names {
        [one] => one.to_string(),
        _ => {
            let all: Vec<&str> = names.iter().map(|n| n.as_ref()).collect();
            format!("[{}]", all.join(", "))
        }
    }
}

/// Attributes one per line inside braces, or nothing when there are none.
fn record_block(record: &RecordTy) -> String {
    if record.fields.is_empty() {
        return String::new();
    }
    let lines: Vec<String> = record
        .fields
        .iter()
        .map(|(name, field)| format!("  {},", field_line(name, field)))
        .collect();
    format!(" {{\n{}\n}}", lines.join("\n"))
}

pub(crate) fn entity_signature(info: &EntityInfo) -> String {
    format!("{}{}", entity_head(info), record_block(&info.attrs))
}

pub(crate) fn enum_signature(info: &EnumInfo) -> String {
    let members: Vec<&str> = info.members.iter().map(|m| m.as_ref()).collect();
    format!("enum {} {{ {} }}", info.name, members.join(", "))
}

pub(crate) fn alias_signature(info: &AliasInfo) -> String {
    format!("type {} = {}", info.name, info.ty)
}

pub(crate) fn action_signature(info: &ActionInfo) -> String {
    format!("{}{}", action_head(info), record_block(&info.args))
}

pub(crate) fn helper_signature(sig: &HelperSig) -> String {
    let params: Vec<String> = sig
        .params
        .iter()
        .map(|(n, t)| format!("{n}: {t}"))
        .collect();
    format!("fn {}({}) -> {}", sig.name, params.join(", "), sig.ret)
}

/// Every overload of a built-in, with its documentation and an example.
pub(crate) fn builtin_markdown(overloads: &[&Builtin]) -> String {
    let signatures: Vec<String> = overloads.iter().map(|b| b.signature()).collect();
    let mut docs: Vec<&str> = Vec::new();
    for b in overloads {
        if !docs.contains(&b.doc) {
            docs.push(b.doc);
        }
    }
    let example = overloads
        .first()
        .map(|b| format!("Example: `{}`", b.example))
        .unwrap_or_default();
    let mut paragraphs = docs;
    paragraphs.push(&example);
    markdown(&signatures.join("\n"), &paragraphs)
}

/// The overloads of a built-in by name.
pub(crate) fn builtin_overloads(name: &str, method: bool) -> Vec<&'static Builtin> {
    let kind = if method { Kind::Method } else { Kind::Function };
    writ_stdlib::lookup(name, kind).map(|(_, b)| b).collect()
}

pub(crate) const DELEGATED_SIGNATURE: &str = "delegated() -> Bool\ndelegated(root) -> Bool";

pub(crate) const DELEGATED_DOC: &str = "Whether the actor holds a valid chain of delegated \
grants for the intent: a grant whose capability covers the action and whose scope covers the \
resource, followed through `parent` links to a root authority (declared with `authority`, or \
the entity given as `root`). Every link must be unrevoked, unexpired, issued by a holder of its \
parent, and no wider than its parent. Only available in rules.";

/// What a predefined variable holds.
pub(crate) fn variable_doc(name: &str) -> &'static str {
    match name {
        "actor" => "The entity proposing the action.",
        "resource" => "The entity the action is done to.",
        "args" => "The action's arguments, as declared with the action.",
        "action" => "The name of the action, such as `\"fs.write\"`.",
        "now" => "The snapshot's time.",
        "state" => "The state before the action.",
        "next" => "The state as it would be after the action's `effect`.",
        _ => "",
    }
}

/// What a built-in type is.
pub(crate) fn primitive_doc(name: &str) -> &'static str {
    match name {
        "Bool" => "`true` or `false`.",
        "Int" => "A 64-bit signed integer.",
        "Decimal" => "A fixed-point number with four fraction digits, as Cedar's `decimal`.",
        "String" => "UTF-8 text.",
        "Datetime" => "An instant with millisecond precision: `@2026-01-31T09:30:00Z`.",
        "Duration" => "A signed number of milliseconds: `1h30m`.",
        "IpAddr" => "An IPv4 or IPv6 address or range: `ip(\"10.0.0.0/8\")`.",
        "Set" => "`Set<T>`: a finite set of values of one type.",
        "Map" => "`Map<K, V>`: a finite map from keys of one type to values of another.",
        _ => "",
    }
}

/// Types seen in several environments, as one line; an environment where the expression is
/// in error says nothing when others say something.
pub(crate) fn types_line(types: &[Ty]) -> String {
    let known: Vec<&Ty> = types.iter().filter(|t| !t.is_error()).collect();
    if known.is_empty() {
        return Ty::Error.to_string();
    }
    let shown: Vec<String> = known.iter().map(|t| t.to_string()).collect();
    shown.join(" | ")
}

/// An entity type's declaration head: `entity File in Workspace`.
pub(crate) fn entity_head(info: &EntityInfo) -> String {
    let parents = if info.parents.is_empty() {
        String::new()
    } else {
        format!(" in {}", names_list(&info.parents))
    };
    format!("entity {}{parents}", info.name)
}

/// An action's declaration head: `action fs.write by Agent on File`.
pub(crate) fn action_head(info: &ActionInfo) -> String {
    let mut out = format!("action {}", info.name);
    if !info.actors.is_empty() {
        out.push_str(&format!(" by {}", names_list(&info.actors)));
    }
    if !info.resources.is_empty() {
        out.push_str(&format!(" on {}", names_list(&info.resources)));
    }
    out
}
