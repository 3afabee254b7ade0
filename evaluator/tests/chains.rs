//! Authority chains: every way a chain can break, and one that holds.

use serde_json::{Value as Json, json};
use writ_compiler::Compiler;
use writ_evaluator::{Break, Outcome, PolicySet};

const POLICY: &str = r#"
schema {
  entity Org
  entity User in Org
  entity Agent { owner: User }
  entity Repo in Org
  action git.push by Agent on Repo { branch: String }
  action git.delete by Agent on Repo
  authority User::"root"
}

allow delegated_push on [git.push, git.delete]
  when delegated()
"#;

fn set() -> PolicySet {
    let mut compiler = Compiler::new();
    compiler.add_file("chains.writ", POLICY);
    PolicySet::new(compiler.compile().expect("compiles"))
}

fn grant(
    id: &str,
    issuer: &str,
    holder: &str,
    capability: &str,
    scope: Option<&[&str]>,
    parent: Option<&str>,
) -> Json {
    let mut g = json!({
        "id": id,
        "issuer": issuer,
        "holder": holder,
        "capability": capability,
        "expires": "2027-01-01T00:00:00Z",
    });
    if let Some(scope) = scope {
        g["scope"] = json!(scope);
    }
    if let Some(parent) = parent {
        g["parent"] = json!(parent);
    }
    g
}

const ROOT: &str = "User::\"root\"";
const ALICE: &str = "User::\"alice\"";
const BOT: &str = "Agent::\"bot\"";
const ACME: &str = "Org::\"acme\"";
const API: &str = "Repo::\"api\"";

/// root → alice (git.*, acme) → bot (git.push, api): a valid chain, which tests modify.
fn grants() -> Vec<Json> {
    vec![
        grant("g-root", ROOT, ALICE, "git.*", Some(&[ACME]), None),
        grant(
            "g-alice",
            ALICE,
            BOT,
            "git.push",
            Some(&[API]),
            Some("g-root"),
        ),
    ]
}

fn request(grants: Vec<Json>, time: Option<&str>) -> Json {
    let mut snapshot = json!({
        "entities": [
            {"uid": ACME},
            {"uid": ROOT, "parents": [ACME]},
            {"uid": ALICE, "parents": [ACME]},
            {"uid": BOT, "attrs": {"owner": ALICE}},
            {"uid": API, "parents": [ACME]},
            {"uid": "Repo::\"other\""},
        ],
        "grants": grants,
    });
    if let Some(time) = time {
        snapshot["time"] = json!(time);
    }
    json!({
        "intent": {"actor": BOT, "action": "git.push", "resource": API, "args": {"branch": "feature"}},
        "snapshot": snapshot,
    })
}

fn decide(grants: Vec<Json>) -> (Outcome, Option<Break>, Json) {
    let set = set();
    let decision = set.decide_json(&request(grants, Some("2026-11-27T10:00:00Z")));
    assert!(decision.validation.is_empty(), "{:?}", decision.validation);
    let chain = decision
        .delegation
        .clone()
        .expect("the rule asked for a chain");
    (decision.outcome, chain.broken, decision.to_json(&set))
}

#[test]
fn a_valid_chain_allows_and_is_shown() {
    let (outcome, broken, json) = decide(grants());
    assert_eq!(outcome, Outcome::Allow);
    assert_eq!(broken, None);
    let chain = &json["delegation"]["chain"];
    assert_eq!(chain.as_array().map(|c| c.len()), Some(2));
    assert_eq!(chain[0]["grant"], "g-alice");
    assert_eq!(chain[1]["grant"], "g-root");
    assert_eq!(chain[1]["issuer"], ROOT);
    assert_eq!(json["delegation"]["valid"], true);
}

#[test]
fn an_expired_grant_breaks_the_chain() {
    let mut g = grants();
    g[1]["expires"] = json!("2026-11-01T00:00:00Z");
    let (outcome, broken, json) = decide(g);
    assert_eq!(outcome, Outcome::Deny);
    assert!(
        matches!(broken, Some(Break::Expired { ref grant, .. }) if grant == "g-alice"),
        "{broken:?}"
    );
    assert!(
        json["delegation"]["broken"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
}

#[test]
fn an_expired_ancestor_breaks_the_chain() {
    let mut g = grants();
    g[0]["expires"] = json!("2026-11-27T10:00:00Z");
    let (outcome, broken, _) = decide(g);
    assert_eq!(outcome, Outcome::Deny);
    assert!(
        matches!(broken, Some(Break::Expired { ref grant, .. }) if grant == "g-root"),
        "{broken:?}"
    );
}

#[test]
fn a_revoked_grant_breaks_the_chain() {
    let mut g = grants();
    g[1]["revoked"] = json!(true);
    let (outcome, broken, _) = decide(g);
    assert_eq!(outcome, Outcome::Deny);
    assert_eq!(
        broken,
        Some(Break::Revoked {
            grant: "g-alice".to_string()
        })
    );
}

#[test]
fn a_revoked_ancestor_breaks_the_chain() {
    let mut g = grants();
    g[0]["revoked"] = json!(true);
    let (outcome, broken, _) = decide(g);
    assert_eq!(outcome, Outcome::Deny);
    assert_eq!(
        broken,
        Some(Break::Revoked {
            grant: "g-root".to_string()
        })
    );
}

#[test]
fn widening_the_scope_breaks_the_chain() {
    let mut g = grants();
    // The root grant covers only the api repository; alice passes on the whole organization.
    g[0]["scope"] = json!([API]);
    g[1]["scope"] = json!([ACME]);
    let (outcome, broken, _) = decide(g);
    assert_eq!(outcome, Outcome::Deny);
    assert_eq!(
        broken,
        Some(Break::ScopeWidened {
            grant: "g-alice".to_string()
        })
    );
}

#[test]
fn dropping_the_scope_widens_it_too() {
    let mut g = grants();
    g[1].as_object_mut().unwrap().remove("scope");
    let (outcome, broken, _) = decide(g);
    assert_eq!(outcome, Outcome::Deny);
    assert_eq!(
        broken,
        Some(Break::ScopeWidened {
            grant: "g-alice".to_string()
        })
    );
}

#[test]
fn widening_the_capability_breaks_the_chain() {
    let mut g = grants();
    g[0]["capability"] = json!("git.push");
    g[1]["capability"] = json!("git.*");
    let (outcome, broken, _) = decide(g);
    assert_eq!(outcome, Outcome::Deny);
    assert!(
        matches!(broken, Some(Break::CapabilityWidened { ref grant, .. }) if grant == "g-alice"),
        "{broken:?}"
    );
}

#[test]
fn a_chain_without_a_root_authority_breaks() {
    let mut g = grants();
    g[0]["issuer"] = json!(ALICE);
    let (outcome, broken, _) = decide(g);
    assert_eq!(outcome, Outcome::Deny);
    assert!(
        matches!(broken, Some(Break::NoRoot { ref grant, .. }) if grant == "g-root"),
        "{broken:?}"
    );
}

#[test]
fn a_cycle_in_parents_breaks_the_chain() {
    let g = vec![
        grant("g-a", BOT, ALICE, "git.*", None, Some("g-b")),
        grant("g-b", ALICE, BOT, "git.*", None, Some("g-a")),
    ];
    let (outcome, broken, _) = decide(g);
    assert_eq!(outcome, Outcome::Deny);
    assert!(matches!(broken, Some(Break::Cycle { .. })), "{broken:?}");
}

#[test]
fn a_missing_parent_breaks_the_chain() {
    let mut g = grants();
    g[1]["parent"] = json!("g-nowhere");
    let (outcome, broken, _) = decide(g);
    assert_eq!(outcome, Outcome::Deny);
    assert!(
        matches!(broken, Some(Break::MissingParent { ref parent, .. }) if parent == "g-nowhere"),
        "{broken:?}"
    );
}

#[test]
fn a_link_issued_by_someone_else_than_the_parents_holder_breaks() {
    let mut g = grants();
    g[1]["issuer"] = json!(ROOT);
    let (outcome, broken, _) = decide(g);
    assert_eq!(outcome, Outcome::Deny);
    assert!(
        matches!(broken, Some(Break::NotDelegated { ref grant, .. }) if grant == "g-alice"),
        "{broken:?}"
    );
}

#[test]
fn no_grant_for_the_action_or_resource_is_no_authority() {
    let (outcome, broken, _) = decide(vec![grants()[0].clone()]);
    assert_eq!(outcome, Outcome::Deny);
    assert_eq!(broken, Some(Break::NoGrant));

    let mut g = grants();
    g[1]["scope"] = json!(["Repo::\"other\""]);
    let (outcome, broken, _) = decide(g);
    assert_eq!(outcome, Outcome::Deny);
    assert_eq!(broken, Some(Break::NoGrant));
}

#[test]
fn an_expiry_without_a_snapshot_time_fails_closed() {
    let set = set();
    let decision = set.decide_json(&request(grants(), None));
    assert_eq!(decision.outcome, Outcome::Deny);
    let broken = decision.delegation.and_then(|c| c.broken);
    assert!(matches!(broken, Some(Break::NoTime { .. })), "{broken:?}");
}

#[test]
fn a_second_valid_chain_is_enough() {
    let mut g = grants();
    g[1]["revoked"] = json!(true);
    g.push(grant("g-direct", ROOT, BOT, "git.push", None, None));
    let (outcome, broken, json) = decide(g);
    assert_eq!(outcome, Outcome::Allow);
    assert_eq!(broken, None);
    assert_eq!(json["delegation"]["chain"][0]["grant"], "g-direct");
}

#[test]
fn malformed_grants_are_invalid_input() {
    let set = set();
    let mut g = grants();
    g[0]["capability"] = json!("git.");
    g[1]["holder"] = json!("Nobody::\"x\"");
    let decision = set.decide_json(&request(g, Some("2026-11-27T10:00:00Z")));
    assert_eq!(decision.outcome, Outcome::Deny);
    let paths: Vec<&str> = decision
        .validation
        .iter()
        .map(|v| v.path.as_str())
        .collect();
    assert!(
        paths.contains(&"$.snapshot.grants[0].capability"),
        "{paths:?}"
    );
    assert!(paths.contains(&"$.snapshot.grants[1].holder"), "{paths:?}");
}

#[test]
fn a_chain_can_be_required_to_start_at_a_given_entity() {
    let mut compiler = Compiler::new();
    compiler.add_file(
        "owned.writ",
        r#"
schema {
  entity User
  entity Agent
  entity Repo { owner: User }
  action git.push by Agent on Repo
}

allow owner_delegated on git.push
  when delegated(resource.owner)
"#,
    );
    let set = PolicySet::new(compiler.compile().expect("compiles"));
    let request = |issuer: &str| {
        json!({
            "intent": {"actor": BOT, "action": "git.push", "resource": API},
            "snapshot": {
                "entities": [{"uid": API, "attrs": {"owner": ALICE}}],
                "grants": [{"id": "g", "issuer": issuer, "holder": BOT, "capability": "git.push"}],
            }
        })
    };
    assert_eq!(set.decide_json(&request(ALICE)).outcome, Outcome::Allow);
    let d = set.decide_json(&request("User::\"mallory\""));
    assert_eq!(d.outcome, Outcome::Deny);
    assert!(matches!(
        d.delegation.and_then(|c| c.broken),
        Some(Break::NoRoot { .. })
    ));
}
