//! Cedar's JSON data (entities, context) in Writ's JSON form, directed by the Cedar types.
//!
//! Cedar writes an entity reference `{"__entity": {"type": "User", "id": "a"}}` (or, where the
//! schema says an entity is expected, `{"type": "User", "id": "a"}`), and an extension value
//! `{"__extn": {"fn": "decimal", "arg": "1.5"}}` (or `{"fn": ..., "arg": ...}`). Writ reads an
//! entity as `{"type", "id"}` with its Writ type name, and a decimal, IP address, datetime or
//! duration as its text.

use serde_json::{Map, Value as Json, json};
use writ_stdlib::{Datetime, Decimal, Duration, IpNet};

use crate::model::{CType, Ext, Model, Record};
use crate::names::NameMap;

pub struct Converter<'a> {
    pub model: &'a Model,
    pub names: &'a NameMap,
}

/// What a JSON value is, for messages.
fn describe(json: &Json) -> String {
    match json {
        Json::Null => "null".into(),
        Json::Bool(b) => format!("`{b}`"),
        Json::Number(n) => format!("`{n}`"),
        Json::String(s) => format!("the string {}", Json::String(s.clone())),
        Json::Array(_) => "an array".into(),
        Json::Object(_) => "an object".into(),
    }
}

/// `(type, id)` of an entity reference in any of Cedar's JSON forms, or of the string form
/// `Type::"id"` that requests use.
pub fn entity_ref(json: &Json, implicit: bool) -> Option<(String, String)> {
    match json {
        Json::Object(map) => {
            if let Some(inner) = map.get("__entity") {
                return if map.len() == 1 {
                    entity_ref(inner, true)
                } else {
                    None
                };
            }
            match (map.get("type"), map.get("id")) {
                (Some(Json::String(t)), Some(Json::String(id))) if implicit && map.len() == 2 => {
                    Some((t.clone(), id.clone()))
                }
                _ => None,
            }
        }
        Json::String(text) if implicit => {
            let uid: cedar_policy::EntityUid = text.parse().ok()?;
            Some((
                uid.type_name().to_string(),
                AsRef::<str>::as_ref(uid.id()).to_string(),
            ))
        }
        _ => None,
    }
}

/// `(function, argument)` of an extension value.
fn extension(json: &Json) -> Option<(&str, &str)> {
    let map = json.as_object()?;
    let inner = match map.get("__extn") {
        Some(inner) if map.len() == 1 => inner.as_object()?,
        Some(_) => return None,
        None => map,
    };
    match (inner.get("fn"), inner.get("arg")) {
        (Some(Json::String(f)), Some(Json::String(a))) if inner.len() == 2 => Some((f, a)),
        _ => None,
    }
}

impl Converter<'_> {
    /// A Writ entity reference for a Cedar one, checking its type and, for enumerated types,
    /// its id.
    pub fn entity(&self, ty: &str, id: &str, path: &str) -> Result<Json, String> {
        let Some(writ) = self.names.entity_types.get(ty) else {
            return Err(format!("{path}: unknown entity type `{ty}`"));
        };
        if let Some(ids) = self.names.enums.get(ty)
            && !ids.iter().any(|i| i == id)
        {
            return Err(format!(
                "{path}: `{ty}::{}` is not one of the ids the enumerated entity type `{ty}` allows",
                Json::String(id.to_string())
            ));
        }
        Ok(json!({"type": writ, "id": id}))
    }

    pub fn value(&self, json: &Json, ty: &CType, path: &str) -> Result<Json, String> {
        let mismatch =
            |expected: &str| format!("{path}: expected {expected}, found {}", describe(json));
        match ty {
            CType::Bool => json
                .as_bool()
                .map(Json::Bool)
                .ok_or_else(|| mismatch("a boolean")),
            CType::Long => json
                .as_i64()
                .map(Json::from)
                .ok_or_else(|| mismatch("an integer")),
            CType::String => match json {
                Json::String(s) => Ok(Json::String(s.clone())),
                _ => Err(mismatch("a string")),
            },
            CType::Entity(expected) => {
                let Some((t, id)) = entity_ref(json, true) else {
                    return Err(mismatch(&format!("an entity of type `{expected}`")));
                };
                if t != *expected {
                    return Err(format!(
                        "{path}: expected an entity of type `{expected}`, found `{t}::{}`",
                        Json::String(id)
                    ));
                }
                self.entity(&t, &id, path)
            }
            CType::Set(element) => match json {
                Json::Array(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.value(item, element, &format!("{path}, element {i}")))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Json::Array),
                _ => Err(mismatch("an array")),
            },
            CType::Record(record) => self.record(json, record, path),
            CType::Ext(ext) => {
                let (f, arg) = extension(json).ok_or_else(|| mismatch("an extension value"))?;
                let (name, ok) = match ext {
                    Ext::Decimal => ("decimal", Decimal::parse(arg).is_ok()),
                    Ext::Ip => ("ip", IpNet::parse(arg).is_ok()),
                    Ext::Datetime => ("datetime", Datetime::parse(arg).is_ok()),
                    Ext::Duration => ("duration", Duration::parse(arg).is_ok()),
                };
                let accepted = f == name || (f == "ipaddr" && name == "ip");
                if !accepted {
                    return Err(format!("{path}: expected a `{name}` value, found `{f}`"));
                }
                if !ok {
                    return Err(format!(
                        "{path}: {} is not a valid `{name}`",
                        Json::String(arg.to_string())
                    ));
                }
                Ok(Json::String(arg.to_string()))
            }
            CType::Action => Err(format!("{path}: an action cannot be given as a value")),
            CType::Never => Err(format!("{path}: no value has this type")),
        }
    }

    /// A record: every field known, every required one present.
    pub fn record(&self, json: &Json, record: &Record, path: &str) -> Result<Json, String> {
        let Json::Object(fields) = json else {
            return Err(format!(
                "{path}: expected an object, found {}",
                describe(json)
            ));
        };
        let mut out = Map::new();
        for (name, value) in fields {
            let Some((ty, _)) = record.fields.get(name) else {
                return Err(format!("{path}: unknown attribute `{name}`"));
            };
            out.insert(
                name.clone(),
                self.value(value, ty, &format!("{path}, attribute `{name}`"))?,
            );
        }
        for (name, (_, required)) in &record.fields {
            if *required && !fields.contains_key(name) {
                return Err(format!("{path}: missing required attribute `{name}`"));
            }
        }
        Ok(Json::Object(out))
    }

    /// A Cedar entities file as the `entities` of a Writ snapshot. Action entities are left
    /// out: actions and their groups come from the schema.
    pub fn entities(&self, json: &Json) -> Result<Json, String> {
        let Json::Array(items) = json else {
            return Err(format!("the entities are {}, not an array", describe(json)));
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let path = format!("entity {i}");
            let Json::Object(map) = item else {
                return Err(format!(
                    "{path}: expected an object, found {}",
                    describe(item)
                ));
            };
            let (ty, id) = map
                .get("uid")
                .and_then(|u| entity_ref(u, true))
                .ok_or_else(|| format!("{path}: missing or malformed `uid`"))?;
            if ty == "Action" || ty.ends_with("::Action") {
                continue;
            }
            let path = format!("entity `{ty}::{}`", Json::String(id.clone()));
            let info = self
                .model
                .entities
                .get(&ty)
                .ok_or_else(|| format!("{path}: unknown entity type `{ty}`"))?;
            let uid = self.entity(&ty, &id, &path)?;
            let empty = Json::Object(Map::new());
            let attrs = self.record(map.get("attrs").unwrap_or(&empty), &info.attrs, &path)?;
            let mut writ_attrs = Map::new();
            if let Json::Object(attrs) = attrs {
                for (k, v) in attrs {
                    writ_attrs.insert(self.names.attribute(&k).to_string(), v);
                }
            }
            match (&info.tags, map.get("tags")) {
                (Some(tag_ty), tags) => {
                    let mut writ_tags = Map::new();
                    if let Some(tags) = tags {
                        let Json::Object(tags) = tags else {
                            return Err(format!("{path}: `tags` is not an object"));
                        };
                        for (k, v) in tags {
                            writ_tags.insert(
                                k.clone(),
                                self.value(v, tag_ty, &format!("{path}, tag `{k}`"))?,
                            );
                        }
                    }
                    if let Some(attr) = &self.names.tags {
                        writ_attrs.insert(attr.clone(), Json::Object(writ_tags));
                    }
                }
                (None, Some(Json::Object(tags))) if !tags.is_empty() => {
                    return Err(format!("{path}: entities of type `{ty}` cannot have tags"));
                }
                _ => {}
            }
            let mut parents = Vec::new();
            if let Some(list) = map.get("parents") {
                let Json::Array(list) = list else {
                    return Err(format!("{path}: `parents` is not an array"));
                };
                for p in list {
                    let (pt, pid) = entity_ref(p, true)
                        .ok_or_else(|| format!("{path}: a parent is not an entity reference"))?;
                    if pt == "Action" || pt.ends_with("::Action") {
                        continue;
                    }
                    if !info.parents.contains(&pt) {
                        return Err(format!(
                            "{path}: an entity of type `{ty}` cannot be in `{pt}::{}`",
                            Json::String(pid)
                        ));
                    }
                    parents.push(self.entity(&pt, &pid, &path)?);
                }
            }
            out.push(json!({"uid": uid, "attrs": writ_attrs, "parents": parents}));
        }
        Ok(Json::Array(out))
    }
}
