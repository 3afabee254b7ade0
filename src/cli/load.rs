//! Loading a policy set from disk: the files, compiled together, or the diagnostics why not.

use std::path::{Path, PathBuf};

use writ_compiler::Compiler;
use writ_evaluator::PolicySet;

use super::sources;

/// Compiles every `.writ` file under `paths` into a policy set. On errors, prints them and
/// returns `None`.
pub fn policy_set(paths: &[PathBuf]) -> Option<PolicySet> {
    let compiler = compiler(paths)?;
    match compiler.compile() {
        Ok(compiled) => Some(PolicySet::new(compiled)),
        Err(diagnostics) => {
            eprint!(
                "{}",
                writ_compiler::render::render(compiler.db(), &diagnostics, false)
            );
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!(
                "error: the policy set has {errors} error{}",
                if errors == 1 { "" } else { "s" }
            );
            None
        }
    }
}

pub fn compiler(paths: &[PathBuf]) -> Option<Compiler> {
    let files = match sources::writ_files(paths) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("error: {e}");
            return None;
        }
    };
    let mut compiler = Compiler::new();
    for path in &files {
        match sources::read(path) {
            Ok(text) => {
                compiler.add_file(path.display().to_string(), text);
            }
            Err(e) => {
                eprintln!("error: {e}");
                return None;
            }
        }
    }
    Some(compiler)
}

/// Reads and parses a JSON file, naming the file and the position in errors.
pub fn json(path: &Path) -> Result<serde_json::Value, String> {
    let text = sources::read(path)?;
    serde_json::from_str(&text).map_err(|e| format!("`{}` is not valid JSON: {e}", path.display()))
}
