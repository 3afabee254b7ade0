//! A scan of Writ source into words, literals, comments and punctuation.
//!
//! Two kinds of callers share it. The formatter walks the tokens of a file that parses and
//! needs them split exactly as the grammar splits them, or it could not match its output to the
//! input and put the comments back. Editor features (highlighting, folding, completion) need to
//! know where strings and comments are even in text that does not parse, because the user is
//! typing. So this agrees with the grammar on valid input and never fails on anything else: an
//! unterminated string ends at its line's end (on valid input no string crosses a line, since
//! an escaped line break is an error), and any other character is punctuation.

use crate::ast::Span;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum LexKind {
    Word,
    String,
    /// An integer, decimal or duration.
    Number,
    Datetime,
    /// A plain `//` comment, or one of four or more slashes.
    Comment,
    /// A `///` doc comment.
    Doc,
    Punct,
}

/// A token or comment. A comment's span runs to the end of its line, trailing whitespace
/// included, so that a cursor anywhere after `//` on that line counts as inside it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Lexeme {
    pub kind: LexKind,
    pub span: Span,
}

/// A byte of a word or of a number's digits and unit letters.
pub fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The operators of two characters; every other punctuation character stands alone.
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
        // Wider than the grammar's whitespace: between items the parser takes any Unicode
        // white space (a form feed, a no-break space) for blank space, and as a token it could
        // not be matched by the formatter, which never prints one.
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if let Some(c) = text[i..]
            .chars()
            .next()
            .filter(|c| !c.is_ascii() && c.is_whitespace())
        {
            i += c.len_utf8();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(LexKind, &str)> {
        lex(text)
            .into_iter()
            .map(|l| (l.kind, &text[l.span.range()]))
            .collect()
    }

    fn texts(text: &str) -> Vec<&str> {
        kinds(text).into_iter().map(|(_, t)| t).collect()
    }

    #[test]
    fn splits_like_the_grammar() {
        assert_eq!(
            texts(r#"a.b[k] += -1_000 && x != "a\"b" || 1.5.abs() >= 1h30m @2026-01-01T00:00:00Z"#),
            vec![
                "a",
                ".",
                "b",
                "[",
                "k",
                "]",
                "+=",
                "-",
                "1_000",
                "&&",
                "x",
                "!=",
                r#""a\"b""#,
                "||",
                "1.5",
                ".",
                "abs",
                "(",
                ")",
                ">=",
                "1h30m",
                "@2026-01-01T00:00:00Z"
            ]
        );
        assert_eq!(
            texts("fs.* User::\"a\" {=>}"),
            vec!["fs", ".", "*", "User", "::", "\"a\"", "{", "=>", "}"]
        );
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
        assert_eq!(
            kinds("//// four \r\n///"),
            vec![(LexKind::Comment, "//// four \r"), (LexKind::Doc, "///")]
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
        assert_eq!(kinds("\"\\é"), vec![(LexKind::String, "\"\\é")]);
    }
}
