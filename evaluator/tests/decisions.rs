//! Decision semantics and explanations on a small payment policy.

use serde_json::{Value as Json, json};
use writ_compiler::Compiler;
use writ_evaluator::{Outcome, PolicySet};

const POLICY: &str = r#"
schema {
  entity User { email?: String }
  entity Agent { owner: User, ring: Int }
  entity Account { owner: User, currency: String }
  action pay by Agent on Account { amount: Decimal, currency: String }
    effect { state.spent[actor] += args.amount }
  action close by Agent on Account
  state { spent: Map<Agent, Decimal>, budget: Map<Agent, Decimal> }
}

/// Agents pay from their owner's accounts.
allow own_account on pay
  when resource.owner == actor.owner
  when args.currency == resource.currency

review large on pay
  when args.amount > 1000.0
  approver resource.owner
  approver "finance"
  obligation "notify " + args.currency
  because "large payments need a reviewer"

deny untrusted on [pay, close]
  when actor.ring > 2
  because "untrusted agents move no money"

/// Reads an optional attribute without guarding it with `has` would not compile; this rule
/// fails at run time instead when the owner is missing from the snapshot.
deny no_contact on close
  when actor.owner has email && actor.owner.email like "*@example.invalid"
  because "owners must be reachable"

invariant within_budget "an agent never spends past its budget" {
  next.spent[actor] <= state.budget[actor]
}
"#;

fn set() -> PolicySet {
    let mut compiler = Compiler::new();
    compiler.add_file("pay.writ", POLICY);
    match compiler.compile() {
        Ok(c) => PolicySet::new(c),
        Err(d) => panic!(
            "{}",
            writ_compiler::render::render(compiler.db(), &d, false)
        ),
    }
}

fn request(amount: &str, ring: i64, spent: Option<&str>) -> Json {
    let mut state = json!({"budget": {"Agent::\"bot\"": "2000.0"}});
    if let Some(spent) = spent {
        state["spent"] = json!({"Agent::\"bot\"": spent});
    }
    json!({
        "intent": {"actor": "Agent::\"bot\"", "action": "pay", "resource": "Account::\"ops\"", "args": {"amount": amount, "currency": "EUR"}},
        "snapshot": {
            "time": "2026-11-27T10:00:00Z",
            "entities": [
                {"uid": "User::\"ann\"", "attrs": {"email": "ann@example.com"}},
                {"uid": "Agent::\"bot\"", "attrs": {"owner": "User::\"ann\"", "ring": ring}},
                {"uid": "Account::\"ops\"", "attrs": {"owner": "User::\"ann\"", "currency": "EUR"}}
            ],
            "state": state
        }
    })
}

#[test]
fn small_payment_is_allowed_with_clause_values() {
    let set = set();
    let d = set.decide_json(&request("10.00", 1, Some("100.0")));
    assert_eq!(d.outcome, Outcome::Allow, "{}", d.render_text(&set, false));
    let json = d.to_json(&set);
    let reason = &json["reasons"][0];
    assert_eq!(reason["rule"], "own_account");
    assert_eq!(reason["file"], "pay.writ");
    assert_eq!(reason["line"], 13);
    assert_eq!(
        reason["clauses"][0]["source"],
        "resource.owner == actor.owner"
    );
    assert_eq!(reason["clauses"][0]["value"], true);
    assert_eq!(reason["clauses"][0]["values"][0]["expr"], "resource.owner");
    assert_eq!(reason["clauses"][0]["values"][0]["value"], "User::\"ann\"");
}

#[test]
fn review_collects_approvers_and_obligations() {
    let set = set();
    let d = set.decide_json(&request("1500.00", 1, Some("0.0")));
    assert_eq!(d.outcome, Outcome::Review, "{}", d.render_text(&set, false));
    let json = d.to_json(&set);
    assert_eq!(json["approvers"], json!(["finance", "User::\"ann\""]));
    assert_eq!(json["obligations"], json!(["notify EUR"]));
    assert_eq!(json["reasons"][0]["rule"], "large");
    assert_eq!(
        json["reasons"][0]["because"],
        "large payments need a reviewer"
    );
    let values = &json["reasons"][0]["clauses"][0]["values"];
    assert_eq!(values[0], json!({"expr": "args.amount", "value": "1500.0"}));
}

#[test]
fn deny_beats_review_and_allow() {
    let set = set();
    let d = set.decide_json(&request("1500.00", 3, Some("0.0")));
    assert_eq!(d.outcome, Outcome::Deny);
    assert_eq!(d.rule_names(&set), vec!["untrusted"]);
    assert!(d.approvers.is_empty());
}

#[test]
fn breaking_an_invariant_denies_with_projected_values() {
    let set = set();
    let d = set.decide_json(&request("900.00", 1, Some("1500.0")));
    assert_eq!(d.outcome, Outcome::Deny, "{}", d.render_text(&set, false));
    let json = d.to_json(&set);
    let inv = &json["invariants"][0];
    assert_eq!(inv["name"], "within_budget");
    assert_eq!(inv["holds"], false);
    let values = inv["values"].as_array().unwrap();
    assert!(
        values.contains(&json!({"expr": "next.spent[actor]", "value": "2400.0"})),
        "{values:?}"
    );
    assert!(
        values.contains(&json!({"expr": "state.budget[actor]", "value": "2000.0"})),
        "{values:?}"
    );
    assert!(d.summary(&set).contains("within_budget"));
}

#[test]
fn a_first_payment_starts_from_zero() {
    let set = set();
    let d = set.decide_json(&request("10.00", 1, None));
    assert_eq!(d.outcome, Outcome::Allow, "{}", d.render_text(&set, false));
}

#[test]
fn an_invariant_that_cannot_be_evaluated_fails_closed() {
    let set = set();
    let mut r = request("10.00", 1, Some("0.0"));
    r["snapshot"]["state"]["budget"] = json!({});
    let d = set.decide_json(&r);
    assert_eq!(d.outcome, Outcome::Deny);
    assert_eq!(d.to_json(&set)["invariants"][0]["holds"], Json::Null);
    assert!(!d.errors.is_empty());
}

#[test]
fn has_on_an_entity_missing_from_the_snapshot_is_false() {
    let set = set();
    let mut r = request("10.00", 1, None);
    r["intent"]["action"] = json!("close");
    r["intent"]["args"] = json!({});
    r["snapshot"]["entities"][1]["attrs"]["owner"] = json!("User::\"ghost\"");
    let d = set.decide_json(&r);
    // Nothing errors (so `no_contact` does not match) and nothing grants `close`.
    assert_eq!(d.outcome, Outcome::Deny);
    assert!(d.reasons.is_empty() && d.errors.is_empty());
    assert!(d.summary(&set).contains("no rule grants `close`"));
}

#[test]
fn erroring_review_rules_fail_closed_and_erroring_allow_rules_grant_nothing() {
    let with = |extra: &str| {
        let mut compiler = Compiler::new();
        compiler.add_file("pay.writ", POLICY);
        compiler.add_file("extra.writ", extra.to_string());
        PolicySet::new(compiler.compile().expect("compiles"))
    };
    let allow = "allow close_with_budget on close when state.budget[actor] > 0.0\n";
    let review =
        "review budget_check on close when state.budget[actor] < 100.0\n  approver \"finance\"\n";
    let mut r = request("10.00", 1, None);
    r["intent"]["action"] = json!("close");
    r["intent"]["args"] = json!({});
    r["snapshot"]["state"]["budget"] = json!({});

    let set = with(allow);
    let d = set.decide_json(&r);
    assert_eq!(
        d.outcome,
        Outcome::Deny,
        "an allow rule that errors grants nothing"
    );
    assert_eq!(d.errors.len(), 1);

    let set = with(&format!("{allow}\n{review}"));
    let d = set.decide_json(&r);
    assert_eq!(
        d.outcome,
        Outcome::Review,
        "a review rule that errors counts as matching"
    );
    assert_eq!(d.rule_names(&set), vec!["budget_check"]);
    assert_eq!(d.errors.len(), 2);
    assert_eq!(d.to_json(&set)["approvers"], json!(["finance"]));
}

#[test]
fn a_rule_that_errors_is_reported_and_fails_closed() {
    let mut compiler = Compiler::new();
    compiler.add_file("pay.writ", POLICY);
    compiler.add_file(
        "strict.writ",
        "deny owner_ring on pay when actor.owner == resource.owner && state.budget[actor] < 0.0\n  because \"negative budgets\"\n",
    );
    let set = PolicySet::new(compiler.compile().expect("compiles"));
    let mut r = request("10.00", 1, Some("0.0"));
    r["snapshot"]["state"]["budget"] = json!({});
    let d = set.decide_json(&r);
    assert_eq!(d.outcome, Outcome::Deny);
    assert!(d.rule_names(&set).contains(&"owner_ring"));
    let json = d.to_json(&set);
    let error = &json["errors"][0];
    assert_eq!(error["rule"], "owner_ring");
    assert!(
        error["message"].as_str().unwrap().contains("no key"),
        "{error}"
    );
    assert_eq!(error["file"], "strict.writ");
}

#[test]
fn default_deny_names_the_nearest_allow_rule_and_its_failing_clause() {
    let set = set();
    let mut r = request("10.00", 1, Some("0.0"));
    r["intent"]["args"]["currency"] = json!("USD");
    let d = set.decide_json(&r);
    assert_eq!(d.outcome, Outcome::Deny);
    let json = d.to_json(&set);
    let near = &json["nearest"][0];
    assert_eq!(near["rule"], "own_account");
    assert_eq!(near["passed"], 1);
    assert_eq!(
        near["failed"]["source"],
        "args.currency == resource.currency"
    );
    assert_eq!(near["failed"]["value"], false);
    assert!(
        near["failed"]["values"]
            .as_array()
            .unwrap()
            .contains(&json!({"expr": "args.currency", "value": "\"USD\""}))
    );
}

#[test]
fn invalid_input_is_a_deny_naming_each_path() {
    let set = set();
    let mut r = request("10.00", 1, None);
    r["intent"]["args"]["amount"] = json!(true);
    r["intent"]["args"]["extra"] = json!(1);
    r["snapshot"]["entities"][1]["attrs"]["ring"] = json!("high");
    r["snapshot"]["entities"][2]["parents"] = json!(["User::\"ann\""]);
    r["snapshot"]["entities"]
        .as_array_mut()
        .unwrap()
        .push(json!({"uid": "Ghost::\"x\""}));
    let d = set.decide_json(&r);
    assert_eq!(d.outcome, Outcome::Deny);
    let found: Vec<(String, String)> = d
        .validation
        .iter()
        .map(|v| (v.path.clone(), v.message.clone()))
        .collect();
    let has = |path: &str, text: &str| found.iter().any(|(p, m)| p == path && m.contains(text));
    assert!(
        has("$.intent.args.amount", "expected a decimal"),
        "{found:#?}"
    );
    assert!(
        has("$.intent.args.extra", "unknown field `extra`"),
        "{found:#?}"
    );
    assert!(
        has("$.snapshot.entities[1].attrs.ring", "expected an integer"),
        "{found:#?}"
    );
    assert!(
        has("$.snapshot.entities[2].parents[0]", "no parents"),
        "{found:#?}"
    );
    assert!(
        has("$.snapshot.entities[3].uid", "unknown entity type `Ghost`"),
        "{found:#?}"
    );
    assert!(d.summary(&set).contains("does not conform"));
}

#[test]
fn requests_that_are_not_requests_are_denied() {
    let set = set();
    for bad in [
        json!(null),
        json!([]),
        json!("pay"),
        json!({}),
        json!({"intent": {}}),
        json!({"intent": {"action": "nope"}, "snapshot": 3}),
    ] {
        let d = set.decide_json(&bad);
        assert_eq!(d.outcome, Outcome::Deny, "{bad}");
        assert!(!d.validation.is_empty(), "{bad}");
    }
}

#[test]
fn hashes_follow_the_inputs_not_their_layout() {
    let set = set();
    let a = request("10.00", 1, None);
    let text = serde_json::to_string(&a).unwrap();
    // The same request with its keys in another order.
    let b: Json = serde_json::from_str(&text.replace("\"intent\":", "\"zz\":"))
        .map(|mut v: Json| {
            let intent = v["zz"].take();
            let mut out = serde_json::Map::new();
            out.insert("snapshot".into(), v["snapshot"].take());
            out.insert("intent".into(), intent);
            Json::Object(out)
        })
        .unwrap();
    let (da, db) = (set.decide_json(&a), set.decide_json(&b));
    assert_eq!(
        (&da.intent_hash, &da.snapshot_hash),
        (&db.intent_hash, &db.snapshot_hash)
    );
    let c = request("11.00", 1, None);
    let dc = set.decide_json(&c);
    assert_ne!(da.intent_hash, dc.intent_hash);
    assert_eq!(da.snapshot_hash, dc.snapshot_hash);
    assert_eq!(da.policy_hash, set.hash());
}

#[test]
fn explanations_for_people_annotate_the_source() {
    let set = set();
    let d = set.decide_json(&request("1500.00", 1, Some("0.0")));
    let text = d.render_text(&set, false);
    let hashes = text
        .lines()
        .skip_while(|l| !l.starts_with("policy "))
        .count();
    assert_eq!(hashes, 3);
    let without_hashes: String = text
        .lines()
        .filter(|l| {
            !(l.starts_with("policy ") || l.starts_with("intent ") || l.starts_with("snapshot "))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    insta::assert_snapshot!(without_hashes);
}

/// The server writes decisions as text straight from the decision; everything else reads the
/// JSON tree. Both must say the same, member for member, in the same order.
#[test]
fn decision_text_and_tree_agree() {
    let set = set();
    let requests = [
        request("10.00", 1, Some("100.0")),
        request("1500.00", 1, Some("100.0")),
        request("10.00", 3, None),
        request("1990.00", 1, Some("100.0")),
        json!({"intent": {"actor": 7}, "snapshot": {"entities": "none"}}),
    ];
    for request in &requests {
        let d = set.decide_json(request);
        let text = d.to_json_bytes(&set, &d.summary(&set));
        let read: Json = serde_json::from_slice(&text).expect("the decision text is JSON");
        let tree = d.to_json(&set);
        assert_eq!(read, tree);
        let keys = |json: &Json| {
            json.as_object()
                .map(|m| m.keys().cloned().collect::<Vec<_>>())
        };
        assert_eq!(keys(&read), keys(&tree));
    }
}
