//! `writ import cedar`: a Cedar schema, policies, template links and entities in; Writ files,
//! a snapshot and the name table out. Nothing here touches the file system.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;

use cedar_policy::{ValidationMode, Validator};
use cedar_policy_core::ast::{EntityUID, SlotId};
use serde_json::{Value as Json, json};
use writ_compiler::Compiler;
use writ_evaluator::PolicySet;

use crate::derive::derive;
use crate::error::{Error, from_cedar};
use crate::model::Model;
use crate::names::NameMap;
use crate::policies::{Link, Translator};
use crate::schema_out::schema_text;
use crate::values::{Converter, entity_ref};

/// A named input text.
#[derive(Clone, Debug)]
pub struct Text {
    pub name: String,
    pub text: String,
}

impl Text {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Text {
        Text {
            name: name.into(),
            text: text.into(),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Add to the schema the entity types, parents and attributes the entities use and it
    /// lacks, instead of rejecting the entities (see `derive.rs`).
    pub derive_schema: bool,
}

#[derive(Clone, Debug)]
pub struct Input {
    pub policies: Text,
    /// Cedar schema syntax, or the JSON schema format (recognized by a leading `{`).
    pub schema: Text,
    pub entities: Option<Text>,
    pub links: Option<Text>,
    pub options: Options,
}

/// What an import produces.
#[derive(Debug)]
pub struct Output {
    /// Writ files, by file name: `schema.writ` and one for the policies.
    pub files: Vec<(String, String)>,
    /// The Writ snapshot of the entities, when entities were given.
    pub snapshot: Option<Json>,
    pub names: NameMap,
    /// Writ rule name to the id cedar-policy gives the policy (`policyN`, or the link id).
    pub cedar_ids: BTreeMap<String, String>,
    pub warnings: Vec<String>,
    /// The Cedar schema as translated (with any derived parts).
    pub model: Model,
}

impl Output {
    /// Another Cedar entities file as a Writ snapshot of this policy set. Entities are expected
    /// to conform to the schema (checked by Writ when the snapshot is read).
    pub fn snapshot(&self, entities: &Json) -> Result<Json, String> {
        let converter = Converter {
            model: &self.model,
            names: &self.names,
        };
        Ok(json!({ "entities": converter.entities(entities)? }))
    }
}

/// The Writ file name for a Cedar policies file: `policies.cedar` gives `policies.writ`.
fn policies_file_name(name: &str) -> String {
    let base = std::path::Path::new(name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("policies");
    let base = if base == "schema" {
        "schema_policies"
    } else {
        base
    };
    format!("{base}.writ")
}

pub fn parse_schema(schema: &Text) -> Result<cedar_policy::Schema, Error> {
    if schema.text.trim_start().starts_with('{') {
        cedar_policy::Schema::from_json_str(&schema.text)
            .map_err(|e| from_cedar(&schema.name, &schema.text, "invalid Cedar schema", &e))
    } else {
        cedar_policy::Schema::from_cedarschema_str(&schema.text)
            .map(|(s, _warnings)| s)
            .map_err(|e| from_cedar(&schema.name, &schema.text, "invalid Cedar schema", &e))
    }
}

fn parse_json(text: &Text) -> Result<Json, Error> {
    serde_json::from_str(&text.text)
        .map_err(|e| Error::new(format!("{}: not valid JSON: {e}", text.name)))
}

/// A links file: `[{"template_id": ..., "link_id": ..., "args": {"?principal": ..., "?resource": ...}}]`.
pub fn parse_links(links: &Text) -> Result<Vec<Link>, Error> {
    let json = parse_json(links)?;
    let fail = |i: usize, what: &str| Error::new(format!("{}: link {i}: {what}", links.name));
    let Json::Array(items) = json else {
        return Err(Error::new(format!(
            "{}: expected an array of links",
            links.name
        )));
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let field = |key: &str| item.get(key).and_then(Json::as_str).map(String::from);
        let template = field("template_id").ok_or_else(|| fail(i, "missing `template_id`"))?;
        let id = field("link_id").ok_or_else(|| fail(i, "missing `link_id`"))?;
        let mut slots = HashMap::new();
        if let Some(args) = item.get("args") {
            let Json::Object(args) = args else {
                return Err(fail(i, "`args` is not an object"));
            };
            for (slot, value) in args {
                let slot_id = match slot.as_str() {
                    "?principal" => SlotId::principal(),
                    "?resource" => SlotId::resource(),
                    other => return Err(fail(i, &format!("unknown slot `{other}`"))),
                };
                let (ty, eid) = entity_ref(value, true)
                    .ok_or_else(|| fail(i, &format!("`{slot}` is not an entity reference")))?;
                let printed = format!("{ty}::{}", Json::String(eid));
                let uid = EntityUID::from_str(&printed).map_err(|_| {
                    fail(i, &format!("`{printed}` is not a valid entity reference"))
                })?;
                slots.insert(slot_id, uid);
            }
        }
        out.push(Link {
            template,
            id,
            slots,
        });
    }
    Ok(out)
}

/// Cedar's strict validation of the policies against the schema: the translation relies on
/// policies that Cedar itself accepts.
fn validate(input: &Input, schema: &cedar_policy::Schema) -> Result<(), Vec<Error>> {
    let policies = &input.policies;
    let pset = cedar_policy::PolicySet::from_str(&policies.text).map_err(|e| {
        vec![from_cedar(
            &policies.name,
            &policies.text,
            "syntax error in the Cedar policies",
            &e,
        )]
    })?;
    let result = Validator::new(schema.clone()).validate(&pset, ValidationMode::Strict);
    let errors: Vec<Error> = result
        .validation_errors()
        .map(|e| {
            from_cedar(
                &policies.name,
                &policies.text,
                "Cedar's validator rejects the policy",
                e,
            )
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(())
}

pub fn import(input: &Input) -> Result<Output, Vec<Error>> {
    let schema = parse_schema(&input.schema).map_err(|e| vec![e])?;
    let mut model = Model::from_schema(schema.as_ref()).map_err(|e| vec![e])?;
    let links = match &input.links {
        Some(links) => parse_links(links).map_err(|e| vec![e])?,
        None => Vec::new(),
    };
    validate(input, &schema)?;

    let mut warnings = Vec::new();
    let entities = match &input.entities {
        Some(text) => {
            let json = parse_json(text).map_err(|e| vec![e])?;
            if input.options.derive_schema {
                let added = derive(&mut model, &json)
                    .map_err(|e| vec![Error::new(format!("{}: {e}", text.name))])?;
                for a in added {
                    warnings.push(format!("{}: derived from the entities: {a}", text.name));
                }
            } else {
                cedar_policy::Entities::from_json_value(json.clone(), Some(&schema)).map_err(|e| {
                    vec![from_cedar(
                        &text.name,
                        &text.text,
                        "the entities do not conform to the schema (`--derive-schema` adds the entity types, parents and attributes they use and it lacks, but changes no declared type)",
                        &e,
                    )]
                })?;
            }
            Some((text, json))
        }
        None => None,
    };

    let mut names = model.names();
    let mut taken = BTreeSet::new();
    let rules = Translator {
        model: &model,
        names: &mut names,
        taken: &mut taken,
    }
    .translate(&input.policies.name, &input.policies.text, &links)?;
    warnings.extend(rules.warnings);

    let schema_writ = format(
        schema_text(&model, &names).map_err(|e| vec![e])?,
        "schema.writ",
    )?;
    let mut policies_writ = format!(
        "// Translated from the Cedar policies `{}` by `writ import cedar`.\n",
        input.policies.name
    );
    if rules.items.is_empty() {
        policies_writ.push_str("// (no policies)\n");
    }
    for item in &rules.items {
        policies_writ.push('\n');
        policies_writ.push_str(item);
    }
    let policies_name = policies_file_name(&input.policies.name);
    let policies_writ = format(policies_writ, &policies_name)?;

    let mut compiler = Compiler::new();
    compiler.add_file("schema.writ", schema_writ.clone());
    compiler.add_file(policies_name.clone(), policies_writ.clone());
    let compiled = compiler.compile().map_err(|diagnostics| {
        diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| {
                let rendered = writ_compiler::render::render(compiler.db(), std::slice::from_ref(d), false);
                let file = d.primary.loc.file.path(compiler.db()).clone();
                let origin = if file == policies_name {
                    origin_of(&policies_writ, d.primary.loc.span.start as usize)
                } else {
                    "the schema".to_string()
                };
                Error::new(format!(
                    "the translation of {origin} is rejected by Writ's checker (please report this):\n{rendered}"
                ))
            })
            .collect::<Vec<_>>()
    })?;

    let snapshot = match entities {
        Some((text, json)) => {
            let converter = Converter {
                model: &model,
                names: &names,
            };
            let list = converter
                .entities(&json)
                .map_err(|e| vec![Error::new(format!("{}: {e}", text.name))])?;
            let snapshot = json!({ "entities": list });
            let set = PolicySet::new(compiled);
            if let Err(errors) = set.parse_snapshot(&snapshot) {
                return Err(errors
                    .iter()
                    .map(|e| {
                        Error::new(format!(
                            "{}: the translated snapshot is invalid: {e}",
                            text.name
                        ))
                    })
                    .collect());
            }
            Some(snapshot)
        }
        None => None,
    };

    Ok(Output {
        files: vec![
            ("schema.writ".to_string(), schema_writ),
            (policies_name, policies_writ),
        ],
        snapshot,
        names,
        cedar_ids: rules.cedar_ids,
        warnings,
        model,
    })
}

/// Formats generated Writ text in the canonical layout, so that `writ fmt` leaves it as it is.
fn format(text: String, name: &str) -> Result<String, Vec<Error>> {
    writ_language::format::format(&text).map_err(|e| {
        vec![Error::new(format!(
            "internal error: the generated `{name}` does not parse ({e}); please report this with the Cedar input"
        ))]
    })
}

/// The Cedar policy a position in the generated policies file came from, from the doc comment
/// every translated rule starts with.
fn origin_of(text: &str, offset: usize) -> String {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    before
        .lines()
        .rev()
        .find_map(|line| {
            line.trim()
                .strip_prefix("/// ")
                .filter(|l| l.starts_with("Cedar policy") || l.starts_with("Cedar template"))
                .map(|l| l.trim_end_matches('.').to_string())
        })
        .unwrap_or_else(|| "the policies".to_string())
}
