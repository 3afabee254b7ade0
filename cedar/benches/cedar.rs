//! Writ against cedar-policy's `Authorizer::is_authorized`, side by side in one criterion run.
//!
//! - `pre_parsed/<set>/<engine>`: the benchmark sets of the Cedar paper (gdrive, github,
//!   tinytodo; `../shared/corpus/cedar/benchmarks`) with generated hierarchies of 5 to 50
//!   entities and 500 requests per set, as the paper did. Both engines get policies, entities
//!   and requests already parsed; one iteration decides all 500 requests.
//! - `end_to_end/<set>/<engine>`: the same requests from JSON text: each engine parses its own
//!   request and entities format (Writ's request JSON with the translated snapshot; Cedar's
//!   entities and request JSON with schema validation) and decides.
//! - `scaling/<n>/<engine>`: generated policy sets of 10 to 10,000 policies, 100 requests.
//!
//! Per-decision times are an iteration's time divided by its number of requests. Before the
//! criterion runs, a pass times every request on its own and prints the median and 99th
//! percentile per decision (`per-request` lines), which docs/performance.md records.

#[path = "../tests/support/mod.rs"]
mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value as Json, json};
use support::generate::{Pools, Rng, graph, request};
use support::*;
use writ_evaluator::{Intent, Outcome, PolicySet, Snapshot};

const REQUESTS: usize = 500;
const HIERARCHIES: usize = 10;

/// One engine's pre-parsed work and its text form.
struct Workload {
    name: String,
    writ: PolicySet,
    cedar: cedar_policy::PolicySet,
    schema: cedar_policy::Schema,
    /// Pre-parsed: (intent, snapshot index), snapshots; Cedar's requests and entities.
    writ_cases: Vec<(Intent, usize)>,
    snapshots: Vec<Snapshot>,
    cedar_cases: Vec<(cedar_policy::Request, usize)>,
    entities: Vec<cedar_policy::Entities>,
    /// Text: Writ's request JSON; Cedar's (request JSON, entities JSON index); entities texts.
    writ_texts: Vec<String>,
    cedar_texts: Vec<(String, usize)>,
    entity_texts: Vec<String>,
}

fn workload(
    name: &str,
    policies: &str,
    schema_text: &str,
    hierarchies: Vec<(Vec<Json>, Vec<Json>)>,
) -> Workload {
    let output = writ_cedar::import(&writ_cedar::Input {
        policies: writ_cedar::Text::new(format!("{name}.cedar"), policies),
        schema: writ_cedar::Text::new(format!("{name}.cedarschema"), schema_text),
        entities: None,
        links: None,
        options: writ_cedar::Options::default(),
    })
    .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let writ = writ_set(&output);
    let schema =
        writ_cedar::parse_schema(&writ_cedar::Text::new("schema", schema_text)).expect("schema");
    let cedar: cedar_policy::PolicySet = policies.parse().expect("policies");
    let mut w = Workload {
        name: name.to_string(),
        writ,
        cedar,
        schema,
        writ_cases: Vec::new(),
        snapshots: Vec::new(),
        cedar_cases: Vec::new(),
        entities: Vec::new(),
        writ_texts: Vec::new(),
        cedar_texts: Vec::new(),
        entity_texts: Vec::new(),
    };
    for (h, (entities, requests)) in hierarchies.into_iter().enumerate() {
        let entities_json = Json::Array(entities);
        let snapshot_json = output.snapshot(&entities_json).expect("entities translate");
        w.snapshots
            .push(w.writ.parse_snapshot(&snapshot_json).expect("snapshot"));
        w.entities.push(
            cedar_policy::Entities::from_json_value(entities_json.clone(), Some(&w.schema))
                .expect("entities"),
        );
        w.entity_texts.push(entities_json.to_string());
        for r in requests {
            let intent_json =
                writ_cedar::intent(&r, &output.names, w.writ.schema()).expect("request translates");
            w.writ_cases
                .push((w.writ.parse_intent(&intent_json).expect("intent"), h));
            w.writ_texts
                .push(json!({"intent": intent_json, "snapshot": snapshot_json}).to_string());
            w.cedar_cases
                .push((cedar_request(&r, Some(&w.schema)).expect("request"), h));
            w.cedar_texts.push((r.to_string(), h));
        }
    }
    agree(&w);
    w
}

/// Both engines must decide every request alike, or the timings would not compare the same
/// work; the counts show the mix of decisions timed.
fn agree(w: &Workload) {
    let authorizer = cedar_policy::Authorizer::new();
    let (mut allowed, mut denied) = (0, 0);
    for ((intent, s), (request, e)) in w.writ_cases.iter().zip(&w.cedar_cases) {
        let writ = writ_evaluator::decide(&w.writ, intent, &w.snapshots[*s]).outcome;
        let cedar = authorizer.is_authorized(request, &w.cedar, &w.entities[*e]);
        assert_eq!(
            writ,
            outcome(cedar.decision()),
            "{}: Writ and Cedar disagree on a benchmark request",
            w.name
        );
        if writ == Outcome::Allow {
            allowed += 1;
        } else {
            denied += 1;
        }
    }
    println!(
        "decisions {}: {allowed} allow, {denied} deny, the same from both engines",
        w.name
    );
}

/// The paper's sets: hierarchies of 5 to 50 entities, 500 requests in all.
fn paper_set(name: &str, seed: u64) -> Workload {
    let dir = corpus().join("benchmarks").join(name);
    let (policies, schema_path) = policies_and_schema(&dir);
    let (policies, schema_text) = (read(&policies), read(&schema_path));
    let output = writ_cedar::import(&writ_cedar::Input {
        policies: writ_cedar::Text::new("p.cedar", policies.clone()),
        schema: writ_cedar::Text::new("s.json", schema_text.clone()),
        entities: None,
        links: None,
        options: writ_cedar::Options::default(),
    })
    .expect("imports");
    let model = &output.model;
    let mut rng = Rng(seed);
    let strings: Vec<String> = ["a", "b", "TinyTodo"].map(String::from).to_vec();
    let mut hierarchies = Vec::new();
    for _ in 0..HIERARCHIES {
        let size = 5 + rng.below(46);
        let per_type = size.div_ceil(model.entities.len()).max(1);
        let ids: Vec<String> = (0..per_type).map(|i| format!("e{i}")).collect();
        let pools = Pools {
            model,
            ids: &ids,
            strings: &strings,
        };
        let mut entities = graph(&mut rng, &pools, 100);
        entities.truncate(size);
        let requests = (0..REQUESTS / HIERARCHIES)
            .map(|_| request(&mut rng, &pools))
            .collect();
        hierarchies.push((entities, requests));
    }
    workload(name, &policies, &schema_text, hierarchies)
}

const SCALING_SCHEMA: &str = r#"
entity Group in [Group];
entity User in [Group] = { level: Long };
entity Folder in [Folder];
entity Doc in [Folder] = { owner: User, private: Bool };
action view, edit appliesTo { principal: [User], resource: [Doc], context: { level: Long } };
"#;

/// `n` generated policies over pools that grow with `n`, as a real deployment's would: rules
/// per user, per group and per folder, permits and forbids.
fn scaling_set(n: usize, seed: u64) -> Workload {
    let users = (n / 4).max(4);
    let groups = (n / 20).max(2);
    let docs = (n / 4).max(4);
    let folders = (n / 20).max(2);
    let mut rng = Rng(seed);
    let mut policies = String::new();
    for i in 0..n {
        let (u, g, d, f) = (
            rng.below(users),
            rng.below(groups),
            rng.below(docs),
            rng.below(folders),
        );
        policies.push_str(&match i % 4 {
            0 => format!("permit (principal == User::\"u{u}\", action == Action::\"view\", resource == Doc::\"d{d}\");\n"),
            1 => format!(
                "permit (principal in Group::\"g{g}\", action in [Action::\"view\", Action::\"edit\"], resource in Folder::\"f{f}\") when {{ context.level > {} }};\n",
                i % 5
            ),
            2 => format!("permit (principal == User::\"u{u}\", action == Action::\"edit\", resource) when {{ resource.owner == principal }};\n"),
            _ => format!("forbid (principal == User::\"u{u}\", action, resource in Folder::\"f{f}\") when {{ resource.private }};\n"),
        });
    }
    let mut hierarchies = Vec::new();
    for _ in 0..100 {
        let (u, g, g2, d, f, f2) = (
            rng.below(users),
            rng.below(groups),
            rng.below(groups),
            rng.below(docs),
            rng.below(folders),
            rng.below(folders),
        );
        let e = |ty: &str, id: String| json!({"type": ty, "id": id});
        let entities = vec![
            json!({"uid": e("User", format!("u{u}")), "attrs": {"level": 3}, "parents": [e("Group", format!("g{g}"))]}),
            json!({"uid": e("Group", format!("g{g}")), "attrs": {}, "parents": if g != g2 { vec![e("Group", format!("g{g2}"))] } else { vec![] }}),
            json!({"uid": e("Doc", format!("d{d}")), "attrs": {"owner": {"__entity": e("User", format!("u{}", rng.below(users)))}, "private": rng.chance(30)}, "parents": [e("Folder", format!("f{f}"))]}),
            json!({"uid": e("Folder", format!("f{f}")), "attrs": {}, "parents": if f != f2 { vec![e("Folder", format!("f{f2}"))] } else { vec![] }}),
        ];
        let action = if rng.chance(50) { "view" } else { "edit" };
        let r = json!({
            "principal": format!("User::\"u{u}\""),
            "action": format!("Action::\"{action}\""),
            "resource": format!("Doc::\"d{d}\""),
            "context": {"level": rng.below(6)},
        });
        hierarchies.push((entities, vec![r]));
    }
    workload(&format!("{n}"), &policies, SCALING_SCHEMA, hierarchies)
}

fn writ_all(w: &Workload) {
    for (intent, s) in &w.writ_cases {
        black_box(writ_evaluator::decide(&w.writ, intent, &w.snapshots[*s]));
    }
}

fn cedar_all(w: &Workload) {
    let authorizer = cedar_policy::Authorizer::new();
    for (request, e) in &w.cedar_cases {
        black_box(authorizer.is_authorized(request, &w.cedar, &w.entities[*e]));
    }
}

fn writ_text_all(w: &Workload) {
    for text in &w.writ_texts {
        let json: Json = serde_json::from_str(text).expect("json");
        black_box(w.writ.decide_json(&json));
    }
}

fn cedar_text_all(w: &Workload) {
    let authorizer = cedar_policy::Authorizer::new();
    for (text, e) in &w.cedar_texts {
        let entities = cedar_policy::Entities::from_json_str(&w.entity_texts[*e], Some(&w.schema))
            .expect("entities");
        let json: Json = serde_json::from_str(text).expect("json");
        let request = cedar_request(&json, Some(&w.schema)).expect("request");
        black_box(authorizer.is_authorized(&request, &w.cedar, &entities));
    }
}

/// Median and 99th percentile of one decision, timing each request alone (best of 20 runs).
fn per_request(label: &str, n: usize, run: impl Fn(usize)) {
    let mut times: Vec<Duration> = (0..n)
        .map(|i| {
            (0..20)
                .map(|_| {
                    let start = Instant::now();
                    run(i);
                    start.elapsed()
                })
                .min()
                .unwrap_or_default()
        })
        .collect();
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "per-request {label}: median {:?}, p99 {:?}",
        at(0.5),
        at(0.99)
    );
}

fn report_per_request(w: &Workload, prefix: &str) {
    let authorizer = cedar_policy::Authorizer::new();
    per_request(
        &format!("{prefix}/{}/writ", w.name),
        w.writ_cases.len(),
        |i| {
            let (intent, s) = &w.writ_cases[i];
            black_box(writ_evaluator::decide(&w.writ, intent, &w.snapshots[*s]));
        },
    );
    per_request(
        &format!("{prefix}/{}/cedar", w.name),
        w.cedar_cases.len(),
        |i| {
            let (request, e) = &w.cedar_cases[i];
            black_box(authorizer.is_authorized(request, &w.cedar, &w.entities[*e]));
        },
    );
}

fn benches(c: &mut Criterion) {
    let sets: Vec<Workload> = [("gdrive", 1), ("github", 2), ("tinytodo", 3)]
        .iter()
        .map(|(name, seed)| paper_set(name, *seed))
        .collect();
    let scaling: Vec<Workload> = [10, 100, 1_000, 10_000]
        .iter()
        .map(|&n| scaling_set(n, n as u64))
        .collect();
    for w in &sets {
        report_per_request(w, "pre_parsed");
    }
    for w in &scaling {
        report_per_request(w, "scaling");
    }

    let mut group = c.benchmark_group("pre_parsed");
    for w in &sets {
        group.bench_function(format!("{}/writ", w.name), |b| b.iter(|| writ_all(w)));
        group.bench_function(format!("{}/cedar", w.name), |b| b.iter(|| cedar_all(w)));
    }
    group.finish();
    let mut group = c.benchmark_group("end_to_end");
    for w in &sets {
        group.bench_function(format!("{}/writ", w.name), |b| b.iter(|| writ_text_all(w)));
        group.bench_function(format!("{}/cedar", w.name), |b| {
            b.iter(|| cedar_text_all(w))
        });
    }
    group.finish();
    let mut group = c.benchmark_group("scaling");
    for w in &scaling {
        group.bench_function(format!("{}/writ", w.name), |b| b.iter(|| writ_all(w)));
        group.bench_function(format!("{}/cedar", w.name), |b| b.iter(|| cedar_all(w)));
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = cedar;
    config = config();
    targets = benches
}
criterion_main!(cedar);
