//! Diagnostics as text for people, in the style of rustc (through codespan-reporting).
//!
//! Rendering produces a string; printing it is the caller's business.

use std::collections::HashMap;

use codespan_reporting::diagnostic::{
    Diagnostic as Report, Label as ReportLabel, Severity as ReportSeverity,
};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config};

use crate::db::SourceFile;
use crate::diagnostic::{Diagnostic, Severity};
use crate::resolve_loc;

/// Renders diagnostics with annotated source excerpts. With `color`, the text carries ANSI
/// escape codes.
pub fn render(db: &dyn salsa::Database, diagnostics: &[Diagnostic], color: bool) -> String {
    let mut files = SimpleFiles::new();
    let mut ids: HashMap<SourceFile, usize> = HashMap::new();
    let mut id_of = |file: SourceFile| {
        *ids.entry(file)
            .or_insert_with(|| files.add(file.path(db).clone(), file.text(db).clone()))
    };
    let reports: Vec<Report<usize>> = diagnostics
        .iter()
        .map(|d| {
            let primary = resolve_loc(db, &d.primary.loc);
            let mut labels = vec![
                ReportLabel::primary(
                    id_of(primary.file),
                    clamp(primary.span.range(), primary.file, db),
                )
                .with_message(d.primary.message.clone()),
            ];
            for l in &d.secondary {
                let loc = resolve_loc(db, &l.loc);
                labels.push(
                    ReportLabel::secondary(id_of(loc.file), clamp(loc.span.range(), loc.file, db))
                        .with_message(l.message.clone()),
                );
            }
            let mut notes: Vec<String> = d.notes.iter().map(|n| format!("note: {n}")).collect();
            if let Some(help) = &d.help {
                notes.push(format!("help: {help}"));
            }
            Report::new(match d.severity {
                Severity::Error => ReportSeverity::Error,
                Severity::Warning => ReportSeverity::Warning,
            })
            .with_code(d.code)
            .with_message(d.message.clone())
            .with_labels(labels)
            .with_notes(notes)
        })
        .collect();
    emit(&files, &reports, color)
}

/// Renders codespan reports over `files` as text, with ANSI colors when `color`. Shared with
/// the evaluator's explanations so that both look alike.
pub fn emit(files: &SimpleFiles<String, String>, reports: &[Report<usize>], color: bool) -> String {
    let config = Config::default();
    let mut out = String::new();
    for report in reports {
        if color {
            let mut buffer = term::termcolor::Buffer::ansi();
            if term::emit_to_write_style(&mut buffer, &config, files, report).is_ok() {
                out.push_str(&String::from_utf8_lossy(buffer.as_slice()));
            }
        } else if let Ok(text) = term::emit_into_string(&config, files, report) {
            out.push_str(&text);
        }
    }
    out
}

/// Keeps a span inside its file and on character boundaries, so that rendering never fails.
fn clamp(
    range: std::ops::Range<usize>,
    file: SourceFile,
    db: &dyn salsa::Database,
) -> std::ops::Range<usize> {
    let text = file.text(db);
    let mut start = range.start.min(text.len());
    let mut end = range.end.clamp(start, text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}
