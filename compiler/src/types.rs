//! The types the checker reasons with.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

pub type Name = Arc<str>;

/// What is statically known of a boolean. `is` and `has` on known types give `True` or
/// `False`, which lets the checker skip the branches that cannot run (as Cedar's validator does)
/// and find rules that can never match.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Truth {
    Unknown,
    True,
    False,
}

impl std::ops::Not for Truth {
    type Output = Truth;

    fn not(self) -> Truth {
        match self {
            Truth::Unknown => Truth::Unknown,
            Truth::True => Truth::False,
            Truth::False => Truth::True,
        }
    }
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Ty {
    /// The element type of an empty set: fits anywhere.
    Never,
    Bool(Truth),
    Int,
    Decimal,
    String,
    Datetime,
    Duration,
    IpAddr,
    Entity(Name),
    /// An entity whose type is not known statically: the actor of an action declared without
    /// `by`, or a mix of entity types. Its attributes are reachable only after `is`.
    AnyEntity,
    Enum(Name),
    Set(Arc<Ty>),
    Map(Arc<Ty>, Arc<Ty>),
    Record(Arc<RecordTy>),
    /// The type of an expression that already has an error: compatible with everything, so one
    /// mistake gives one diagnostic.
    Error,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct RecordTy {
    pub fields: BTreeMap<Name, Field>,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Field {
    pub ty: Ty,
    pub optional: bool,
}

pub const BOOL: Ty = Ty::Bool(Truth::Unknown);

impl Ty {
    pub fn set(element: Ty) -> Ty {
        Ty::Set(Arc::new(element))
    }

    pub fn map(key: Ty, value: Ty) -> Ty {
        Ty::Map(Arc::new(key), Arc::new(value))
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Ty::Error)
    }

    pub fn is_bool(&self) -> bool {
        matches!(self, Ty::Bool(_) | Ty::Error | Ty::Never)
    }

    pub fn truth(&self) -> Truth {
        match self {
            Ty::Bool(t) => *t,
            _ => Truth::Unknown,
        }
    }

    pub fn is_entity(&self) -> bool {
        matches!(self, Ty::Entity(_) | Ty::AnyEntity)
    }

    /// Whether `<`, `<=`, `>` and `>=` order values of this type.
    pub fn is_ordered(&self) -> bool {
        matches!(
            self,
            Ty::Int | Ty::Decimal | Ty::Datetime | Ty::Duration | Ty::Error
        )
    }

    pub fn strip_truth(&self) -> Ty {
        match self {
            Ty::Bool(_) => BOOL,
            other => other.clone(),
        }
    }
}

/// Whether a value of type `found` may stand where `expected` is wanted.
pub fn assignable(found: &Ty, expected: &Ty) -> bool {
    match (found, expected) {
        (Ty::Error, _) | (_, Ty::Error) | (Ty::Never, _) => true,
        (Ty::Bool(_), Ty::Bool(_)) => true,
        // An entity of unknown type may be any entity; the run-time value decides.
        (Ty::AnyEntity, Ty::Entity(_)) | (Ty::Entity(_), Ty::AnyEntity) => true,
        (Ty::Set(a), Ty::Set(b)) => assignable(a, b),
        (Ty::Map(ka, va), Ty::Map(kb, vb)) => assignable(ka, kb) && assignable(va, vb),
        // Records are closed: every field found must be expected, and every required field
        // expected must be found. A field that is present fits an optional one.
        (Ty::Record(a), Ty::Record(b)) => {
            a.fields.iter().all(|(name, fa)| {
                b.fields
                    .get(name)
                    .is_some_and(|fb| (fb.optional || !fa.optional) && assignable(&fa.ty, &fb.ty))
            }) && b
                .fields
                .iter()
                .all(|(name, fb)| fb.optional || a.fields.contains_key(name))
        }
        (a, b) => a == b,
    }
}

/// The least type covering both, if there is one (set elements, `if` branches).
pub fn join(a: &Ty, b: &Ty) -> Option<Ty> {
    Some(match (a, b) {
        (Ty::Error, _) | (_, Ty::Error) => Ty::Error,
        (Ty::Never, t) | (t, Ty::Never) => t.clone(),
        (Ty::Bool(x), Ty::Bool(y)) => Ty::Bool(if x == y { *x } else { Truth::Unknown }),
        (Ty::Entity(x), Ty::Entity(y)) if x == y => a.clone(),
        (Ty::Entity(_) | Ty::AnyEntity, Ty::Entity(_) | Ty::AnyEntity) => Ty::AnyEntity,
        (Ty::Set(x), Ty::Set(y)) => Ty::set(join(x, y)?),
        (Ty::Map(kx, vx), Ty::Map(ky, vy)) => Ty::map(join(kx, ky)?, join(vx, vy)?),
        (x, y) if assignable(x, y) => y.clone(),
        (x, y) if assignable(y, x) => x.clone(),
        _ => return None,
    })
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Never => f.write_str("Never"),
            Ty::Bool(_) => f.write_str("Bool"),
            Ty::Int => f.write_str("Int"),
            Ty::Decimal => f.write_str("Decimal"),
            Ty::String => f.write_str("String"),
            Ty::Datetime => f.write_str("Datetime"),
            Ty::Duration => f.write_str("Duration"),
            Ty::IpAddr => f.write_str("IpAddr"),
            Ty::Entity(name) | Ty::Enum(name) => f.write_str(name),
            Ty::AnyEntity => f.write_str("entity"),
            Ty::Set(element) => write!(f, "Set<{element}>"),
            Ty::Map(k, v) => write!(f, "Map<{k}, {v}>"),
            Ty::Record(record) => write!(f, "{record}"),
            Ty::Error => f.write_str("{unknown}"),
        }
    }
}

impl fmt::Display for RecordTy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.fields.is_empty() {
            return f.write_str("{}");
        }
        f.write_str("{ ")?;
        for (i, (name, field)) in self.fields.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            let mark = if field.optional { "?" } else { "" };
            if writ_stdlib::is_identifier(name) {
                write!(f, "{name}{mark}: {}", field.ty)?;
            } else {
                write!(f, "{name:?}{mark}: {}", field.ty)?;
            }
        }
        f.write_str(" }")
    }
}

/// The primitive type names a type expression may use.
pub fn primitive(name: &str) -> Option<Ty> {
    Some(match name {
        "Bool" => BOOL,
        "Int" => Ty::Int,
        "Decimal" => Ty::Decimal,
        "String" => Ty::String,
        "Datetime" => Ty::Datetime,
        "Duration" => Ty::Duration,
        "IpAddr" => Ty::IpAddr,
        _ => return None,
    })
}

pub const PRIMITIVE_NAMES: &[&str] = &[
    "Bool", "Int", "Decimal", "String", "Datetime", "Duration", "IpAddr", "Set", "Map",
];

/// The shape of a delegated grant, as tests write it and snapshots carry it.
pub fn grant_record() -> RecordTy {
    let field = |ty: Ty, optional: bool| Field { ty, optional };
    RecordTy {
        fields: [
            ("id", field(Ty::String, false)),
            ("issuer", field(Ty::AnyEntity, false)),
            ("holder", field(Ty::AnyEntity, false)),
            ("capability", field(Ty::String, false)),
            ("scope", field(Ty::set(Ty::AnyEntity), true)),
            ("expires", field(Ty::Datetime, true)),
            ("revoked", field(BOOL, true)),
            ("parent", field(Ty::String, true)),
        ]
        .into_iter()
        .map(|(name, f)| (Name::from(name), f))
        .collect(),
    }
}
