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

use serde_json::Value as Json;
use support::*;
use writ_cedar::{Input, Options, Output, Text};
use writ_compiler::Compiler;
use writ_evaluator::{Decision, Outcome, PolicySet, Source};
use writ_language::ast::Effect;

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
    /// The same rules without the deny rules, to confirm a fail-closed exclusion (below).
    permits: PolicySet,
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
    let permits = permits_only(&output);
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
        permits,
        cedar,
        schema,
        ids,
        strings,
    }
}

/// The imported set without its deny rules. The generated policies file separates rules by
/// blank lines and starts each with `allow` or `deny` after its doc comments.
fn permits_only(output: &Output) -> PolicySet {
    let mut compiler = Compiler::new();
    for (name, text) in &output.files {
        let kept: Vec<&str> = text
            .split("\n\n")
            .filter(|item| !item.lines().any(|l| l.starts_with("deny ")))
            .collect();
        compiler.add_file(name.clone(), kept.join("\n\n"));
    }
    let set = match compiler.compile() {
        Ok(compiled) => PolicySet::new(compiled),
        Err(d) => panic!(
            "{}",
            writ_compiler::render::render(compiler.db(), &d, false)
        ),
    };
    let allows = |set: &PolicySet| {
        set.rules()
            .filter(|r| r.item.effect == Effect::Allow)
            .count()
    };
    assert_eq!(
        allows(&set),
        set.rules().count(),
        "only allow rules are left"
    );
    assert_eq!(
        allows(&set),
        allows(&writ_set(output)),
        "every allow rule is kept"
    );
    set
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
    Mismatch(Mismatch),
}

/// A disagreement: its kind (which side rejected the input, or which decisions differ), kept
/// while minimizing so that shrinking cannot trade the bug found for another one, and the
/// details to print.
struct Mismatch {
    kind: String,
    detail: String,
}

fn mismatch(kind: impl Into<String>, detail: impl std::fmt::Display) -> Mismatch {
    Mismatch {
        kind: kind.into(),
        detail: detail.to_string(),
    }
}

/// An entity graph as each side reads it, once for all its requests.
struct Graph {
    cedar: cedar_policy::Entities,
    writ: writ_evaluator::Snapshot,
    /// The snapshot as the permits-only set reads it.
    permits: writ_evaluator::Snapshot,
}

fn prepare(set: &Set, entities: &[Json]) -> Result<Graph, Mismatch> {
    let json = Json::Array(entities.to_vec());
    let cedar = cedar_policy::Entities::from_json_value(json.clone(), Some(&set.schema))
        .map_err(|e| mismatch("generated entities Cedar rejects", e))?;
    let snapshot = set
        .output
        .snapshot(&json)
        .map_err(|e| mismatch("the entities do not translate", e))?;
    let writ = set
        .writ
        .parse_snapshot(&snapshot)
        .map_err(|e| mismatch("the translated entities are invalid", format!("{e:?}")))?;
    let permits = set
        .permits
        .parse_snapshot(&snapshot)
        .map_err(|e| mismatch("the translated entities are invalid", format!("{e:?}")))?;
    Ok(Graph {
        cedar,
        writ,
        permits,
    })
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
        Err(e) => return Verdict::Mismatch(mismatch("generated request Cedar rejects", e)),
    };
    let intent = match writ_cedar::intent(request, &set.output.names, set.writ.schema()) {
        Ok(intent) => intent,
        Err(e) => return Verdict::Mismatch(mismatch("the request does not translate", e)),
    };
    let intent_json = intent;
    let intent = match set.writ.parse_intent(&intent_json) {
        Ok(intent) => intent,
        Err(e) => {
            return Verdict::Mismatch(mismatch(
                "the translated request is invalid",
                format!("{e:?}"),
            ));
        }
    };
    let decision = writ_evaluator::decide(&set.writ, &intent, &graph.writ);
    let cedar_outcome = outcome(cedar.decision());
    if decision.outcome == cedar_outcome {
        return Verdict::Same(cedar_outcome);
    }
    if fail_closed(set, &decision, &cedar) && permits_allow(set, graph, &intent_json) {
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
    Verdict::Mismatch(mismatch(
        format!(
            "Cedar decides {:?}, Writ {:?}",
            cedar.decision(),
            decision.outcome
        ),
        format!(
            "Cedar: {:?} (policies {cedar_reasons:?}, errors {cedar_errors:?})\nWrit: {}",
            cedar.decision(),
            serde_json::to_string_pretty(&decision.to_json(&set.writ)).unwrap_or_default()
        ),
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

/// Whether Writ's allow rules alone grant the request, as Cedar's permits did: a fail-closed
/// exclusion must differ from Cedar only by the deny rules that failed.
fn permits_allow(set: &Set, graph: &Graph, intent: &Json) -> bool {
    set.permits.parse_intent(intent).is_ok_and(|intent| {
        writ_evaluator::decide(&set.permits, &intent, &graph.permits).outcome == Outcome::Allow
    })
}

/// Removes entities, then parents, tags and optional attributes one at a time, while a mismatch
/// of the same kind remains.
fn minimize(set: &Set, mut entities: Vec<Json>, request: &Json, kind: &str) -> Vec<Json> {
    let still = |entities: &[Json]| matches!(judge(set, entities, request), Verdict::Mismatch(m) if m.kind == kind);
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
            // One parent, one tag at a time: a mismatch usually needs one path up the graph.
            let mut p = 0;
            while p < entities[i]["parents"].as_array().map_or(0, Vec::len) {
                let mut fewer = entities.clone();
                if let Some(parents) = fewer[i]["parents"].as_array_mut() {
                    parents.remove(p);
                }
                if still(&fewer) {
                    entities = fewer;
                    changed = true;
                } else {
                    p += 1;
                }
            }
            let tags: Vec<String> = entities[i]["tags"]
                .as_object()
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            for tag in tags {
                let mut fewer = entities.clone();
                if let Some(tags) = fewer[i]["tags"].as_object_mut() {
                    tags.remove(&tag);
                }
                if still(&fewer) {
                    entities = fewer;
                    changed = true;
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
                    Err(e) => Verdict::Mismatch(mismatch(e.kind.clone(), &e.detail)),
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
                    Verdict::Mismatch(found) => {
                        let small = minimize(set, entities.clone(), &request, &found.kind);
                        // Minimizing only keeps changes that keep a mismatch of this kind.
                        let why = match judge(set, &small, &request) {
                            Verdict::Mismatch(m) => format!("{}\n{}", m.kind, m.detail),
                            _ => format!("{}\n{}", found.kind, found.detail),
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
