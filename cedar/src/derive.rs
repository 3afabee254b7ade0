//! `--derive-schema`: adds to the schema what the entities use and it lacks.
//!
//! Cedar decides requests without a schema; Writ validates every snapshot against its schema
//! and denies input that does not fit. For entity data written without a schema in mind, this
//! adds the missing parts, each recorded on the declaration it changed: entity types the schema
//! lacks (with optional attributes of the types their values show), parent types an entity
//! uses but its type does not allow, and attributes a type does not declare (as optional).
//! It never changes what the schema does declare: a value contradicting a declared attribute
//! type is still an error.

use std::collections::BTreeSet;

use serde_json::Value as Json;

use crate::model::{CType, EntityInfo, Ext, Model, Record};
use crate::values::entity_ref;

/// The type a value shows, if it shows one (an empty array does not).
fn infer(json: &Json) -> Option<CType> {
    Some(match json {
        Json::Bool(_) => CType::Bool,
        Json::Number(n) if n.is_i64() => CType::Long,
        Json::String(_) => CType::String,
        Json::Array(items) => CType::Set(Box::new(items.iter().find_map(infer)?)),
        Json::Object(map) => {
            if let Some((t, _)) = entity_ref(json, false) {
                return Some(CType::Entity(t));
            }
            if let Some(Json::Object(inner)) = map.get("__extn") {
                return Some(CType::Ext(
                    match inner.get("fn").and_then(Json::as_str)? {
                        "decimal" => Ext::Decimal,
                        "ip" | "ipaddr" => Ext::Ip,
                        "datetime" => Ext::Datetime,
                        "duration" => Ext::Duration,
                        _ => return None,
                    },
                ));
            }
            let mut record = Record::default();
            for (k, v) in map {
                record.fields.insert(k.clone(), (infer(v)?, false));
            }
            CType::Record(record)
        }
        _ => return None,
    })
}

/// Extends `model` with what `entities` need; returns a description of each addition.
pub fn derive(model: &mut Model, entities: &Json) -> Result<Vec<String>, String> {
    let Json::Array(items) = entities else {
        return Err("the entities are not an array".into());
    };
    let mut added = Vec::new();
    let mut new_types = BTreeSet::new();
    // Types first, so that parents and attributes can refer to any of them.
    for item in items {
        let Some((ty, _)) = item.get("uid").and_then(|u| entity_ref(u, true)) else {
            continue;
        };
        for (t, _) in item
            .get("parents")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| entity_ref(p, true))
            .chain(std::iter::once((ty, String::new())))
        {
            if t == "Action" || t.ends_with("::Action") || model.entities.contains_key(&t) {
                continue;
            }
            model.entities.insert(
                t.clone(),
                EntityInfo {
                    attrs: Record::default(),
                    parents: BTreeSet::new(),
                    tags: None,
                    enum_ids: None,
                    derived: vec!["the type is not in the Cedar schema".into()],
                },
            );
            added.push(format!("entity type `{t}`"));
            new_types.insert(t);
        }
    }
    for item in items {
        let Some((ty, _)) = item.get("uid").and_then(|u| entity_ref(u, true)) else {
            continue;
        };
        if ty == "Action" || ty.ends_with("::Action") {
            continue;
        }
        let parents: Vec<String> = item
            .get("parents")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| entity_ref(p, true).map(|(t, _)| t))
            .filter(|t| t != "Action" && !t.ends_with("::Action"))
            .collect();
        let Some(info) = model.entities.get_mut(&ty) else {
            continue;
        };
        for p in parents {
            if info.parents.insert(p.clone()) {
                info.derived.push(format!("may be in `{p}`"));
                added.push(format!("`{ty}` in `{p}`"));
            }
        }
        if let Some(Json::Object(attrs)) = item.get("attrs") {
            for (name, value) in attrs {
                if info.attrs.fields.contains_key(name) {
                    continue;
                }
                let Some(t) = infer(value) else {
                    return Err(format!(
                        "entity type `{ty}`, attribute `{name}`: its type cannot be told from its value"
                    ));
                };
                info.attrs.fields.insert(name.clone(), (t, false));
                info.derived.push(format!("optional attribute `{name}`"));
                added.push(format!("attribute `{name}` of `{ty}`"));
            }
        }
    }
    // A new parent type makes its ancestors possible parents too, as Cedar's closure does.
    close_parents(model);
    Ok(added)
}

fn close_parents(model: &mut Model) {
    let direct: Vec<(String, BTreeSet<String>)> = model
        .entities
        .iter()
        .map(|(k, v)| (k.clone(), v.parents.clone()))
        .collect();
    let lookup: std::collections::BTreeMap<&str, &BTreeSet<String>> =
        direct.iter().map(|(k, v)| (k.as_str(), v)).collect();
    for (ty, parents) in &direct {
        let mut seen = parents.clone();
        let mut stack: Vec<String> = parents.iter().cloned().collect();
        while let Some(next) = stack.pop() {
            for p in lookup.get(next.as_str()).into_iter().flat_map(|s| s.iter()) {
                if seen.insert(p.clone()) {
                    stack.push(p.clone());
                }
            }
        }
        if let Some(info) = model.entities.get_mut(ty) {
            info.parents = seen;
        }
    }
}
