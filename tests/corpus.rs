//! The test corpus: `tests/corpus/valid/*.writ` must check without a single diagnostic, and
//! `tests/corpus/invalid/*.writ` must fail with exactly the diagnostics recorded in
//! `tests/snapshots/`. Each file is compiled on its own, as a policy set of one file.
//!
//! Every corpus file starts with a `//` line saying what it tests. An invalid file also has an
//! `// expect:` line listing the codes of the diagnostics it must produce, one entry per
//! diagnostic (`E0001*3` for three of a kind), so a cascade of follow-on errors fails the test
//! even before anyone reads the snapshot.
//!
//! Update the snapshots with `INSTA_UPDATE=always cargo test --test corpus`, then read them.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use writ_compiler::codes::CODES;
use writ_compiler::{Compiler, Severity};

/// Codes no corpus file can trigger, each with the reason. Keep it empty if at all possible.
const IMPOSSIBLE_CODES: &[(&str, &str)] = &[(
    "E0000",
    "an internal compiler error: a checked item that cannot be lowered is a bug, not a policy mistake",
)];

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("corpus")
}

/// The `.writ` files of `valid/` or `invalid/`, sorted, as paths relative to the corpus.
fn corpus_files(kind: &str) -> Vec<String> {
    let dir = corpus_dir().join(kind);
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| {
            entry
                .expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".writ"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| format!("{kind}/{name}"))
        .collect()
}

fn read(rel: &str) -> String {
    let path = corpus_dir().join(rel);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// What compiling one file on its own gave.
struct Outcome {
    rendered: String,
    codes: Vec<&'static str>,
    errors: usize,
}

fn compile(rel: &str, text: &str) -> Outcome {
    let mut compiler = Compiler::new();
    compiler.add_file(rel, text);
    let diagnostics = compiler.diagnostics();
    Outcome {
        rendered: writ_compiler::render::render(compiler.db(), &diagnostics, false),
        codes: diagnostics.iter().map(|d| d.code).collect(),
        errors: diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count(),
    }
}

/// `invalid/unknown_attribute.writ` -> `invalid__unknown_attribute`.
fn snapshot_name(rel: &str) -> String {
    rel.trim_end_matches(".writ").replace('/', "__")
}

/// The codes an invalid file's `// expect:` line lists, as a multiset.
fn expected_codes(rel: &str, text: &str) -> BTreeMap<String, usize> {
    let line = text
        .lines()
        .take_while(|l| l.starts_with("//"))
        .find_map(|l| l.strip_prefix("// expect:"))
        .unwrap_or_else(|| panic!("{rel}: no `// expect:` line in the leading comment"));
    let mut expected = BTreeMap::new();
    for entry in line.split([',', ' ']).filter(|e| !e.is_empty()) {
        let (code, count) = match entry.split_once('*') {
            Some((code, n)) => (
                code,
                n.parse()
                    .unwrap_or_else(|_| panic!("{rel}: bad count in `{entry}`")),
            ),
            None => (entry, 1),
        };
        *expected.entry(code.to_string()).or_insert(0) += count;
    }
    expected
}

fn multiset(codes: &[&str]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for code in codes {
        *out.entry(code.to_string()).or_insert(0) += 1;
    }
    out
}

#[test]
fn corpus_files_say_what_they_test() {
    for rel in corpus_files("valid")
        .into_iter()
        .chain(corpus_files("invalid"))
    {
        let text = read(&rel);
        let first = text.lines().next().unwrap_or("");
        assert!(
            first.starts_with("// ") && first.len() > 10,
            "{rel}: the first line must be a `//` comment saying what the file tests"
        );
    }
}

#[test]
fn corpus_is_large_enough() {
    let valid = corpus_files("valid").len();
    let invalid = corpus_files("invalid").len();
    assert!(valid >= 20, "only {valid} valid files");
    assert!(invalid >= 50, "only {invalid} invalid files");
}

#[test]
fn valid_files_check_without_diagnostics() {
    let mut failures = Vec::new();
    for rel in corpus_files("valid") {
        let outcome = compile(&rel, &read(&rel));
        if !outcome.codes.is_empty() {
            failures.push(format!(
                "{rel}: expected no diagnostics, got:\n{}",
                outcome.rendered
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn invalid_files_match_their_snapshots() {
    let mut failures = Vec::new();
    for rel in corpus_files("invalid") {
        let text = read(&rel);
        let outcome = compile(&rel, &text);
        if outcome.errors == 0 {
            failures.push(format!(
                "{rel}: expected at least one error, got:\n{}",
                outcome.rendered
            ));
            continue;
        }
        let expected = expected_codes(&rel, &text);
        let found = multiset(&outcome.codes);
        if expected != found {
            failures.push(format!(
                "{rel}: expected the codes {expected:?}, found {found:?}:\n{}",
                outcome.rendered
            ));
        }
        insta::assert_snapshot!(snapshot_name(&rel), outcome.rendered);
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Every corpus snapshot belongs to a corpus file: a renamed or removed file leaves none behind.
#[test]
fn no_stale_snapshots() {
    let expected: BTreeSet<String> = corpus_files("invalid")
        .iter()
        .map(|rel| format!("corpus__{}.snap", snapshot_name(rel)))
        .collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("snapshots");
    let Ok(entries) = fs::read_dir(&dir) else {
        return;
    };
    let stale: Vec<String> = entries
        .map(|entry| {
            entry
                .expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.starts_with("corpus__") && name.ends_with(".snap"))
        .filter(|name| !expected.contains(name))
        .collect();
    assert!(
        stale.is_empty(),
        "snapshots without a corpus file (delete them): {stale:?}"
    );
}

/// The three broken items cost three errors, not one and not a cascade.
#[test]
fn three_broken_items_report_exactly_three_errors() {
    let rel = "invalid/three_broken_items.writ";
    let outcome = compile(rel, &read(rel));
    assert_eq!(outcome.errors, 3, "{}", outcome.rendered);
    assert_eq!(outcome.codes.len(), 3, "{}", outcome.rendered);
}

#[test]
fn corpus_exercises_every_code() {
    let mut seen: BTreeSet<&'static str> = BTreeSet::new();
    for rel in corpus_files("valid")
        .into_iter()
        .chain(corpus_files("invalid"))
    {
        seen.extend(compile(&rel, &read(&rel)).codes);
    }
    let known: BTreeSet<&str> = CODES.iter().map(|c| c.code).collect();
    let unknown: Vec<&&str> = seen.iter().filter(|c| !known.contains(**c)).collect();
    assert!(
        unknown.is_empty(),
        "codes emitted but not listed in `CODES`: {unknown:?}"
    );
    assert!(
        seen.len() >= 30,
        "only {} distinct codes exercised: {seen:?}",
        seen.len()
    );
    let impossible: BTreeSet<&str> = IMPOSSIBLE_CODES.iter().map(|(c, _)| *c).collect();
    let missing: Vec<&str> = CODES
        .iter()
        .map(|c| c.code)
        .filter(|c| !seen.contains(c) && !impossible.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes no corpus file exercises: {missing:?}"
    );
    let needlessly_excused: Vec<&&str> = impossible.iter().filter(|c| seen.contains(**c)).collect();
    assert!(
        needlessly_excused.is_empty(),
        "codes in the allow-list that the corpus does exercise: {needlessly_excused:?}"
    );
}

/// A valid file's own `test` blocks pass: its examples mean what they say.
#[test]
fn valid_files_pass_their_own_tests() {
    let mut failures = Vec::new();
    for rel in corpus_files("valid") {
        let mut compiler = Compiler::new();
        compiler.add_file(rel.clone(), read(&rel));
        let set =
            writ_evaluator::PolicySet::new(compiler.compile().expect("a valid file compiles"));
        let loader = |policy: &str, name: &str| {
            let path = corpus_dir().join(policy).parent().unwrap().join(name);
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            serde_json::from_str(&text).map_err(|e| e.to_string())
        };
        for outcome in writ_evaluator::run_tests(&set, &loader, None) {
            if let Some(message) = outcome.failure(&set) {
                failures.push(format!("{rel}: \"{}\": {message}", outcome.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
