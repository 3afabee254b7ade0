//! The tokens and comments of a file that parses, in source order.
//!
//! The formatter prints the tree, but it must put every comment back between the same two tokens
//! it was written between. It does so by walking this token list in step with the tree: each
//! token it prints is matched to the next source token, and the comments before that token are
//! printed first. The split into tokens is [`crate::lexer`]'s, which agrees with the grammar on
//! valid input; this adds what comment placement needs to know about the space between them.

use crate::lexer::{LexKind, lex as scan};

#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    /// Words and punctuation match printed tokens by their text, literals by their kind (the
    /// printer writes them canonically). Never [`LexKind::Comment`].
    pub kind: LexKind,
    pub start: u32,
    /// For a doc comment, the end of its text without trailing whitespace.
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

pub(crate) fn lex(src: &str) -> Lexed {
    let mut tokens = Vec::new();
    let mut comments = Vec::new();
    let mut last_end = 0;
    for lexeme in scan(src) {
        let start = lexeme.span.start as usize;
        let end = lexeme.span.end as usize;
        let blank_before = src[last_end..start].matches('\n').count() >= 2;
        last_end = end;
        match lexeme.kind {
            LexKind::Comment => {
                let line_start = src[..start].rfind('\n').map_or(0, |n| n + 1);
                comments.push(LexComment {
                    text: src[start..end].trim_end().to_string(),
                    start: start as u32,
                    own_line: src[line_start..start].trim().is_empty(),
                    blank_before,
                });
            }
            kind => {
                let end = if kind == LexKind::Doc {
                    start + src[start..end].trim_end().len()
                } else {
                    end
                };
                tokens.push(Token {
                    kind,
                    start: start as u32,
                    end: end as u32,
                    blank_before,
                });
            }
        }
    }
    Lexed { tokens, comments }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_comments_and_docs() {
        let src = "/// doc\n// plain\nx // trailing\n\n//// four\ny";
        let lexed = lex(src);
        let kinds: Vec<LexKind> = lexed.tokens.iter().map(|t| t.kind).collect();
        assert_eq!(kinds, vec![LexKind::Doc, LexKind::Word, LexKind::Word]);
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
