//! Signed spans of time in Cedar's `1h30m` syntax.

use std::fmt;

use crate::error::{LiteralError, LiteralKind};

const SHAPE: &str = "an optional `-` and amounts with units d, h, m, s, ms, such as `1h30m`";

pub(crate) const MS_PER_SECOND: i64 = 1_000;
pub(crate) const MS_PER_MINUTE: i64 = 60 * MS_PER_SECOND;
pub(crate) const MS_PER_HOUR: i64 = 60 * MS_PER_MINUTE;
pub(crate) const MS_PER_DAY: i64 = 24 * MS_PER_HOUR;

/// Units from largest to smallest; a literal must use them in this order.
const UNITS: [(&str, i64); 5] = [
    ("d", MS_PER_DAY),
    ("h", MS_PER_HOUR),
    ("m", MS_PER_MINUTE),
    ("s", MS_PER_SECOND),
    ("ms", 1),
];

/// A signed number of milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration(i64);

impl Duration {
    pub const ZERO: Duration = Duration(0);

    pub const fn from_millis(millis: i64) -> Duration {
        Duration(millis)
    }

    pub const fn millis(self) -> i64 {
        self.0
    }

    /// Parses `-?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?` with at least one unit.
    pub fn parse(text: &str) -> Result<Duration, LiteralError> {
        let malformed = LiteralError::Malformed {
            kind: LiteralKind::Duration,
            expected: SHAPE,
        };
        let overflow = LiteralError::Overflow(LiteralKind::Duration);
        let (negative, mut rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        if rest.is_empty() {
            return Err(malformed);
        }
        // i128 holds any sum of in-range parts, so only the final total needs a
        // range check, and the most negative duration stays representable.
        let mut total: i128 = 0;
        let mut next_unit = 0;
        while !rest.is_empty() {
            let digits_len = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits_len == 0 {
                return Err(malformed);
            }
            let (digits, after) = rest.split_at(digits_len);
            // `ms` must be tried before `m`, or `5ms` would read as five minutes and junk.
            let unit = if after.starts_with("ms") {
                4
            } else {
                match after.bytes().next() {
                    Some(b'd') => 0,
                    Some(b'h') => 1,
                    Some(b'm') => 2,
                    Some(b's') => 3,
                    _ => return Err(malformed),
                }
            };
            if unit < next_unit {
                return Err(LiteralError::DurationUnitOrder);
            }
            let (name, scale) = UNITS[unit];
            total = digits
                .bytes()
                .try_fold(0_i128, |acc, b| {
                    acc.checked_mul(10)?.checked_add(i128::from(b - b'0'))
                })
                .and_then(|n| n.checked_mul(i128::from(scale)))
                .and_then(|amount| total.checked_add(amount))
                .ok_or(overflow.clone())?;
            rest = &after[name.len()..];
            next_unit = unit + 1;
        }
        let signed = if negative { -total } else { total };
        i64::try_from(signed).map(Duration).map_err(|_| overflow)
    }

    pub fn checked_add(self, other: Duration) -> Option<Duration> {
        self.0.checked_add(other.0).map(Duration)
    }

    pub fn checked_sub(self, other: Duration) -> Option<Duration> {
        self.0.checked_sub(other.0).map(Duration)
    }

    pub fn checked_neg(self) -> Option<Duration> {
        self.0.checked_neg().map(Duration)
    }

    /// Whole units of `unit_ms`, truncated toward zero as Cedar does.
    pub(crate) fn whole(self, unit_ms: i64) -> i64 {
        self.0 / unit_ms
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0ms");
        }
        if self.0 < 0 {
            f.write_str("-")?;
        }
        let mut remaining = self.0.unsigned_abs();
        for (name, scale) in UNITS {
            let scale = scale.unsigned_abs();
            let amount = remaining / scale;
            remaining %= scale;
            if amount > 0 {
                write!(f, "{amount}{name}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(text: &str) -> i64 {
        Duration::parse(text).unwrap().millis()
    }

    #[test]
    fn parses_units() {
        assert_eq!(ms("1h30m"), 90 * MS_PER_MINUTE);
        assert_eq!(ms("2d"), 2 * MS_PER_DAY);
        assert_eq!(ms("500ms"), 500);
        assert_eq!(ms("-15m"), -15 * MS_PER_MINUTE);
        assert_eq!(
            ms("1d2h3m4s5ms"),
            MS_PER_DAY + 2 * MS_PER_HOUR + 3 * MS_PER_MINUTE + 4005
        );
        assert_eq!(ms("0ms"), 0);
        assert_eq!(ms("-0s"), 0);
        assert_eq!(ms("90m"), 90 * MS_PER_MINUTE);
        assert_eq!(ms("1m5ms"), MS_PER_MINUTE + 5);
    }

    #[test]
    fn rejects_bad_shapes() {
        for bad in [
            "", "-", "1", "h", "1x", "1h 30m", "+1h", "1.5h", "--1h", "1hh", "1H",
        ] {
            assert!(
                matches!(Duration::parse(bad), Err(LiteralError::Malformed { .. })),
                "{bad:?}"
            );
        }
        for bad in ["30m1h", "1h1h", "1ms1s", "1s1m", "5ms5ms"] {
            assert_eq!(
                Duration::parse(bad),
                Err(LiteralError::DurationUnitOrder),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn overflow_is_an_error() {
        let overflow = Err(LiteralError::Overflow(LiteralKind::Duration));
        assert_eq!(Duration::parse("9223372036854775808ms"), overflow);
        assert_eq!(Duration::parse("106751991167301d"), overflow);
        assert_eq!(
            Duration::parse("106751991167d1d"),
            Err(LiteralError::DurationUnitOrder)
        );
        assert_eq!(Duration::parse("106751991168d"), overflow);
        assert_eq!(Duration::parse("106751991167d8h"), overflow);
        assert_eq!(Duration::parse("-106751991167d8h"), overflow);
        assert!(Duration::parse("106751991167d7h").is_ok());
        assert_eq!(Duration::parse(&format!("{}h", "9".repeat(40))), overflow);
        assert_eq!(ms("9223372036854775807ms"), i64::MAX);
        assert_eq!(ms("-9223372036854775808ms"), i64::MIN);
    }

    #[test]
    fn displays_in_literal_syntax() {
        let show = |millis| Duration::from_millis(millis).to_string();
        assert_eq!(show(0), "0ms");
        assert_eq!(show(90 * MS_PER_MINUTE), "1h30m");
        assert_eq!(show(-15 * MS_PER_MINUTE), "-15m");
        assert_eq!(show(MS_PER_DAY + 1), "1d1ms");
        assert_eq!(show(i64::MIN), "-106751991167d7h12m55s808ms");
        assert_eq!(Duration::parse(&show(i64::MIN)).unwrap().millis(), i64::MIN);
        assert_eq!(Duration::parse(&show(i64::MAX)).unwrap().millis(), i64::MAX);
    }

    #[test]
    fn arithmetic_is_checked() {
        let max = Duration::from_millis(i64::MAX);
        assert_eq!(max.checked_add(Duration::from_millis(1)), None);
        assert_eq!(Duration::from_millis(i64::MIN).checked_neg(), None);
        assert_eq!(
            Duration::from_millis(5).checked_sub(Duration::from_millis(7)),
            Some(Duration::from_millis(-2))
        );
        assert_eq!(Duration::from_millis(-1_999).whole(MS_PER_SECOND), -1);
    }
}
