//! Unpacking arguments. The checker has already proved their types, so a
//! mismatch here means a bug upstream; it becomes an error, never a panic.

use std::collections::{BTreeMap, BTreeSet};

use super::BuiltinError;
use crate::{Datetime, Decimal, Duration, IpNet, Value};

/// The arguments as a fixed-size array, or an arity error.
pub(super) fn exactly<const N: usize>(args: &[Value]) -> Result<&[Value; N], BuiltinError> {
    args.try_into().map_err(|_| BuiltinError::Arity {
        expected: N,
        found: args.len(),
    })
}

fn mismatch(expected: &'static str, found: &Value) -> BuiltinError {
    BuiltinError::Type {
        expected,
        found: found.type_name(),
    }
}

pub(super) fn string(value: &Value) -> Result<&str, BuiltinError> {
    value.as_str().ok_or_else(|| mismatch("String", value))
}

pub(super) fn int(value: &Value) -> Result<i64, BuiltinError> {
    value.as_int().ok_or_else(|| mismatch("Int", value))
}

pub(super) fn decimal(value: &Value) -> Result<Decimal, BuiltinError> {
    match value {
        Value::Decimal(d) => Ok(*d),
        other => Err(mismatch("Decimal", other)),
    }
}

pub(super) fn datetime(value: &Value) -> Result<Datetime, BuiltinError> {
    match value {
        Value::Datetime(d) => Ok(*d),
        other => Err(mismatch("Datetime", other)),
    }
}

pub(super) fn duration(value: &Value) -> Result<Duration, BuiltinError> {
    match value {
        Value::Duration(d) => Ok(*d),
        other => Err(mismatch("Duration", other)),
    }
}

pub(super) fn ip(value: &Value) -> Result<IpNet, BuiltinError> {
    match value {
        Value::Ip(ip) => Ok(*ip),
        other => Err(mismatch("IpAddr", other)),
    }
}

pub(super) fn set(value: &Value) -> Result<&BTreeSet<Value>, BuiltinError> {
    value.as_set().ok_or_else(|| mismatch("Set", value))
}

pub(super) fn map(value: &Value) -> Result<&BTreeMap<Value, Value>, BuiltinError> {
    value.as_map().ok_or_else(|| mismatch("Map", value))
}

/// A collection size as an Int.
pub(super) fn count(len: usize, op: &'static str) -> Result<Value, BuiltinError> {
    i64::try_from(len)
        .map(Value::Int)
        .map_err(|_| BuiltinError::Overflow {
            what: "integer",
            op,
        })
}
