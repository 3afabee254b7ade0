//! Random Cedar data over a schema: entity graphs and requests, for the differential test and
//! the benchmarks.

use serde_json::{Map, Value as Json, json};
use writ_cedar::model::{CType, Ext, Model, Record};

/// A small deterministic generator (SplitMix64).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What generation draws from.
pub struct Pools<'a> {
    pub model: &'a Model,
    /// Entity ids (enumerated entity types use their own).
    pub ids: &'a [String],
    pub strings: &'a [String],
}

/// Entity ids a type draws from.
pub fn pool(p: &Pools, ty: &str) -> Vec<String> {
    match &p.model.entities[ty].enum_ids {
        Some(ids) => ids.clone(),
        None => p.ids.to_vec(),
    }
}

fn entity_json(ty: &str, id: &str) -> Json {
    json!({"__entity": {"type": ty, "id": id}})
}

pub fn value(rng: &mut Rng, p: &Pools, ty: &CType, depth: usize) -> Json {
    match ty {
        CType::Bool => Json::Bool(rng.chance(50)),
        CType::Long => json!(*rng.pick(&[0i64, 1, 2, 3, 5, 7, -1, i64::MAX, i64::MIN])),
        CType::String => Json::String(rng.pick(p.strings).clone()),
        CType::Entity(t) => {
            let ids = pool(p, t);
            entity_json(t, rng.pick(ids.as_slice()).as_str())
        }
        CType::Set(element) => {
            let n = if depth > 2 { 0 } else { rng.below(4) };
            Json::Array((0..n).map(|_| value(rng, p, element, depth + 1)).collect())
        }
        CType::Record(record) => record_value(rng, p, record, depth + 1),
        CType::Ext(ext) => {
            let (f, args): (&str, &[&str]) = match ext {
                Ext::Decimal => (
                    "decimal",
                    &["0.0", "1.5", "5.5", "-2.25", "100.0001", "100.0"],
                ),
                Ext::Ip => (
                    "ip",
                    &["10.0.0.1", "192.168.1.0/24", "::1", "127.0.0.1", "8.8.8.8"],
                ),
                Ext::Datetime => (
                    "datetime",
                    &[
                        "2024-01-01",
                        "2024-01-01T00:30:00Z",
                        "2023-12-31T23:59:59.999Z",
                        "2024-06-15T12:00:00+0100",
                    ],
                ),
                Ext::Duration => ("duration", &["1h", "-30m", "2d3h", "0ms", "1h59m59s999ms"]),
            };
            json!({"__extn": {"fn": f, "arg": rng.pick(args)}})
        }
        CType::Action | CType::Never => Json::Null,
    }
}

pub fn record_value(rng: &mut Rng, p: &Pools, record: &Record, depth: usize) -> Json {
    let mut map = Map::new();
    for (name, (ty, required)) in &record.fields {
        if *required || rng.chance(50) {
            map.insert(name.clone(), value(rng, p, ty, depth));
        }
    }
    Json::Object(map)
}

/// A random entity graph: each (type, id) of the pools present with `percent` chance
/// (references to absent entities make attribute reads fail), parents only later in a random
/// order (Cedar wants no cycles).
pub fn graph(rng: &mut Rng, p: &Pools, percent: u64) -> Vec<Json> {
    let model = p.model;
    let mut all: Vec<(String, String)> = Vec::new();
    for ty in model.entities.keys() {
        for id in pool(p, ty) {
            if rng.chance(percent) {
                all.push((ty.clone(), id));
            }
        }
    }
    for i in (1..all.len()).rev() {
        let j = rng.below(i + 1);
        all.swap(i, j);
    }
    let mut out = Vec::new();
    for (i, (ty, id)) in all.iter().enumerate() {
        let info = &model.entities[ty];
        let mut parents = Vec::new();
        let later: Vec<&(String, String)> = all[i + 1..]
            .iter()
            .filter(|(t, _)| info.parents.contains(t))
            .collect();
        for _ in 0..rng.below(3) {
            if !later.is_empty() {
                let (pt, pid) = rng.pick(&later);
                let p = json!({"type": pt, "id": pid});
                if !parents.contains(&p) {
                    parents.push(p);
                }
            }
        }
        let attrs = record_value(rng, p, &info.attrs, 0);
        let mut entity = json!({"uid": {"type": ty, "id": id}, "attrs": attrs, "parents": parents});
        if let Some(tag_ty) = &info.tags {
            let mut tags = Map::new();
            for key in ["writer", "limit", "a"] {
                if rng.chance(40) {
                    tags.insert(key.to_string(), value(rng, p, tag_ty, 1));
                }
            }
            entity["tags"] = Json::Object(tags);
        }
        out.push(entity);
    }
    out
}

/// A random request: a requestable action, a principal and resource of its types, a context.
pub fn request(rng: &mut Rng, p: &Pools) -> Json {
    let model = p.model;
    let actions: Vec<_> = model.actions.values().filter(|a| a.requestable()).collect();
    let action = *rng.pick(&actions);
    let uid = |ty: &str, id: &str| format!("{ty}::{}", Json::String(id.to_string()));
    let principal = rng.pick(&action.principals).clone();
    let resource = rng.pick(&action.resources).clone();
    let pid = rng.pick(&pool(p, &principal)).clone();
    let rid = rng.pick(&pool(p, &resource)).clone();
    json!({
        "principal": uid(&principal, &pid),
        "action": action.uid,
        "resource": uid(&resource, &rid),
        "context": record_value(rng, p, &action.context, 0),
    })
}
