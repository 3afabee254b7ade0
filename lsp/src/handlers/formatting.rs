//! `textDocument/formatting`, with the formatter `writ fmt` uses.

use lsp_types::{DocumentFormattingParams, TextEdit};
use writ_language::ast::Span;

use super::Result;
use crate::snapshot::Snap;

/// The smallest single edit that turns `before` into `after`: what changed between their
/// common beginning and common end. One small edit keeps the editor's cursor and undo history
/// where they were.
pub fn minimal_edit(before: &str, after: &str) -> Option<(Span, String)> {
    if before == after {
        return None;
    }
    let mut prefix = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !before.is_char_boundary(prefix) || !after.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = (before.len() - prefix).min(after.len() - prefix);
    let mut suffix = before
        .bytes()
        .rev()
        .zip(after.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !before.is_char_boundary(before.len() - suffix)
        || !after.is_char_boundary(after.len() - suffix)
    {
        suffix -= 1;
    }
    Some((
        Span::new(prefix as u32, (before.len() - suffix) as u32),
        after[prefix..after.len() - suffix].to_string(),
    ))
}

/// No edits for a formatted file; none either for a file with syntax errors, which the
/// formatter leaves alone (its diagnostics already say why).
pub fn format(snap: &Snap, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
    let Some(file) = snap.file(&params.text_document.uri) else {
        return Ok(None);
    };
    let text = snap.text(file);
    let Ok(formatted) = writ_language::format(text) else {
        return Ok(None);
    };
    let index = snap.index(file);
    Ok(Some(
        minimal_edit(text, &formatted)
            .map(|(span, new_text)| TextEdit {
                range: index.range(span),
                new_text,
            })
            .into_iter()
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::minimal_edit;

    fn apply(before: &str, after: &str) -> String {
        match minimal_edit(before, after) {
            None => before.to_string(),
            Some((span, text)) => {
                let mut out = before.to_string();
                out.replace_range(span.range(), &text);
                out
            }
        }
    }

    #[test]
    fn edits_reproduce_the_output() {
        for (a, b) in [
            ("abc", "abc"),
            ("a  b", "a b"),
            ("x", "xy"),
            ("xy", "x"),
            ("aé b", "aè b"),
            ("aaa", "aa"),
            ("", "schema {}\n"),
            ("😀x😀", "😀y😀"),
        ] {
            assert_eq!(apply(a, b), b, "{a:?} -> {b:?}");
        }
        assert_eq!(minimal_edit("a  b", "a b").unwrap().0.len(), 1);
    }
}
