//! Shared by the Cedar tests and benchmarks: reading the shared corpus, importing it, and
//! deciding the same request with Writ and with cedar-policy.
#![allow(dead_code)]

pub mod generate;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde_json::{Value as Json, json};
use writ_cedar::{Input, Options, Output, Text};
use writ_compiler::Compiler;
use writ_evaluator::{Outcome, PolicySet};

/// The shared Cedar corpus, beside the repository (`../shared/corpus/cedar`).
pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/cedar")
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn text(path: &Path) -> Text {
    Text::new(path.display().to_string(), read(path))
}

/// The files of a use case or benchmark set: policies, schema.
pub fn policies_and_schema(dir: &Path) -> (PathBuf, PathBuf) {
    let mut policies = None;
    let mut schema = None;
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    names.sort();
    for path in names {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.ends_with(".cedar") && policies.is_none() {
            policies = Some(path.clone());
        }
        // `tinytodo` has a second schema for its templates; the plain one goes with its policies.
        if (name.ends_with(".cedarschema") || name.ends_with(".cedarschema.json"))
            && !name.contains("templates")
            && schema.is_none()
        {
            schema = Some(path.clone());
        }
    }
    (
        policies.unwrap_or_else(|| panic!("no policies in {}", dir.display())),
        schema.unwrap_or_else(|| panic!("no schema in {}", dir.display())),
    )
}

pub fn import(
    policies: &Path,
    schema: &Path,
    entities: Option<&str>,
    derive: bool,
) -> Result<Output, String> {
    writ_cedar::import(&Input {
        policies: text(policies),
        schema: text(schema),
        entities: entities.map(|e| Text::new("entities.json", e)),
        links: None,
        options: Options {
            derive_schema: derive,
        },
    })
    .map_err(|errors| {
        errors
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

pub fn writ_set(output: &Output) -> PolicySet {
    let mut compiler = Compiler::new();
    for (name, text) in &output.files {
        compiler.add_file(name.clone(), text.clone());
    }
    match compiler.compile() {
        Ok(compiled) => PolicySet::new(compiled),
        Err(d) => panic!(
            "{}",
            writ_compiler::render::render(compiler.db(), &d, false)
        ),
    }
}

/// Writ's decision on a Cedar request, against the imported snapshot.
pub fn writ_decide(
    set: &PolicySet,
    output: &Output,
    snapshot: &Json,
    request: &Json,
) -> Result<Outcome, String> {
    let intent = writ_cedar::intent(request, &output.names, set.schema())?;
    let decision = set.decide_json(&json!({ "intent": intent, "snapshot": snapshot }));
    if !decision.validation.is_empty() {
        return Err(format!("invalid input: {:?}", decision.validation));
    }
    Ok(decision.outcome)
}

/// cedar-policy's decision, with the schema validating entities and request when given.
pub fn cedar_decide(
    policies: &cedar_policy::PolicySet,
    schema: Option<&cedar_policy::Schema>,
    entities: &cedar_policy::Entities,
    request: &Json,
) -> Result<cedar_policy::Response, String> {
    let request = cedar_request(request, schema)?;
    Ok(cedar_policy::Authorizer::new().is_authorized(&request, policies, entities))
}

pub fn cedar_request(
    request: &Json,
    schema: Option<&cedar_policy::Schema>,
) -> Result<cedar_policy::Request, String> {
    let uid = |field: &str| -> Result<cedar_policy::EntityUid, String> {
        match request.get(field) {
            Some(Json::String(s)) => {
                cedar_policy::EntityUid::from_str(s).map_err(|e| e.to_string())
            }
            Some(other) => {
                cedar_policy::EntityUid::from_json(other.clone()).map_err(|e| e.to_string())
            }
            None => Err(format!("missing `{field}`")),
        }
    };
    let (p, a, r) = (uid("principal")?, uid("action")?, uid("resource")?);
    let context_json = request.get("context").cloned().unwrap_or(json!({}));
    let context = cedar_policy::Context::from_json_value(context_json, schema.map(|s| (s, &a)))
        .map_err(|e| e.to_string())?;
    cedar_policy::Request::new(p, a, r, context, schema).map_err(|e| e.to_string())
}

pub fn cedar_schema(path: &Path) -> cedar_policy::Schema {
    writ_cedar::parse_schema(&text(path)).unwrap_or_else(|e| panic!("{e}"))
}

pub fn outcome(decision: cedar_policy::Decision) -> Outcome {
    match decision {
        cedar_policy::Decision::Allow => Outcome::Allow,
        cedar_policy::Decision::Deny => Outcome::Deny,
    }
}
