//! Finding and reading policy files.

use std::path::{Path, PathBuf};

/// The default policy directory, used when a command is given no paths.
pub const DEFAULT_POLICIES: &str = "policies";

/// Every `.writ` file under the given paths (files are taken as given), sorted, deduplicated.
pub fn writ_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let defaults = [PathBuf::from(DEFAULT_POLICIES)];
    let paths = if paths.is_empty() {
        &defaults[..]
    } else {
        paths
    };
    let mut files = Vec::new();
    for path in paths {
        if path.is_file() {
            files.push(path.clone());
            continue;
        }
        if !path.is_dir() {
            return Err(format!("`{}` is not a file or a directory", path.display()));
        }
        for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
            let entry = entry.map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
            if entry.file_type().is_file() && is_writ(entry.path()) {
                files.push(entry.into_path());
            }
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

fn is_writ(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "writ")
}

/// Reads files as text, naming the file in the error.
pub fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))
}
