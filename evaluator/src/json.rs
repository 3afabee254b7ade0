//! JSON into typed values, checked against the schema's types.
//!
//! Every mistake is collected with the JSON path where it was found and what was expected
//! there; conversion goes on past a mistake so that one pass reports them all.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use serde_json::Value as Json;
use writ_compiler::schema::Schema;
use writ_compiler::types::{RecordTy, Ty};
use writ_stdlib::{Datetime, Decimal, Duration, EntityUid, IpNet, Value};

/// One thing wrong with the input: where, and what.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ValidationError {
    /// A JSON path such as `$.snapshot.entities[2].attrs.owner`.
    pub path: String,
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Where a value sits in the request, as a chain of borrowed steps. Reading a snapshot walks
/// every entity and attribute, and nearly every request is valid: the path text is only
/// written out when an error needs it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Path<'a> {
    /// `$.name`, or `$` for the empty name.
    Root(&'a str),
    Field(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    pub fn root(name: &'a str) -> Path<'a> {
        Path::Root(name)
    }

    pub fn field(&'a self, name: &'a str) -> Path<'a> {
        Path::Field(self, name)
    }

    pub fn index(&'a self, i: usize) -> Path<'a> {
        Path::Index(self, i)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root("") => f.write_str("$"),
            Path::Root(name) => write!(f, "$.{name}"),
            Path::Field(parent, name) if writ_stdlib::is_identifier(name) => {
                write!(f, "{parent}.{name}")
            }
            Path::Field(parent, name) => write!(f, "{parent}[{}]", Json::String(name.to_string())),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

pub(crate) struct Reader<'a> {
    pub schema: &'a Schema,
    pub errors: Vec<ValidationError>,
}

/// What a JSON value is, for "found ..." messages.
pub fn describe(json: &Json) -> String {
    match json {
        Json::Null => "null".to_string(),
        Json::Bool(b) => format!("the boolean {b}"),
        Json::Number(n) => format!("the number {n}"),
        Json::String(s) if s.chars().count() > 40 => "a string".to_string(),
        Json::String(s) => format!("the string {}", Json::String(s.clone())),
        Json::Array(_) => "an array".to_string(),
        Json::Object(_) => "an object".to_string(),
    }
}

impl Reader<'_> {
    pub fn error(&mut self, path: &Path<'_>, message: impl Into<String>) {
        self.errors.push(ValidationError {
            path: path.to_string(),
            message: message.into(),
        });
    }

    fn expected(&mut self, path: &Path<'_>, expected: &str, found: &Json) {
        self.error(
            path,
            format!("expected {expected}, found {}", describe(found)),
        );
    }

    /// An entity reference: `"Type::\"id\""` or `{"type": "Type", "id": "id"}`.
    pub fn entity(&mut self, json: &Json, path: &Path) -> Option<EntityUid> {
        let uid = match json {
            Json::String(text) => parse_uid(text),
            Json::Object(map) => match (map.get("type"), map.get("id")) {
                (Some(Json::String(ty)), Some(Json::String(id))) if map.len() == 2 => {
                    Some(EntityUid::new(ty.as_str(), id.as_str()))
                }
                _ => None,
            },
            _ => None,
        };
        match uid {
            Some(uid) if self.schema.entities.contains_key(&*uid.ty) => Some(uid),
            Some(uid) => {
                let mut message = format!("unknown entity type `{}`", uid.ty);
                if let Some(s) =
                    writ_compiler::closest(&uid.ty, self.schema.entities.keys().map(|k| k.as_ref()))
                {
                    message.push_str(&format!("; did you mean `{s}`?"));
                }
                self.error(path, message);
                None
            }
            None => {
                self.expected(
                    path,
                    "an entity reference such as \"User::\\\"alice\\\"\" or {\"type\": \"User\", \"id\": \"alice\"}",
                    json,
                );
                None
            }
        }
    }

    /// A value of type `ty`.
    pub fn value(&mut self, json: &Json, ty: &Ty, path: &Path) -> Option<Value> {
        match ty {
            Ty::Bool(_) => match json {
                Json::Bool(b) => Some(Value::Bool(*b)),
                _ => self.wrong(path, "a boolean", json),
            },
            Ty::Int => match json.as_i64() {
                Some(i) => Some(Value::Int(i)),
                None => self.wrong(path, "an integer (`Int`)", json),
            },
            Ty::Decimal => {
                let parsed = match json {
                    Json::String(s) => Decimal::parse(s).ok(),
                    Json::Number(n) => match n.as_i64() {
                        Some(i) => Decimal::from_int(i),
                        None => Decimal::parse(&n.to_string()).ok(),
                    },
                    _ => None,
                };
                match parsed {
                    Some(d) => Some(Value::Decimal(d)),
                    None => self.wrong(
                        path,
                        "a decimal with at most 4 fraction digits, such as \"12.34\" or 12.34",
                        json,
                    ),
                }
            }
            Ty::String => match json {
                Json::String(s) => Some(Value::string(s.as_str())),
                _ => self.wrong(path, "a string", json),
            },
            Ty::Datetime => match json.as_str().map(Datetime::parse) {
                Some(Ok(d)) => Some(Value::Datetime(d)),
                _ => self.wrong(path, "a datetime such as \"2026-01-31T09:00:00Z\"", json),
            },
            Ty::Duration => match json.as_str().map(Duration::parse) {
                Some(Ok(d)) => Some(Value::Duration(d)),
                _ => self.wrong(path, "a duration such as \"1h30m\"", json),
            },
            Ty::IpAddr => match json.as_str().map(IpNet::parse) {
                Some(Ok(ip)) => Some(Value::Ip(ip)),
                _ => self.wrong(path, "an IP address or range such as \"10.0.0.0/8\"", json),
            },
            Ty::Entity(expected) => {
                let uid = self.entity(json, path)?;
                if uid.ty.as_ref() != expected.as_ref() {
                    self.error(
                        path,
                        format!("expected an entity of type `{expected}`, found `{uid}`"),
                    );
                    return None;
                }
                Some(Value::Entity(uid))
            }
            Ty::AnyEntity => self.entity(json, path).map(Value::Entity),
            Ty::Enum(name) => {
                let members = self
                    .schema
                    .enums
                    .get(name)
                    .map(|e| e.members.clone())
                    .unwrap_or_default();
                match json {
                    Json::String(s) if members.iter().any(|m| m.as_ref() == s) => {
                        Some(Value::string(s.as_str()))
                    }
                    _ => {
                        let list: Vec<String> =
                            members.iter().map(|m| format!("\"{m}\"")).collect();
                        self.wrong(
                            path,
                            &format!("one of the members of `{name}`: {}", list.join(", ")),
                            json,
                        )
                    }
                }
            }
            Ty::Set(element) => match json {
                Json::Array(items) => {
                    let mut set = BTreeSet::new();
                    let mut ok = true;
                    for (i, item) in items.iter().enumerate() {
                        match self.value(item, element, &path.index(i)) {
                            Some(v) => {
                                set.insert(v);
                            }
                            None => ok = false,
                        }
                    }
                    ok.then(|| Value::Set(Arc::new(set)))
                }
                _ => self.wrong(path, &format!("an array (a `{ty}`)"), json),
            },
            Ty::Map(key, value) => self.map(json, key, value, path, ty),
            Ty::Record(record) => self
                .record(json, record, path, false)
                .map(|r| Value::Record(Arc::new(r))),
            // Never and Error do not occur in a checked schema.
            Ty::Never | Ty::Error => None,
        }
    }

    fn wrong(&mut self, path: &Path<'_>, expected: &str, json: &Json) -> Option<Value> {
        self.expected(path, expected, json);
        None
    }

    /// A map: a JSON object (keys are read as the key type: strings, entity references, ...)
    /// or an array of `[key, value]` pairs.
    fn map(
        &mut self,
        json: &Json,
        key: &Ty,
        value: &Ty,
        path: &Path<'_>,
        ty: &Ty,
    ) -> Option<Value> {
        let mut map = BTreeMap::new();
        let mut ok = true;
        match json {
            Json::Object(entries) => {
                for (k, v) in entries {
                    let entry_path = path.field(k);
                    let key_json = Json::String(k.clone());
                    let k = self.value(&key_json, key, &entry_path);
                    let v = self.value(v, value, &entry_path);
                    match (k, v) {
                        (Some(k), Some(v)) => {
                            map.insert(k, v);
                        }
                        _ => ok = false,
                    }
                }
            }
            Json::Array(pairs) => {
                for (i, pair) in pairs.iter().enumerate() {
                    let pair_path = path.index(i);
                    match pair.as_array().map(|p| p.as_slice()) {
                        Some([k, v]) => {
                            let k = self.value(k, key, &pair_path.index(0));
                            let v = self.value(v, value, &pair_path.index(1));
                            match (k, v) {
                                (Some(k), Some(v)) => {
                                    map.insert(k, v);
                                }
                                _ => ok = false,
                            }
                        }
                        _ => {
                            self.expected(&pair_path, "a [key, value] pair", pair);
                            ok = false;
                        }
                    }
                }
            }
            _ => {
                return self.wrong(
                    path,
                    &format!("an object or an array of [key, value] pairs (a `{ty}`)"),
                    json,
                );
            }
        }
        ok.then(|| Value::Map(Arc::new(map)))
    }

    /// A record: known fields converted, unknown ones and missing required ones reported.
    /// With `partial`, required fields may be missing.
    pub fn record(
        &mut self,
        json: &Json,
        record: &RecordTy,
        path: &Path<'_>,
        partial: bool,
    ) -> Option<BTreeMap<Arc<str>, Value>> {
        let Json::Object(fields) = json else {
            self.expected(path, &format!("an object with the fields {record}"), json);
            return None;
        };
        let mut out = BTreeMap::new();
        let mut ok = true;
        for (name, value) in fields {
            let field_path = path.field(name);
            match record.fields.get(name.as_str()) {
                Some(field) => match self.value(value, &field.ty, &field_path) {
                    Some(v) => {
                        out.insert(Arc::from(name.as_str()), v);
                    }
                    None => ok = false,
                },
                None => {
                    let mut message = format!("unknown field `{name}`");
                    if let Some(s) =
                        writ_compiler::closest(name, record.fields.keys().map(|k| k.as_ref()))
                    {
                        message.push_str(&format!("; did you mean `{s}`?"));
                    } else if !record.fields.is_empty() {
                        let names: Vec<&str> = record.fields.keys().map(|k| k.as_ref()).collect();
                        message.push_str(&format!("; the fields are {}", names.join(", ")));
                    }
                    self.error(&field_path, message);
                    ok = false;
                }
            }
        }
        if !partial {
            for (name, field) in &record.fields {
                if !field.optional && !fields.contains_key(name.as_ref()) {
                    self.error(
                        &path.field(name),
                        format!("missing required field of type `{}`", field.ty),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }
}

/// A value as JSON, the inverse of reading it with its type: numbers and booleans as they are,
/// decimals, datetimes, durations, IP ranges and entities as strings in Writ's syntax, sets as
/// arrays, maps as arrays of `[key, value]` pairs, records as objects.
pub fn value_json(value: &Value) -> Json {
    match value {
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::String(s) => Json::String(s.to_string()),
        Value::Decimal(d) => Json::String(d.to_string()),
        Value::Datetime(d) => Json::String(d.to_string()),
        Value::Duration(d) => Json::String(d.to_string()),
        Value::Ip(ip) => Json::String(ip.to_string()),
        Value::Entity(uid) => Json::String(uid.to_string()),
        Value::Set(items) => Json::Array(items.iter().map(value_json).collect()),
        Value::Map(map) => Json::Array(
            map.iter()
                .map(|(k, v)| Json::Array(vec![value_json(k), value_json(v)]))
                .collect(),
        ),
        Value::Record(fields) => Json::Object(
            fields
                .iter()
                .map(|(k, v)| (k.to_string(), value_json(v)))
                .collect(),
        ),
    }
}

/// `Type::"id"`, with the id's `\"` and `\\` unescaped.
pub fn parse_uid(text: &str) -> Option<EntityUid> {
    let (ty, rest) = text.split_once("::")?;
    if !writ_stdlib::is_identifier(ty) {
        return None;
    }
    let quoted = rest.strip_prefix('"')?.strip_suffix('"')?;
    let mut id = String::with_capacity(quoted.len());
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => id.push(chars.next()?),
            '"' => return None,
            c => id.push(c),
        }
    }
    Some(EntityUid::new(ty, id.as_str()))
}

#[cfg(test)]
mod tests {
    use super::parse_uid;

    #[test]
    fn parses_entity_references() {
        let uid = parse_uid(r#"Agent::"coder""#).unwrap();
        assert_eq!((&*uid.ty, &*uid.id), ("Agent", "coder"));
        let uid = parse_uid(r#"File::"a \"b\" c""#).unwrap();
        assert_eq!(&*uid.id, "a \"b\" c");
        assert!(parse_uid("Agent::coder").is_none());
        assert!(parse_uid(r#"Bad Type::"x""#).is_none());
        assert!(parse_uid(r#"A::"x"y""#).is_none());
    }
}
