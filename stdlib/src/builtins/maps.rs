//! `Map<K, V>` built-ins.

use super::BuiltinError;
use super::args::{count, exactly, map};
use crate::Value;

pub(super) fn contains_key(args: &[Value]) -> Result<Value, BuiltinError> {
    let [entries, key] = exactly(args)?;
    Ok(Value::Bool(map(entries)?.contains_key(key)))
}

pub(super) fn keys(args: &[Value]) -> Result<Value, BuiltinError> {
    let [entries] = exactly(args)?;
    Ok(Value::set(map(entries)?.keys().cloned()))
}

pub(super) fn values(args: &[Value]) -> Result<Value, BuiltinError> {
    let [entries] = exactly(args)?;
    Ok(Value::set(map(entries)?.values().cloned()))
}

/// A default instead of an error keeps a missing key from deciding the outcome
/// by accident: the author states what absence means.
pub(super) fn get(args: &[Value]) -> Result<Value, BuiltinError> {
    let [entries, key, default] = exactly(args)?;
    Ok(map(entries)?.get(key).unwrap_or(default).clone())
}

pub(super) fn size(args: &[Value]) -> Result<Value, BuiltinError> {
    let [entries] = exactly(args)?;
    count(map(entries)?.len(), "size")
}

pub(super) fn is_empty(args: &[Value]) -> Result<Value, BuiltinError> {
    let [entries] = exactly(args)?;
    Ok(Value::Bool(map(entries)?.is_empty()))
}
