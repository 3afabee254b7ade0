//! Differential test: generated entity graphs and requests over every shared schema (the use
//! cases and the benchmark sets) and this crate's feature set, decided by Writ (after
//! `writ import cedar`) and by cedar-policy. At least 10,000 requests per run.
//!
//! The one intended difference is excluded by name, [`FAIL_CLOSED_FORBID`]: Writ denies when a
//! `deny` rule cannot be evaluated, where Cedar skips an erroring `forbid` (docs/cedar.md). Any
//! other mismatch fails the test with a minimized reproducer.
//!
//! Runs are seeded from the clock; `WRIT_CEDAR_SEED=n` repeats one.

mod support;

use support::generate::{Pools, Rng, graph, request};

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde_json::{Value as Json, json};
use support::*;
use writ_cedar::{Input, Options, Output, Text};
use writ_evaluator::{Decision, Outcome, PolicySet, Source};

/// The intended difference: a `deny` rule that fails to evaluate denies in Writ (fail closed),
/// while Cedar skips the erroring `forbid` and may allow.
const FAIL_CLOSED_FORBID: &str = "fail_closed_forbid";

const GRAPHS_PER_SET: usize = 60;
const REQUESTS_PER_GRAPH: usize = 20;
const MIN_CASES: usize = 10_000;

/// One policy set under test, with what generation draws from.
struct Set {
    name: String,
    policies: Text,
    links: Option<Text>,
    output: Output,
    writ: PolicySet,
    cedar: cedar_policy::PolicySet,
    schema: cedar_policy::Schema,
    ids: Vec<String>,
    strings: Vec<String>,
}

fn literals(text: &str) -> (Vec<String>, Vec<String>) {
    let mut ids = BTreeSet::new();
    let mut strings = BTreeSet::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'"' {
            let start = i + 1;
            let mut j = start;
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            let value = text.get(start..j.min(text.len())).unwrap_or("").to_string();
            if i >= 2 && &text[i - 2..i] == "::" {
                ids.insert(value);
            } else {
                strings.insert(value);
            }
            i = j + 1;
        } else {
            i += 1;
        }
    }
    (ids.into_iter().collect(), strings.into_iter().collect())
}

fn load(name: &str, dir: &Path, links: Option<PathBuf>) -> Set {
    let (policies_path, schema_path) = policies_and_schema(dir);
    let policies = text(&policies_path);
    let links = links.map(|l| text(&l));
    let output = writ_cedar::import(&Input {
        policies: policies.clone(),
        schema: text(&schema_path),
        entities: None,
        links: links.clone(),
        options: Options::default(),
    })
    .unwrap_or_else(|e| {
        panic!(
            "{name}: {}",
            e.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let writ = writ_set(&output);
    let schema = cedar_schema(&schema_path);
    let mut cedar: cedar_policy::PolicySet = policies.text.parse().expect("Cedar parses");
    if let Some(links) = &links {
        link(&mut cedar, &links.text);
    }
    let (mut ids, mut strings) = literals(&policies.text);
    ids.extend(["a", "b", "c"].map(String::from));
    strings.extend(
        [
            "",
            "a",
            "admin",
            "yes",
            "Paris",
            "x@evil.example",
            "blocked-7",
            "ALL",
        ]
        .map(String::from),
    );
    ids.sort();
    ids.dedup();
    strings.sort();
    strings.dedup();
    Set {
        name: name.to_string(),
        policies,
        links,
        output,
        writ,
        cedar,
        schema,
        ids,
        strings,
    }
}

/// Links templates in cedar-policy's set, naming templates by their `@id` as the links file does.
fn link(set: &mut cedar_policy::PolicySet, links: &str) {
    let links: Json = serde_json::from_str(links).expect("links are JSON");
    let by_annotation: HashMap<String, cedar_policy::PolicyId> = set
        .templates()
        .filter_map(|t| t.annotation("id").map(|a| (a.to_string(), t.id().clone())))
        .collect();
    for l in links.as_array().into_iter().flatten() {
        let template = &by_annotation[l["template_id"].as_str().expect("template id")];
        let mut values = HashMap::new();
        for (slot, value) in l["args"].as_object().into_iter().flatten() {
            let uid = match value {
                Json::String(s) => cedar_policy::EntityUid::from_str(s).expect("uid"),
                other => cedar_policy::EntityUid::from_json(other.clone()).expect("uid"),
            };
            let slot = if slot == "?principal" {
                cedar_policy::SlotId::principal()
            } else {
                cedar_policy::SlotId::resource()
            };
            values.insert(slot, uid);
        }
        set.link(
            template.clone(),
            cedar_policy::PolicyId::new(l["link_id"].as_str().expect("link id")),
            values,
        )
        .expect("links");
    }
}

fn sets() -> Vec<Set> {
    let corpus = corpus();
    let mut out = Vec::new();
    for dir in [
        "document_cloud",
        "github_example",
        "hotel_chains_static",
        "sales_orgs_static",
        "tags_n_roles",
        "tinytodo",
    ] {
        out.push(load(dir, &corpus.join("use-cases").join(dir), None));
    }
    for dir in ["gdrive", "github", "tinytodo"] {
        out.push(load(
            &format!("benchmark {dir}"),
            &corpus.join("benchmarks").join(dir),
            None,
        ));
    }
    let features = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/features");
    out.push(load(
        "features",
        &features,
        Some(features.join("links.json")),
    ));
    out
}

fn pools(set: &Set) -> Pools<'_> {
    Pools {
        model: &set.output.model,
        ids: &set.ids,
        strings: &set.strings,
    }
}

enum Verdict {
    Same(Outcome),
    /// Excluded by name.
    Intended(&'static str),
    Mismatch(String),
}

/// An entity graph as each side reads it, once for all its requests.
struct Graph {
    cedar: cedar_policy::Entities,
    writ: writ_evaluator::Snapshot,
}

fn prepare(set: &Set, entities: &[Json]) -> Result<Graph, String> {
    let json = Json::Array(entities.to_vec());
    let cedar = cedar_policy::Entities::from_json_value(json.clone(), Some(&set.schema))
        .map_err(|e| format!("generated entities Cedar rejects: {e}"))?;
    let snapshot = set
        .output
        .snapshot(&json)
        .map_err(|e| format!("the entities do not translate: {e}"))?;
    let writ = set
        .writ
        .parse_snapshot(&snapshot)
        .map_err(|e| format!("the translated entities are invalid: {e:?}"))?;
    Ok(Graph { cedar, writ })
}

fn judge(set: &Set, entities: &[Json], request: &Json) -> Verdict {
    match prepare(set, entities) {
        Ok(graph) => judge_graph(set, &graph, request),
        Err(e) => Verdict::Mismatch(e),
    }
}

fn judge_graph(set: &Set, graph: &Graph, request: &Json) -> Verdict {
    let cedar = match cedar_decide(&set.cedar, Some(&set.schema), &graph.cedar, request) {
        Ok(r) => r,
        Err(e) => return Verdict::Mismatch(format!("generated request Cedar rejects: {e}")),
    };
    let intent = match writ_cedar::intent(request, &set.output.names, set.writ.schema()) {
        Ok(intent) => intent,
        Err(e) => return Verdict::Mismatch(format!("the request does not translate: {e}")),
    };
    let intent = match set.writ.parse_intent(&intent) {
        Ok(intent) => intent,
        Err(e) => return Verdict::Mismatch(format!("the translated request is invalid: {e:?}")),
    };
    let decision = writ_evaluator::decide(&set.writ, &intent, &graph.writ);
    let cedar_outcome = outcome(cedar.decision());
    if decision.outcome == cedar_outcome {
        return Verdict::Same(cedar_outcome);
    }
    if fail_closed(set, &decision, &cedar) {
        return Verdict::Intended(FAIL_CLOSED_FORBID);
    }
    let cedar_errors: Vec<String> = cedar
        .diagnostics()
        .errors()
        .map(|e| e.to_string())
        .collect();
    let cedar_reasons: Vec<String> = cedar
        .diagnostics()
        .reason()
        .map(|p| p.to_string())
        .collect();
    Verdict::Mismatch(format!(
        "Cedar: {:?} (policies {cedar_reasons:?}, errors {cedar_errors:?})\nWrit: {}",
        cedar.decision(),
        serde_json::to_string_pretty(&decision.to_json(&set.writ)).unwrap_or_default()
    ))
}

/// Whether Writ denies because a `deny` rule failed to evaluate, where Cedar's corresponding
/// `forbid` failed too and was skipped.
fn fail_closed(set: &Set, decision: &Decision, cedar: &cedar_policy::Response) -> bool {
    if decision.outcome != Outcome::Deny || decision.reasons.is_empty() {
        return false;
    }
    let rules: Vec<_> = set.writ.rules().collect();
    let cedar_errors: BTreeSet<String> = cedar
        .diagnostics()
        .errors()
        .map(|e| match e {
            cedar_policy::AuthorizationError::PolicyEvaluationError(e) => e.policy_id().to_string(),
        })
        .collect();
    let failed: BTreeSet<usize> = decision
        .errors
        .iter()
        .filter_map(|e| match e.source {
            Source::Rule(i) => Some(i),
            _ => None,
        })
        .collect();
    decision.reasons.iter().all(|reason| {
        let rule = &rules[reason.rule].item;
        failed.contains(&reason.rule)
            && set
                .output
                .cedar_ids
                .get(rule.name.as_ref())
                .is_some_and(|id| cedar_errors.contains(id))
    })
}

/// Removes entities, parents, attributes and tags while the mismatch remains.
fn minimize(set: &Set, mut entities: Vec<Json>, request: &Json) -> Vec<Json> {
    let still = |entities: &[Json]| matches!(judge(set, entities, request), Verdict::Mismatch(_));
    let mut changed = true;
    while changed {
        changed = false;
        let mut i = 0;
        while i < entities.len() {
            let mut fewer = entities.clone();
            fewer.remove(i);
            if still(&fewer) {
                entities = fewer;
                changed = true;
            } else {
                i += 1;
            }
        }
        for i in 0..entities.len() {
            for field in ["parents", "tags"] {
                let mut fewer = entities.clone();
                if fewer[i]
                    .get(field)
                    .is_some_and(|p| p != &json!([]) && p != &json!({}))
                {
                    fewer[i][field] = if field == "parents" {
                        json!([])
                    } else {
                        json!({})
                    };
                    if still(&fewer) {
                        entities = fewer;
                        changed = true;
                    }
                }
            }
            let names: Vec<String> = entities[i]["attrs"]
                .as_object()
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            for name in names {
                let mut fewer = entities.clone();
                if let Some(attrs) = fewer[i]["attrs"].as_object_mut() {
                    attrs.remove(&name);
                }
                // Only optional attributes can go: Cedar rejects entities missing required ones.
                if cedar_policy::Entities::from_json_value(
                    Json::Array(fewer.clone()),
                    Some(&set.schema),
                )
                .is_ok()
                    && still(&fewer)
                {
                    entities = fewer;
                    changed = true;
                }
            }
        }
    }
    entities
}

#[test]
fn writ_and_cedar_decide_generated_requests_alike() {
    let seed = std::env::var("WRIT_CEDAR_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    eprintln!("differential test seed: {seed} (repeat with WRIT_CEDAR_SEED={seed})");
    let sets = sets();
    let mut rng = Rng(seed);
    let mut cases = 0;
    let mut outcomes: BTreeMap<(String, &str), usize> = BTreeMap::new();
    let mut excluded: BTreeMap<(&str, String), usize> = BTreeMap::new();
    for set in &sets {
        for _ in 0..GRAPHS_PER_SET {
            let entities = graph(&mut rng, &pools(set), 80);
            let prepared = prepare(set, &entities);
            for _ in 0..REQUESTS_PER_GRAPH {
                let request = request(&mut rng, &pools(set));
                cases += 1;
                let verdict = match &prepared {
                    Ok(graph) => judge_graph(set, graph, &request),
                    Err(e) => Verdict::Mismatch(e.clone()),
                };
                match verdict {
                    Verdict::Same(o) => {
                        let key = (
                            set.name.clone(),
                            if o == Outcome::Allow { "allow" } else { "deny" },
                        );
                        *outcomes.entry(key).or_default() += 1;
                    }
                    Verdict::Intended(name) => {
                        *excluded.entry((name, set.name.clone())).or_default() += 1
                    }
                    Verdict::Mismatch(_) => {
                        let small = minimize(set, entities.clone(), &request);
                        let Verdict::Mismatch(why) = judge(set, &small, &request) else {
                            unreachable!("minimizing keeps the mismatch");
                        };
                        panic!(
                            "Writ and Cedar disagree (seed {seed}) on `{}`\npolicies: {}{}\nentities:\n{}\nrequest:\n{}\n{why}",
                            set.name,
                            set.policies.name,
                            set.links
                                .as_ref()
                                .map(|l| format!(" with links {}", l.name))
                                .unwrap_or_default(),
                            serde_json::to_string_pretty(&small).unwrap_or_default(),
                            serde_json::to_string_pretty(&request).unwrap_or_default(),
                        );
                    }
                }
            }
        }
    }
    eprintln!("{cases} cases: {outcomes:?}; intended differences excluded by name: {excluded:?}");
    assert!(cases >= MIN_CASES, "only {cases} cases");
}
