//! Writ's standard library: the run-time value domain and the one table of
//! built-in functions.
//!
//! The checker and the evaluator both depend on this crate and on nothing of
//! each other's. The checker types a call to `startsWith` from the signature in
//! [`BUILTINS`]; the evaluator runs the `eval` in the same entry. With one
//! table there is no second list to forget, so what the checker promises and
//! what the evaluator does cannot drift apart.
//!
//! Everything here is pure: no I/O, no clock, no global state that changes an
//! answer, and no panics on any input. Failures are values
//! ([`LiteralError`], [`BuiltinError`]).

mod builtins;
mod civil;
mod datetime;
mod decimal;
mod duration;
mod entity;
mod error;
mod glob;
mod ip;
pub mod path;
mod prelude;
mod syntax;
mod value;

pub use builtins::{
    BUILTINS, Builtin, BuiltinError, BuiltinId, Kind, SigType, all, builtin, lookup, names,
    validate_regex,
};
pub use datetime::Datetime;
pub use decimal::Decimal;
pub use duration::Duration;
pub use entity::EntityUid;
pub use error::{LiteralError, LiteralKind};
pub use glob::{Pattern, PatternElem};
pub use ip::IpNet;
pub use prelude::{PreludeModule, prelude, prelude_modules};
pub use syntax::{Key, Quoted, is_identifier};
pub use value::Value;
