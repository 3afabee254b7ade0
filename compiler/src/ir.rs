//! The intermediate representation: checked items in the form the evaluator runs.
//!
//! Names are resolved (variables, locals, built-ins, enum members), literals are values, `like`
//! patterns are compiled, and action patterns are expanded to the declared actions they match.
//! Spans stay relative to their item, so that one item's IR is unaffected by edits elsewhere;
//! [`Origin`] says which item that is.

use std::sync::Arc;

use writ_language::ast::{Effect, Quantifier, Span};
use writ_stdlib::{BuiltinId, Pattern, Value};

use crate::types::Name;

/// Where an IR item came from: the file's path and the item's key.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Origin {
    pub file: crate::db::SourceFile,
    pub item: crate::items::ItemKey,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Item {
    Rule(Arc<Rule>),
    Invariant(Arc<Invariant>),
    Helper(Arc<Helper>),
    Effects(Arc<Vec<ActionEffect>>),
    Test(Arc<TestCase>),
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Rule {
    pub name: Name,
    pub effect: Effect,
    pub docs: String,
    /// The declared actions this rule applies to.
    pub actions: Vec<Name>,
    /// The (action, actor type, resource type) combinations in which the rule can match at all:
    /// the checker drops those where its conditions are statically false (say, `resource is
    /// Folder` for an action on files). Evaluation indexes rules by these.
    pub targets: Vec<crate::check::Target>,
    /// `when` and `unless` clauses, in source order; all must hold for the rule to match.
    pub conditions: Vec<Condition>,
    pub approvers: Vec<Expr>,
    pub obligations: Vec<Expr>,
    pub because: Option<String>,
    pub name_span: Span,
    pub origin: Origin,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Condition {
    /// `unless`: the rule matches only when the expression is false.
    pub negated: bool,
    pub expr: Expr,
    /// The whole clause, keyword included.
    pub span: Span,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Invariant {
    pub name: Name,
    pub description: Option<String>,
    pub body: Expr,
    pub name_span: Span,
    pub origin: Origin,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Helper {
    pub name: Name,
    /// Parameters occupy local slots `0..params`.
    pub params: u32,
    pub body: Expr,
    pub origin: Origin,
}

/// What an action does to `state`, as assignments to run on a copy of it.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct ActionEffect {
    pub action: Name,
    pub assignments: Vec<Assignment>,
    pub origin: Origin,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Assignment {
    /// The state field assigned, and the keys/fields below it (`state.spent[actor]`).
    pub field: Name,
    pub path: Vec<PlaceStep>,
    pub op: AssignOp,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum PlaceStep {
    Field(Name),
    Key(Expr),
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum AssignOp {
    Set,
    Add,
    Sub,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct TestCase {
    pub name: String,
    pub steps: Vec<TestStep>,
    pub name_span: Span,
    pub origin: Origin,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum TestStep {
    /// A snapshot file, relative to the policy file.
    GivenFile(String),
    GivenEntity {
        uid: Expr,
        attrs: Option<Expr>,
        parents: Option<Expr>,
    },
    GivenState(Expr),
    GivenTime(Expr),
    GivenGrant(Expr),
    Intent {
        action: Name,
        actor: Expr,
        resource: Option<Expr>,
        args: Option<Expr>,
    },
    Expect {
        decision: Effect,
        rule: Option<Name>,
    },
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// The variables the evaluator provides.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Var {
    Actor,
    Resource,
    Args,
    Action,
    Now,
    State,
    Next,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum BinOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum ExprKind {
    Literal(Value),
    Var(Var),
    /// A helper parameter or quantifier variable, by slot.
    Local(u32),
    Attr(Box<Expr>, Name),
    Index(Box<Expr>, Box<Expr>),
    Has(Box<Expr>, Vec<Name>),
    Is(Box<Expr>, Name),
    /// Entity hierarchy, set membership or map key, decided by the right side's value.
    In(Box<Expr>, Box<Expr>),
    Like(Box<Expr>, Pattern),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Set(Vec<Expr>),
    Record(Vec<(Name, Expr)>),
    Map(Vec<(Expr, Expr)>),
    /// A built-in; for a method the receiver is the first argument.
    Call(BuiltinId, Vec<Expr>),
    /// A method whose receiver has different types in different environments: the evaluator
    /// runs the form whose receiver type fits the value.
    Overloaded(Vec<BuiltinId>, Vec<Expr>),
    /// Code the checker found cannot run for any type the rule applies to (a call in a branch
    /// that is dead everywhere). Reaching it is an evaluation error, which fails closed.
    Unreachable,
    Helper(Name, Vec<Expr>),
    /// `delegated()` / `delegated(root)`: whether the actor holds a valid delegation chain for
    /// the intent, starting at a declared root authority or at the given entity.
    Delegated(Option<Box<Expr>>),
    /// `any`/`all`: binds the slot to each element of the collection (a map's keys).
    Quantifier(Quantifier, u32, Box<Expr>, Box<Expr>),
}
