//! Path built-ins over [`crate::path`].

use super::BuiltinError;
use super::args::{exactly, string};
use crate::{Value, path};

fn transform(args: &[Value], f: fn(&str) -> String) -> Result<Value, BuiltinError> {
    let [text] = exactly(args)?;
    Ok(Value::string(f(string(text)?)))
}

/// Serves both the `normalize(p)` function and the `p.normalize()` method.
pub(super) fn normalize(args: &[Value]) -> Result<Value, BuiltinError> {
    transform(args, path::normalize)
}

pub(super) fn basename(args: &[Value]) -> Result<Value, BuiltinError> {
    transform(args, path::basename)
}

pub(super) fn dirname(args: &[Value]) -> Result<Value, BuiltinError> {
    transform(args, path::dirname)
}

pub(super) fn extension(args: &[Value]) -> Result<Value, BuiltinError> {
    transform(args, path::extension)
}

pub(super) fn within(args: &[Value]) -> Result<Value, BuiltinError> {
    let [p, dir] = exactly(args)?;
    Ok(Value::Bool(path::within(string(p)?, string(dir)?)))
}
