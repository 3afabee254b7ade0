//! `writ check`: compile a policy set and report its diagnostics.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use writ_compiler::{Compiler, Diagnostic, Severity};

use super::{Color, Format, load};

pub fn run(paths: &[PathBuf], format: Format, color: Color) -> ExitCode {
    let Some(compiler) = load::compiler(paths) else {
        return ExitCode::from(1);
    };
    let files = compiler.files();
    let diagnostics = compiler.diagnostics();
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    match format {
        Format::Json => outln!("{}", json(&compiler, &diagnostics)),
        Format::Text => {
            let color = match color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => std::io::stderr().is_terminal(),
            };
            eprint!(
                "{}",
                writ_compiler::render::render(compiler.db(), &diagnostics, color)
            );
            if errors == 0 {
                eprintln!(
                    "checked {} file{}: no errors{}",
                    files.len(),
                    if files.len() == 1 { "" } else { "s" },
                    match warnings {
                        0 => String::new(),
                        1 => ", 1 warning".to_string(),
                        n => format!(", {n} warnings"),
                    }
                );
            } else {
                eprintln!(
                    "error: could not compile the policy set: {errors} error{}{}",
                    if errors == 1 { "" } else { "s" },
                    match warnings {
                        0 => String::new(),
                        1 => ", 1 warning".to_string(),
                        n => format!(", {n} warnings"),
                    }
                );
            }
        }
    }
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The diagnostics as `--format json` prints them (also reported by `writ serve` when a reload
/// fails).
pub(crate) fn json(compiler: &Compiler, diagnostics: &[Diagnostic]) -> serde_json::Value {
    let db = compiler.db();
    let location = |loc: &writ_compiler::Loc| {
        let text = loc.file.text(db);
        let (line, column) = line_column(text, loc.span.start as usize);
        let (end_line, end_column) = line_column(text, loc.span.end as usize);
        serde_json::json!({
            "file": loc.file.path(db),
            "start": loc.span.start,
            "end": loc.span.end,
            "line": line,
            "column": column,
            "end_line": end_line,
            "end_column": end_column,
        })
    };
    let items: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            let primary = writ_compiler::resolve_loc(db, &d.primary.loc);
            serde_json::json!({
                "code": d.code,
                "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": d.message,
                "location": location(&primary),
                "label": d.primary.message,
                "related": d.secondary.iter().map(|l| serde_json::json!({
                    "location": location(&writ_compiler::resolve_loc(db, &l.loc)),
                    "message": l.message,
                })).collect::<Vec<_>>(),
                "help": d.help,
                "notes": d.notes,
                "suggestion": d.suggestion.as_ref().map(|s| s.replacement.clone()),
            })
        })
        .collect();
    serde_json::json!({ "diagnostics": items })
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
