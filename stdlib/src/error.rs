//! Why a literal's text was rejected.
//!
//! The checker reports these for literals it can see at compile time, and the
//! evaluator wraps them in [`BuiltinError`](crate::BuiltinError) when text only
//! arrives at run time, so both speak with the same words.

use std::fmt;

/// Which kind of literal failed to parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LiteralKind {
    Decimal,
    Datetime,
    Duration,
    IpAddr,
    Pattern,
}

impl fmt::Display for LiteralKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LiteralKind::Decimal => "decimal",
            LiteralKind::Datetime => "datetime",
            LiteralKind::Duration => "duration",
            LiteralKind::IpAddr => "IP address",
            LiteralKind::Pattern => "pattern",
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LiteralError {
    /// The text does not have the literal's shape; `expected` describes it.
    Malformed {
        kind: LiteralKind,
        expected: &'static str,
    },
    TooManyFractionDigits,
    /// The value does not fit in 64 bits.
    Overflow(LiteralKind),
    /// A date or time field outside its range, such as month 13.
    FieldOutOfRange {
        field: &'static str,
        value: u32,
    },
    DayOutOfRange {
        year: u32,
        month: u32,
        day: u32,
    },
    DurationUnitOrder,
    PrefixOutOfRange {
        prefix: u32,
        max: u8,
    },
    /// A backslash in a pattern that escapes neither `*` nor `\`.
    UnknownEscape(char),
    DanglingEscape,
}

impl fmt::Display for LiteralError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LiteralError::Malformed { kind, expected } => {
                write!(f, "malformed {kind} literal, expected {expected}")
            }
            LiteralError::TooManyFractionDigits => {
                f.write_str("decimal literal has more than 4 fraction digits")
            }
            LiteralError::Overflow(kind) => write!(f, "{kind} literal is out of range"),
            LiteralError::FieldOutOfRange { field, value } => {
                write!(f, "{field} {value} is out of range")
            }
            LiteralError::DayOutOfRange { year, month, day } => {
                write!(f, "day {day} is out of range for {year:04}-{month:02}")
            }
            LiteralError::DurationUnitOrder => f.write_str(
                "duration units must each appear at most once, in the order d, h, m, s, ms",
            ),
            LiteralError::PrefixOutOfRange { prefix, max } => {
                write!(f, "prefix length {prefix} is out of range (at most {max})")
            }
            LiteralError::UnknownEscape(c) => {
                write!(
                    f,
                    "unknown escape `\\{c}` in pattern (only `\\*` and `\\\\`)"
                )
            }
            LiteralError::DanglingEscape => f.write_str("pattern ends with a lone `\\`"),
        }
    }
}

impl std::error::Error for LiteralError {}
