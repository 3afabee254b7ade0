//! Intents and snapshots: read from JSON, checked against the schema.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use serde_json::Value as Json;
use writ_compiler::schema::Schema;
use writ_compiler::types::RecordTy;
use writ_stdlib::{Datetime, EntityUid, Value};

use crate::hash::canonical_hash;
use crate::json::{Path, Reader, describe};
use crate::policy::PolicySet;

/// A proposed action.
#[derive(Clone, Debug, PartialEq)]
pub struct Intent {
    pub actor: EntityUid,
    pub action: Arc<str>,
    pub resource: Option<EntityUid>,
    /// A record of the action's arguments.
    pub args: Value,
    /// SHA-256 of the intent's canonical JSON.
    pub hash: String,
}

/// What a decision is taken against.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    pub time: Option<Datetime>,
    pub entities: HashMap<EntityUid, Entity>,
    /// A record of the state's fields.
    pub state: Arc<BTreeMap<Arc<str>, Value>>,
    pub grants: Vec<Grant>,
    /// SHA-256 of the snapshot's canonical JSON.
    pub hash: String,
}

#[derive(Clone, Debug, Default)]
pub struct Entity {
    pub attrs: Arc<BTreeMap<Arc<str>, Value>>,
    pub parents: Vec<EntityUid>,
    /// Every entity this one is (transitively) in; computed once per snapshot.
    pub ancestors: HashSet<EntityUid>,
}

/// A delegated capability.
#[derive(Clone, Debug, PartialEq)]
pub struct Grant {
    pub id: Arc<str>,
    pub issuer: EntityUid,
    pub holder: EntityUid,
    /// An action pattern: `fs.write`, `fs.*` or `*`.
    pub capability: Arc<str>,
    /// Entities the grant covers (a resource is covered when it is `in` one of them); `None`
    /// covers everything.
    pub scope: Option<Vec<EntityUid>>,
    pub expires: Option<Datetime>,
    pub revoked: bool,
    pub parent: Option<Arc<str>>,
}

impl Snapshot {
    /// Whether `child` is `in` `ancestor` (reflexively), by the snapshot's hierarchy.
    pub fn is_in(&self, child: &EntityUid, ancestor: &EntityUid) -> bool {
        child == ancestor
            || self
                .entities
                .get(child)
                .is_some_and(|e| e.ancestors.contains(ancestor))
    }

    /// Adds an entity (for tests that build a snapshot piece by piece); call
    /// [`Snapshot::link`] once all are in.
    pub fn insert(
        &mut self,
        uid: EntityUid,
        attrs: BTreeMap<Arc<str>, Value>,
        parents: Vec<EntityUid>,
    ) {
        self.entities.insert(
            uid,
            Entity {
                attrs: Arc::new(attrs),
                parents,
                ancestors: HashSet::new(),
            },
        );
    }

    /// Computes every entity's ancestors. Cycles in the data are tolerated: an entity in a
    /// cycle is simply in every member of it.
    pub fn link(&mut self) {
        // Walk with shared borrows, then store: no copy of the parent lists is needed.
        let closed: Vec<(EntityUid, HashSet<EntityUid>)> = self
            .entities
            .iter()
            .filter(|(_, entity)| !entity.parents.is_empty())
            .map(|(uid, entity)| {
                let mut seen = HashSet::new();
                let mut stack: Vec<&EntityUid> = entity.parents.iter().collect();
                while let Some(next) = stack.pop() {
                    if seen.insert(next.clone())
                        && let Some(more) = self.entities.get(next)
                    {
                        stack.extend(more.parents.iter());
                    }
                }
                seen.remove(uid);
                (uid.clone(), seen)
            })
            .collect();
        for (uid, ancestors) in closed {
            if let Some(entity) = self.entities.get_mut(&uid) {
                entity.ancestors = ancestors;
            }
        }
    }
}

fn object<'j>(
    json: &'j Json,
    path: &Path<'_>,
    reader: &mut Reader,
) -> Option<&'j serde_json::Map<String, Json>> {
    match json {
        Json::Object(map) => Some(map),
        other => {
            reader.error(
                path,
                format!("expected an object, found {}", describe(other)),
            );
            None
        }
    }
}

fn unknown_fields(
    map: &serde_json::Map<String, Json>,
    known: &[&str],
    path: &Path<'_>,
    reader: &mut Reader,
) {
    for key in map.keys() {
        if !known.contains(&key.as_str()) {
            let mut message = format!("unknown field `{key}`");
            if let Some(s) = writ_compiler::closest(key, known.iter().copied()) {
                message.push_str(&format!("; did you mean `{s}`?"));
            } else {
                message.push_str(&format!("; the fields are {}", known.join(", ")));
            }
            reader.error(&path.field(key), message);
        }
    }
}

impl PolicySet {
    /// Reads an intent (`{"actor", "action", "resource", "args"}`) under `path`.
    pub(crate) fn read_intent(
        &self,
        json: &Json,
        path: &Path<'_>,
        reader: &mut Reader,
    ) -> Option<Intent> {
        let map = object(json, path, reader)?;
        unknown_fields(map, &["actor", "action", "resource", "args"], path, reader);
        let actor = match map.get("actor") {
            Some(a) => reader.entity(a, &path.field("actor")),
            None => {
                reader.error(
                    &path.field("actor"),
                    "missing required field: the entity proposing the action",
                );
                None
            }
        };
        let action = match map.get("action") {
            Some(Json::String(a)) => Some(a.clone()),
            Some(other) => {
                reader.error(
                    &path.field("action"),
                    format!(
                        "expected an action name such as \"fs.write\", found {}",
                        describe(other)
                    ),
                );
                None
            }
            None => {
                reader.error(
                    &path.field("action"),
                    "missing required field: the action's name",
                );
                None
            }
        };
        let info = action
            .as_ref()
            .and_then(|a| match self.schema.actions.get(a.as_str()) {
                Some(info) => Some(info.clone()),
                None => {
                    let mut message = format!("unknown action `{a}`");
                    if let Some(s) =
                        writ_compiler::closest(a, self.schema.actions.keys().map(|k| k.as_ref()))
                    {
                        message.push_str(&format!("; did you mean `{s}`?"));
                    }
                    reader.error(&path.field("action"), message);
                    None
                }
            });
        let resource = map
            .get("resource")
            .filter(|r| !r.is_null())
            .and_then(|r| reader.entity(r, &path.field("resource")));
        let args_json = map
            .get("args")
            .cloned()
            .unwrap_or(Json::Object(Default::default()));
        let info = info?;
        if let Some(actor) = &actor
            && !info.actors.is_empty()
            && !info.actors.contains(&actor.ty)
        {
            let types: Vec<&str> = info.actors.iter().map(|t| t.as_ref()).collect();
            reader.error(
                &path.field("actor"),
                format!(
                    "`{}` is proposed by {}, not by `{}`",
                    info.name,
                    types.join(" or "),
                    actor.ty
                ),
            );
        }
        match (&resource, map.get("resource").is_some_and(|r| !r.is_null())) {
            (Some(resource), _)
                if !info.resources.is_empty() && !info.resources.contains(&resource.ty) =>
            {
                let types: Vec<&str> = info.resources.iter().map(|t| t.as_ref()).collect();
                reader.error(
                    &path.field("resource"),
                    format!(
                        "`{}` acts on {}, not on `{}`",
                        info.name,
                        types.join(" or "),
                        resource.ty
                    ),
                );
            }
            (None, false) if !info.resources.is_empty() => {
                reader.error(
                    &path.field("resource"),
                    format!("missing required field: `{}` acts on a resource", info.name),
                );
            }
            _ => {}
        }
        let args = reader.record(&args_json, &info.args, &path.field("args"), false);
        Some(Intent {
            actor: actor?,
            action: info.name.clone(),
            resource,
            args: Value::Record(Arc::new(args?)),
            hash: canonical_hash(json),
        })
    }

    /// Reads a snapshot (`{"time", "entities", "state", "grants"}`) under `path`.
    pub(crate) fn read_snapshot(
        &self,
        json: &Json,
        path: &Path<'_>,
        reader: &mut Reader,
    ) -> Option<Snapshot> {
        let map = object(json, path, reader)?;
        unknown_fields(map, &["time", "entities", "state", "grants"], path, reader);
        let errors_before = reader.errors.len();
        let mut snapshot = Snapshot {
            hash: canonical_hash(json),
            ..Snapshot::default()
        };
        if let Some(time) = map.get("time").filter(|t| !t.is_null()) {
            match time.as_str().map(Datetime::parse) {
                Some(Ok(t)) => snapshot.time = Some(t),
                _ => reader.error(
                    &path.field("time"),
                    format!(
                        "expected a datetime such as \"2026-01-31T09:00:00Z\", found {}",
                        describe(time)
                    ),
                ),
            }
        }
        if let Some(entities) = map.get("entities") {
            read_entities(
                &self.schema,
                entities,
                &path.field("entities"),
                reader,
                &mut snapshot,
            );
        }
        if let Some(state) = map.get("state").filter(|s| !s.is_null()) {
            let empty = RecordTy::default();
            let ty = self.schema.state.as_ref().map_or(&empty, |s| &s.ty);
            // State may be partial: a field a policy reads but the snapshot lacks is missing
            // data, which fails closed at evaluation.
            if let Some(fields) = reader.record(state, ty, &path.field("state"), true) {
                snapshot.state = Arc::new(fields);
            }
        }
        if let Some(grants) = map.get("grants") {
            read_grants(grants, &path.field("grants"), reader, &mut snapshot);
        }
        snapshot.link();
        (reader.errors.len() == errors_before).then_some(snapshot)
    }
}

fn read_entities(
    schema: &Schema,
    json: &Json,
    path: &Path<'_>,
    reader: &mut Reader,
    snapshot: &mut Snapshot,
) {
    let Json::Array(items) = json else {
        reader.error(
            path,
            format!("expected an array of entities, found {}", describe(json)),
        );
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let item_path = path.index(i);
        let Some(map) = object(item, &item_path, reader) else {
            continue;
        };
        unknown_fields(map, &["uid", "attrs", "parents"], &item_path, reader);
        let Some(uid) = (match map.get("uid") {
            Some(u) => reader.entity(u, &item_path.field("uid")),
            None => {
                reader.error(
                    &item_path.field("uid"),
                    "missing required field: the entity's reference",
                );
                None
            }
        }) else {
            continue;
        };
        if snapshot.entities.contains_key(&uid) {
            reader.error(
                &item_path.field("uid"),
                format!("`{uid}` is listed more than once"),
            );
            continue;
        }
        let Some(info) = schema.entities.get(&*uid.ty) else {
            continue;
        };
        let attrs = reader
            .record(
                map.get("attrs")
                    .unwrap_or(&Json::Object(Default::default())),
                &info.attrs,
                &item_path.field("attrs"),
                false,
            )
            .unwrap_or_default();
        let mut parents = Vec::new();
        match map.get("parents") {
            None => {}
            Some(Json::Array(list)) => {
                for (j, p) in list.iter().enumerate() {
                    let parents_path = item_path.field("parents");
                    let parent_path = parents_path.index(j);
                    if let Some(parent) = reader.entity(p, &parent_path) {
                        if !schema.may_be_in(&uid.ty, &parent.ty)
                            || (uid.ty == parent.ty && !info.parents.contains(&parent.ty))
                        {
                            let allowed: Vec<&str> =
                                info.parents.iter().map(|p| p.as_ref()).collect();
                            reader.error(
                                &parent_path,
                                if allowed.is_empty() {
                                    format!("`{}` entities have no parents in the schema, found `{parent}`", uid.ty)
                                } else {
                                    format!("a `{}` can be in {}, not in `{}`", uid.ty, allowed.join(" or "), parent.ty)
                                },
                            );
                        } else {
                            parents.push(parent);
                        }
                    }
                }
            }
            Some(other) => reader.error(
                &item_path.field("parents"),
                format!(
                    "expected an array of entity references, found {}",
                    describe(other)
                ),
            ),
        }
        snapshot.insert(uid, attrs, parents);
    }
}

fn read_grants(json: &Json, path: &Path<'_>, reader: &mut Reader, snapshot: &mut Snapshot) {
    let Json::Array(items) = json else {
        reader.error(
            path,
            format!("expected an array of grants, found {}", describe(json)),
        );
        return;
    };
    let grant_ty = writ_compiler::types::grant_record();
    let mut seen = HashSet::new();
    for (i, item) in items.iter().enumerate() {
        let item_path = path.index(i);
        let Some(fields) = reader.record(item, &grant_ty, &item_path, false) else {
            continue;
        };
        let Some(grant) = grant_from_record(&fields) else {
            continue;
        };
        if !seen.insert(grant.id.clone()) {
            reader.error(
                &item_path.field("id"),
                format!("the grant id `{}` is used more than once", grant.id),
            );
            continue;
        }
        if crate::chain::Capability::parse(&grant.capability).is_none() {
            reader.error(
                &item_path.field("capability"),
                format!("expected an action pattern such as \"fs.write\", \"fs.*\" or \"*\", found \"{}\"", grant.capability),
            );
            continue;
        }
        snapshot.grants.push(grant);
    }
}

/// A grant from a record of the grant type (checked already, so every field has its type).
pub(crate) fn grant_from_record(fields: &BTreeMap<Arc<str>, Value>) -> Option<Grant> {
    let entity = |name: &str| fields.get(name).and_then(|v| v.as_entity()).cloned();
    let string = |name: &str| fields.get(name).and_then(|v| v.as_str()).map(Arc::from);
    Some(Grant {
        id: string("id")?,
        issuer: entity("issuer")?,
        holder: entity("holder")?,
        capability: string("capability")?,
        scope: fields
            .get("scope")
            .and_then(|v| v.as_set())
            .map(|set| set.iter().filter_map(|v| v.as_entity().cloned()).collect()),
        expires: match fields.get("expires") {
            Some(Value::Datetime(d)) => Some(*d),
            _ => None,
        },
        revoked: fields
            .get("revoked")
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        parent: string("parent"),
    })
}
