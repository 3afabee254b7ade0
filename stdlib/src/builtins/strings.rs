//! String built-ins.

use super::BuiltinError;
use super::args::{count, exactly, string};
use super::regex::full_match;
use crate::Value;

fn test(args: &[Value], f: fn(&str, &str) -> bool) -> Result<Value, BuiltinError> {
    let [text, other] = exactly(args)?;
    Ok(Value::Bool(f(string(text)?, string(other)?)))
}

pub(super) fn starts_with(args: &[Value]) -> Result<Value, BuiltinError> {
    test(args, |text, prefix| text.starts_with(prefix))
}

pub(super) fn ends_with(args: &[Value]) -> Result<Value, BuiltinError> {
    test(args, |text, suffix| text.ends_with(suffix))
}

pub(super) fn contains(args: &[Value]) -> Result<Value, BuiltinError> {
    test(args, |text, needle| text.contains(needle))
}

fn transform(args: &[Value], f: fn(&str) -> String) -> Result<Value, BuiltinError> {
    let [text] = exactly(args)?;
    Ok(Value::string(f(string(text)?)))
}

pub(super) fn to_lower(args: &[Value]) -> Result<Value, BuiltinError> {
    transform(args, str::to_lowercase)
}

pub(super) fn to_upper(args: &[Value]) -> Result<Value, BuiltinError> {
    transform(args, str::to_uppercase)
}

pub(super) fn trim(args: &[Value]) -> Result<Value, BuiltinError> {
    transform(args, |text| text.trim().to_owned())
}

pub(super) fn len(args: &[Value]) -> Result<Value, BuiltinError> {
    let [text] = exactly(args)?;
    count(string(text)?.chars().count(), "len")
}

/// An empty separator splits into single characters rather than failing, so
/// the result is never a surprise error at authorization time.
pub(super) fn split(args: &[Value]) -> Result<Value, BuiltinError> {
    let [text, separator] = exactly(args)?;
    let (text, separator) = (string(text)?, string(separator)?);
    Ok(if separator.is_empty() {
        Value::set(text.chars().map(|c| Value::string(c.to_string())))
    } else {
        Value::set(text.split(separator).map(Value::from))
    })
}

pub(super) fn matches(args: &[Value]) -> Result<Value, BuiltinError> {
    let [text, pattern] = exactly(args)?;
    full_match(string(pattern)?, string(text)?).map(Value::Bool)
}
