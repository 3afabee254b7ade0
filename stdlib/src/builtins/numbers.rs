//! Int and Decimal built-ins.

use super::BuiltinError;
use super::args::{decimal, exactly, int, string};
use crate::error::LiteralKind;
use crate::{Decimal, Value};

pub(super) fn parse_decimal(args: &[Value]) -> Result<Value, BuiltinError> {
    let [text] = exactly(args)?;
    let text = string(text)?;
    Decimal::parse(text)
        .map(Value::Decimal)
        .map_err(|e| BuiltinError::invalid_literal(LiteralKind::Decimal, text, e))
}

pub(super) fn min(args: &[Value]) -> Result<Value, BuiltinError> {
    let [a, b] = exactly(args)?;
    Ok(Value::Int(int(a)?.min(int(b)?)))
}

pub(super) fn max(args: &[Value]) -> Result<Value, BuiltinError> {
    let [a, b] = exactly(args)?;
    Ok(Value::Int(int(a)?.max(int(b)?)))
}

pub(super) fn abs(args: &[Value]) -> Result<Value, BuiltinError> {
    let [a] = exactly(args)?;
    int(a)?
        .checked_abs()
        .map(Value::Int)
        .ok_or(BuiltinError::Overflow {
            what: "integer",
            op: "abs",
        })
}

pub(super) fn to_decimal(args: &[Value]) -> Result<Value, BuiltinError> {
    let [a] = exactly(args)?;
    Decimal::from_int(int(a)?)
        .map(Value::Decimal)
        .ok_or(BuiltinError::Overflow {
            what: "decimal",
            op: "toDecimal",
        })
}

fn compare(args: &[Value], test: fn(&Decimal, &Decimal) -> bool) -> Result<Value, BuiltinError> {
    let [a, b] = exactly(args)?;
    Ok(Value::Bool(test(&decimal(a)?, &decimal(b)?)))
}

pub(super) fn less_than(args: &[Value]) -> Result<Value, BuiltinError> {
    compare(args, Decimal::lt)
}

pub(super) fn less_than_or_equal(args: &[Value]) -> Result<Value, BuiltinError> {
    compare(args, Decimal::le)
}

pub(super) fn greater_than(args: &[Value]) -> Result<Value, BuiltinError> {
    compare(args, Decimal::gt)
}

pub(super) fn greater_than_or_equal(args: &[Value]) -> Result<Value, BuiltinError> {
    compare(args, Decimal::ge)
}
