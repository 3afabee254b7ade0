//! Patterns for Writ's `like` operator.
//!
//! Matching is the greedy two-pointer algorithm: when a literal fails it only
//! retries from the most recent `*`, which bounds the work at
//! O(pattern × text) where naive recursion is exponential in the stars.

use std::fmt;

use crate::error::LiteralError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PatternElem {
    Char(char),
    /// Any sequence of characters, including none.
    Wildcard,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pattern {
    elems: Vec<PatternElem>,
}

impl Pattern {
    /// Reads pattern text where `*` is a wildcard, `\*` a literal star and
    /// `\\` a backslash. Any other backslash is an error, so a pattern never
    /// means something its author did not spell out.
    pub fn parse(text: &str) -> Result<Pattern, LiteralError> {
        let mut elems = Vec::with_capacity(text.len());
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            elems.push(match c {
                '*' => PatternElem::Wildcard,
                '\\' => match chars.next() {
                    Some(escaped @ ('*' | '\\')) => PatternElem::Char(escaped),
                    Some(other) => return Err(LiteralError::UnknownEscape(other)),
                    None => return Err(LiteralError::DanglingEscape),
                },
                c => PatternElem::Char(c),
            });
        }
        Ok(Pattern { elems })
    }

    /// For callers whose lexer has already decided which stars are wildcards.
    pub fn from_elems(elems: Vec<PatternElem>) -> Pattern {
        Pattern { elems }
    }

    pub fn elems(&self) -> &[PatternElem] {
        &self.elems
    }

    /// Whether the whole of `text` matches.
    pub fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        let pattern = &self.elems;
        let (mut p, mut t) = (0, 0);
        // Where the last `*` was and how much text it has swallowed so far.
        let mut backtrack: Option<(usize, usize)> = None;
        while t < text.len() {
            match pattern.get(p) {
                Some(PatternElem::Wildcard) => {
                    backtrack = Some((p, t));
                    p += 1;
                }
                Some(PatternElem::Char(c)) if *c == text[t] => {
                    p += 1;
                    t += 1;
                }
                _ => match backtrack {
                    Some((star, swallowed)) => {
                        backtrack = Some((star, swallowed + 1));
                        p = star + 1;
                        t = swallowed + 1;
                    }
                    None => return false,
                },
            }
        }
        pattern[p..].iter().all(|e| *e == PatternElem::Wildcard)
    }
}

/// Shown in the same escaped form that [`Pattern::parse`] reads.
impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for elem in &self.elems {
            match elem {
                PatternElem::Wildcard => f.write_str("*")?,
                PatternElem::Char(c @ ('*' | '\\')) => write!(f, "\\{c}")?,
                PatternElem::Char(c) => write!(f, "{c}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        Pattern::parse(pattern).unwrap().matches(text)
    }

    #[test]
    fn wildcards() {
        assert!(matches("", ""));
        assert!(!matches("", "a"));
        assert!(matches("*", ""));
        assert!(matches("*", "anything"));
        assert!(matches("a*c", "abbbc"));
        assert!(matches("a*c", "ac"));
        assert!(!matches("a*c", "acb"));
        assert!(matches("*.pdf", "report.pdf"));
        assert!(!matches("*.pdf", "report.pdf.exe"));
        assert!(matches("a**b", "ab"));
        assert!(matches("*a*", "banana"));
        assert!(matches("ü*ß", "üxyzß"));
        assert!(!matches("abc", "ab"));
        assert!(!matches("ab", "abc"));
    }

    #[test]
    fn escapes() {
        assert!(matches(r"a\*b", "a*b"));
        assert!(!matches(r"a\*b", "axb"));
        assert!(matches(r"a\\b", r"a\b"));
        assert!(matches(r"\**", "*star"));
        assert!(!matches(r"\**", "star"));
        assert_eq!(
            Pattern::parse(r"a\b"),
            Err(LiteralError::UnknownEscape('b'))
        );
        assert_eq!(Pattern::parse("a\\"), Err(LiteralError::DanglingEscape));
    }

    #[test]
    fn display_re_escapes() {
        for text in [r"a\*b*", r"\\x", "*", "plain", ""] {
            assert_eq!(Pattern::parse(text).unwrap().to_string(), text);
        }
        let built = Pattern::from_elems(vec![PatternElem::Char('*'), PatternElem::Wildcard]);
        assert_eq!(built.to_string(), r"\**");
        assert_eq!(Pattern::parse(&built.to_string()).unwrap(), built);
    }

    #[test]
    fn pathological_patterns_stay_fast() {
        let text = "a".repeat(20_000);
        let started = std::time::Instant::now();
        assert!(!matches("*a*a*a*a*b", &text));
        assert!(!matches(&"*a".repeat(50).replace("a*a*a", "a*a*b"), &text));
        assert!(matches("*a*a*a*a*a", &text));
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
