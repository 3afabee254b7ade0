//! The compiler's diagnostics for every user file, computed on a worker.

use lsp_types::Url;

use crate::convert::{Indexes, diagnostic};
use crate::snapshot::Snap;

/// Every user file's diagnostics. Files without any are included (with none), so that a file
/// fixed by an edit elsewhere is cleared.
pub fn compute(snap: &Snap) -> Vec<(Url, Vec<lsp_types::Diagnostic>)> {
    let db = snap.db();
    let mut indexes = Indexes::new(snap);
    let mut out = Vec::new();
    for file in snap.compiler.files() {
        let Some(uri) = snap.uri(file) else { continue };
        let found = writ_compiler::file_diagnostics(db, file);
        let converted = found.iter().map(|d| diagnostic(&mut indexes, d)).collect();
        out.push((uri.clone(), converted));
    }
    out
}
