//! How Cedar names become Writ names, and back.
//!
//! Writ identifiers are ASCII letters, digits and `_`; Cedar entity types may be namespaced
//! (`Acme::User`), action ids and attribute names may be any string (`"Role-A Actions"`). Each
//! Cedar name gets a readable Writ name: names that are already valid stay as they are, others
//! have each character outside the alphabet replaced by `_`, a clash with a reserved word gets a
//! trailing `_`, and a clash with a name already given gets `_2`, `_3`, ... Names are given in
//! sorted order, valid names first, so the result does not depend on declaration order. The
//! table is kept (`cedar.json` beside the imported policies) so requests translate the same way.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value as Json, json};

/// Names a declaration may not take besides keywords: built-in types. (Contextual keywords would
/// read ambiguously where a type name stands, so they are refused too.)
const NOT_A_TYPE: &[&str] = &[
    "Bool", "Int", "Decimal", "String", "Datetime", "Duration", "IpAddr", "Set", "Map",
];

/// Writ's reserved keywords cannot name a type, rule or the first segment of an action.
pub fn is_reserved(name: &str) -> bool {
    writ_language::is_keyword(name)
}

/// `text` with every character outside `[A-Za-z0-9_]` replaced by `_`, and a leading `_` when it
/// would start with a digit or be empty.
pub fn identifier(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// Gives unique names: each request gets its preferred spelling, or that spelling with a suffix.
#[derive(Default)]
struct Allocator {
    taken: BTreeSet<String>,
}

impl Allocator {
    fn give(&mut self, preferred: String) -> String {
        if self.taken.insert(preferred.clone()) {
            return preferred;
        }
        let mut n = 2;
        loop {
            let candidate = format!("{preferred}_{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

/// Assigns names to a set of Cedar names: valid ones first (unchanged), then the others.
fn assign(
    names: impl IntoIterator<Item = String>,
    valid: impl Fn(&str) -> bool,
    spell: impl Fn(&str) -> String,
    allocator: &mut Allocator,
) -> BTreeMap<String, String> {
    let all: BTreeSet<String> = names.into_iter().collect();
    let mut out = BTreeMap::new();
    for name in all.iter().filter(|n| valid(n)) {
        out.insert(name.clone(), allocator.give(name.clone()));
    }
    for name in all.iter().filter(|n| !valid(n)) {
        out.insert(name.clone(), allocator.give(spell(name)));
    }
    out
}

fn valid_type_name(name: &str) -> bool {
    writ_stdlib::is_identifier(name)
        && !is_reserved(name)
        && !NOT_A_TYPE.contains(&name)
        && !writ_language::is_contextual_keyword(name)
}

fn valid_rule_name(name: &str) -> bool {
    writ_stdlib::is_identifier(name) && !is_reserved(name)
}

/// The Cedar-to-Writ name table of one imported policy set.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NameMap {
    /// Cedar entity type (`Acme::User`) to Writ entity type (`Acme_User`).
    pub entity_types: BTreeMap<String, String>,
    /// Cedar action (`Action::"view"`, as Cedar prints it) to Writ action (`view`).
    pub actions: BTreeMap<String, String>,
    /// Cedar entity attribute names that are not Writ identifiers, to the names Writ uses.
    pub attributes: BTreeMap<String, String>,
    /// The Writ attribute that holds an entity's Cedar tags, when any entity type has tags.
    pub tags: Option<String>,
    /// Writ rule name to the Cedar policy it came from (its id, or template and link ids).
    pub rules: BTreeMap<String, String>,
    /// Enumerated entity types: the ids they allow.
    pub enums: BTreeMap<String, Vec<String>>,
}

impl NameMap {
    /// Names every entity type, action and non-identifier entity attribute.
    ///
    /// `actions` are `(printed uid, namespace segments, id)`; `attributes` are every entity
    /// attribute name in the schema.
    pub fn new(
        entity_types: impl IntoIterator<Item = String>,
        actions: impl IntoIterator<Item = (String, Vec<String>, String)>,
        attributes: impl IntoIterator<Item = String>,
        has_tags: bool,
    ) -> NameMap {
        let mut types = Allocator::default();
        let entity_types = assign(
            entity_types,
            valid_type_name,
            |name| {
                let joined = identifier(&name.replace("::", "_"));
                if valid_type_name(&joined) {
                    joined
                } else {
                    format!("{joined}_")
                }
            },
            &mut types,
        );

        // Actions are dot-separated: the namespace's segments, then the id.
        let mut by_action = Allocator::default();
        let mut action_names = BTreeMap::new();
        let mut pending: Vec<(String, String, bool)> = actions
            .into_iter()
            .map(|(uid, namespace, id)| {
                let mut segments: Vec<String> = namespace.iter().map(|s| identifier(s)).collect();
                segments.push(identifier(&id));
                let valid = namespace.iter().all(|s| writ_stdlib::is_identifier(s))
                    && writ_stdlib::is_identifier(&id);
                if is_reserved(&segments[0]) {
                    segments[0].push('_');
                }
                (uid, segments.join("."), valid && !is_reserved(&id))
            })
            .collect();
        pending.sort_by(|a, b| (!a.2, &a.0).cmp(&(!b.2, &b.0)));
        for (uid, name, _) in pending {
            action_names.insert(uid, by_action.give(name));
        }

        let attrs: BTreeSet<String> = attributes.into_iter().collect();
        let mut attr_names = Allocator::default();
        for a in attrs.iter().filter(|a| writ_stdlib::is_identifier(a)) {
            attr_names.taken.insert(a.clone());
        }
        let mut attributes = BTreeMap::new();
        for a in attrs.iter().filter(|a| !writ_stdlib::is_identifier(a)) {
            attributes.insert(a.clone(), attr_names.give(identifier(a)));
        }
        let tags = has_tags.then(|| attr_names.give("tags".to_string()));
        NameMap {
            entity_types,
            actions: action_names,
            attributes,
            tags,
            rules: BTreeMap::new(),
            enums: BTreeMap::new(),
        }
    }

    /// The Writ name of an entity attribute.
    pub fn attribute<'a>(&'a self, cedar: &'a str) -> &'a str {
        self.attributes.get(cedar).map_or(cedar, |s| s.as_str())
    }

    /// Gives a rule a unique Writ name derived from the Cedar policy id.
    pub fn rule_name(&mut self, cedar_id: &str, taken: &mut BTreeSet<String>) -> String {
        let mut preferred = identifier(cedar_id);
        if !valid_rule_name(&preferred) {
            preferred.push('_');
        }
        let mut allocator = Allocator {
            taken: std::mem::take(taken),
        };
        let name = allocator.give(preferred);
        *taken = allocator.taken;
        self.rules.insert(name.clone(), cedar_id.to_string());
        name
    }

    /// The Cedar entity type of a Writ entity type.
    pub fn cedar_type(&self, writ: &str) -> Option<&str> {
        self.entity_types
            .iter()
            .find(|(_, w)| w.as_str() == writ)
            .map(|(c, _)| c.as_str())
    }

    pub fn to_json(&self) -> Json {
        json!({
            "format": "writ-cedar-names/1",
            "entity_types": self.entity_types,
            "actions": self.actions,
            "attributes": self.attributes,
            "tags": self.tags,
            "rules": self.rules,
            "enums": self.enums,
        })
    }

    pub fn from_json(json: &Json) -> Result<NameMap, String> {
        fn table(json: &Json, key: &str) -> Result<BTreeMap<String, String>, String> {
            match json.get(key) {
                None => Ok(BTreeMap::new()),
                Some(Json::Object(map)) => map
                    .iter()
                    .map(|(k, v)| match v {
                        Json::String(s) => Ok((k.clone(), s.clone())),
                        _ => Err(format!("`{key}.{k}` is not a string")),
                    })
                    .collect(),
                Some(_) => Err(format!("`{key}` is not an object")),
            }
        }
        if json.get("format").and_then(Json::as_str) != Some("writ-cedar-names/1") {
            return Err(
                "not a Cedar name table (expected `\"format\": \"writ-cedar-names/1\"`)".into(),
            );
        }
        let mut enums = BTreeMap::new();
        if let Some(Json::Object(map)) = json.get("enums") {
            for (k, v) in map {
                let ids = v
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|s| s.as_str().map(String::from))
                            .collect()
                    })
                    .ok_or_else(|| format!("`enums.{k}` is not an array"))?;
                enums.insert(k.clone(), ids);
            }
        }
        Ok(NameMap {
            entity_types: table(json, "entity_types")?,
            actions: table(json, "actions")?,
            attributes: table(json, "attributes")?,
            tags: json.get("tags").and_then(Json::as_str).map(String::from),
            rules: table(json, "rules")?,
            enums,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_readable_unique_and_stable() {
        let map = NameMap::new(
            ["Acme::User", "Acme_User", "User", "String", "in"].map(String::from),
            [
                (
                    "Action::\"Role-A Actions\"".into(),
                    vec![],
                    "Role-A Actions".into(),
                ),
                (
                    "Action::\"Role_A_Actions\"".into(),
                    vec![],
                    "Role_A_Actions".into(),
                ),
                ("Action::\"test\"".into(), vec![], "test".into()),
                (
                    "Acme::Action::\"read\"".into(),
                    vec!["Acme".into()],
                    "read".into(),
                ),
            ],
            ["x-y", "x_y", "ok"].map(String::from),
            true,
        );
        assert_eq!(map.entity_types["Acme_User"], "Acme_User");
        assert_eq!(map.entity_types["Acme::User"], "Acme_User_2");
        assert_eq!(map.entity_types["String"], "String_");
        assert_eq!(map.entity_types["in"], "in_");
        assert_eq!(map.actions["Action::\"Role_A_Actions\""], "Role_A_Actions");
        assert_eq!(
            map.actions["Action::\"Role-A Actions\""],
            "Role_A_Actions_2"
        );
        assert_eq!(map.actions["Action::\"test\""], "test_");
        assert_eq!(map.actions["Acme::Action::\"read\""], "Acme.read");
        assert_eq!(map.attribute("x-y"), "x_y_2");
        assert_eq!(map.attribute("ok"), "ok");
        assert_eq!(map.tags.as_deref(), Some("tags"));
        assert_eq!(NameMap::from_json(&map.to_json()).unwrap(), map);
    }
}
