//! What can go wrong inside a built-in at run time.

use std::fmt;

use crate::error::{LiteralError, LiteralKind};

/// Inputs quoted in messages are cut to this many characters, so a huge
/// request value cannot make a huge error.
const QUOTE_LIMIT: usize = 100;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuiltinError {
    /// `what` is the kind of number ("integer", "decimal", "datetime",
    /// "duration") and `op` the built-in or operator that overflowed.
    Overflow {
        what: &'static str,
        op: &'static str,
    },
    DivisionByZero,
    /// Text given to `decimal()`, `datetime()`, `duration()` or `ip()` at run time.
    InvalidLiteral {
        kind: LiteralKind,
        input: String,
        error: LiteralError,
    },
    InvalidRegex {
        pattern: String,
        reason: String,
    },
    InvalidArgument {
        message: String,
    },
    /// An argument of the wrong type. The checker rules this out; it exists so
    /// a checker bug becomes an error instead of a crash.
    Type {
        expected: &'static str,
        found: &'static str,
    },
    Arity {
        expected: usize,
        found: usize,
    },
}

impl BuiltinError {
    pub fn invalid_literal(kind: LiteralKind, input: &str, error: LiteralError) -> BuiltinError {
        BuiltinError::InvalidLiteral {
            kind,
            input: shorten(input),
            error,
        }
    }

    pub fn invalid_regex(pattern: &str, reason: impl Into<String>) -> BuiltinError {
        BuiltinError::InvalidRegex {
            pattern: shorten(pattern),
            reason: reason.into(),
        }
    }
}

fn shorten(text: &str) -> String {
    match text.char_indices().nth(QUOTE_LIMIT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

impl fmt::Display for BuiltinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuiltinError::Overflow { what, op } => write!(f, "{what} overflow in `{op}`"),
            BuiltinError::DivisionByZero => f.write_str("division by zero"),
            BuiltinError::InvalidLiteral { kind, input, error } => {
                write!(f, "invalid {kind} `{input}`: {error}")
            }
            BuiltinError::InvalidRegex { pattern, reason } => {
                write!(f, "invalid regular expression `{pattern}`: {reason}")
            }
            BuiltinError::InvalidArgument { message } => f.write_str(message),
            BuiltinError::Type { expected, found } => {
                write!(f, "type mismatch: expected {expected}, found {found}")
            }
            BuiltinError::Arity { expected, found } => {
                let s = if *expected == 1 { "" } else { "s" };
                write!(f, "expected {expected} argument{s}, found {found}")
            }
        }
    }
}

impl std::error::Error for BuiltinError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages() {
        let overflow = BuiltinError::Overflow {
            what: "integer",
            op: "+",
        };
        assert_eq!(overflow.to_string(), "integer overflow in `+`");
        let literal = BuiltinError::invalid_literal(
            LiteralKind::IpAddr,
            "10.0.0.300",
            LiteralError::Malformed {
                kind: LiteralKind::IpAddr,
                expected: "an address",
            },
        );
        assert!(
            literal
                .to_string()
                .starts_with("invalid IP address `10.0.0.300`: ")
        );
        let long = BuiltinError::invalid_regex(&"é".repeat(500), "too big");
        assert!(long.to_string().len() < 300);
        assert_eq!(
            BuiltinError::Arity {
                expected: 1,
                found: 2
            }
            .to_string(),
            "expected 1 argument, found 2"
        );
    }
}
