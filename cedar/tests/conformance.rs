//! Every request of every shared Cedar use case gets its folder's decision (`ALLOW/`, `DENY/`)
//! from Writ, after `writ import cedar`, and the same decision from cedar-policy.

mod support;

use std::path::Path;

use serde_json::Value as Json;
use support::*;
use writ_evaluator::Outcome;

/// How a use case is imported. Writ validates input against the schema strictly; the README of
/// the corpus says which use cases' entities do not conform to their schemas.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    /// Entities validated against the schema, by Cedar and by Writ.
    Strict,
    /// `--derive-schema`: the entities use an entity type the schema lacks; the import adds it.
    /// cedar-policy decides without a schema, as Cedar's example scripts do.
    Derive,
    /// The entities give an attribute a value of another entity type than the schema declares,
    /// which no import can represent without changing what the schema says. The import must
    /// reject them with an error naming the attribute; the policies are then checked on the same
    /// entities with that one value's type corrected, against Cedar with the schema.
    CorrectedData,
}

/// Use cases not listed here are imported strictly.
const MODES: &[(&str, Mode)] = &[
    ("github_example", Mode::Derive),
    ("document_cloud", Mode::CorrectedData),
];

fn mode(name: &str) -> Mode {
    MODES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(Mode::Strict, |(_, m)| *m)
}

/// `document_cloud`: `Document::"alice_public"` has `modifyACL` and `manageACL` of type
/// `Document`; the schema declares `DocumentShare`, and `DocumentShare` entities of those ids
/// exist. The correction retypes those two references.
fn correct(entities: &str) -> String {
    let mut json: Json = serde_json::from_str(entities).expect("entities are JSON");
    for entity in json.as_array_mut().into_iter().flatten() {
        for attr in ["modifyACL", "manageACL"] {
            if let Some(ty) = entity.pointer_mut(&format!("/attrs/{attr}/__entity/type"))
                && ty == "Document"
            {
                *ty = Json::String("DocumentShare".into());
            }
        }
    }
    json.to_string()
}

struct Checked {
    requests: usize,
}

fn check_use_case(dir: &Path) -> Checked {
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    let (policies, schema_path) = policies_and_schema(dir);
    let raw = read(&dir.join("entities.json"));
    let mode = mode(&name);
    let schema = cedar_schema(&schema_path);
    let entities = match mode {
        Mode::Strict | Mode::Derive => raw.clone(),
        Mode::CorrectedData => {
            for derive in [false, true] {
                let error = import(&policies, &schema_path, Some(&raw), derive)
                    .expect_err("the entities as given do not conform");
                assert!(
                    error.contains("modifyACL") || error.contains("manageACL"),
                    "{name}: the error should name the attribute: {error}"
                );
            }
            correct(&raw)
        }
    };
    let output = import(
        &policies,
        &schema_path,
        Some(&entities),
        mode == Mode::Derive,
    )
    .unwrap_or_else(|e| panic!("{name}: import failed:\n{e}"));
    let set = writ_set(&output);
    let snapshot = output.snapshot.clone().expect("a snapshot");
    let cedar_policies: cedar_policy::PolicySet = read(&policies).parse().expect("Cedar parses");
    let cedar_schema = (mode != Mode::Derive).then_some(&schema);
    let cedar_entities = cedar_policy::Entities::from_json_str(&entities, cedar_schema)
        .unwrap_or_else(|e| panic!("{name}: Cedar rejects the entities: {e}"));

    let mut requests = 0;
    for (folder, expected) in [("ALLOW", Outcome::Allow), ("DENY", Outcome::Deny)] {
        let mut files: Vec<_> = std::fs::read_dir(dir.join(folder))
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.sort();
        for file in files {
            let request: Json = serde_json::from_str(&read(&file)).expect("request is JSON");
            let label = format!(
                "{name}/{folder}/{}",
                file.file_name().unwrap_or_default().to_string_lossy()
            );
            let cedar = cedar_decide(&cedar_policies, Some(&schema), &cedar_entities, &request)
                .unwrap_or_else(|e| panic!("{label}: Cedar: {e}"));
            assert_eq!(outcome(cedar.decision()), expected, "{label}: cedar-policy");
            let writ = writ_decide(&set, &output, &snapshot, &request)
                .unwrap_or_else(|e| panic!("{label}: Writ: {e}"));
            assert_eq!(writ, expected, "{label}: Writ");
            requests += 1;
        }
    }
    Checked { requests }
}

#[test]
fn every_use_case_request_gets_its_folders_decision_from_writ_and_cedar() {
    let root = corpus().join("use-cases");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("ALLOW").is_dir() || p.join("DENY").is_dir())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 5,
        "the corpus has five use cases with requests"
    );
    let mut total = 0;
    for dir in &dirs {
        let checked = check_use_case(dir);
        assert!(checked.requests > 0, "{}: no requests", dir.display());
        total += checked.requests;
    }
    assert!(total >= 24, "all {total} requests were checked");
    for (name, _) in MODES {
        assert!(
            root.join(name).is_dir(),
            "`{name}` is listed but not in the corpus"
        );
    }
}

#[test]
fn use_cases_without_requests_import_and_check() {
    // `tinytodo` has policies and a schema but no requests; its entities file is the
    // application's own format, not Cedar's.
    let dir = corpus().join("use-cases/tinytodo");
    let (policies, schema) = policies_and_schema(&dir);
    let output = import(&policies, &schema, None, false).unwrap_or_else(|e| panic!("{e}"));
    writ_set(&output);
}
