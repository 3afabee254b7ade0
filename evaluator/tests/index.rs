//! A decision touches only the rules that can apply to its action and types.

use serde_json::json;
use writ_compiler::Compiler;
use writ_evaluator::{Coverage, Outcome, PolicySet, decide_with};

const POLICY: &str = r#"
schema {
  entity User
  entity File { size: Int }
  entity Folder { files: Int }
  action read by User on [File, Folder]
  action write by User on File
}

allow small_files on read
  when resource is File && resource.size < 10

allow small_folders on read
  when resource is Folder && resource.files < 3

deny writes on write
  when true
"#;

#[test]
fn rules_are_indexed_by_action_and_resource_type() {
    let mut compiler = Compiler::new();
    compiler.add_file("index.writ", POLICY);
    let set = PolicySet::new(compiler.compile().expect("compiles"));
    let request = json!({
        "intent": {"actor": "User::\"u\"", "action": "read", "resource": "File::\"f\""},
        "snapshot": {"entities": [{"uid": "File::\"f\"", "attrs": {"size": 3}}]}
    });
    let (intent, snapshot) = set.parse_request(&request).expect("valid");
    let mut coverage = Coverage::default();
    let decision = decide_with(&set, &intent, &snapshot, Some(&mut coverage));
    assert_eq!(decision.outcome, Outcome::Allow);
    let evaluated: Vec<&str> = coverage
        .rules
        .keys()
        .map(|&i| set.rules().nth(i).unwrap().item.name.as_ref())
        .collect();
    // `small_folders` can never match a file and `writes` is for another action: neither ran.
    assert_eq!(evaluated, vec!["small_files"]);
}

/// Rules whose first clause tests the actor or resource against literal entities are filed
/// under those entities: a decision evaluates only the ones its actor, resource and their
/// ancestors can meet, plus the rules without such a test.
const GATED: &str = r#"
schema {
  entity Group in Group
  entity User in Group
  entity Folder in Folder
  entity Doc in Folder { size: Int }
  entity Bot
  action read by [User, Bot] on Doc
}

allow alice on read
  when actor is User && actor == User::"alice"

allow staff on read
  when actor in Group::"staff"

allow either on read
  when actor in [Group::"ops", Group::"audit"]

allow public_doc on read
  when resource == Doc::"public"

allow shared_folder on read
  when resource in Folder::"shared"

allow guarded on read
  when actor is User && actor == User::"carol"
  when resource.size < 10

deny small_docs on read
  when resource.size < 0

allow later_clause on read
  when resource.size > 100
  when actor is User && actor == User::"dave"
"#;

fn gated_set() -> PolicySet {
    let mut compiler = Compiler::new();
    compiler.add_file("gated.writ", GATED);
    PolicySet::new(compiler.compile().expect("compiles"))
}

fn gated_snapshot() -> serde_json::Value {
    json!({"entities": [
        {"uid": "Group::\"staff\"", "parents": ["Group::\"all\""]},
        {"uid": "Group::\"all\""},
        {"uid": "Group::\"audit\""},
        {"uid": "User::\"bob\"", "parents": ["Group::\"staff\""]},
        {"uid": "User::\"erin\"", "parents": ["Group::\"audit\""]},
        {"uid": "Folder::\"shared\""},
        {"uid": "Folder::\"sub\"", "parents": ["Folder::\"shared\""]},
        {"uid": "Doc::\"public\"", "attrs": {"size": 5}},
        {"uid": "Doc::\"nested\"", "attrs": {"size": 50}, "parents": ["Folder::\"sub\""]},
        {"uid": "Doc::\"big\"", "attrs": {"size": 500}},
    ]})
}

#[test]
fn rules_are_filed_under_the_entities_their_first_clause_names() {
    let set = gated_set();
    let names = |rules: Vec<usize>| -> Vec<String> {
        rules
            .iter()
            .map(|&i| set.rules().nth(i).unwrap().item.name.to_string())
            .collect()
    };
    // (actor, resource, the rules evaluated): `small_docs` has no gate, `later_clause` has its
    // test in its second clause (and cannot match bots at all).
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "User::\"alice\"",
            "Doc::\"big\"",
            &["alice", "small_docs", "later_clause"],
        ),
        (
            "User::\"bob\"",
            "Doc::\"big\"",
            &["staff", "small_docs", "later_clause"],
        ),
        (
            "User::\"erin\"",
            "Doc::\"big\"",
            &["either", "small_docs", "later_clause"],
        ),
        (
            "User::\"zed\"",
            "Doc::\"public\"",
            &["public_doc", "small_docs", "later_clause"],
        ),
        (
            "User::\"zed\"",
            "Doc::\"nested\"",
            &["shared_folder", "small_docs", "later_clause"],
        ),
        (
            "User::\"carol\"",
            "Doc::\"big\"",
            &["guarded", "small_docs", "later_clause"],
        ),
        (
            "Bot::\"b\"",
            "Doc::\"public\"",
            &["public_doc", "small_docs"],
        ),
        (
            "User::\"missing\"",
            "Doc::\"missing\"",
            &["small_docs", "later_clause"],
        ),
    ];
    for (actor, resource, expected) in cases {
        let request = json!({
            "intent": {"actor": actor, "action": "read", "resource": resource},
            "snapshot": gated_snapshot(),
        });
        let (intent, snapshot) = set.parse_request(&request).expect("valid");
        let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        let mut got = names(set.candidate_rules(&intent, &snapshot));
        want.sort();
        got.sort();
        assert_eq!(got, want, "{actor} reading {resource}");
    }
}

/// Decisions and explanations are the same with the index as with every rule evaluated (the
/// coverage mode of `writ test` evaluates every rule).
fn same_decision(set: &PolicySet, request: &serde_json::Value) {
    let (intent, snapshot) = set.parse_request(request).expect("valid");
    let indexed = writ_evaluator::decide(set, &intent, &snapshot);
    let mut coverage = Coverage::default();
    let full = decide_with(set, &intent, &snapshot, Some(&mut coverage));
    assert_eq!(indexed, full, "{request}");
}

#[test]
fn the_index_changes_no_decision_or_explanation() {
    let set = gated_set();
    let actors = [
        "User::\"alice\"",
        "User::\"bob\"",
        "User::\"carol\"",
        "User::\"erin\"",
        "User::\"zed\"",
        "Bot::\"b\"",
    ];
    let resources = [
        "Doc::\"public\"",
        "Doc::\"nested\"",
        "Doc::\"big\"",
        "Doc::\"missing\"",
    ];
    for actor in actors {
        for resource in resources {
            same_decision(
                &set,
                &json!({
                    "intent": {"actor": actor, "action": "read", "resource": resource},
                    "snapshot": gated_snapshot(),
                }),
            );
        }
    }
}

/// A default deny explains itself with the nearest allow rules; rules the index left out still
/// appear there when fewer than three rules got past their first clause.
#[test]
fn near_misses_include_rules_the_index_left_out() {
    let set = gated_set();
    let request = json!({
        "intent": {"actor": "User::\"zed\"", "action": "read", "resource": "Doc::\"big\""},
        "snapshot": gated_snapshot(),
    });
    let (intent, snapshot) = set.parse_request(&request).expect("valid");
    let decision = writ_evaluator::decide(&set, &intent, &snapshot);
    assert_eq!(decision.outcome, Outcome::Deny);
    let nearest: Vec<String> = decision
        .nearest
        .iter()
        .map(|n| set.rules().nth(n.rule).unwrap().item.name.to_string())
        .collect();
    // `later_clause` passed its first clause; `alice` and `staff` failed at theirs, unevaluated.
    assert_eq!(nearest, ["later_clause", "alice", "staff"]);
}
