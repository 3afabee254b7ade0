//! A bound on what closing a snapshot's entity hierarchy costs.
//!
//! The evaluator closes the hierarchy once per snapshot, listing for every entity every entity
//! it is in, directly or not. Time and memory grow with the number of those memberships, which
//! a request of a few hundred kilobytes can push into the tens of millions: a chain of 9,000
//! parents in 500 KB holds 40 million, took 11 s and 800 MB. Since a running decision cannot
//! be interrupted, the server counts memberships first, with the same rules, and refuses a
//! request over the bound (413) before the evaluator sees it.

use std::collections::HashMap;

use axum::http::StatusCode;
use serde_json::{Value as Json, json};
use writ_stdlib::EntityUid;

use super::error::ApiError;

/// Far above any real snapshot (the default pack's hold about a hundred), far below what
/// hurts (tens of megabytes, tens of milliseconds).
pub const MAX_MEMBERSHIPS: usize = 1_000_000;

/// Refuses a request (at `path`) whose hierarchy would hold more than `max` memberships.
pub fn check(request: &Json, path: &str, max: usize) -> Result<(), ApiError> {
    let Some(entities) = request
        .get("snapshot")
        .and_then(|s| s.get("entities"))
        .and_then(Json::as_array)
    else {
        return Ok(());
    };
    // n entities hold at most n² memberships (parents outside the snapshot add at most as
    // many as there are parent references, which are bounded by the body size the same way).
    let references: usize = entities
        .iter()
        .map(|e| {
            e.get("parents")
                .and_then(Json::as_array)
                .map_or(0, Vec::len)
        })
        .sum();
    let nodes = entities.len() + references;
    if nodes.saturating_mul(nodes) <= max || within(entities, max) {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "the entity hierarchy at `{path}.snapshot.entities` is too large to decide: \
             closing it takes more than {max} memberships (an entity being in another, \
             directly or not); flatten the hierarchy or send fewer entities"
        ),
    )
    .with("path", json!(format!("{path}.snapshot.entities")))
    .with("limit", json!(max)))
}

/// An entity's uid as the evaluator reads it (malformed ones are the schema check's business).
fn uid(json: &Json) -> Option<EntityUid> {
    match json {
        Json::String(text) => writ_evaluator::parse_uid(text),
        Json::Object(map) => match (map.get("type"), map.get("id")) {
            (Some(Json::String(ty)), Some(Json::String(id))) if map.len() == 2 => {
                Some(EntityUid::new(ty.as_str(), id.as_str()))
            }
            _ => None,
        },
        _ => None,
    }
}

/// Whether closing the hierarchy stays within `max` memberships. Stops counting as soon as it
/// does not, so the check itself costs at most about `max` steps.
fn within(entities: &[Json], max: usize) -> bool {
    let mut index: HashMap<EntityUid, usize> = HashMap::new();
    let mut parents: Vec<Vec<usize>> = Vec::new();
    let mut id = |uid: EntityUid, parents: &mut Vec<Vec<usize>>| {
        *index.entry(uid).or_insert_with(|| {
            parents.push(Vec::new());
            parents.len() - 1
        })
    };
    let mut owners = Vec::new();
    for entity in entities {
        let Some(owner) = entity.get("uid").and_then(uid) else {
            continue;
        };
        let owner = id(owner, &mut parents);
        let listed: Vec<usize> = entity
            .get("parents")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(uid)
            .map(|p| id(p, &mut parents))
            .collect();
        // A uid listed twice is an error the schema check reports; its first listing counts.
        if parents[owner].is_empty() {
            parents[owner] = listed;
            owners.push(owner);
        }
    }
    let mut seen = vec![usize::MAX; parents.len()];
    let mut steps = 0usize;
    let mut stack = Vec::new();
    for &owner in &owners {
        stack.clear();
        stack.extend_from_slice(&parents[owner]);
        while let Some(next) = stack.pop() {
            steps += 1;
            if seen[next] != owner {
                seen[next] = owner;
                stack.extend_from_slice(&parents[next]);
            }
            if steps > max {
                return false;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Json {
        let entities: Vec<Json> = (0..n)
            .map(|i| json!({ "uid": format!("Team::\"t{i}\""), "parents": [format!("Team::\"t{}\"", i + 1)] }))
            .collect();
        json!({ "intent": {}, "snapshot": { "entities": entities } })
    }

    #[test]
    fn a_long_chain_is_refused_and_a_short_one_is_not() {
        assert!(check(&chain(30), "$", 1000).is_ok());
        // 100 entities in a chain: 5,050 memberships.
        assert!(check(&chain(100), "$", 6000).is_ok());
        let e = check(&chain(100), "$", 5000).unwrap_err();
        assert_eq!(e.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(e.message.contains("`$.snapshot.entities`"), "{}", e.message);
        assert!(check(&json!({ "intent": {} }), "$", 1).is_ok());
    }

    #[test]
    fn cycles_and_odd_entries_end() {
        let cycle = json!({ "snapshot": { "entities": [
            { "uid": "Team::\"a\"", "parents": ["Team::\"b\""] },
            { "uid": "Team::\"b\"", "parents": ["Team::\"a\"", 7, "not a uid"] },
            { "uid": { "type": "Team", "id": "c" }, "parents": ["Team::\"a\""] },
            { "parents": ["Team::\"a\""] },
            "junk",
        ] } });
        assert!(within(
            cycle["snapshot"]["entities"].as_array().unwrap(),
            100
        ));
        assert!(!within(
            cycle["snapshot"]["entities"].as_array().unwrap(),
            3
        ));
    }
}
