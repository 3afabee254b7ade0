//! Cedar expressions as written: a tree built by cedar-policy-core's own parser through its
//! `ExprBuilder` interface, so that the tree keeps each node's source position and the operators
//! the author wrote (`!=`, `>`, `>=`, `is ... in`, `has a.b`), which Cedar's own AST desugars.

use std::convert::Infallible;
use std::sync::Arc;

use cedar_policy_core::ast::ExpressionConstructionError;
use cedar_policy_core::ast::{EntityType, Literal, Name, Pattern, SlotId, Unknown, Var};
use cedar_policy_core::expr_builder::{ExprBuilder, ExprBuilderInfallibleBuild};
use cedar_policy_core::parser::Loc;
use cedar_policy_core::parser::cst;
use cedar_policy_core::parser::err::ParseErrors;
use nonempty::NonEmpty;
use smol_str::SmolStr;

/// A byte range in the Cedar source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug)]
pub struct CExpr {
    pub kind: CKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
}

/// The binary operations written as methods in Cedar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetOp {
    Contains,
    ContainsAll,
    ContainsAny,
}

#[derive(Clone, Debug)]
pub enum CKind {
    Lit(Literal),
    Var(Var),
    Slot(SlotId),
    If(Box<CExpr>, Box<CExpr>, Box<CExpr>),
    And(Box<CExpr>, Box<CExpr>),
    Or(Box<CExpr>, Box<CExpr>),
    Not(Box<CExpr>),
    Neg(Box<CExpr>),
    Cmp(Cmp, Box<CExpr>, Box<CExpr>),
    Arith(Arith, Box<CExpr>, Box<CExpr>),
    In(Box<CExpr>, Box<CExpr>),
    SetOp(SetOp, Box<CExpr>, Box<CExpr>),
    IsEmpty(Box<CExpr>),
    GetTag(Box<CExpr>, Box<CExpr>),
    HasTag(Box<CExpr>, Box<CExpr>),
    Set(Vec<CExpr>),
    Record(Vec<(SmolStr, CExpr)>),
    /// An extension function or method; a method's receiver is the first argument.
    Call(Name, Vec<CExpr>),
    GetAttr(Box<CExpr>, SmolStr),
    /// `e has a.b.c` (one or more names).
    Has(Box<CExpr>, Vec<SmolStr>),
    Like(Box<CExpr>, Pattern),
    /// `e is T`, or `e is T in x`.
    Is(Box<CExpr>, EntityType, Option<Box<CExpr>>),
    /// Never produced by a successful parse (partial evaluation only); kept to be total.
    Unknown,
}

impl std::fmt::Display for CExpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.kind)
    }
}

/// The builder cedar-policy-core's CST-to-AST conversion calls back into.
#[derive(Clone, Debug, Default)]
pub struct Builder {
    span: Span,
}

impl Builder {
    fn node(self, kind: CKind) -> CExpr {
        CExpr {
            kind,
            span: self.span,
        }
    }
}

fn b(e: CExpr) -> Box<CExpr> {
    Box::new(e)
}

fn unarc(e: Arc<CExpr>) -> CExpr {
    Arc::unwrap_or_clone(e)
}

impl ExprBuilderInfallibleBuild for Builder {}

impl ExprBuilder for Builder {
    type Expr = CExpr;
    type Data = ();
    type BuildError = Infallible;

    fn with_data(_data: ()) -> Self {
        Builder::default()
    }

    fn with_maybe_source_loc(mut self, l: Option<&Loc>) -> Self {
        if let Some(l) = l {
            self.span = Span {
                start: l.start(),
                end: l.end(),
            };
        }
        self
    }

    fn loc(&self) -> Option<&Loc> {
        None
    }

    fn data(&self) -> &() {
        &()
    }

    fn val(self, v: impl Into<Literal>) -> CExpr {
        self.node(CKind::Lit(v.into()))
    }

    fn var(self, v: Var) -> CExpr {
        self.node(CKind::Var(v))
    }

    fn unknown(self, _u: Unknown) -> CExpr {
        self.node(CKind::Unknown)
    }

    fn slot(self, s: SlotId) -> CExpr {
        self.node(CKind::Slot(s))
    }

    fn ite_arc(self, c: Arc<CExpr>, t: Arc<CExpr>, e: Arc<CExpr>) -> CExpr {
        self.node(CKind::If(b(unarc(c)), b(unarc(t)), b(unarc(e))))
    }

    fn not(self, e: CExpr) -> CExpr {
        self.node(CKind::Not(b(e)))
    }

    fn is_eq(self, e1: CExpr, e2: CExpr) -> CExpr {
        self.node(CKind::Cmp(Cmp::Eq, b(e1), b(e2)))
    }

    fn noteq(self, e1: CExpr, e2: CExpr) -> CExpr {
        self.node(CKind::Cmp(Cmp::Ne, b(e1), b(e2)))
    }

    fn greater(self, e1: CExpr, e2: CExpr) -> CExpr {
        self.node(CKind::Cmp(Cmp::Gt, b(e1), b(e2)))
    }

    fn greatereq(self, e1: CExpr, e2: CExpr) -> CExpr {
        self.node(CKind::Cmp(Cmp::Ge, b(e1), b(e2)))
    }

    fn and(self, e1: CExpr, e2: CExpr) -> CExpr {
        self.node(CKind::And(b(e1), b(e2)))
    }

    fn or(self, e1: CExpr, e2: CExpr) -> CExpr {
        self.node(CKind::Or(b(e1), b(e2)))
    }

    fn less(self, e1: CExpr, e2: CExpr) -> CExpr {
        self.node(CKind::Cmp(Cmp::Lt, b(e1), b(e2)))
    }

    fn lesseq(self, e1: CExpr, e2: CExpr) -> CExpr {
        self.node(CKind::Cmp(Cmp::Le, b(e1), b(e2)))
    }

    fn add(self, e1: CExpr, e2: CExpr) -> CExpr {
        self.node(CKind::Arith(Arith::Add, b(e1), b(e2)))
    }

    fn sub(self, e1: CExpr, e2: CExpr) -> CExpr {
        self.node(CKind::Arith(Arith::Sub, b(e1), b(e2)))
    }

    fn mul(self, e1: CExpr, e2: CExpr) -> CExpr {
        self.node(CKind::Arith(Arith::Mul, b(e1), b(e2)))
    }

    fn neg(self, e: CExpr) -> CExpr {
        self.node(CKind::Neg(b(e)))
    }

    fn is_in_arc(self, e1: Arc<CExpr>, e2: Arc<CExpr>) -> CExpr {
        self.node(CKind::In(b(unarc(e1)), b(unarc(e2))))
    }

    fn contains(self, e1: CExpr, e2: CExpr) -> CExpr {
        self.node(CKind::SetOp(SetOp::Contains, b(e1), b(e2)))
    }

    fn contains_all(self, e1: CExpr, e2: CExpr) -> CExpr {
        self.node(CKind::SetOp(SetOp::ContainsAll, b(e1), b(e2)))
    }

    fn contains_any(self, e1: CExpr, e2: CExpr) -> CExpr {
        self.node(CKind::SetOp(SetOp::ContainsAny, b(e1), b(e2)))
    }

    fn is_empty(self, e: CExpr) -> CExpr {
        self.node(CKind::IsEmpty(b(e)))
    }

    fn get_tag(self, e: CExpr, tag: CExpr) -> CExpr {
        self.node(CKind::GetTag(b(e), b(tag)))
    }

    fn has_tag(self, e: CExpr, tag: CExpr) -> CExpr {
        self.node(CKind::HasTag(b(e), b(tag)))
    }

    fn set(self, exprs: impl IntoIterator<Item = CExpr>) -> CExpr {
        self.node(CKind::Set(exprs.into_iter().collect()))
    }

    fn record(
        self,
        pairs: impl IntoIterator<Item = (SmolStr, CExpr)>,
    ) -> Result<CExpr, ExpressionConstructionError> {
        let fields: Vec<(SmolStr, CExpr)> = pairs.into_iter().collect();
        // Cedar's own builder reports duplicate keys with its own error.
        cedar_policy_core::ast::Expr::record(
            fields
                .iter()
                .map(|(k, _)| (k.clone(), cedar_policy_core::ast::Expr::val(true))),
        )?;
        Ok(self.node(CKind::Record(fields)))
    }

    fn call_extension_fn(
        self,
        fn_name: Name,
        args: impl IntoIterator<Item = CExpr>,
    ) -> Result<CExpr, Infallible> {
        Ok(self.node(CKind::Call(fn_name, args.into_iter().collect())))
    }

    fn get_attr_arc(self, e: Arc<CExpr>, attr: SmolStr) -> CExpr {
        self.node(CKind::GetAttr(b(unarc(e)), attr))
    }

    fn has_attr_arc(self, e: Arc<CExpr>, attr: SmolStr) -> CExpr {
        self.node(CKind::Has(b(unarc(e)), vec![attr]))
    }

    fn extended_has_attr_arc(self, e: Arc<CExpr>, attrs: NonEmpty<SmolStr>) -> CExpr {
        self.node(CKind::Has(b(unarc(e)), attrs.into_iter().collect()))
    }

    fn like(self, e: CExpr, pattern: Pattern) -> CExpr {
        self.node(CKind::Like(b(e), pattern))
    }

    fn is_entity_type_arc(self, e: Arc<CExpr>, entity_type: EntityType) -> CExpr {
        self.node(CKind::Is(b(unarc(e)), entity_type, None))
    }

    fn is_in_entity_type_arc(
        self,
        e1: Arc<CExpr>,
        entity_type: EntityType,
        e2: Arc<CExpr>,
    ) -> CExpr {
        self.node(CKind::Is(b(unarc(e1)), entity_type, Some(b(unarc(e2)))))
    }
}

/// The body of one `when`/`unless` clause, as written.
pub fn condition(
    node: &cedar_policy_core::parser::Node<Option<cst::Expr>>,
) -> Result<CExpr, Box<ParseErrors>> {
    node.to_expr::<Builder>().map_err(Box::new)
}
