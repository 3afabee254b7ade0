//! The Cedar schema as the translator reads it: entity types with attributes, allowed parents,
//! tags and enumerated ids; actions with their principal and resource types, context, and the
//! groups they belong to. Built from cedar-policy's validated schema, so namespaces and common
//! types are already resolved.

use std::collections::{BTreeMap, BTreeSet};

use cedar_policy_core::validator::ValidatorEntityTypeKind;
use cedar_policy_core::validator::ValidatorSchema;
use cedar_policy_core::validator::types::{EntityKind, Type};

use crate::error::Error;
use crate::names::NameMap;

/// A Cedar type, as far as translation needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CType {
    /// The element type of an empty set literal.
    Never,
    Bool,
    Long,
    String,
    /// An entity of this Cedar type (`Acme::User`).
    Entity(String),
    /// The action of the request (or an action literal).
    Action,
    Set(Box<CType>),
    Record(Record),
    Ext(Ext),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ext {
    Decimal,
    Ip,
    Datetime,
    Duration,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// Field name, type, and whether it is required.
    pub fields: BTreeMap<String, (CType, bool)>,
}

#[derive(Clone, Debug)]
pub struct EntityInfo {
    pub attrs: Record,
    /// Every entity type an entity of this type may be a member of, directly or not (Cedar
    /// accepts any ancestor type as a parent).
    pub parents: BTreeSet<String>,
    pub tags: Option<CType>,
    pub enum_ids: Option<Vec<String>>,
    /// Parts added from the entities rather than the schema (see `--derive-schema`).
    pub derived: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct ActionInfo {
    /// The printed uid, `Action::"view"`.
    pub uid: String,
    pub namespace: Vec<String>,
    pub id: String,
    pub principals: Vec<String>,
    pub resources: Vec<String>,
    pub context: Record,
    /// The actions in this group (transitively), itself excluded.
    pub members: BTreeSet<String>,
}

impl ActionInfo {
    /// An action a request can name: one with principal and resource types.
    pub fn requestable(&self) -> bool {
        !self.principals.is_empty() && !self.resources.is_empty()
    }
}

#[derive(Clone, Debug, Default)]
pub struct Model {
    pub entities: BTreeMap<String, EntityInfo>,
    pub actions: BTreeMap<String, ActionInfo>,
}

impl Model {
    pub fn from_schema(schema: &ValidatorSchema) -> Result<Model, Error> {
        let mut model = Model::default();
        for et in schema.entity_types() {
            let name = et.name().to_string();
            let context = |attr: &str| format!("in entity type `{name}`, attribute `{attr}`");
            let mut attrs = Record::default();
            for (attr, at) in et.attributes().iter() {
                let ty = ctype(&at.attr_type)
                    .map_err(|e| Error::new(format!("{}: {e}", context(attr))))?;
                attrs.fields.insert(attr.to_string(), (ty, at.is_required));
            }
            let (tags, enum_ids) = match &et.kind {
                ValidatorEntityTypeKind::Standard(_) => (
                    et.tag_type().map(ctype).transpose().map_err(|e| {
                        Error::new(format!("in the tags of entity type `{name}`: {e}"))
                    })?,
                    None,
                ),
                ValidatorEntityTypeKind::Enum(ids) => (
                    None,
                    Some(
                        ids.iter()
                            .map(|id| AsRef::<str>::as_ref(id).to_string())
                            .collect(),
                    ),
                ),
                ValidatorEntityTypeKind::External => {
                    return Err(Error::new(format!(
                        "entity type `{name}` is declared `external`: Writ needs every entity type defined"
                    )));
                }
            };
            model.entities.insert(
                name,
                EntityInfo {
                    attrs,
                    parents: BTreeSet::new(),
                    tags,
                    enum_ids,
                    derived: Vec::new(),
                },
            );
        }
        // Cedar records descendants; Writ declares parents.
        for et in schema.entity_types() {
            for child in &et.descendants {
                if let Some(info) = model.entities.get_mut(&child.to_string()) {
                    info.parents.insert(et.name().to_string());
                }
            }
        }
        for action in schema.action_ids() {
            let uid = action.name();
            if action.is_external() {
                return Err(Error::new(format!(
                    "action `{uid}` is declared `external`: Writ needs every action defined"
                )));
            }
            let context = match action.context_type() {
                Some(Type::Record { attrs, .. }) => {
                    let mut record = Record::default();
                    for (attr, at) in attrs.iter() {
                        let ty = ctype(&at.attr_type).map_err(|e| {
                            Error::new(format!(
                                "in the context of action `{uid}`, attribute `{attr}`: {e}"
                            ))
                        })?;
                        record.fields.insert(attr.to_string(), (ty, at.is_required));
                    }
                    record
                }
                _ => Record::default(),
            };
            let namespace = uid
                .entity_type()
                .name()
                .as_ref()
                .namespace_components()
                .map(|c| c.to_string())
                .collect();
            model.actions.insert(
                uid.to_string(),
                ActionInfo {
                    uid: uid.to_string(),
                    namespace,
                    id: AsRef::<str>::as_ref(uid.eid()).to_string(),
                    principals: action
                        .applies_to_principals()
                        .map(|t| t.to_string())
                        .collect(),
                    resources: action
                        .applies_to_resources()
                        .map(|t| t.to_string())
                        .collect(),
                    context,
                    members: action.descendants().map(|d| d.to_string()).collect(),
                },
            );
        }
        model.close_action_groups();
        Ok(model)
    }

    /// Makes every group list its members transitively.
    fn close_action_groups(&mut self) {
        let direct: BTreeMap<String, BTreeSet<String>> = self
            .actions
            .iter()
            .map(|(k, a)| (k.clone(), a.members.clone()))
            .collect();
        for (uid, info) in &mut self.actions {
            let mut seen = BTreeSet::new();
            let mut stack: Vec<String> = direct[uid].iter().cloned().collect();
            while let Some(next) = stack.pop() {
                if seen.insert(next.clone()) {
                    stack.extend(direct.get(&next).into_iter().flatten().cloned());
                }
            }
            seen.remove(uid);
            info.members = seen;
        }
    }

    /// Whether an entity of type `child` can be `in` an entity of type `parent`.
    pub fn may_be_in(&self, child: &str, parent: &str) -> bool {
        child == parent
            || self
                .entities
                .get(child)
                .is_some_and(|e| e.parents.contains(parent))
    }

    /// The requestable actions that `uid` stands for: itself if requestable, and its members.
    pub fn expand_action(&self, uid: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        if let Some(info) = self.actions.get(uid) {
            if info.requestable() {
                out.insert(uid.to_string());
            }
            for m in &info.members {
                if self.actions.get(m).is_some_and(ActionInfo::requestable) {
                    out.insert(m.clone());
                }
            }
        }
        out
    }

    /// The name table for this schema.
    pub fn names(&self) -> NameMap {
        let mut attrs = BTreeSet::new();
        for info in self.entities.values() {
            attrs.extend(info.attrs.fields.keys().cloned());
        }
        let mut names = NameMap::new(
            self.entities.keys().cloned(),
            self.actions
                .values()
                .filter(|a| a.requestable())
                .map(|a| (a.uid.clone(), a.namespace.clone(), a.id.clone())),
            attrs,
            self.entities.values().any(|e| e.tags.is_some()),
        );
        for (name, info) in &self.entities {
            if let Some(ids) = &info.enum_ids {
                names.enums.insert(name.clone(), ids.clone());
            }
        }
        names
    }
}

/// A Cedar validator type as a [`CType`].
pub fn ctype(ty: &Type) -> Result<CType, String> {
    Ok(match ty {
        Type::Never => CType::Never,
        Type::Bool(_) => CType::Bool,
        Type::Long => CType::Long,
        Type::String => CType::String,
        Type::Entity(EntityKind::Entity(lub)) => match lub.get_single_entity() {
            Some(name) if name.is_action() => CType::Action,
            Some(name) => CType::Entity(name.to_string()),
            None => {
                return Err(format!(
                    "the type `{ty}` mixes entity types, which Writ cannot declare"
                ));
            }
        },
        Type::Entity(EntityKind::AnyEntity) => {
            return Err("an entity of any type cannot be declared in Writ".to_string());
        }
        Type::Set { element_type } => match element_type {
            Some(t) => CType::Set(Box::new(ctype(t)?)),
            None => CType::Set(Box::new(CType::Never)),
        },
        Type::Record { attrs, .. } => {
            let mut record = Record::default();
            for (name, at) in attrs.iter() {
                record
                    .fields
                    .insert(name.to_string(), (ctype(&at.attr_type)?, at.is_required));
            }
            CType::Record(record)
        }
        Type::ExtensionType { name } => match name.to_string().as_str() {
            "decimal" => CType::Ext(Ext::Decimal),
            "ipaddr" => CType::Ext(Ext::Ip),
            "datetime" => CType::Ext(Ext::Datetime),
            "duration" => CType::Ext(Ext::Duration),
            other => {
                return Err(format!(
                    "the extension type `{other}` has no Writ counterpart"
                ));
            }
        },
    })
}
