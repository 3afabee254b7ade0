//! Instants in UTC, parsed from the forms Cedar's `datetime()` accepts.

use std::fmt;

use crate::civil::{civil_from_days, days_from_civil, days_in_month};
use crate::duration::{Duration, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND};
use crate::error::{LiteralError, LiteralKind};

const SHAPE: &str = "`YYYY-MM-DD` or `YYYY-MM-DDThh:mm:ss` with optional `.SSS`, \
                     then `Z` or an offset `+hhmm`/`-hhmm`";

/// Milliseconds since 1970-01-01T00:00:00Z, ignoring leap seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Datetime(i64);

impl Datetime {
    pub const UNIX_EPOCH: Datetime = Datetime(0);

    pub const fn from_millis(millis: i64) -> Datetime {
        Datetime(millis)
    }

    pub const fn millis(self) -> i64 {
        self.0
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DDThh:mm:ssZ`, `YYYY-MM-DDThh:mm:ss.SSSZ`,
    /// `YYYY-MM-DDThh:mm:ss(+|-)hhmm` or `YYYY-MM-DDThh:mm:ss.SSS(+|-)hhmm`.
    pub fn parse(text: &str) -> Result<Datetime, LiteralError> {
        let mut cursor = Cursor { rest: text };
        let year = cursor.number(4)?;
        cursor.expect(b'-')?;
        let month = cursor.number(2)?;
        cursor.expect(b'-')?;
        let day = cursor.number(2)?;
        check_range("month", month, 1, 12)?;
        if day < 1 || day > days_in_month(i64::from(year), month) {
            return Err(LiteralError::DayOutOfRange { year, month, day });
        }
        let midnight = days_from_civil(i64::from(year), month, day) * MS_PER_DAY;
        if cursor.rest.is_empty() {
            return Ok(Datetime(midnight));
        }
        cursor.expect(b'T')?;
        let hour = cursor.number(2)?;
        cursor.expect(b':')?;
        let minute = cursor.number(2)?;
        cursor.expect(b':')?;
        let second = cursor.number(2)?;
        check_range("hour", hour, 0, 23)?;
        check_range("minute", minute, 0, 59)?;
        check_range("second", second, 0, 59)?;
        let millis = if cursor.eat(b'.') {
            cursor.number(3)?
        } else {
            0
        };
        let offset = match cursor.next()? {
            b'Z' => 0,
            sign @ (b'+' | b'-') => {
                let hours = cursor.number(2)?;
                let minutes = cursor.number(2)?;
                check_range("offset hour", hours, 0, 23)?;
                check_range("offset minute", minutes, 0, 59)?;
                let offset = i64::from(hours) * MS_PER_HOUR + i64::from(minutes) * MS_PER_MINUTE;
                if sign == b'-' { -offset } else { offset }
            }
            _ => return Err(malformed()),
        };
        if !cursor.rest.is_empty() {
            return Err(malformed());
        }
        let local = midnight
            + i64::from(hour) * MS_PER_HOUR
            + i64::from(minute) * MS_PER_MINUTE
            + i64::from(second) * MS_PER_SECOND
            + i64::from(millis);
        // Years 0000..=9999 keep this far from overflow.
        Ok(Datetime(local - offset))
    }

    pub fn checked_add(self, duration: Duration) -> Option<Datetime> {
        self.0.checked_add(duration.millis()).map(Datetime)
    }

    pub fn checked_sub(self, duration: Duration) -> Option<Datetime> {
        self.0.checked_sub(duration.millis()).map(Datetime)
    }

    /// How long after `earlier` this instant is; negative if it is before.
    pub fn checked_since(self, earlier: Datetime) -> Option<Duration> {
        self.0.checked_sub(earlier.0).map(Duration::from_millis)
    }

    /// Midnight UTC of the same day. Rounds toward the past, so instants before
    /// 1970 land on their own day rather than the next one.
    pub fn checked_date(self) -> Option<Datetime> {
        self.0
            .checked_sub(self.0.rem_euclid(MS_PER_DAY))
            .map(Datetime)
    }

    /// Time since midnight UTC of the same day, always non-negative.
    pub fn time_of_day(self) -> Duration {
        Duration::from_millis(self.0.rem_euclid(MS_PER_DAY))
    }
}

fn malformed() -> LiteralError {
    LiteralError::Malformed {
        kind: LiteralKind::Datetime,
        expected: SHAPE,
    }
}

fn check_range(field: &'static str, value: u32, low: u32, high: u32) -> Result<(), LiteralError> {
    if (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(LiteralError::FieldOutOfRange { field, value })
    }
}

struct Cursor<'a> {
    rest: &'a str,
}

impl Cursor<'_> {
    fn next(&mut self) -> Result<u8, LiteralError> {
        let byte = *self.rest.as_bytes().first().ok_or_else(malformed)?;
        // Only ASCII bytes are ever accepted, so slicing after one stays on a char boundary.
        if !byte.is_ascii() {
            return Err(malformed());
        }
        self.rest = &self.rest[1..];
        Ok(byte)
    }

    fn eat(&mut self, expected: u8) -> bool {
        if self.rest.as_bytes().first() == Some(&expected) {
            self.rest = &self.rest[1..];
            true
        } else {
            false
        }
    }

    fn expect(&mut self, expected: u8) -> Result<(), LiteralError> {
        if self.eat(expected) {
            Ok(())
        } else {
            Err(malformed())
        }
    }

    /// Exactly `width` ASCII digits.
    fn number(&mut self, width: usize) -> Result<u32, LiteralError> {
        let digits = self.rest.get(..width).ok_or_else(malformed)?;
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed());
        }
        self.rest = &self.rest[width..];
        Ok(digits
            .bytes()
            .fold(0, |acc, b| acc * 10 + u32::from(b - b'0')))
    }
}

impl fmt::Display for Datetime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0.div_euclid(MS_PER_DAY);
        let in_day = self.0.rem_euclid(MS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        // Arithmetic can leave 0000..=9999; ISO 8601's expanded years keep those readable.
        if (0..=9999).contains(&year) {
            write!(f, "{year:04}")?;
        } else if year < 0 {
            write!(f, "-{:04}", year.unsigned_abs())?;
        } else {
            write!(f, "+{year}")?;
        }
        let hour = in_day / MS_PER_HOUR;
        let minute = in_day % MS_PER_HOUR / MS_PER_MINUTE;
        let second = in_day % MS_PER_MINUTE / MS_PER_SECOND;
        let millis = in_day % MS_PER_SECOND;
        write!(f, "-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}")?;
        if millis != 0 {
            write!(f, ".{millis:03}")?;
        }
        f.write_str("Z")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> i64 {
        Datetime::parse(text).unwrap().millis()
    }

    fn show(millis: i64) -> String {
        Datetime::from_millis(millis).to_string()
    }

    #[test]
    fn parses_every_form() {
        assert_eq!(parse("1970-01-01"), 0);
        assert_eq!(parse("1970-01-02"), MS_PER_DAY);
        assert_eq!(parse("2026-11-27T08:00:00Z"), 1_795_766_400_000);
        assert_eq!(parse("2026-11-27T08:00:00.250Z"), 1_795_766_400_250);
        assert_eq!(parse("2026-11-27T09:30:00+0130"), 1_795_766_400_000);
        assert_eq!(parse("2026-11-27T03:00:00-0500"), 1_795_766_400_000);
        assert_eq!(parse("2026-11-27T03:00:00.250-0500"), 1_795_766_400_250);
        assert_eq!(parse("1969-12-31T23:59:59.999Z"), -1);
    }

    #[test]
    fn offsets_can_cross_dates() {
        assert_eq!(
            show(parse("2024-01-01T00:30:00+0100")),
            "2023-12-31T23:30:00Z"
        );
        assert_eq!(
            show(parse("2023-12-31T23:30:00-0100")),
            "2024-01-01T00:30:00Z"
        );
    }

    #[test]
    fn validates_calendar() {
        assert_eq!(parse("2024-02-29"), parse("2024-03-01") - MS_PER_DAY);
        assert_eq!(
            parse("2000-02-29T00:00:00Z"),
            parse("2000-03-01") - MS_PER_DAY
        );
        assert_eq!(
            Datetime::parse("2023-02-29"),
            Err(LiteralError::DayOutOfRange {
                year: 2023,
                month: 2,
                day: 29
            })
        );
        assert!(Datetime::parse("1900-02-29").is_err());
        assert!(Datetime::parse("2024-04-31").is_err());
        assert!(Datetime::parse("2024-01-00").is_err());
        assert_eq!(
            Datetime::parse("2024-13-01").unwrap_err().to_string(),
            "month 13 is out of range"
        );
        assert!(Datetime::parse("2024-00-01").is_err());
        assert!(Datetime::parse("2024-01-01T24:00:00Z").is_err());
        assert!(Datetime::parse("2024-01-01T23:60:00Z").is_err());
        assert!(Datetime::parse("2024-01-01T23:59:60Z").is_err());
        assert!(Datetime::parse("2024-01-01T00:00:00+2400").is_err());
        assert!(Datetime::parse("2024-01-01T00:00:00+0060").is_err());
        assert_eq!(parse("0000-01-01"), -62_167_219_200_000);
        assert_eq!(
            show(parse("9999-12-31T23:59:59.999Z")),
            "9999-12-31T23:59:59.999Z"
        );
    }

    #[test]
    fn rejects_bad_shapes() {
        for bad in [
            "",
            "2024",
            "2024-1-01",
            "24-01-01",
            "2024-01-01T",
            "2024-01-01T00:00",
            "2024-01-01T00:00:00",
            "2024-01-01 00:00:00Z",
            "2024-01-01T00:00:00z",
            "2024-01-01T00:00:00.5Z",
            "2024-01-01T00:00:00.5000Z",
            "2024-01-01T00:00:00+01:00",
            "2024-01-01T00:00:00+01",
            "2024-01-01T00:00:00Zjunk",
            "2024-01-01Z",
            "+2024-01-01",
            "2024-01-01T00:00:00é",
            "２024-01-01",
            "2024-01-0é",
        ] {
            assert!(
                matches!(Datetime::parse(bad), Err(LiteralError::Malformed { .. })),
                "{bad:?}: {:?}",
                Datetime::parse(bad)
            );
        }
    }

    #[test]
    fn displays_rfc3339_utc() {
        assert_eq!(show(1_795_766_400_000), "2026-11-27T08:00:00Z");
        assert_eq!(show(1_795_766_400_007), "2026-11-27T08:00:00.007Z");
        assert_eq!(show(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(
            show(parse("0000-01-01") - MS_PER_DAY),
            "-0001-12-31T00:00:00Z"
        );
        assert_eq!(
            show(parse("9999-12-31") + MS_PER_DAY),
            "+10000-01-01T00:00:00Z"
        );
        assert_eq!(show(i64::MIN), "-292275055-05-16T16:47:04.192Z");
        assert_eq!(show(i64::MAX), "+292278994-08-17T07:12:55.807Z");
    }

    #[test]
    fn arithmetic() {
        let start = Datetime::from_millis(1_000);
        let hour = Duration::from_millis(MS_PER_HOUR);
        assert_eq!(
            start.checked_add(hour).unwrap().millis(),
            1_000 + MS_PER_HOUR
        );
        assert_eq!(
            start.checked_sub(hour).unwrap().millis(),
            1_000 - MS_PER_HOUR
        );
        assert_eq!(
            start.checked_since(Datetime::from_millis(4_000)),
            Some(Duration::from_millis(-3_000))
        );
        assert_eq!(Datetime::from_millis(i64::MAX).checked_add(hour), None);
        assert_eq!(
            Datetime::from_millis(i64::MIN).checked_since(Datetime::from_millis(1)),
            None
        );
    }

    #[test]
    fn date_and_time_of_day() {
        let before_epoch = Datetime::from_millis(parse("1969-12-31T18:00:00Z"));
        assert_eq!(
            before_epoch.checked_date().unwrap().to_string(),
            "1969-12-31T00:00:00Z"
        );
        assert_eq!(before_epoch.time_of_day().millis(), 18 * MS_PER_HOUR);
        let after = Datetime::from_millis(parse("2026-11-27T08:00:00.500Z"));
        assert_eq!(
            after.checked_date().unwrap().to_string(),
            "2026-11-27T00:00:00Z"
        );
        assert_eq!(after.time_of_day().to_string(), "8h500ms");
        assert_eq!(Datetime::from_millis(i64::MIN).checked_date(), None);
        assert!(Datetime::from_millis(i64::MAX).checked_date().is_some());
    }
}
