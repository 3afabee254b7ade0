//! Byte offsets ↔ LSP positions.
//!
//! The compiler measures text in bytes of UTF-8; LSP positions are a line and a column counted
//! in UTF-16 code units (the protocol's default encoding, and the one every client supports).
//! `é` is two bytes and one unit; `😀` is four bytes and two units.

use lsp_types::Position;

#[derive(Clone, Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Where each line starts. Lines end at `\n`, `\r\n` or a lone `\r`, as LSP says.
    starts: Vec<u32>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i as u32 + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i as u32 + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { text, starts }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The end of a line's content, before its line break.
    fn line_end(&self, line: usize) -> usize {
        match self.starts.get(line + 1) {
            None => self.text.len(),
            Some(&next) => {
                let next = next as usize;
                let content = &self.text[self.starts[line] as usize..next];
                if content.ends_with("\r\n") {
                    next - 2
                } else {
                    next - 1
                }
            }
        }
    }

    /// The position of a byte offset. Offsets past the end or inside a character are moved
    /// back to the nearest character boundary.
    pub fn position(&self, offset: u32) -> Position {
        let mut offset = (offset as usize).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s as usize <= offset) - 1;
        let start = self.starts[line] as usize;
        let character: usize = self.text[start..offset].chars().map(char::len_utf16).sum();
        Position {
            line: line as u32,
            character: character as u32,
        }
    }

    /// The byte offset of a position. A line past the end means the end of the text; a column
    /// past the end of its line means the end of the line (as the protocol asks); a column in
    /// the middle of a surrogate pair means the start of that character.
    pub fn offset(&self, position: Position) -> u32 {
        let line = position.line as usize;
        if line >= self.starts.len() {
            return self.text.len() as u32;
        }
        let start = self.starts[line] as usize;
        let end = self.line_end(line);
        let mut units = 0u32;
        for (i, c) in self.text[start..end].char_indices() {
            let next = units + c.len_utf16() as u32;
            if next > position.character {
                return (start + i) as u32;
            }
            units = next;
        }
        end as u32
    }

    pub fn range(&self, span: writ_language::ast::Span) -> lsp_types::Range {
        lsp_types::Range {
            start: self.position(span.start),
            end: self.position(span.end),
        }
    }

    /// The byte range of an LSP range, in order even if the client sent it reversed.
    pub fn span(&self, range: lsp_types::Range) -> writ_language::ast::Span {
        let (a, b) = (self.offset(range.start), self.offset(range.end));
        writ_language::ast::Span::new(a.min(b), a.max(b))
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn ascii_round_trips() {
        let index = LineIndex::new("ab\ncd\n");
        assert_eq!(index.position(0), pos(0, 0));
        assert_eq!(index.position(4), pos(1, 1));
        assert_eq!(index.position(6), pos(2, 0));
        for offset in 0..=6 {
            assert_eq!(index.offset(index.position(offset)), offset);
        }
    }

    #[test]
    fn columns_count_utf16_units() {
        // é: 2 bytes, 1 unit. 😀: 4 bytes, 2 units. 中: 3 bytes, 1 unit.
        let text = "é😀中x\nyé";
        let index = LineIndex::new(text);
        assert_eq!(index.position(2), pos(0, 1));
        assert_eq!(index.position(6), pos(0, 3));
        assert_eq!(index.position(9), pos(0, 4));
        assert_eq!(index.position(10), pos(0, 5));
        assert_eq!(index.position(12), pos(1, 1));
        assert_eq!(index.position(14), pos(1, 2));
        assert_eq!(index.offset(pos(0, 3)), 6);
        assert_eq!(index.offset(pos(0, 4)), 9);
        assert_eq!(index.offset(pos(1, 2)), 14);
    }

    #[test]
    fn positions_inside_characters_snap_to_their_start() {
        let text = "a😀b";
        let index = LineIndex::new(text);
        // Column 2 is between the two halves of the surrogate pair.
        assert_eq!(index.offset(pos(0, 2)), 1);
        // Byte 3 is inside the emoji.
        assert_eq!(index.position(3), pos(0, 1));
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let index = LineIndex::new("abc\r\ndef");
        assert_eq!(index.offset(pos(0, 99)), 3);
        assert_eq!(index.offset(pos(1, 99)), 8);
        assert_eq!(index.offset(pos(7, 0)), 8);
        assert_eq!(index.position(99), pos(1, 3));
    }

    #[test]
    fn every_line_break_counts() {
        let index = LineIndex::new("a\rb\r\nc\nd");
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.position(2), pos(1, 0));
        assert_eq!(index.position(5), pos(2, 0));
        assert_eq!(index.offset(pos(1, 5)), 3);
        assert_eq!(index.offset(pos(3, 1)), 8);
    }

    #[test]
    fn every_offset_round_trips_through_mixed_text() {
        let text = "schema { entity Ü }\r\n/// é 😀\nallow r on a.b when actor.x == \"中\"\r";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() as u32 {
            // Between `\r` and `\n` is inside a line break, which no position names.
            let at = offset as usize;
            if !text.is_char_boundary(at) {
                continue;
            }
            let in_break = text[..at].ends_with('\r') && text[at..].starts_with('\n');
            if !in_break {
                assert_eq!(
                    index.offset(index.position(offset)),
                    offset,
                    "offset {offset}"
                );
            }
        }
    }
}
