//! Which files make up the policy set: every `.writ` file under the workspace folders, plus any
//! other file the editor opens; and the correspondence between the editor's URIs and the
//! compiler's files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lsp_types::Url;
use writ_compiler::SourceFile;

/// URIs ↔ the compiler's files. Shared with workers behind an `Arc`, so it is cloned only
/// when it changes while a worker holds it.
#[derive(Clone, Default, Debug)]
pub struct FileMap {
    by_uri: HashMap<Url, SourceFile>,
    by_file: HashMap<SourceFile, Url>,
}

impl FileMap {
    pub fn get(&self, uri: &Url) -> Option<SourceFile> {
        self.by_uri.get(uri).copied()
    }

    pub fn uri(&self, file: SourceFile) -> Option<&Url> {
        self.by_file.get(&file)
    }

    pub fn insert(&mut self, uri: Url, file: SourceFile) {
        self.by_file.insert(file, uri.clone());
        self.by_uri.insert(uri, file);
    }

    pub fn remove(&mut self, uri: &Url) -> Option<SourceFile> {
        let file = self.by_uri.remove(uri)?;
        self.by_file.remove(&file);
        Some(file)
    }

    pub fn uris(&self) -> impl Iterator<Item = &Url> {
        self.by_uri.keys()
    }
}

/// One spelling per file: clients may percent-encode a path differently from how we built
/// the URI when scanning the folder.
pub fn normalize(uri: &Url) -> Url {
    if uri.scheme() == "file"
        && let Ok(path) = uri.to_file_path()
        && let Ok(again) = Url::from_file_path(&path)
    {
        return again;
    }
    uri.clone()
}

/// The path the compiler knows a file by: its file-system path (fixtures named by its tests
/// are read relative to it), or the URI itself for a buffer that is not a file.
pub fn compiler_path(uri: &Url) -> String {
    match local_path(uri) {
        Some(path) => path.display().to_string(),
        None => uri.to_string(),
    }
}

pub fn local_path(uri: &Url) -> Option<PathBuf> {
    if uri.scheme() == "file" {
        uri.to_file_path().ok()
    } else {
        None
    }
}

pub fn is_writ(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "writ")
}

/// Folders never searched for policies: build output, dependencies and version control.
fn skipped(name: &str) -> bool {
    name.starts_with('.') || matches!(name, "target" | "node_modules" | "out")
}

/// Every `.writ` file under `root`, sorted (so the policy set is the same whatever order the
/// file system lists them in).
pub fn scan(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !skipped(&e.file_name().to_string_lossy()))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && is_writ(e.path()))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

/// Whether a path is inside one of the workspace folders.
pub fn under(roots: &[PathBuf], path: &Path) -> bool {
    roots.iter().any(|root| path.starts_with(root))
}

/// The workspace folders the client names, however it names them.
#[allow(deprecated)]
pub fn roots(params: &lsp_types::InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = &params.workspace_folders
        && !folders.is_empty()
    {
        return folders.iter().filter_map(|f| local_path(&f.uri)).collect();
    }
    if let Some(uri) = &params.root_uri {
        return local_path(uri).into_iter().collect();
    }
    params
        .root_path
        .as_ref()
        .map(PathBuf::from)
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_normalized() {
        let a = Url::parse("file:///tmp/a%20b/p.writ").unwrap();
        let b = Url::parse("file:///tmp/a b/p.writ").unwrap();
        assert_eq!(normalize(&a), normalize(&b));
        let untitled = Url::parse("untitled:Untitled-1").unwrap();
        assert_eq!(normalize(&untitled), untitled);
        assert_eq!(compiler_path(&untitled), "untitled:Untitled-1");
    }

    #[test]
    fn scanning_skips_build_output_and_hidden_folders() {
        let dir = tempfile::tempdir().unwrap();
        for path in [
            "a.writ",
            "sub/b.writ",
            "target/c.writ",
            ".git/d.writ",
            "e.txt",
        ] {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let found: Vec<String> = scan(dir.path())
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(found, ["a.writ", "sub/b.writ"]);
    }
}
