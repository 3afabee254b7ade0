//! The compiler's diagnostics as LSP diagnostics.

use std::collections::HashMap;

use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location, NumberOrString,
};
use writ_compiler::{Diagnostic, Severity, SourceFile};

use crate::line_index::LineIndex;
use crate::snapshot::Snap;

/// Line indexes of the files a batch of diagnostics points into, built once each.
pub struct Indexes<'a> {
    snap: &'a Snap,
    built: HashMap<SourceFile, LineIndex<'a>>,
}

impl<'a> Indexes<'a> {
    pub fn new(snap: &'a Snap) -> Indexes<'a> {
        Indexes {
            snap,
            built: HashMap::new(),
        }
    }

    pub fn get(&mut self, file: SourceFile) -> &LineIndex<'a> {
        let snap = self.snap;
        self.built.entry(file).or_insert_with(|| snap.index(file))
    }
}

/// The message as people read it in a list of problems: what is wrong, what the primary label
/// says about the spot, then help and notes.
fn message(d: &Diagnostic) -> String {
    let mut out = d.message.clone();
    let label = d.primary.message.trim();
    if !label.is_empty() {
        out.push_str(&format!("\n{label}"));
    }
    if let Some(help) = &d.help {
        out.push_str(&format!("\nhelp: {help}"));
    }
    for note in &d.notes {
        out.push_str(&format!("\nnote: {note}"));
    }
    out
}

pub fn diagnostic(indexes: &mut Indexes<'_>, d: &Diagnostic) -> lsp_types::Diagnostic {
    let snap = indexes.snap;
    let range = indexes.get(d.primary.loc.file).range(d.primary.loc.span);
    // Secondary labels in a standard module have no file to open; they are left out.
    let related: Vec<DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .filter_map(|label| {
            let uri = snap.uri(label.loc.file)?.clone();
            Some(DiagnosticRelatedInformation {
                location: Location {
                    uri,
                    range: indexes.get(label.loc.file).range(label.loc.span),
                },
                message: label.message.clone(),
            })
        })
        .collect();
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        code_description: None,
        source: Some("writ".to_string()),
        message: message(d),
        related_information: (!related.is_empty()).then_some(related),
        // An unused function is shown faded, as editors show dead code.
        tags: (d.code == "W0001").then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}
