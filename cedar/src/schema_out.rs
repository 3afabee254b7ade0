//! The Writ `schema` block for a Cedar schema.
//!
//! Entity types keep their attributes (renamed where a name is not a Writ identifier) and list
//! every entity type they may be in: Cedar accepts any ancestor type as a parent, and so does
//! Writ. Cedar tags become a `Map<String, T>` attribute. Actions that a request can name (those
//! with principal and resource types) become Writ actions `by` their principal types `on` their
//! resource types, their context becoming the action's arguments; action groups are not
//! declared, since rules name the actions in them.

use crate::error::Error;
use crate::model::{CType, Ext, Model, Record};
use crate::names::NameMap;
use crate::wexpr::field_name;

pub fn schema_text(model: &Model, names: &NameMap) -> Result<String, Error> {
    let mut out =
        String::from("/// Translated from a Cedar schema by `writ import cedar`.\nschema {\n");
    for (cedar, info) in &model.entities {
        let writ = &names.entity_types[cedar];
        if writ != cedar {
            out.push_str(&format!("  /// Cedar entity type `{cedar}`.\n"));
        }
        if let Some(ids) = &info.enum_ids {
            let list: Vec<String> = ids.iter().map(|i| format!("{i:?}")).collect();
            out.push_str(&format!(
                "  /// Cedar enumerated entity type: its ids are {}.\n",
                list.join(", ")
            ));
        }
        for d in &info.derived {
            out.push_str(&format!("  /// Derived from the entities: {d}.\n"));
        }
        out.push_str(&format!("  entity {writ}"));
        if !info.parents.is_empty() {
            let parents: Vec<&str> = info
                .parents
                .iter()
                .map(|p| names.entity_types[p].as_str())
                .collect();
            if parents.len() == 1 {
                out.push_str(&format!(" in {}", parents[0]));
            } else {
                out.push_str(&format!(" in [{}]", parents.join(", ")));
            }
        }
        let mut fields = Vec::new();
        for (name, (ty, required)) in &info.attrs.fields {
            let ty = type_text(ty, names).map_err(|e| {
                Error::new(format!("in entity type `{cedar}`, attribute `{name}`: {e}"))
            })?;
            let mut field = String::new();
            field_name(names.attribute(name), &mut field);
            fields.push(format!("{field}{}: {ty}", if *required { "" } else { "?" }));
        }
        if let (Some(tags), Some(attr)) = (&info.tags, &names.tags) {
            let ty = type_text(tags, names)
                .map_err(|e| Error::new(format!("in the tags of entity type `{cedar}`: {e}")))?;
            fields.push(format!("{attr}: Map<String, {ty}>"));
        }
        if !fields.is_empty() {
            out.push_str(&format!(" {{ {} }}", fields.join(", ")));
        }
        out.push('\n');
    }
    for (uid, info) in &model.actions {
        let Some(writ) = names.actions.get(uid) else {
            continue;
        };
        out.push_str(&format!("  /// Cedar action `{uid}`.\n"));
        let list = |types: &[String]| -> String {
            let ws: Vec<&str> = types
                .iter()
                .map(|t| names.entity_types[t].as_str())
                .collect();
            if ws.len() == 1 {
                ws[0].to_string()
            } else {
                format!("[{}]", ws.join(", "))
            }
        };
        out.push_str(&format!(
            "  action {writ} by {} on {}",
            list(&info.principals),
            list(&info.resources)
        ));
        if !info.context.fields.is_empty() {
            let context = record_fields(&info.context, names)
                .map_err(|e| Error::new(format!("in the context of action `{uid}`: {e}")))?;
            out.push_str(&format!(" {{ {context} }}"));
        }
        out.push('\n');
    }
    out.push_str("}\n");
    Ok(out)
}

fn record_fields(record: &Record, names: &NameMap) -> Result<String, String> {
    let mut fields = Vec::new();
    for (name, (ty, required)) in &record.fields {
        let mut field = String::new();
        field_name(name, &mut field);
        fields.push(format!(
            "{field}{}: {}",
            if *required { "" } else { "?" },
            type_text(ty, names)?
        ));
    }
    Ok(fields.join(", "))
}

/// A Cedar type in Writ's syntax.
pub fn type_text(ty: &CType, names: &NameMap) -> Result<String, String> {
    Ok(match ty {
        CType::Bool => "Bool".into(),
        CType::Long => "Int".into(),
        CType::String => "String".into(),
        CType::Entity(e) => names
            .entity_types
            .get(e)
            .cloned()
            .ok_or_else(|| format!("unknown entity type `{e}`"))?,
        CType::Set(element) => format!("Set<{}>", type_text(element, names)?),
        CType::Record(record) if record.fields.is_empty() => "{}".into(),
        CType::Record(record) => format!("{{ {} }}", record_fields(record, names)?),
        CType::Ext(Ext::Decimal) => "Decimal".into(),
        CType::Ext(Ext::Ip) => "IpAddr".into(),
        CType::Ext(Ext::Datetime) => "Datetime".into(),
        CType::Ext(Ext::Duration) => "Duration".into(),
        CType::Action => return Err("an action as a value cannot be declared in Writ".into()),
        CType::Never => return Err("a type without values cannot be declared in Writ".into()),
    })
}
