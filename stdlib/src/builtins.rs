//! The one table of built-in functions and methods.
//!
//! The checker reads each entry's signature and the evaluator calls its `eval`,
//! both through [`BUILTINS`], so what a built-in is declared to take and what
//! it actually does live side by side and cannot drift apart.

mod args;
mod error;
mod maps;
mod net;
mod numbers;
mod paths;
mod regex;
mod sets;
mod strings;
mod table;
mod time;

use std::fmt;

pub use error::BuiltinError;
pub use regex::validate_regex;
pub use table::BUILTINS;

use crate::Value;

/// A type in a built-in's signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SigType {
    Bool,
    Int,
    Decimal,
    String,
    Datetime,
    Duration,
    IpAddr,
    Set(&'static SigType),
    Map(&'static SigType, &'static SigType),
    /// Type variables, unified by the checker at each call. `T` is a set's
    /// element type; `K` and `V` are a map's key and value types.
    T,
    K,
    V,
}

impl fmt::Display for SigType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SigType::Bool => f.write_str("Bool"),
            SigType::Int => f.write_str("Int"),
            SigType::Decimal => f.write_str("Decimal"),
            SigType::String => f.write_str("String"),
            SigType::Datetime => f.write_str("Datetime"),
            SigType::Duration => f.write_str("Duration"),
            SigType::IpAddr => f.write_str("IpAddr"),
            SigType::Set(item) => write!(f, "Set<{item}>"),
            SigType::Map(key, value) => write!(f, "Map<{key}, {value}>"),
            SigType::T => f.write_str("T"),
            SigType::K => f.write_str("K"),
            SigType::V => f.write_str("V"),
        }
    }
}

/// Whether a built-in is called as `f(x)` or as `x.f()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Method,
    Function,
}

#[derive(Clone, Copy, Debug)]
pub struct Builtin {
    pub name: &'static str,
    pub kind: Kind,
    /// For methods the first entry of `params` is the receiver.
    pub params: &'static [SigType],
    pub ret: SigType,
    /// One or two sentences, shown in editor hovers.
    pub doc: &'static str,
    /// A Writ expression using it.
    pub example: &'static str,
    /// Receives the arguments in `params` order, receiver first.
    pub eval: fn(&[Value]) -> Result<Value, BuiltinError>,
}

impl Builtin {
    /// The receiver's type, for methods.
    pub fn receiver(&self) -> Option<&'static SigType> {
        match self.kind {
            Kind::Method => self.params.first(),
            Kind::Function => None,
        }
    }

    /// The parameters after the receiver, for methods; all of them for functions.
    pub fn arguments(&self) -> &'static [SigType] {
        match self.kind {
            Kind::Method => self.params.get(1..).unwrap_or_default(),
            Kind::Function => self.params,
        }
    }

    /// How the built-in reads in a hover: `Set<T>.contains(T) -> Bool` or
    /// `ip(String) -> IpAddr`.
    pub fn signature(&self) -> String {
        let receiver = self.receiver().map(|r| format!("{r}.")).unwrap_or_default();
        let arguments: Vec<String> = self.arguments().iter().map(ToString::to_string).collect();
        format!(
            "{receiver}{}({}) -> {}",
            self.name,
            arguments.join(", "),
            self.ret
        )
    }
}

/// Names an entry of [`BUILTINS`] by its index.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct BuiltinId(pub u16);

/// The built-in an id names.
///
/// # Panics
/// If `id` did not come from [`lookup`] or [`all`] (its index is past the table).
pub fn builtin(id: BuiltinId) -> &'static Builtin {
    &BUILTINS[usize::from(id.0)]
}

/// Every built-in with its id, in table order.
pub fn all() -> impl Iterator<Item = (BuiltinId, &'static Builtin)> {
    // The table test keeps the table shorter than u16::MAX entries.
    (0_u16..).zip(BUILTINS).map(|(i, b)| (BuiltinId(i), b))
}

/// Every overload called `name` of the given kind.
pub fn lookup(name: &str, kind: Kind) -> impl Iterator<Item = (BuiltinId, &'static Builtin)> {
    all().filter(move |(_, b)| b.name == name && b.kind == kind)
}

/// Each built-in name once, for did-you-mean suggestions.
pub fn names() -> impl Iterator<Item = &'static str> {
    BUILTINS
        .iter()
        .enumerate()
        .filter(|(i, b)| !BUILTINS[..*i].iter().any(|earlier| earlier.name == b.name))
        .map(|(_, b)| b.name)
}

#[cfg(test)]
mod tests;
