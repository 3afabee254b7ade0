//! Properties of decisions over generated requests.

use proptest::prelude::*;
use serde_json::{Value as Json, json};
use writ_compiler::Compiler;
use writ_evaluator::{Outcome, PolicySet};

const SCHEMA: &str = r#"
schema {
  entity Team
  entity User in Team { level: Int, tags: Set<String>, manager?: User }
  entity Doc in Team { owner: User, size: Int, label: String }
  action doc.read by User on Doc
  action doc.write by User on Doc { bytes: Int, note: String }
  action doc.pay by User on Doc { amount: Decimal }
    effect { state.spent[actor] += args.amount }
  state { spent: Map<User, Decimal>, limit: Decimal }
}

invariant under_limit "no one spends past the limit" {
  next.spent[actor] <= state.limit
}
"#;

const RULES: &str = r#"
allow owner_reads on doc.read
  when resource.owner == actor

allow team_reads on doc.read
  when actor.level >= 2 && resource.size < 1000

allow small_writes on doc.write
  when args.bytes < 500 && resource.owner == actor

review big_writes on doc.write
  when args.bytes >= 500
  approver resource.owner

deny tagged on [doc.read, doc.write]
  when "blocked" in actor.tags
  because "blocked users"

allow payments on doc.pay
  when args.amount < 100.0
"#;

/// Extra rules whose conditions may read missing data, to exercise failure.
const EXTRA_DENIES: &[&str] = &[
    "deny extra on doc.read when actor.level > 3",
    "deny extra on [doc.read, doc.write] when resource.label like \"*secret*\"",
    "deny extra on doc.write when args.note == \"x\"",
    "deny extra on * when actor has manager && actor.manager.level < 1",
    "deny extra on doc.read when resource.size % 7 == 0",
];

fn policy_set(extra: &str) -> PolicySet {
    let mut compiler = Compiler::new();
    compiler.add_file("schema.writ", SCHEMA);
    compiler.add_file("rules.writ", format!("{RULES}\n{extra}\n"));
    match compiler.compile() {
        Ok(compiled) => PolicySet::new(compiled),
        Err(d) => panic!(
            "{}",
            writ_compiler::render::render(compiler.db(), &d, false)
        ),
    }
}

fn uid(ty: &str, id: u8) -> String {
    format!("{ty}::\"{id}\"")
}

prop_compose! {
    fn request()(
        users in prop::collection::vec((0i64..5, prop::bool::ANY, prop::option::of(0u8..4)), 1..4),
        docs in prop::collection::vec((0u8..4, 0i64..2000, prop::sample::select(vec!["plain", "top secret", "notes"])), 1..4),
        actor in 0u8..4,
        doc in 0u8..4,
        action in prop::sample::select(vec!["doc.read", "doc.write", "doc.pay"]),
        bytes in 0i64..1000,
        amount in 0i64..300,
        spent in 0i64..300,
        with_spent in prop::bool::ANY,
        note in prop::sample::select(vec!["x", "y"]),
    ) -> Json {
        let mut entities = vec![json!({"uid": uid("Team", 0)})];
        for (i, (level, blocked, manager)) in users.iter().enumerate() {
            let mut attrs = json!({"level": level, "tags": if *blocked { vec!["blocked"] } else { vec![] }});
            if let Some(m) = manager {
                attrs["manager"] = json!(uid("User", *m));
            }
            entities.push(json!({"uid": uid("User", i as u8), "attrs": attrs, "parents": [uid("Team", 0)]}));
        }
        for (i, (owner, size, label)) in docs.iter().enumerate() {
            entities.push(json!({"uid": uid("Doc", i as u8), "attrs": {"owner": uid("User", *owner), "size": size, "label": label}, "parents": [uid("Team", 0)]}));
        }
        let args = match action {
            "doc.write" => json!({"bytes": bytes, "note": note}),
            "doc.pay" => json!({"amount": format!("{amount}.5")}),
            _ => json!({}),
        };
        let mut state = json!({"limit": "250.0"});
        if with_spent {
            state["spent"] = json!([[uid("User", actor), format!("{spent}.0")]]);
        }
        json!({
            "intent": {"actor": uid("User", actor), "action": action, "resource": uid("Doc", doc), "args": args},
            "snapshot": {"time": "2026-11-27T10:00:00Z", "entities": entities, "state": state},
        })
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn same_inputs_same_decision_and_hashes(request in request()) {
        let set = policy_set("");
        let a = set.decide_json(&request);
        let b = set.decide_json(&request);
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(a.to_json(&set), b.to_json(&set));
        // A second policy set compiled from the same text hashes the same.
        let again = policy_set("");
        prop_assert_eq!(set.hash(), again.hash());
        prop_assert_eq!(again.decide_json(&request).outcome, a.outcome);
    }

    #[test]
    fn an_added_deny_never_turns_a_deny_into_anything_else(request in request(), extra in prop::sample::select(EXTRA_DENIES.to_vec())) {
        let base = policy_set("");
        let stricter = policy_set(extra);
        let before = base.decide_json(&request).outcome;
        let after = stricter.decide_json(&request).outcome;
        if before == Outcome::Deny {
            prop_assert_eq!(after, Outcome::Deny);
        }
        // Nor does it ever loosen anything.
        prop_assert!(after >= before, "{before:?} became {after:?}");
    }

    #[test]
    fn erroring_deny_and_review_rules_fail_closed(request in request()) {
        // `actor.manager.level` errors when the manager is not in the snapshot.
        for effect in ["deny", "review"] {
            let rule = format!("{effect} risky on * when actor has manager && actor.manager.level > 100 {}", if effect == "review" { "approver \"sec\"" } else { "" });
            let set = policy_set(&rule);
            let decision = set.decide_json(&request);
            let errored = decision.errors.iter().any(|e| matches!(e.source, writ_evaluator::Source::Rule(i) if set.rules().nth(i).is_some_and(|r| r.item.name.as_ref() == "risky")));
            if errored {
                let floor = if effect == "deny" { Outcome::Deny } else { Outcome::Review };
                prop_assert!(decision.outcome >= floor, "{effect}: {:?}", decision.outcome);
                prop_assert!(decision.rule_names(&set).contains(&"risky") || decision.outcome == Outcome::Deny);
            }
        }
    }

    #[test]
    fn arbitrary_json_never_panics(json in arbitrary_json(4)) {
        let set = policy_set("");
        let _ = set.decide_json(&json);
        let _ = set.decide_json(&json!({"intent": json.clone(), "snapshot": json.clone()}));
        let d = set.decide_json(&json!({"intent": json.clone(), "snapshot": {}}));
        prop_assert_eq!(d.outcome, Outcome::Deny);
    }

    #[test]
    fn mutated_requests_never_panic(request in request(), path in prop::collection::vec(0usize..8, 1..5), replacement in arbitrary_json(2)) {
        let set = policy_set("");
        let mut mutated = request.clone();
        replace_at(&mut mutated, &path, replacement);
        let decision = set.decide_json(&mutated);
        if !decision.validation.is_empty() {
            prop_assert_eq!(decision.outcome, Outcome::Deny);
        }
        let _ = decision.to_json(&set);
        let _ = decision.render_text(&set, false);
    }
}

fn arbitrary_json(depth: u32) -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(Json::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number)),
        ".{0,12}".prop_map(Json::String),
        prop::sample::select(vec![
            "User::\"0\"",
            "Doc::\"1\"",
            "Team::\"0\"",
            "doc.read",
            "doc.pay",
            "12.5",
            "2026-01-01",
            "User::"
        ])
        .prop_map(|s| Json::String(s.to_string())),
    ];
    leaf.prop_recursive(depth, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "intent", "snapshot", "actor", "action", "resource", "args", "entities", "uid",
                    "attrs", "parents", "state", "grants", "time", "level", "bytes", "x"
                ])
                .prop_map(String::from),
                inner,
                0..6
            )
            .prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}

/// Replaces the value found by following `path` (each step picks a child by index, modulo the
/// number of children) with `replacement`.
fn replace_at(json: &mut Json, path: &[usize], replacement: Json) {
    let Some((&step, rest)) = path.split_first() else {
        *json = replacement;
        return;
    };
    match json {
        Json::Object(map) if !map.is_empty() => {
            let key = map
                .keys()
                .nth(step % map.len())
                .cloned()
                .unwrap_or_default();
            if let Some(child) = map.get_mut(&key) {
                replace_at(child, rest, replacement);
            }
        }
        Json::Array(items) if !items.is_empty() => {
            let len = items.len();
            replace_at(&mut items[step % len], rest, replacement);
        }
        other => *other = replacement,
    }
}

#[test]
fn the_schema_and_rules_compile_and_decide_sensibly() {
    let set = policy_set("");
    let request = json!({
        "intent": {"actor": uid("User", 0), "action": "doc.read", "resource": uid("Doc", 0)},
        "snapshot": {"entities": [
            {"uid": uid("User", 0), "attrs": {"level": 1, "tags": []}},
            {"uid": uid("Doc", 0), "attrs": {"owner": uid("User", 0), "size": 10, "label": "plain"}}
        ]}
    });
    let decision = set.decide_json(&request);
    assert_eq!(
        decision.outcome,
        Outcome::Allow,
        "{}",
        decision.render_text(&set, false)
    );
    assert_eq!(decision.rule_names(&set), vec!["owner_reads"]);
}
