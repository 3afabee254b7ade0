//! Running a policy set's `test` blocks.
//!
//! A test assembles a snapshot (fixture files, then `given` steps in order), proposes its
//! intent, and compares the decision with what it expects. Reading fixture files is the
//! caller's business: the evaluator never touches the file system.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value as Json, json};
use writ_compiler::ir::{TestCase, TestStep};
use writ_language::ast::Effect;
use writ_stdlib::{EntityUid, Value};

use crate::decide::{Coverage, decide_with};
use crate::decision::{Decision, Outcome};
use crate::eval::Context;
use crate::hash::canonical_hash;
use crate::input::{Intent, Snapshot, grant_from_record};
use crate::json::value_json;
use crate::policy::PolicySet;

/// Reads a fixture: given the path of the policy file that names it and the name as written,
/// returns its JSON.
pub type FixtureLoader<'a> = dyn Fn(&str, &str) -> Result<Json, String> + 'a;

#[derive(Clone, Debug)]
pub struct TestOutcome {
    /// Index into [`PolicySet::tests`].
    pub test: usize,
    pub name: String,
    pub expected: Outcome,
    pub expected_rule: Option<String>,
    /// The decision, or why the test could not be set up.
    pub decision: Result<Decision, String>,
    pub passed: bool,
}

impl TestOutcome {
    /// What went wrong, in one line, for a failed test.
    pub fn failure(&self, set: &PolicySet) -> Option<String> {
        if self.passed {
            return None;
        }
        let expected = match &self.expected_rule {
            Some(rule) => format!("{} by `{rule}`", self.expected.as_str()),
            None => self.expected.as_str().to_string(),
        };
        Some(match &self.decision {
            Err(e) => format!("could not run: {e}"),
            Ok(d) => format!("expected {expected}, got {}", d.summary(set)),
        })
    }
}

fn outcome_of(effect: Effect) -> Outcome {
    match effect {
        Effect::Allow => Outcome::Allow,
        Effect::Review => Outcome::Review,
        Effect::Deny => Outcome::Deny,
    }
}

/// Runs every test of the set, in source order.
pub fn run_tests(
    set: &PolicySet,
    load: &FixtureLoader,
    mut coverage: Option<&mut Coverage>,
) -> Vec<TestOutcome> {
    set.tests
        .iter()
        .enumerate()
        .map(|(index, located)| {
            let test = &located.item;
            let path = set.sources[located.source].path.to_string();
            let (expected, expected_rule) = test
                .steps
                .iter()
                .find_map(|s| match s {
                    TestStep::Expect { decision, rule } => {
                        Some((outcome_of(*decision), rule.as_ref().map(|r| r.to_string())))
                    }
                    _ => None,
                })
                .unwrap_or((Outcome::Deny, None));
            let decision = prepare(set, test, &path, load).map(|(intent, snapshot)| {
                decide_with(set, &intent, &snapshot, coverage.as_deref_mut())
            });
            let passed = match &decision {
                Ok(d) => {
                    d.outcome == expected
                        && expected_rule
                            .as_ref()
                            .is_none_or(|rule| d.rule_names(set).contains(&rule.as_str()))
                }
                Err(_) => false,
            };
            TestOutcome {
                test: index,
                name: test.name.clone(),
                expected,
                expected_rule,
                decision,
                passed,
            }
        })
        .collect()
}

/// The intent and snapshot a test describes.
fn prepare(
    set: &PolicySet,
    test: &TestCase,
    path: &str,
    load: &FixtureLoader,
) -> Result<(Intent, Snapshot), String> {
    let mut snapshot = Snapshot::default();
    let mut described = Vec::new();
    let mut intent = None;
    // Test data is made of literals only (the checker sees to it), so it is evaluated with no
    // intent or snapshot to read.
    let blank_intent = Intent {
        actor: EntityUid::new("", ""),
        action: Arc::from(""),
        resource: None,
        args: Value::Record(Arc::default()),
        hash: String::new(),
    };
    let blank_snapshot = Snapshot::default();
    let mut ctx = Context::new(set, &blank_intent, &blank_snapshot);
    let mut constant = |e| ctx.eval(e).map_err(|err| err.message);
    for step in &test.steps {
        match step {
            TestStep::GivenFile(name) => {
                let json = load(path, name)?;
                let fixture = set.parse_snapshot(&json).map_err(|errors| {
                    let list: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
                    format!(
                        "the snapshot `{name}` does not conform to the schema: {}",
                        list.join("; ")
                    )
                })?;
                described.push(json!({ "file": name, "hash": fixture.hash }));
                merge(&mut snapshot, fixture);
            }
            TestStep::GivenEntity {
                uid,
                attrs,
                parents,
            } => {
                let uid = constant(uid)?;
                let attrs = attrs.as_ref().map(&mut constant).transpose()?;
                let parents = parents.as_ref().map(&mut constant).transpose()?;
                described.push(json!({ "entity": value_json(&uid), "attrs": attrs.as_ref().map(value_json), "parents": parents.as_ref().map(value_json) }));
                let Value::Entity(uid) = uid else {
                    return Err("an entity step needs an entity reference".to_string());
                };
                let attrs = match attrs {
                    Some(Value::Record(r)) => (*r).clone(),
                    _ => BTreeMap::new(),
                };
                let parents = match parents {
                    Some(Value::Set(s)) => {
                        s.iter().filter_map(|v| v.as_entity().cloned()).collect()
                    }
                    _ => Vec::new(),
                };
                snapshot.insert(uid, attrs, parents);
            }
            TestStep::GivenState(e) => {
                let value = constant(e)?;
                described.push(json!({ "state": value_json(&value) }));
                if let Value::Record(fields) = value {
                    let state = Arc::make_mut(&mut snapshot.state);
                    for (k, v) in fields.iter() {
                        state.insert(k.clone(), v.clone());
                    }
                }
            }
            TestStep::GivenTime(e) => {
                let value = constant(e)?;
                described.push(json!({ "time": value_json(&value) }));
                if let Value::Datetime(t) = value {
                    snapshot.time = Some(t);
                }
            }
            TestStep::GivenGrant(e) => {
                let value = constant(e)?;
                described.push(json!({ "grant": value_json(&value) }));
                if let Value::Record(fields) = &value
                    && let Some(grant) = grant_from_record(fields)
                {
                    snapshot.grants.push(grant);
                }
            }
            TestStep::Intent {
                action,
                actor,
                resource,
                args,
            } => {
                let actor = constant(actor)?;
                let resource = resource.as_ref().map(&mut constant).transpose()?;
                let args = args
                    .as_ref()
                    .map(&mut constant)
                    .transpose()?
                    .unwrap_or(Value::Record(Arc::default()));
                let json = json!({
                    "actor": value_json(&actor),
                    "action": action.as_ref(),
                    "resource": resource.as_ref().map(value_json),
                    "args": value_json(&args),
                });
                let (Value::Entity(actor), resource) = (actor, resource) else {
                    return Err("an intent needs an entity as its actor".to_string());
                };
                intent = Some(Intent {
                    actor,
                    action: action.clone(),
                    resource: resource.and_then(|r| r.as_entity().cloned()),
                    args,
                    hash: canonical_hash(&json),
                });
            }
            TestStep::Expect { .. } => {}
        }
    }
    snapshot.link();
    snapshot.hash = canonical_hash(&Json::Array(described));
    let intent = intent.ok_or("the test proposes no intent")?;
    Ok((intent, snapshot))
}

/// Adds a fixture's contents to a snapshot being assembled: later data wins.
fn merge(into: &mut Snapshot, from: Snapshot) {
    if from.time.is_some() {
        into.time = from.time;
    }
    into.entities.extend(from.entities);
    let state = Arc::make_mut(&mut into.state);
    for (k, v) in from.state.iter() {
        state.insert(k.clone(), v.clone());
    }
    into.grants.extend(from.grants);
}
