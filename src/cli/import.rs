//! `writ import cedar`: translate a Cedar policy set into a Writ one; and the translation of
//! Cedar requests for `writ eval --cedar-request`. Both need the `cedar` feature (on by default).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value as Json;
use writ_evaluator::PolicySet;

/// The file beside the imported policies that records how Cedar names became Writ names.
#[cfg(feature = "cedar")]
const NAMES_FILE: &str = "cedar.json";

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    source: Source,
}

#[derive(clap::Subcommand)]
enum Source {
    /// Import Cedar policies, their schema, template links and entities (docs/cedar.md).
    ///
    /// Writes DIR/schema.writ, DIR/<policies>.writ, DIR/cedar.json (the name table that
    /// `writ eval --cedar-request` reads) and, with `--entities`, DIR/snapshot.json.
    Cedar(CedarArgs),
}

#[derive(clap::Args)]
struct CedarArgs {
    /// The Cedar policies (`.cedar`).
    #[arg(long)]
    policies: PathBuf,
    /// The Cedar schema, in Cedar syntax or JSON.
    #[arg(long)]
    schema: PathBuf,
    /// Cedar entities (JSON), translated into DIR/snapshot.json.
    #[arg(long)]
    entities: Option<PathBuf>,
    /// Template links: `[{"template_id", "link_id", "args": {"?principal", "?resource"}}]`.
    #[arg(long)]
    links: Option<PathBuf>,
    /// Add to the schema the entity types, parents and attributes that the entities use and
    /// the schema lacks, instead of rejecting the entities.
    #[arg(long)]
    derive_schema: bool,
    /// The directory to write the Writ policy set to (created if needed).
    #[arg(long)]
    out: PathBuf,
}

pub fn run(args: Args) -> ExitCode {
    match args.source {
        Source::Cedar(args) => match cedar(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(errors) => {
                for e in &errors {
                    eprintln!("error: {e}");
                }
                ExitCode::from(1)
            }
        },
    }
}

#[cfg(feature = "cedar")]
fn cedar(args: &CedarArgs) -> Result<(), Vec<String>> {
    let text = |path: &Path| -> Result<writ_cedar::Text, Vec<String>> {
        super::sources::read(path)
            .map(|t| writ_cedar::Text::new(path.display().to_string(), t))
            .map_err(|e| vec![e])
    };
    let optional = |path: &Option<PathBuf>| path.as_deref().map(text).transpose();
    let input = writ_cedar::Input {
        policies: text(&args.policies)?,
        schema: text(&args.schema)?,
        entities: optional(&args.entities)?,
        links: optional(&args.links)?,
        options: writ_cedar::Options {
            derive_schema: args.derive_schema,
        },
    };
    let output = writ_cedar::import(&input)
        .map_err(|errors| errors.iter().map(|e| e.to_string()).collect::<Vec<_>>())?;
    for w in &output.warnings {
        eprintln!("warning: {w}");
    }
    let write = |name: &str, text: &str| -> Result<(), Vec<String>> {
        let path = args.out.join(name);
        std::fs::write(&path, text)
            .map_err(|e| vec![format!("cannot write `{}`: {e}", path.display())])
    };
    std::fs::create_dir_all(&args.out)
        .map_err(|e| vec![format!("cannot create `{}`: {e}", args.out.display())])?;
    for (name, text) in &output.files {
        write(name, text)?;
    }
    let pretty = |json: &Json| serde_json::to_string_pretty(json).unwrap_or_default() + "\n";
    write(NAMES_FILE, &pretty(&output.names.to_json()))?;
    if let Some(snapshot) = &output.snapshot {
        write("snapshot.json", &pretty(snapshot))?;
    }
    eprintln!(
        "imported {} into `{}`",
        args.policies.display(),
        args.out.display()
    );
    Ok(())
}

#[cfg(not(feature = "cedar"))]
fn cedar(_args: &CedarArgs) -> Result<(), Vec<String>> {
    Err(vec![NO_CEDAR.to_string()])
}

#[cfg(not(feature = "cedar"))]
const NO_CEDAR: &str = "this `writ` was built without Cedar support (the `cedar` feature)";

/// A request for `writ eval` from a Cedar request file, with `snapshot` as its snapshot. The
/// name table is read from beside the policies (`DIR/cedar.json`).
#[cfg(feature = "cedar")]
pub fn cedar_request(
    path: &Path,
    policies: &Path,
    set: &PolicySet,
    snapshot: Json,
) -> Result<Json, String> {
    let dir = if policies.is_dir() {
        policies
    } else {
        policies.parent().unwrap_or(Path::new("."))
    };
    let names_path = dir.join(NAMES_FILE);
    let names = super::load::json(&names_path).map_err(|e| {
        format!("{e} (the name table is written by `writ import cedar` beside the policies)")
    })?;
    let names = writ_cedar::NameMap::from_json(&names)
        .map_err(|e| format!("`{}`: {e}", names_path.display()))?;
    let request = super::load::json(path)?;
    let intent = writ_cedar::intent(&request, &names, set.schema())
        .map_err(|e| format!("`{}`: {e}", path.display()))?;
    Ok(serde_json::json!({ "intent": intent, "snapshot": snapshot }))
}

#[cfg(not(feature = "cedar"))]
pub fn cedar_request(
    _path: &Path,
    _policies: &Path,
    _set: &PolicySet,
    _snapshot: Json,
) -> Result<Json, String> {
    Err(NO_CEDAR.to_string())
}
