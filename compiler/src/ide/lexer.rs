//! A forgiving scan of a file into words, literals, comments and punctuation.
//!
//! Highlighting, folding and completion need to know where strings and comments are even in
//! text that does not parse (the user is typing), so this never fails: an unterminated string
//! ends at its line's end, and any other character is punctuation.

use writ_language::ast::Span;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum LexKind {
    Word,
    String,
    /// An integer, decimal or duration.
    Number,
    Datetime,
    /// A plain `//` comment.
    Comment,
    /// A `///` doc comment.
    Doc,
    Punct,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Lexeme {
    pub kind: LexKind,
    pub span: Span,
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

const TWO_CHAR: [&str; 11] = [
    "::", "=>", "->", "==", "!=", "<=", ">=", "&&", "||", "+=", "-=",
];

pub fn lex(text: &str) -> Vec<Lexeme> {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < len {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let line_end = text[i..].find('\n').map_or(len, |n| i + n);
        let kind = if text[i..].starts_with("//") {
            let doc = text[i..].starts_with("///") && !text[i..].starts_with("////");
            i = line_end;
            if doc { LexKind::Doc } else { LexKind::Comment }
        } else if b == b'"' {
            i += 1;
            while i < line_end && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            // The closing quote, or the end of the line for a string left open.
            i = if i < line_end { i + 1 } else { line_end };
            LexKind::String
        } else if b == b'@' {
            i += 1;
            while i < len
                && matches!(
                    bytes[i],
                    b'0'..=b'9' | b'-' | b':' | b'T' | b'Z' | b'.' | b'+'
                )
            {
                i += 1;
            }
            LexKind::Datetime
        } else if b.is_ascii_digit() {
            while i < len && is_word_byte(bytes[i]) {
                i += 1;
            }
            if i + 1 < len && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
                i += 1;
                while i < len && is_word_byte(bytes[i]) {
                    i += 1;
                }
            }
            LexKind::Number
        } else if b.is_ascii_alphabetic() || b == b'_' {
            while i < len && is_word_byte(bytes[i]) {
                i += 1;
            }
            LexKind::Word
        } else {
            i += if TWO_CHAR.iter().any(|t| text[i..].starts_with(t)) {
                2
            } else {
                text[i..].chars().next().map_or(1, char::len_utf8)
            };
            LexKind::Punct
        };
        // An escape at the very end of a line may point into a multi-byte character.
        i = i.min(len);
        while !text.is_char_boundary(i) {
            i += 1;
        }
        out.push(Lexeme {
            kind,
            span: Span::new(start as u32, i as u32),
        });
    }
    out
}

/// Whether `offset` lies inside a comment or a string, where nothing is completed.
pub(crate) fn in_comment_or_string(lexemes: &[Lexeme], text: &str, offset: u32) -> bool {
    lexemes.iter().any(|l| match l.kind {
        LexKind::Comment | LexKind::Doc => l.span.start < offset && offset <= l.span.end,
        LexKind::String => {
            let s = &text[l.span.range()];
            let closed = s.len() >= 2 && s.ends_with('"') && !s.ends_with("\\\"");
            l.span.start < offset && (offset < l.span.end || (!closed && offset == l.span.end))
        }
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(LexKind, &str)> {
        lex(text)
            .into_iter()
            .map(|l| (l.kind, &text[l.span.range()]))
            .collect()
    }

    #[test]
    fn words_literals_and_comments() {
        assert_eq!(
            kinds("/// doc\nwhen a.b >= 1.5 && x like \"é*\" // c\n@2026-01-01 1h30m"),
            vec![
                (LexKind::Doc, "/// doc"),
                (LexKind::Word, "when"),
                (LexKind::Word, "a"),
                (LexKind::Punct, "."),
                (LexKind::Word, "b"),
                (LexKind::Punct, ">="),
                (LexKind::Number, "1.5"),
                (LexKind::Punct, "&&"),
                (LexKind::Word, "x"),
                (LexKind::Word, "like"),
                (LexKind::String, "\"é*\""),
                (LexKind::Comment, "// c"),
                (LexKind::Datetime, "@2026-01-01"),
                (LexKind::Number, "1h30m"),
            ]
        );
    }

    #[test]
    fn unterminated_strings_end_at_the_line() {
        assert_eq!(
            kinds("\"abc\nx \"\\"),
            vec![
                (LexKind::String, "\"abc"),
                (LexKind::Word, "x"),
                (LexKind::String, "\"\\"),
            ]
        );
    }

    #[test]
    fn cursor_in_strings_and_comments() {
        let text = "a \"bc\" // d";
        let l = lex(text);
        assert!(!in_comment_or_string(&l, text, 2));
        assert!(in_comment_or_string(&l, text, 4));
        assert!(!in_comment_or_string(&l, text, 6));
        assert!(in_comment_or_string(&l, text, 11));
        let open = "x \"ab";
        assert!(in_comment_or_string(&lex(open), open, 5));
    }
}
