//! `Set<T>` built-ins.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::BuiltinError;
use super::args::{count, exactly, set};
use crate::Value;

pub(super) fn contains(args: &[Value]) -> Result<Value, BuiltinError> {
    let [items, item] = exactly(args)?;
    Ok(Value::Bool(set(items)?.contains(item)))
}

pub(super) fn contains_all(args: &[Value]) -> Result<Value, BuiltinError> {
    let [items, others] = exactly(args)?;
    Ok(Value::Bool(set(others)?.is_subset(set(items)?)))
}

pub(super) fn contains_any(args: &[Value]) -> Result<Value, BuiltinError> {
    let [items, others] = exactly(args)?;
    Ok(Value::Bool(!set(items)?.is_disjoint(set(others)?)))
}

fn combine(
    args: &[Value],
    op: fn(&BTreeSet<Value>, &BTreeSet<Value>) -> BTreeSet<Value>,
) -> Result<Value, BuiltinError> {
    let [a, b] = exactly(args)?;
    Ok(Value::Set(Arc::new(op(set(a)?, set(b)?))))
}

pub(super) fn union(args: &[Value]) -> Result<Value, BuiltinError> {
    combine(args, |a, b| a.union(b).cloned().collect())
}

pub(super) fn intersect(args: &[Value]) -> Result<Value, BuiltinError> {
    combine(args, |a, b| a.intersection(b).cloned().collect())
}

pub(super) fn difference(args: &[Value]) -> Result<Value, BuiltinError> {
    combine(args, |a, b| a.difference(b).cloned().collect())
}

pub(super) fn size(args: &[Value]) -> Result<Value, BuiltinError> {
    let [items] = exactly(args)?;
    count(set(items)?.len(), "size")
}

pub(super) fn is_empty(args: &[Value]) -> Result<Value, BuiltinError> {
    let [items] = exactly(args)?;
    Ok(Value::Bool(set(items)?.is_empty()))
}
