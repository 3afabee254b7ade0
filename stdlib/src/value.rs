//! The values policies compute with at run time.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use crate::datetime::Datetime;
use crate::decimal::Decimal;
use crate::duration::Duration;
use crate::entity::EntityUid;
use crate::ip::IpNet;
use crate::syntax::{Key, Quoted};

/// A run-time value. Cloning is cheap: strings and collections sit behind `Arc`.
///
/// Enum members are plain `String`s here; the checker keeps enums and strings
/// apart, so the evaluator never needs to.
///
/// The ordering is total and structural (variants first, then contents). It
/// exists so values can live in sets and map keys; it is not the language's
/// `<`, which the checker only allows between like types.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Decimal(Decimal),
    String(Arc<str>),
    Datetime(Datetime),
    Duration(Duration),
    Ip(IpNet),
    Entity(EntityUid),
    Set(Arc<BTreeSet<Value>>),
    Map(Arc<BTreeMap<Value, Value>>),
    Record(Arc<BTreeMap<Arc<str>, Value>>),
}

impl Value {
    /// The type's name as error messages spell it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Bool(_) => "Bool",
            Value::Int(_) => "Int",
            Value::Decimal(_) => "Decimal",
            Value::String(_) => "String",
            Value::Datetime(_) => "Datetime",
            Value::Duration(_) => "Duration",
            Value::Ip(_) => "IpAddr",
            Value::Entity(_) => "entity",
            Value::Set(_) => "Set",
            Value::Map(_) => "Map",
            Value::Record(_) => "record",
        }
    }

    pub fn string(text: impl Into<Arc<str>>) -> Value {
        Value::String(text.into())
    }

    pub fn entity(ty: impl Into<Arc<str>>, id: impl Into<Arc<str>>) -> Value {
        Value::Entity(EntityUid::new(ty, id))
    }

    pub fn set(items: impl IntoIterator<Item = Value>) -> Value {
        Value::Set(Arc::new(items.into_iter().collect()))
    }

    pub fn map(entries: impl IntoIterator<Item = (Value, Value)>) -> Value {
        Value::Map(Arc::new(entries.into_iter().collect()))
    }

    pub fn record<K: Into<Arc<str>>>(fields: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Record(Arc::new(
            fields.into_iter().map(|(k, v)| (k.into(), v)).collect(),
        ))
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_entity(&self) -> Option<&EntityUid> {
        match self {
            Value::Entity(e) => Some(e),
            _ => None,
        }
    }

    pub fn as_set(&self) -> Option<&BTreeSet<Value>> {
        match self {
            Value::Set(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&BTreeMap<Value, Value>> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_record(&self) -> Option<&BTreeMap<Arc<str>, Value>> {
        match self {
            Value::Record(r) => Some(r),
            _ => None,
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.into())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s.into())
    }
}

impl From<Decimal> for Value {
    fn from(d: Decimal) -> Value {
        Value::Decimal(d)
    }
}

impl From<Datetime> for Value {
    fn from(d: Datetime) -> Value {
        Value::Datetime(d)
    }
}

impl From<Duration> for Value {
    fn from(d: Duration) -> Value {
        Value::Duration(d)
    }
}

impl From<IpNet> for Value {
    fn from(ip: IpNet) -> Value {
        Value::Ip(ip)
    }
}

impl From<EntityUid> for Value {
    fn from(e: EntityUid) -> Value {
        Value::Entity(e)
    }
}

/// Prints Writ literal syntax, so values in messages can be pasted into a policy.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Decimal(d) => write!(f, "{d}"),
            Value::String(s) => write!(f, "{}", Quoted(s)),
            Value::Datetime(d) => write!(f, "@{d}"),
            Value::Duration(d) => write!(f, "{d}"),
            Value::Ip(ip) => write!(f, "ip(\"{ip}\")"),
            Value::Entity(e) => write!(f, "{e}"),
            Value::Set(items) => {
                f.write_str("[")?;
                separated(f, items.iter(), |f, item| write!(f, "{item}"))?;
                f.write_str("]")
            }
            // `{}` is the empty record, so the empty map needs its own spelling.
            Value::Map(entries) if entries.is_empty() => f.write_str("{=>}"),
            Value::Map(entries) => {
                f.write_str("{")?;
                separated(f, entries.iter(), |f, (k, v)| write!(f, "{k} => {v}"))?;
                f.write_str("}")
            }
            Value::Record(fields) => {
                f.write_str("{")?;
                separated(f, fields.iter(), |f, (k, v)| write!(f, "{}: {v}", Key(k)))?;
                f.write_str("}")
            }
        }
    }
}

fn separated<T>(
    f: &mut fmt::Formatter<'_>,
    items: impl Iterator<Item = T>,
    mut each: impl FnMut(&mut fmt::Formatter<'_>, T) -> fmt::Result,
) -> fmt::Result {
    for (i, item) in items.enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        each(f, item)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_literal_syntax() {
        let record = Value::record([
            ("a", Value::Int(1)),
            ("b c", Value::from("x\"y")),
            ("set", Value::set([Value::Int(2), Value::Int(1)])),
        ]);
        assert_eq!(record.to_string(), r#"{a: 1, "b c": "x\"y", set: [1, 2]}"#);
        assert_eq!(Value::record::<&str>([]).to_string(), "{}");
        assert_eq!(Value::map([]).to_string(), "{=>}");
        assert_eq!(
            Value::map([(Value::from("k"), Value::Bool(true))]).to_string(),
            r#"{"k" => true}"#
        );
        assert_eq!(Value::set([]).to_string(), "[]");
        assert_eq!(
            Value::Decimal(Decimal::parse("1.50").unwrap()).to_string(),
            "1.5"
        );
        assert_eq!(
            Value::Datetime(Datetime::parse("2026-01-01").unwrap()).to_string(),
            "@2026-01-01T00:00:00Z"
        );
        assert_eq!(
            Value::Duration(Duration::parse("90m").unwrap()).to_string(),
            "1h30m"
        );
        assert_eq!(
            Value::Ip(IpNet::parse("10.0.0.0/8").unwrap()).to_string(),
            r#"ip("10.0.0.0/8")"#
        );
        assert_eq!(
            Value::entity("User", "al\"ice").to_string(),
            r#"User::"al\"ice""#
        );
        assert_eq!(Value::Int(-3).to_string(), "-3");
    }

    #[test]
    fn type_names() {
        assert_eq!(
            Value::Ip(IpNet::parse("::1").unwrap()).type_name(),
            "IpAddr"
        );
        assert_eq!(Value::entity("A", "b").type_name(), "entity");
        assert_eq!(Value::record::<&str>([]).type_name(), "record");
    }

    #[test]
    fn is_shareable_across_threads() {
        fn assert_traits<T: Send + Sync + Clone + Eq + Ord + std::hash::Hash + fmt::Debug>() {}
        assert_traits::<Value>();
    }

    #[test]
    fn sets_deduplicate_structurally() {
        let set = Value::set([Value::from("a"), Value::from("a"), Value::Int(1)]);
        assert_eq!(set.as_set().map(BTreeSet::len), Some(2));
    }
}
