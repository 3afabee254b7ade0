//! Folding: items, schema declarations and runs of comments that span several lines.

use writ_language::ast::{ItemKind, Span};
use writ_language::lexer::{LexKind, lex};

use crate::db::SourceFile;
use crate::items::file_items;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum FoldKind {
    Region,
    Comment,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Fold {
    /// From the first to the last character folded, in the file.
    pub span: Span,
    pub kind: FoldKind,
}

pub fn folding_ranges(db: &dyn salsa::Database, file: SourceFile) -> Vec<Fold> {
    let text = file.text(db);
    let multiline = |span: Span| {
        text.get(span.range())
            .is_some_and(|t| t.trim_end().contains('\n'))
    };
    let mut folds = Vec::new();
    for item in file_items(db, file) {
        let base = item.offset(db);
        let syntax = item.syntax(db);
        let span = syntax.span.shift(base);
        if multiline(span) {
            folds.push(Fold {
                span,
                kind: FoldKind::Region,
            });
        }
        if let ItemKind::Schema(schema) = &syntax.kind {
            for decl in &schema.decls {
                let span = decl.span().shift(base);
                if multiline(span) {
                    folds.push(Fold {
                        span,
                        kind: FoldKind::Region,
                    });
                }
            }
        }
    }
    // Consecutive comment lines (plain or doc) fold together.
    let mut run: Option<(Span, usize, LexKind)> = None;
    let newlines: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
    let line_of = |offset: u32| newlines.partition_point(|&n| n < offset as usize);
    let flush = |run: Option<(Span, usize, LexKind)>, folds: &mut Vec<Fold>| {
        if let Some((span, lines, _)) = run
            && lines > 1
        {
            folds.push(Fold {
                span,
                kind: FoldKind::Comment,
            });
        }
    };
    let mut last_line = usize::MAX;
    for lexeme in lex(text) {
        let line = line_of(lexeme.span.start);
        let is_comment = matches!(lexeme.kind, LexKind::Comment | LexKind::Doc);
        match &mut run {
            Some((span, lines, kind))
                if is_comment && *kind == lexeme.kind && line == last_line + 1 =>
            {
                *span = span.to(lexeme.span);
                *lines += 1;
            }
            _ => {
                flush(run.take(), &mut folds);
                if is_comment {
                    run = Some((lexeme.span, 1, lexeme.kind));
                }
            }
        }
        last_line = line;
    }
    flush(run, &mut folds);
    folds.sort_by_key(|f| (f.span.start, f.span.end));
    folds
}
