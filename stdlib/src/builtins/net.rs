//! IpAddr built-ins, following Cedar's `ipaddr` extension.

use super::BuiltinError;
use super::args::{exactly, ip, string};
use crate::error::LiteralKind;
use crate::{IpNet, Value};

pub(super) fn parse_ip(args: &[Value]) -> Result<Value, BuiltinError> {
    let [text] = exactly(args)?;
    let text = string(text)?;
    IpNet::parse(text)
        .map(Value::Ip)
        .map_err(|e| BuiltinError::invalid_literal(LiteralKind::IpAddr, text, e))
}

fn test(args: &[Value], property: fn(&IpNet) -> bool) -> Result<Value, BuiltinError> {
    let [net] = exactly(args)?;
    Ok(Value::Bool(property(&ip(net)?)))
}

pub(super) fn is_ipv4(args: &[Value]) -> Result<Value, BuiltinError> {
    test(args, IpNet::is_ipv4)
}

pub(super) fn is_ipv6(args: &[Value]) -> Result<Value, BuiltinError> {
    test(args, IpNet::is_ipv6)
}

pub(super) fn is_loopback(args: &[Value]) -> Result<Value, BuiltinError> {
    test(args, IpNet::is_loopback)
}

pub(super) fn is_multicast(args: &[Value]) -> Result<Value, BuiltinError> {
    test(args, IpNet::is_multicast)
}

pub(super) fn is_in_range(args: &[Value]) -> Result<Value, BuiltinError> {
    let [inner, outer] = exactly(args)?;
    Ok(Value::Bool(ip(outer)?.contains(&ip(inner)?)))
}
