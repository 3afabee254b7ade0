//! Property: the rule index never changes a decision or its explanation. Generated policy sets
//! mix rules gated on literal actors and resources with ungated ones, of every effect; generated
//! snapshots leave entities out (so later clauses fail) and nest groups.

use proptest::prelude::*;
use serde_json::json;
use writ_compiler::Compiler;
use writ_evaluator::{Coverage, PolicySet, decide, decide_with};

const SCHEMA: &str = r#"
schema {
  entity Group in Group
  entity User in Group { level: Int }
  entity Doc in Group { size: Int }
  action read by User on Doc
}
"#;

const USERS: [&str; 4] = ["u0", "u1", "u2", "u3"];
const GROUPS: [&str; 3] = ["g0", "g1", "g2"];
const DOCS: [&str; 3] = ["d0", "d1", "d2"];

fn gate() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        (0..USERS.len()).prop_map(|i| format!("actor == User::\"{}\"", USERS[i])),
        (0..GROUPS.len()).prop_map(|i| format!("actor in Group::\"{}\"", GROUPS[i])),
        (0..DOCS.len()).prop_map(|i| format!("resource == Doc::\"{}\"", DOCS[i])),
        (0..GROUPS.len()).prop_map(|i| format!("resource in Group::\"{}\"", GROUPS[i])),
        (0..USERS.len(), 0..USERS.len()).prop_map(|(a, b)| format!(
            "actor in [User::\"{}\", Group::\"{}\"]",
            USERS[a],
            GROUPS[b % 3]
        )),
        (0..USERS.len()).prop_map(|i| format!("actor is User && actor == User::\"{}\"", USERS[i])),
        (0..USERS.len())
            .prop_map(|i| format!("resource.size > 1 && actor == User::\"{}\"", USERS[i])),
    ]
}

fn rule() -> impl Strategy<Value = (u8, String, String)> {
    let rest = prop_oneof![
        Just(String::new()),
        (0i64..4).prop_map(|k| format!("when actor.level < {k}")),
        (0i64..4).prop_map(|k| format!("unless resource.size >= {k}")),
    ];
    (0u8..3, gate(), rest)
}

fn policy(rules: &[(u8, String, String)]) -> String {
    let mut text = SCHEMA.to_string();
    for (i, (effect, gate, rest)) in rules.iter().enumerate() {
        let effect = ["allow", "deny", "review"][*effect as usize];
        text.push_str(&format!("\n{effect} r{i} on read\n"));
        if !gate.is_empty() {
            text.push_str(&format!("  when {gate}\n"));
        }
        if !rest.is_empty() {
            text.push_str(&format!("  {rest}\n"));
        }
        if effect == "review" {
            text.push_str("  approver \"owner\"\n");
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn decisions_are_the_same_with_and_without_the_index(
        rules in prop::collection::vec(rule(), 1..12),
        present in prop::collection::vec(any::<bool>(), 10),
        parents in prop::collection::vec(0usize..4, 10),
        actor in 0..USERS.len() + 1,
        resource in 0..DOCS.len() + 1,
    ) {
        let mut compiler = Compiler::new();
        compiler.add_file("p.writ", policy(&rules));
        let set = PolicySet::new(compiler.compile().expect("generated policies compile"));
        let mut entities = Vec::new();
        let group = |i: usize| GROUPS.get(i).map(|g| json!([format!("Group::\"{g}\"")])).unwrap_or(json!([]));
        for (i, g) in GROUPS.iter().enumerate() {
            if present[i] {
                entities.push(json!({"uid": format!("Group::\"{g}\""), "parents": if i == 0 { group(1) } else { json!([]) }}));
            }
        }
        for (i, u) in USERS.iter().enumerate() {
            if present[3 + i] {
                entities.push(json!({"uid": format!("User::\"{u}\""), "attrs": {"level": i}, "parents": group(parents[i])}));
            }
        }
        for (i, d) in DOCS.iter().enumerate() {
            if present[7 + i] {
                entities.push(json!({"uid": format!("Doc::\"{d}\""), "attrs": {"size": i}, "parents": group(parents[4 + i])}));
            }
        }
        let actor = USERS.get(actor).copied().unwrap_or("nobody");
        let resource = DOCS.get(resource).copied().unwrap_or("nothing");
        let request = json!({
            "intent": {"actor": format!("User::\"{actor}\""), "action": "read", "resource": format!("Doc::\"{resource}\"")},
            "snapshot": {"entities": entities},
        });
        let (intent, snapshot) = set.parse_request(&request).expect("valid request");
        let indexed = decide(&set, &intent, &snapshot);
        let mut coverage = Coverage::default();
        let full = decide_with(&set, &intent, &snapshot, Some(&mut coverage));
        prop_assert_eq!(indexed, full);
    }
}
