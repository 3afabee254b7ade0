//! Regular expressions for `matches`.
//!
//! The `regex` crate runs in time linear in the input, and the limits below
//! bound what one pattern can cost to compile, so no policy or request can
//! stall an authorization.

use std::cell::RefCell;

use regex::{Regex, RegexBuilder};

use super::BuiltinError;

const MAX_PATTERN_LEN: usize = 4096;
const SIZE_LIMIT: usize = 1 << 20;
const DFA_SIZE_LIMIT: usize = 2 << 20;
const NEST_LIMIT: u32 = 64;
/// Policies reuse a handful of patterns; remembering a few per thread saves
/// recompiling them on every request.
const CACHE_SIZE: usize = 32;

thread_local! {
    static CACHE: RefCell<Vec<(String, Regex)>> = const { RefCell::new(Vec::new()) };
}

/// Checks a pattern as `matches` would, so the checker can reject a bad
/// literal pattern before any request arrives.
pub fn validate_regex(pattern: &str) -> Result<(), BuiltinError> {
    compile(pattern).map(drop)
}

/// Whether the whole of `text` matches `pattern` (not merely a substring:
/// `"admin"` does not match `"notadmin"`).
pub(super) fn full_match(pattern: &str, text: &str) -> Result<bool, BuiltinError> {
    // The cached regex is used in place: cloning a `Regex` gives the clone an empty pool of
    // search caches, so every match would rebuild its lazy DFA from scratch.
    let cached = CACHE.with_borrow_mut(|cache| {
        let hit = cache.iter().position(|(p, _)| p == pattern)?;
        let entry = cache.remove(hit);
        let matched = entry.1.is_match(text);
        cache.push(entry);
        Some(matched)
    });
    if let Some(matched) = cached {
        return Ok(matched);
    }
    let regex = compile(pattern)?;
    let matched = regex.is_match(text);
    CACHE.with_borrow_mut(|cache| {
        if cache.len() >= CACHE_SIZE {
            cache.remove(0);
        }
        cache.push((pattern.to_owned(), regex));
    });
    Ok(matched)
}

fn compile(pattern: &str) -> Result<Regex, BuiltinError> {
    if pattern.len() > MAX_PATTERN_LEN {
        return Err(BuiltinError::invalid_regex(
            pattern,
            format!("pattern is longer than {MAX_PATTERN_LEN} bytes"),
        ));
    }
    let invalid = |error: regex::Error| BuiltinError::invalid_regex(pattern, reason(&error));
    // Compiling the pattern alone first rejects an unbalanced `)`, which could
    // otherwise close the anchoring group early (`a)|(b`) and unanchor it.
    build(pattern).map_err(invalid)?;
    build(&format!(r"\A(?:{pattern})\z"))
        .or_else(|error| {
            // A valid pattern can only break the wrapper by ending inside a
            // verbose-mode `#` comment, which would swallow `)\z`; a newline
            // ends the comment and, in verbose mode, is itself ignored.
            build(&format!("\\A(?:{pattern}\n)\\z")).map_err(|_| error)
        })
        .map_err(invalid)
}

fn build(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(DFA_SIZE_LIMIT)
        .nest_limit(NEST_LIMIT)
        .build()
}

/// The regex crate's messages span several lines with a caret diagram; the
/// last line holds the reason.
fn reason(error: &regex::Error) -> String {
    let message = error.to_string();
    let last = message.lines().last().unwrap_or_default();
    last.strip_prefix("error: ").unwrap_or(last).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_whole_text() {
        assert_eq!(full_match("admin", "admin"), Ok(true));
        assert_eq!(full_match("admin", "notadmin"), Ok(false));
        assert_eq!(full_match("a|ab", "ab"), Ok(true));
        assert_eq!(
            full_match("[a-z]+@example\\.com", "bob@example.com"),
            Ok(true)
        );
        assert_eq!(full_match("", ""), Ok(true));
        assert_eq!(full_match("x", "x\n"), Ok(false));
    }

    #[test]
    fn rejects_bad_patterns() {
        for bad in ["(", "a)|(b", "[", "a{99999999}", "\\"] {
            let error = full_match(bad, "a").unwrap_err();
            assert!(
                matches!(&error, BuiltinError::InvalidRegex { reason, .. } if !reason.contains('\n')),
                "{bad:?}: {error:?}"
            );
        }
        let error = validate_regex("(").unwrap_err().to_string();
        assert!(
            error.starts_with("invalid regular expression `(`: "),
            "{error}"
        );
        assert!(validate_regex(&"a".repeat(5000)).is_err());
        assert!(validate_regex("(a{1000}){1000}").is_err());
        assert!(validate_regex(&format!("{}a{}", "(".repeat(100), ")".repeat(100))).is_err());
    }

    #[test]
    fn verbose_comments_cannot_unanchor() {
        assert_eq!(full_match("(?x) a b # spaced", "ab"), Ok(true));
        assert_eq!(full_match("(?x)a#)|(b", "a"), Ok(true));
        assert_eq!(full_match("(?x)a#)|(b", "b"), Ok(false));
        assert_eq!(full_match("(?x)a#)|(b", "ab"), Ok(false));
    }

    #[test]
    fn cache_keeps_answers_right() {
        for round in 0..3 {
            for i in 0..(CACHE_SIZE + 5) {
                let pattern = format!("p{i}");
                assert_eq!(full_match(&pattern, &pattern), Ok(true), "round {round}");
                assert_eq!(full_match(&pattern, "other"), Ok(false));
            }
        }
    }

    #[test]
    fn linear_on_classic_blowup() {
        let text = "a".repeat(10_000);
        assert_eq!(full_match("(a+)+b", &text), Ok(false));
        assert_eq!(full_match("(a|aa)*c", &text), Ok(false));
    }
}
