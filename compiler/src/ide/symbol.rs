//! What a name in a policy can denote, and where a name is written.

use writ_language::ast::Span;

use crate::types::Name;

/// Something a name denotes. Two occurrences denote the same thing exactly when their symbols
/// are equal, which is what definitions, references and renaming rest on.
#[derive(Clone, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum Symbol {
    Entity(Name),
    Enum(Name),
    /// A `type` alias.
    Alias(Name),
    /// `Int`, `String`, `Set`, ...
    Primitive(Name),
    EnumMember {
        ty: Name,
        member: Name,
    },
    /// An attribute of an entity type.
    Attribute {
        entity: Name,
        name: Name,
    },
    /// An argument of an action (`args.bytes`).
    Argument {
        action: Name,
        name: Name,
    },
    StateField(Name),
    Action(Name),
    /// A rule or an invariant: they share one namespace.
    Rule(Name),
    Helper(Name),
    Test(Name),
    /// A prelude module (`use std.agents`).
    Module(Name),
    /// A predefined variable: `actor`, `resource`, `args`, `action`, `now`, `state`, `next`.
    Variable(Name),
    /// A helper's parameter or a quantifier's variable, identified by where it is declared
    /// (item-relative). It is only meaningful within its item.
    Local {
        name: Name,
        def: Span,
    },
    /// A built-in function (`min(...)`) or method (`s.startsWith(...)`), by name; overloads
    /// share it.
    Builtin {
        name: Name,
        method: bool,
    },
}

impl Symbol {
    /// The name as written at each of its occurrences (the dotted name for an action).
    pub fn name(&self) -> &str {
        match self {
            Symbol::Entity(n)
            | Symbol::Enum(n)
            | Symbol::Alias(n)
            | Symbol::Primitive(n)
            | Symbol::StateField(n)
            | Symbol::Action(n)
            | Symbol::Rule(n)
            | Symbol::Helper(n)
            | Symbol::Test(n)
            | Symbol::Module(n)
            | Symbol::Variable(n) => n,
            Symbol::EnumMember { member, .. } => member,
            Symbol::Attribute { name, .. }
            | Symbol::Argument { name, .. }
            | Symbol::Local { name, .. }
            | Symbol::Builtin { name, .. } => name,
        }
    }

    /// What the symbol is, in words, for messages.
    pub fn describe(&self) -> String {
        match self {
            Symbol::Entity(n) => format!("the entity type `{n}`"),
            Symbol::Enum(n) => format!("the enum `{n}`"),
            Symbol::Alias(n) => format!("the type `{n}`"),
            Symbol::Primitive(n) => format!("the built-in type `{n}`"),
            Symbol::EnumMember { ty, member } => format!("the member `{ty}.{member}`"),
            Symbol::Attribute { entity, name } => format!("the attribute `{name}` of `{entity}`"),
            Symbol::Argument { action, name } => {
                format!("the argument `{name}` of the action `{action}`")
            }
            Symbol::StateField(n) => format!("the state field `{n}`"),
            Symbol::Action(n) => format!("the action `{n}`"),
            Symbol::Rule(n) => format!("the rule `{n}`"),
            Symbol::Helper(n) => format!("the function `{n}`"),
            Symbol::Test(n) => format!("the test \"{n}\""),
            Symbol::Module(n) => format!("the module `{n}`"),
            Symbol::Variable(n) => format!("the variable `{n}`"),
            Symbol::Local { name, .. } => format!("the variable `{name}`"),
            Symbol::Builtin { name, .. } => format!("the built-in `{name}`"),
        }
    }
}

/// Whether an occurrence declares its symbol or uses it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum Role {
    Definition,
    Reference,
}

/// A name written in an item, and what it denotes.
#[derive(Clone, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct Occurrence {
    /// Item-relative; for a quoted attribute name, the quotes are included.
    pub span: Span,
    pub symbol: Symbol,
    pub role: Role,
    /// Written as a string literal (`"read-only": Bool`, `file["read-only"]`): a rename must
    /// write the new name quoted too.
    pub quoted: bool,
}
