//! `textDocument/foldingRange`: items, schema declarations and runs of comments.

use lsp_types::{FoldingRange, FoldingRangeKind, FoldingRangeParams};
use writ_compiler::ide::{self, FoldKind};

use super::Result;
use crate::snapshot::Snap;

pub fn folding(snap: &Snap, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
    let Some(file) = snap.file(&params.text_document.uri) else {
        return Ok(None);
    };
    let index = snap.index(file);
    let text = snap.text(file);
    let mut out = Vec::new();
    for fold in ide::folding_ranges(snap.db(), file) {
        let start = index.position(fold.span.start).line;
        let mut end = index.position(fold.span.end).line;
        // A block's closing `}` on its own line stays visible, as editors fold braces.
        let last_line = text.get(..fold.span.end as usize).unwrap_or(text);
        let closing = last_line.rsplit('\n').next().unwrap_or("").trim();
        if closing == "}" {
            end = end.saturating_sub(1);
        }
        if end <= start {
            continue;
        }
        out.push(FoldingRange {
            start_line: start,
            start_character: None,
            end_line: end,
            end_character: None,
            kind: Some(match fold.kind {
                FoldKind::Region => FoldingRangeKind::Region,
                FoldKind::Comment => FoldingRangeKind::Comment,
            }),
            collapsed_text: None,
        });
    }
    Ok(Some(out))
}
