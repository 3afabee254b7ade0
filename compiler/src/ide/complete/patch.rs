//! Typing `actor.` leaves an item that does not parse, yet completing it needs the type of
//! `actor`. So a copy of the item is completed with a placeholder name (`actor.__writ_complete`)
//! and checked as the checker would check the real one, in the real policy set; the type of
//! the placeholder's target is then read off the copy.

use writ_language::ast::{Expr, ExprKind, ItemKind};

use super::super::analysis::{ItemAnalysis, analyze};
use super::super::visit::item_exprs;
use crate::db::SourceFile;
use crate::items::{ItemKey, ItemSyntax, tag_of};
use crate::types::{Name, Ty};

pub(super) const PLACEHOLDER: &str = "__writ_complete";

/// The item's text with the word at the cursor replaced by the placeholder: first with the
/// rest of the item as it is, then cut after the placeholder with its brackets closed (for an
/// item whose rest is still being written).
fn candidates(chunk: &str, word_start: usize, word_end: usize) -> [String; 2] {
    let head = &chunk[..word_start];
    let full = format!("{head}{PLACEHOLDER}{}", &chunk[word_end..]);
    let cut = format!("{head}{PLACEHOLDER}{}", closers(head));
    [full, cut]
}

/// The brackets still open at the end of `text`, closed (strings and comments skipped).
fn closers(text: &str) -> String {
    let mut open = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                while let Some(s) = chars.next() {
                    match s {
                        '\\' => {
                            chars.next();
                        }
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                for s in chars.by_ref() {
                    if s == '\n' {
                        break;
                    }
                }
            }
            '(' => open.push(')'),
            '[' => open.push(']'),
            '{' => open.push('}'),
            ')' | ']' | '}' => {
                open.pop();
            }
            _ => {}
        }
    }
    open.iter().rev().map(|c| format!(" {c}")).collect()
}

/// The analysed copy, if one of the candidates parses.
fn analysed(
    db: &dyn salsa::Database,
    file: SourceFile,
    chunk: &str,
    word_start: usize,
    word_end: usize,
) -> Option<(ItemSyntax, ItemAnalysis)> {
    for text in candidates(chunk, word_start, word_end) {
        let Some(item) = writ_language::parse_chunk(&text).item else {
            continue;
        };
        if matches!(item.kind, ItemKind::Broken(_)) {
            continue;
        }
        let key = ItemKey {
            tag: tag_of(&item.kind),
            name: Name::from(item.kind.name().unwrap_or("")),
            nth: 0,
        };
        let syntax = ItemSyntax {
            kind: item.kind,
            span: item.span,
        };
        let analysis = analyze(db, file, key, &syntax);
        return Some((syntax, analysis));
    }
    None
}

/// What the placeholder is the name of.
pub(super) enum Target {
    /// `target.__writ_complete` (an attribute or a method).
    Member(Vec<Ty>),
    /// `target has __writ_complete`.
    Has(Vec<Ty>),
}

/// The types of the expression the placeholder is read from.
pub(super) fn target_types(
    db: &dyn salsa::Database,
    file: SourceFile,
    chunk: &str,
    word_start: usize,
    word_end: usize,
) -> Option<Target> {
    let (syntax, analysis) = analysed(db, file, chunk, word_start, word_end)?;
    let mut found: Option<(bool, &Expr)> = None;
    item_exprs(&syntax.kind, &mut |e: &Expr| match &e.kind {
        ExprKind::Field { target, name } | ExprKind::Method { target, name, .. }
            if name.name == PLACEHOLDER =>
        {
            found = Some((false, target));
        }
        ExprKind::Has { target, path }
            if path.len() == 1 && path.first().is_some_and(|p| p.name == PLACEHOLDER) =>
        {
            found = Some((true, target));
        }
        _ => {}
    });
    let (has, target) = found?;
    let types = analysis
        .types
        .get(&target.span)
        .cloned()
        .unwrap_or_default();
    Some(if has {
        Target::Has(types)
    } else {
        Target::Member(types)
    })
}

#[cfg(test)]
mod tests {
    use super::closers;

    #[test]
    fn closes_what_is_open() {
        assert_eq!(closers("fn f(a: A) -> Bool { any x in [a"), " ] }");
        assert_eq!(closers("x(\"(\" // (\n"), " )");
    }
}
