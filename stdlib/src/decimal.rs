//! Fixed-point decimals with exactly Cedar's range and precision, so policies
//! ported from Cedar compare amounts the same way.

use std::fmt;

use crate::error::{LiteralError, LiteralKind};

const SCALE: i64 = 10_000;
const FRACTION_DIGITS: usize = 4;
const SHAPE: &str = "digits, a `.`, and 1 to 4 fraction digits, such as `12.34`";

/// A number with four fraction digits, stored as an `i64` count of 1/10000ths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Decimal(i64);

impl Decimal {
    pub const ZERO: Decimal = Decimal(0);
    pub const MIN: Decimal = Decimal(i64::MIN);
    pub const MAX: Decimal = Decimal(i64::MAX);

    /// Parses `-?digits.digits` with 1 to 4 fraction digits. Integers without a
    /// fraction are rejected so that `decimal("12")` cannot be mistaken for an Int.
    pub fn parse(text: &str) -> Result<Decimal, LiteralError> {
        let malformed = LiteralError::Malformed {
            kind: LiteralKind::Decimal,
            expected: SHAPE,
        };
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = unsigned.split_once('.').ok_or(malformed.clone())?;
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(whole) || !all_digits(fraction) {
            return Err(malformed);
        }
        if fraction.len() > FRACTION_DIGITS {
            return Err(LiteralError::TooManyFractionDigits);
        }
        let overflow = LiteralError::Overflow(LiteralKind::Decimal);
        // Accumulating in i128 lets i64::MIN through, whose magnitude is not an i64.
        let magnitude = digits_value(whole)
            .and_then(|w| w.checked_mul(i128::from(SCALE)))
            .and_then(|w| {
                let padding = FRACTION_DIGITS - fraction.len();
                let f = digits_value(fraction)? * 10_i128.pow(padding as u32);
                w.checked_add(f)
            })
            .ok_or(overflow.clone())?;
        let signed = if negative { -magnitude } else { magnitude };
        i64::try_from(signed).map(Decimal).map_err(|_| overflow)
    }

    /// The decimal equal to an integer, or `None` when it is out of range.
    pub fn from_int(value: i64) -> Option<Decimal> {
        value.checked_mul(SCALE).map(Decimal)
    }

    /// The decimal whose underlying count of 1/10000ths is `raw`.
    pub const fn from_raw(raw: i64) -> Decimal {
        Decimal(raw)
    }

    pub const fn raw(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        self.0.checked_add(other.0).map(Decimal)
    }

    pub fn checked_sub(self, other: Decimal) -> Option<Decimal> {
        self.0.checked_sub(other.0).map(Decimal)
    }

    /// Multiplies and drops digits past the fourth, rounding toward zero.
    pub fn checked_mul(self, other: Decimal) -> Option<Decimal> {
        let product = i128::from(self.0) * i128::from(other.0) / i128::from(SCALE);
        i64::try_from(product).ok().map(Decimal)
    }

    pub fn checked_neg(self) -> Option<Decimal> {
        self.0.checked_neg().map(Decimal)
    }
}

fn digits_value(digits: &str) -> Option<i128> {
    digits.bytes().try_fold(0_i128, |acc, b| {
        acc.checked_mul(10)?.checked_add(i128::from(b - b'0'))
    })
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let magnitude = self.0.unsigned_abs();
        let scale = SCALE.unsigned_abs();
        let sign = if self.0 < 0 { "-" } else { "" };
        let fraction = format!("{:04}", magnitude % scale);
        // Always one fraction digit, so the text reads back as a decimal and never as an Int.
        let fraction = fraction.trim_end_matches('0');
        let fraction = if fraction.is_empty() { "0" } else { fraction };
        write!(f, "{sign}{}.{fraction}", magnitude / scale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn parses_and_displays() {
        assert_eq!(d("1.5").raw(), 15_000);
        assert_eq!(d("-0.5").to_string(), "-0.5");
        assert_eq!(d("1000.0000").to_string(), "1000.0");
        assert_eq!(d("12.345").to_string(), "12.345");
        assert_eq!(d("0.0001").to_string(), "0.0001");
        assert_eq!(d("007.10").to_string(), "7.1");
        assert_eq!(d("-0.0").to_string(), "0.0");
    }

    #[test]
    fn rejects_bad_shapes() {
        for bad in [
            "", "12", ".5", "5.", "-", "-.5", "1.2.3", "+1.0", " 1.0", "1,0", "1e3", "１.0",
        ] {
            assert!(
                matches!(Decimal::parse(bad), Err(LiteralError::Malformed { .. })),
                "{bad:?}"
            );
        }
        assert_eq!(
            Decimal::parse("1.23456"),
            Err(LiteralError::TooManyFractionDigits)
        );
    }

    #[test]
    fn range_matches_cedar() {
        assert_eq!(d("922337203685477.5807"), Decimal::MAX);
        assert_eq!(d("-922337203685477.5808"), Decimal::MIN);
        assert_eq!(Decimal::MIN.to_string(), "-922337203685477.5808");
        let overflow = Err(LiteralError::Overflow(LiteralKind::Decimal));
        assert_eq!(Decimal::parse("922337203685477.5808"), overflow);
        assert_eq!(Decimal::parse("-922337203685477.5809"), overflow);
        assert_eq!(Decimal::parse(&format!("{}.0", "9".repeat(60))), overflow);
    }

    #[test]
    fn arithmetic() {
        assert_eq!(d("1.5").checked_add(d("2.25")), Some(d("3.75")));
        assert_eq!(d("1.5").checked_sub(d("2.25")), Some(d("-0.75")));
        assert_eq!(d("1.5").checked_mul(d("-2.0")), Some(d("-3.0")));
        assert_eq!(d("0.0001").checked_mul(d("0.5")), Some(d("0.0")));
        assert_eq!(d("-0.0001").checked_mul(d("0.5")), Some(d("0.0")));
        assert_eq!(d("-0.0003").checked_mul(d("0.5")), Some(d("-0.0001")));
        assert_eq!(Decimal::MAX.checked_add(d("0.0001")), None);
        assert_eq!(Decimal::MIN.checked_sub(d("0.0001")), None);
        assert_eq!(Decimal::MAX.checked_mul(d("2.0")), None);
        assert_eq!(Decimal::MIN.checked_neg(), None);
        assert_eq!(d("1.5").checked_neg(), Some(d("-1.5")));
    }

    #[test]
    fn from_int() {
        assert_eq!(Decimal::from_int(12), Some(d("12.0")));
        assert_eq!(
            Decimal::from_int(-922_337_203_685_477),
            Some(d("-922337203685477.0"))
        );
        assert_eq!(Decimal::from_int(922_337_203_685_478), None);
        assert_eq!(Decimal::from_int(i64::MIN), None);
    }

    #[test]
    fn ordering_follows_value() {
        assert!(d("-1.0") < d("0.5"));
        assert!(d("1.25") > d("1.2"));
    }
}
