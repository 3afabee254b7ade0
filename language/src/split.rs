//! Splitting text into items before parsing them.
//!
//! pest stops at the first error, so the parser first cuts a file into items with a cheap scan
//! that only knows strings, comments and brackets, then parses each item on its own. An item
//! starts at a keyword that can only begin an item; a keyword at the start of a line begins one
//! even inside unbalanced brackets, so a missing `}` costs one item, not the rest of the file.

use crate::ast::{Comment, Span};

/// What a scan of the text found: where items start and which plain comments it passed.
pub(crate) struct Scan {
    pub starts: Vec<usize>,
    pub comments: Vec<Comment>,
}

/// Which words begin a chunk, given the text that follows the word.
pub(crate) type StartTest = fn(word: &str, rest: &str) -> bool;

pub(crate) fn top_level_start(word: &str, rest: &str) -> bool {
    match word {
        "schema" => next_non_space(rest) == Some(b'{'),
        "use" | "allow" | "deny" | "review" | "invariant" | "fn" => starts_name_after_space(rest),
        "test" => next_non_space(rest) == Some(b'"'),
        _ => false,
    }
}

pub(crate) fn schema_decl_start(word: &str, rest: &str) -> bool {
    match word {
        "entity" | "enum" | "type" | "action" | "authority" => starts_name_after_space(rest),
        "state" => next_non_space(rest) == Some(b'{'),
        _ => false,
    }
}

fn next_non_space(rest: &str) -> Option<u8> {
    rest.bytes()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// Whether `rest` continues with white space (comments included) and then a name that is not a
/// keyword: `allow // why\n  name` begins a rule, `entity in xs` (a variable named `entity`)
/// does not begin a declaration.
fn starts_name_after_space(rest: &str) -> bool {
    let mut text = rest;
    let mut spaced = false;
    loop {
        let trimmed = text.trim_start_matches([' ', '\t', '\r', '\n']);
        spaced |= trimmed.len() < text.len();
        text = trimmed;
        if text.starts_with("//") {
            spaced = true;
            text = text.find('\n').map_or("", |n| &text[n..]);
            continue;
        }
        break;
    }
    let word_len = text.bytes().take_while(|b| is_ident_byte(*b)).count();
    spaced
        && text
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        // A variable named `entity` tested with `in` is not a declaration; a keyword that
        // cannot continue an expression is still a (misnamed) declaration, reported as E0009.
        && !matches!(
            &text[..word_len],
            "in" | "is" | "has" | "like" | "then" | "else" | "when" | "unless" | "because"
                | "approver" | "obligation"
        )
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Scans `src[from..to]` for chunk starts. A start is moved back over the `///` lines right
/// above it, so doc comments travel with what they document.
pub(crate) fn scan(src: &str, from: usize, to: usize, is_start: StartTest) -> Scan {
    let bytes = src.as_bytes();
    let mut starts = Vec::new();
    let mut comments = Vec::new();
    let mut depth: usize = 0;
    let mut line_start = true;
    let mut doc_start: Option<usize> = None;
    let mut i = from;
    while i < to {
        let b = bytes[i];
        match b {
            b'\n' => {
                line_start = true;
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = src[i..to].find('\n').map_or(to, |n| i + n);
                let is_doc = bytes.get(i + 2) == Some(&b'/') && bytes.get(i + 3) != Some(&b'/');
                if is_doc {
                    if line_start && doc_start.is_none() {
                        doc_start = Some(i);
                    }
                } else {
                    comments.push(Comment {
                        text: src[i..end].trim_end().to_string(),
                        span: Span::new(i as u32, end as u32),
                    });
                }
                i = end;
            }
            b'"' => {
                i += 1;
                while i < to && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(to);
                line_start = false;
                doc_start = None;
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                line_start = false;
                doc_start = None;
                i += 1;
            }
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                line_start = false;
                doc_start = None;
                i += 1;
            }
            _ if b.is_ascii_alphabetic() || b == b'_' => {
                let mut j = i + 1;
                while j < to && is_ident_byte(bytes[j]) {
                    j += 1;
                }
                let after_dot = i > from && bytes[i - 1] == b'.';
                if (depth == 0 || line_start) && !after_dot && is_start(&src[i..j], &src[j..to]) {
                    starts.push(doc_start.unwrap_or(i));
                    depth = 0;
                }
                line_start = false;
                doc_start = None;
                i = j;
            }
            _ => {
                line_start = false;
                doc_start = None;
                // Step over a whole UTF-8 character so slicing stays on boundaries.
                i += utf8_len(b);
            }
        }
    }
    Scan { starts, comments }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// The position just past the `}` that closes the `{` at `open`, if there is one.
pub(crate) fn matching_brace(src: &str, open: usize) -> Option<usize> {
    let bytes = src.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = src[i..].find('\n').map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return if bytes[i] == b'}' { Some(i + 1) } else { None };
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether `text` holds nothing but whitespace and comments.
pub(crate) fn is_trivia(text: &str) -> bool {
    text.lines().all(|line| {
        let line = line.trim();
        line.is_empty() || (line.starts_with("//") && !is_doc_line(line))
    })
}

pub(crate) fn is_doc_line(line: &str) -> bool {
    line.starts_with("///") && !line.starts_with("////")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(src: &str) -> Vec<usize> {
        scan(src, 0, src.len(), top_level_start).starts
    }

    #[test]
    fn splits_at_item_keywords() {
        let src = "allow a on x\n  when true\ndeny b on y\n";
        assert_eq!(starts(src), vec![0, 25]);
    }

    #[test]
    fn doc_comments_travel_with_their_item() {
        let src = "allow a on x\n/// doc\n/// more\ndeny b on y\n";
        assert_eq!(starts(src), vec![0, 13]);
    }

    #[test]
    fn keyword_at_line_start_resyncs_inside_unclosed_braces() {
        let src = "allow a on x when { b: 1\ndeny c on y\n";
        assert_eq!(starts(src), vec![0, 25]);
    }

    #[test]
    fn keywords_in_strings_comments_and_fields_do_not_split() {
        let src = "allow a on x when \"deny b on y\" // deny c on z\n  && x.test == \"t\"\n";
        assert_eq!(starts(src), vec![0]);
    }

    #[test]
    fn attribute_named_like_a_declaration_is_not_one() {
        let src = "entity A {\n  action: String\n  type: String\n}\nentity B\n";
        assert_eq!(
            scan(src, 0, src.len(), schema_decl_start).starts,
            vec![0, 45]
        );
    }

    #[test]
    fn a_comment_may_sit_between_keyword_and_name() {
        let src = "allow // why\n  a on x\ndeny b on y\n";
        assert_eq!(starts(src), vec![0, 22]);
    }

    #[test]
    fn a_variable_named_like_a_declaration_keyword_is_not_one() {
        let src = "action a effect { state.x = f(\n  entity in xs) }\n";
        assert_eq!(scan(src, 0, src.len(), schema_decl_start).starts, vec![0]);
    }

    #[test]
    fn finds_matching_brace_past_strings_and_comments() {
        let src = "{ \"}\" // }\n { } }x";
        assert_eq!(matching_brace(src, 0), Some(17));
        assert_eq!(matching_brace("{ (", 0), None);
    }
}
