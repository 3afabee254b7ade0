//! The tokens and comments of a file that parses, in source order.
//!
//! The formatter prints the tree, but it must put every comment back between the same two tokens
//! it was written between. It does so by walking this token list in step with the tree: each
//! token it prints is matched to the next source token, and the comments before that token are
//! printed first. The lexer only has to agree with the grammar on valid input.

/// What a token is, as far as matching printed tokens to source tokens is concerned: words and
/// punctuation match by their text, literals by their kind (the printer writes them canonically).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Word,
    Str,
    Num,
    Datetime,
    /// A `///` line.
    Doc,
    Punct,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    pub kind: Kind,
    pub start: u32,
    pub end: u32,
    /// An empty line separates this token from the token or comment before it.
    pub blank_before: bool,
}

/// A plain `//` comment.
#[derive(Clone, Debug)]
pub(crate) struct LexComment {
    /// The comment without trailing whitespace.
    pub text: String,
    pub start: u32,
    /// Nothing but indentation before the comment on its line.
    pub own_line: bool,
    pub blank_before: bool,
}

pub(crate) struct Lexed {
    pub tokens: Vec<Token>,
    pub comments: Vec<LexComment>,
}

const TWO_CHAR: [&str; 11] = [
    "::", "=>", "->", "==", "!=", "<=", ">=", "&&", "||", "+=", "-=",
];

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

pub(crate) fn lex(src: &str) -> Lexed {
    let bytes = src.as_bytes();
    let len = bytes.len();
    let mut tokens = Vec::new();
    let mut comments = Vec::new();
    let mut i = 0;
    let mut last_end = 0;
    while i < len {
        let b = bytes[i];
        if matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
            continue;
        }
        let start = i;
        let blank_before = bytes[last_end..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            >= 2;
        if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            let end = src[i..].find('\n').map_or(len, |n| i + n);
            let text = src[i..end].trim_end();
            let is_doc = bytes.get(i + 2) == Some(&b'/') && bytes.get(i + 3) != Some(&b'/');
            if is_doc {
                tokens.push(Token {
                    kind: Kind::Doc,
                    start: start as u32,
                    end: (start + text.len()) as u32,
                    blank_before,
                });
            } else {
                let line_start = src[..i].rfind('\n').map_or(0, |n| n + 1);
                comments.push(LexComment {
                    text: text.to_string(),
                    start: start as u32,
                    own_line: src[line_start..i].trim().is_empty(),
                    blank_before,
                });
            }
            i = end;
            last_end = end;
            continue;
        }
        let kind = if b == b'"' {
            i += 1;
            while i < len && bytes[i] != b'"' {
                if bytes[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(len);
            Kind::Str
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
            Kind::Datetime
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
            Kind::Num
        } else if b.is_ascii_alphabetic() || b == b'_' {
            while i < len && is_word_byte(bytes[i]) {
                i += 1;
            }
            Kind::Word
        } else {
            if TWO_CHAR.iter().any(|t| src[i..].starts_with(t)) {
                i += 2;
            } else {
                i += src[i..].chars().next().map_or(1, char::len_utf8);
            }
            Kind::Punct
        };
        // A string cut short by a stray backslash at the very end must not split a character.
        while !src.is_char_boundary(i.min(len)) {
            i += 1;
        }
        i = i.min(len);
        tokens.push(Token {
            kind,
            start: start as u32,
            end: i as u32,
            blank_before,
        });
        last_end = i;
    }
    Lexed { tokens, comments }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<&str> {
        lex(src)
            .tokens
            .iter()
            .map(|t| &src[t.start as usize..t.end as usize])
            .collect()
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
    fn separates_comments_and_docs() {
        let src = "/// doc\n// plain\nx // trailing\n\n//// four\ny";
        let lexed = lex(src);
        let kinds: Vec<Kind> = lexed.tokens.iter().map(|t| t.kind).collect();
        assert_eq!(kinds, vec![Kind::Doc, Kind::Word, Kind::Word]);
        let comments: Vec<(&str, bool, bool)> = lexed
            .comments
            .iter()
            .map(|c| (c.text.as_str(), c.own_line, c.blank_before))
            .collect();
        assert_eq!(
            comments,
            vec![
                ("// plain", true, false),
                ("// trailing", false, false),
                ("//// four", true, true)
            ]
        );
    }
}
