//! Documents open in the editor: their text (which overrides the file on disk) and version.

use lsp_types::TextDocumentContentChangeEvent;

use crate::line_index::LineIndex;

pub struct Document {
    pub text: String,
    pub version: i32,
}

impl Document {
    /// Applies one change: a range replaced (positions in UTF-16, clamped to the text), or the
    /// whole text. Changes of one notification are applied in order, each to the text the
    /// previous one left.
    pub fn apply(&mut self, change: TextDocumentContentChangeEvent) {
        match change.range {
            Some(range) => {
                let span = LineIndex::new(&self.text).span(range);
                self.text.replace_range(span.range(), &change.text);
            }
            None => self.text = change.text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|((a, b), (c, d))| Range {
                start: Position {
                    line: a,
                    character: b,
                },
                end: Position {
                    line: c,
                    character: d,
                },
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn incremental_changes_count_utf16_units() {
        let mut doc = Document {
            text: "when \"é😀\" == x\nok".to_string(),
            version: 1,
        };
        // Replace `x`, which is at column 14: `é` is one unit, `😀` two.
        doc.apply(change(Some(((0, 14), (0, 15))), "yz"));
        assert_eq!(doc.text, "when \"é😀\" == yz\nok");
        // Insert across the line break, then a range given backwards.
        doc.apply(change(Some(((0, 16), (1, 0))), " && "));
        assert_eq!(doc.text, "when \"é😀\" == yz && ok");
        doc.apply(change(Some(((0, 20), (0, 16))), ""));
        assert_eq!(doc.text, "when \"é😀\" == yzok");
        // Past the end is the end.
        doc.apply(change(Some(((5, 0), (9, 9))), "!"));
        assert_eq!(doc.text, "when \"é😀\" == yzok!");
        doc.apply(change(None, "all new"));
        assert_eq!(doc.text, "all new");
    }
}
