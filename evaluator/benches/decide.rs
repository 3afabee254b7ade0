//! Decision latency on the default policy pack (`policies/`), for one example request of each
//! outcome (the first file of each `policies/examples/<outcome>/` folder): the decision alone,
//! on a compiled policy set and a parsed request, and end to end from request text to decision
//! text.

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use writ_compiler::Compiler;
use writ_evaluator::{PolicySet, decide};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn policy_set() -> PolicySet {
    let mut compiler = Compiler::new();
    let mut files: Vec<PathBuf> = walk(&root().join("policies"), "writ");
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable policy file");
        compiler.add_file(file.display().to_string(), text);
    }
    PolicySet::new(compiler.compile().expect("the default pack compiles"))
}

fn walk(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path, extension));
        } else if path.extension().is_some_and(|e| e == extension) {
            out.push(path);
        }
    }
    out
}

fn example(outcome: &str) -> (String, String) {
    let mut files = walk(&root().join("policies/examples").join(outcome), "json");
    files.sort();
    let file = files.into_iter().next().expect("an example request");
    let name = file.file_stem().unwrap().to_string_lossy().into_owned();
    (
        name,
        std::fs::read_to_string(&file).expect("readable example"),
    )
}

fn benches(c: &mut Criterion) {
    let set = policy_set();
    let mut group = c.benchmark_group("decide");
    for outcome in ["allow", "deny", "review"] {
        let (name, text) = example(outcome);
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let (intent, snapshot) = set.parse_request(&json).expect("a valid example");
        assert_eq!(decide(&set, &intent, &snapshot).outcome.as_str(), outcome);
        group.bench_function(format!("{outcome}/{name}"), |b| {
            b.iter(|| decide(&set, &intent, &snapshot))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("end_to_end");
    for outcome in ["allow", "deny", "review"] {
        let (name, text) = example(outcome);
        group.bench_function(format!("{outcome}/{name}"), |b| {
            b.iter(|| {
                let json: serde_json::Value = serde_json::from_str(&text).unwrap();
                let decision = set.decide_json(&json);
                serde_json::to_string(&decision.to_json(&set)).unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(decide_benches, benches);
criterion_main!(decide_benches);
