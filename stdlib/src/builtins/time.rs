//! Datetime and Duration built-ins, following Cedar's `datetime` extension.

use super::BuiltinError;
use super::args::{datetime, duration, exactly, string};
use crate::duration::{MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND};
use crate::error::LiteralKind;
use crate::{Datetime, Duration, Value};

pub(super) fn parse_datetime(args: &[Value]) -> Result<Value, BuiltinError> {
    let [text] = exactly(args)?;
    let text = string(text)?;
    Datetime::parse(text)
        .map(Value::Datetime)
        .map_err(|e| BuiltinError::invalid_literal(LiteralKind::Datetime, text, e))
}

pub(super) fn parse_duration(args: &[Value]) -> Result<Value, BuiltinError> {
    let [text] = exactly(args)?;
    let text = string(text)?;
    Duration::parse(text)
        .map(Value::Duration)
        .map_err(|e| BuiltinError::invalid_literal(LiteralKind::Duration, text, e))
}

fn overflow(what: &'static str, op: &'static str) -> BuiltinError {
    BuiltinError::Overflow { what, op }
}

pub(super) fn offset(args: &[Value]) -> Result<Value, BuiltinError> {
    let [at, by] = exactly(args)?;
    datetime(at)?
        .checked_add(duration(by)?)
        .map(Value::Datetime)
        .ok_or(overflow("datetime", "offset"))
}

pub(super) fn duration_since(args: &[Value]) -> Result<Value, BuiltinError> {
    let [later, earlier] = exactly(args)?;
    datetime(later)?
        .checked_since(datetime(earlier)?)
        .map(Value::Duration)
        .ok_or(overflow("duration", "durationSince"))
}

pub(super) fn to_date(args: &[Value]) -> Result<Value, BuiltinError> {
    let [at] = exactly(args)?;
    datetime(at)?
        .checked_date()
        .map(Value::Datetime)
        .ok_or(overflow("datetime", "toDate"))
}

pub(super) fn to_time(args: &[Value]) -> Result<Value, BuiltinError> {
    let [at] = exactly(args)?;
    Ok(Value::Duration(datetime(at)?.time_of_day()))
}

fn whole(args: &[Value], unit_ms: i64) -> Result<Value, BuiltinError> {
    let [span] = exactly(args)?;
    Ok(Value::Int(duration(span)?.whole(unit_ms)))
}

pub(super) fn to_milliseconds(args: &[Value]) -> Result<Value, BuiltinError> {
    whole(args, 1)
}

pub(super) fn to_seconds(args: &[Value]) -> Result<Value, BuiltinError> {
    whole(args, MS_PER_SECOND)
}

pub(super) fn to_minutes(args: &[Value]) -> Result<Value, BuiltinError> {
    whole(args, MS_PER_MINUTE)
}

pub(super) fn to_hours(args: &[Value]) -> Result<Value, BuiltinError> {
    whole(args, MS_PER_HOUR)
}

pub(super) fn to_days(args: &[Value]) -> Result<Value, BuiltinError> {
    whole(args, MS_PER_DAY)
}
