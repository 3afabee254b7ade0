//! Translating one Cedar expression for one environment: a request's action, principal type
//! and resource type. Within an environment every expression has one exact type, which is what
//! Writ's checker needs (it checks a rule once per environment too, `docs/language.md` §6.1).
//!
//! Cedar's validator accepts some comparisons that can never hold, such as `==` between two
//! entity types or `in` between unrelated ones, and types them as `false`; Writ rejects them
//! (E0205, E0206). The translator emits `false` instead, keeping any evaluation error of the
//! operands: `a == b` with `a` a `User` and `b` a `Public` becomes `b == b && false` when `b`
//! can fail (reads an attribute) and `false` when neither can. Errors must be kept because
//! under `!` or `||` an error and `false` decide differently.
//!
//! The translator also tracks what is statically known of booleans, soundly: `True` means
//! "true or an error", which lets it leave out code that cannot run (as both Cedar's validator
//! and Writ's checker do) and drop environments in which a rule can never apply.

use std::collections::HashMap;

use cedar_policy_core::ast::{EntityUID, Literal, PatternElem, SlotId, Var};

use crate::cexpr::{Arith, CExpr, CKind, Cmp, SetOp, Span};
use crate::error::{Error, Position};
use crate::model::{CType, Ext, Model, Record};
use crate::names::NameMap;
use crate::wexpr::{W, bx};

mod access;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Truth {
    Unknown,
    /// True whenever evaluation succeeds.
    True,
    /// False whenever evaluation succeeds.
    False,
}

impl Truth {
    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }
}

/// A translated expression.
#[derive(Clone, Debug)]
pub struct T {
    pub w: W,
    pub ty: CType,
    pub truth: Truth,
    /// Evaluation can never fail.
    pub pure: bool,
}

impl T {
    fn new(w: W, ty: CType, pure: bool) -> T {
        T {
            w,
            ty,
            truth: Truth::Unknown,
            pure,
        }
    }
}

/// One request environment.
pub struct Env<'a> {
    pub model: &'a Model,
    pub names: &'a NameMap,
    pub action: &'a str,
    pub principal: &'a str,
    pub resource: &'a str,
    pub slots: &'a HashMap<SlotId, EntityUID>,
    pub file: &'a str,
    pub text: &'a str,
}

impl Env<'_> {
    fn error(&self, span: Span, message: impl Into<String>) -> Error {
        let snippet = self.text.get(span.start..span.end).unwrap_or("").trim();
        let message = message.into();
        let message = if snippet.is_empty() || snippet.len() > 80 || snippet.contains('\n') {
            message
        } else {
            format!("{message}, in `{snippet}`")
        };
        Error::at(Position::of(self.file, self.text, span.start), message)
    }

    fn writ_type(&self, span: Span, cedar: &str) -> Result<String, Error> {
        self.names
            .entity_types
            .get(cedar)
            .cloned()
            .ok_or_else(|| self.error(span, format!("unknown entity type `{cedar}`")))
    }

    /// The Writ name of a requestable action.
    fn writ_action(&self, uid: &str) -> Option<&str> {
        self.names.actions.get(uid).map(String::as_str)
    }

    /// An entity literal.
    pub fn entity(&self, span: Span, uid: &EntityUID) -> Result<T, Error> {
        let cedar = uid.entity_type().to_string();
        let id: &str = uid.eid().as_ref();
        if let Some(ids) = self
            .model
            .entities
            .get(&cedar)
            .and_then(|e| e.enum_ids.as_ref())
            && !ids.iter().any(|i| i == id)
        {
            return Err(self.error(
                span,
                format!(
                    "`{uid}` is not one of the ids the enumerated entity type `{cedar}` allows"
                ),
            ));
        }
        Ok(T::new(
            W::Entity(self.writ_type(span, &cedar)?, id.to_string()),
            CType::Entity(cedar),
            true,
        ))
    }

    pub fn tr(&self, e: &CExpr) -> Result<T, Error> {
        match &e.kind {
            CKind::Lit(lit) => match lit {
                Literal::Bool(b) => Ok(T {
                    w: W::Bool(*b),
                    ty: CType::Bool,
                    truth: if *b { Truth::True } else { Truth::False },
                    pure: true,
                }),
                Literal::Long(n) => Ok(T::new(W::Int(*n), CType::Long, true)),
                Literal::String(s) => Ok(T::new(W::Str(s.to_string()), CType::String, true)),
                Literal::EntityUID(uid) if uid.entity_type().is_action() => Err(self.error(
                    e.span,
                    "an action is only translated in `action == ...`, `action != ...` and `action in ...`",
                )),
                Literal::EntityUID(uid) => self.entity(e.span, uid),
            },
            CKind::Var(var) => Ok(match var {
                Var::Principal => T::new(W::Var("actor"), CType::Entity(self.principal.into()), true),
                Var::Resource => T::new(W::Var("resource"), CType::Entity(self.resource.into()), true),
                Var::Context => {
                    let ctx = self.model.actions.get(self.action).map(|a| a.context.clone());
                    T::new(W::Var("args"), CType::Record(ctx.unwrap_or_default()), true)
                }
                Var::Action => T::new(W::Var("action"), CType::Action, true),
            }),
            CKind::Slot(slot) => match self.slots.get(slot) {
                Some(uid) => self.entity(e.span, uid),
                None => Err(self.error(e.span, format!("the template slot `{slot}` has no linked value"))),
            },
            CKind::Unknown => Err(self.error(e.span, "an unknown value (partial evaluation) cannot be translated")),
            CKind::If(c, t, f) => self.tr_if(e, c, t, f),
            CKind::And(l, r) => {
                let l = self.tr(l)?;
                if l.truth == Truth::False {
                    return Ok(l);
                }
                let r = self.tr(r)?;
                // A side known true that cannot fail adds nothing.
                if l.truth == Truth::True && l.pure {
                    return Ok(r);
                }
                if r.truth == Truth::True && r.pure {
                    return Ok(l);
                }
                let truth = match (l.truth, r.truth) {
                    (_, Truth::False) => Truth::False,
                    (Truth::True, t) => t,
                    _ => Truth::Unknown,
                };
                Ok(T {
                    w: W::And(bx(l.w), bx(r.w)),
                    ty: CType::Bool,
                    truth,
                    pure: l.pure && r.pure,
                })
            }
            CKind::Or(l, r) => {
                let l = self.tr(l)?;
                if l.truth == Truth::True {
                    return Ok(l);
                }
                let r = self.tr(r)?;
                // A side known false that cannot fail adds nothing.
                if l.truth == Truth::False && l.pure {
                    return Ok(r);
                }
                if r.truth == Truth::False && r.pure {
                    return Ok(l);
                }
                let truth = match (l.truth, r.truth) {
                    (_, Truth::True) => Truth::True,
                    (Truth::False, t) => t,
                    _ => Truth::Unknown,
                };
                Ok(T {
                    w: W::Or(bx(l.w), bx(r.w)),
                    ty: CType::Bool,
                    truth,
                    pure: l.pure && r.pure,
                })
            }
            CKind::Not(inner) => {
                let inner = self.tr(inner)?;
                Ok(T {
                    truth: inner.truth.not(),
                    w: W::Not(bx(inner.w)),
                    ty: CType::Bool,
                    pure: inner.pure,
                })
            }
            CKind::Neg(inner) => {
                let inner = self.tr(inner)?;
                Ok(T::new(W::Neg(bx(inner.w)), CType::Long, false))
            }
            CKind::Cmp(op, l, r) => self.tr_cmp(e, *op, l, r),
            CKind::Arith(op, l, r) => {
                let (l, r) = (self.tr(l)?, self.tr(r)?);
                let symbol = match op {
                    Arith::Add => "+",
                    Arith::Sub => "-",
                    Arith::Mul => "*",
                };
                Ok(T::new(W::Bin(symbol, bx(l.w), bx(r.w)), CType::Long, false))
            }
            CKind::In(l, r) => self.tr_in(e, l, r),
            CKind::SetOp(op, l, r) => self.tr_set_op(e, *op, l, r),
            CKind::IsEmpty(inner) => {
                let inner = self.tr(inner)?;
                let pure = inner.pure;
                Ok(T::new(W::Method(bx(inner.w), "isEmpty".into(), vec![]), CType::Bool, pure))
            }
            CKind::GetTag(target, key) => {
                let (target, key) = (self.tr(target)?, self.tr(key)?);
                let (tags_attr, tag_ty) = self.tags_of(e.span, &target.ty)?;
                Ok(T::new(
                    W::Key(bx(W::Attr(bx(target.w), tags_attr)), bx(key.w)),
                    tag_ty,
                    false,
                ))
            }
            CKind::HasTag(target, key) => {
                let (target, key) = (self.tr(target)?, self.tr(key)?);
                let CType::Entity(ty) = &target.ty else {
                    return Err(self.error(e.span, "`hasTag` needs an entity"));
                };
                if self.model.entities.get(ty).is_none_or(|i| i.tags.is_none()) {
                    return Ok(never(vec![target, key]));
                }
                let (tags_attr, _) = self.tags_of(e.span, &target.ty)?;
                // Cedar evaluates the key even when the entity is missing; Writ's `&&` would
                // not, so an impure key is evaluated first.
                let pure = target.pure && key.pure;
                let mut w = W::And(
                    bx(W::Has(bx(target.w.clone()), vec![tags_attr.clone()])),
                    bx(W::Bin("in", bx(key.w.clone()), bx(W::Attr(bx(target.w), tags_attr)))),
                );
                if !key.pure {
                    w = W::And(bx(evaluated(&key.w)), bx(w));
                }
                Ok(T::new(w, CType::Bool, pure))
            }
            CKind::Set(items) => {
                let mut element = CType::Never;
                let mut ws = Vec::with_capacity(items.len());
                let mut pure = true;
                for item in items {
                    let t = self.tr(item)?;
                    if element == CType::Never {
                        element = t.ty.clone();
                    } else if !compatible(&element, &t.ty) {
                        return Err(self.error(
                            item.span,
                            "a set literal mixing types (Writ sets have one element type)",
                        ));
                    }
                    pure &= t.pure;
                    ws.push(t.w);
                }
                Ok(T::new(W::Set(ws), CType::Set(Box::new(element)), pure))
            }
            CKind::Record(fields) => {
                let mut record = Record::default();
                let mut ws = Vec::with_capacity(fields.len());
                let mut pure = true;
                for (name, value) in fields {
                    let t = self.tr(value)?;
                    pure &= t.pure;
                    record.fields.insert(name.to_string(), (t.ty, true));
                    ws.push((name.to_string(), t.w));
                }
                Ok(T::new(W::Record(ws), CType::Record(record), pure))
            }
            CKind::Call(name, args) => self.tr_call(e, &name.to_string(), args),
            CKind::GetAttr(target, attr) => {
                let target = self.tr(target)?;
                let (w, ty, pure) = self.attr(e.span, target.w, &target.ty, attr, target.pure)?;
                Ok(T::new(w, ty, pure))
            }
            CKind::Has(target, path) => self.tr_has(e, target, path),
            CKind::Like(target, pattern) => {
                let target = self.tr(target)?;
                let mut text = String::new();
                for elem in pattern.iter() {
                    match elem {
                        PatternElem::Wildcard => text.push('*'),
                        PatternElem::Char('*') => text.push_str("\\*"),
                        PatternElem::Char(c) => crate::wexpr::escape_char(*c, &mut text),
                    }
                }
                let pure = target.pure;
                Ok(T::new(W::Like(bx(target.w), text), CType::Bool, pure))
            }
            CKind::Is(target, ty, within) => {
                let target = self.tr(target)?;
                let CType::Entity(actual) = &target.ty else {
                    return Err(self.error(e.span, "`is` needs an entity"));
                };
                let wanted = ty.to_string();
                let writ = self.writ_type(e.span, &wanted)?;
                if *actual != wanted {
                    // Known false: `is ... in x` never evaluates `x`.
                    return Ok(T {
                        w: W::Is(bx(target.w), writ, None),
                        ty: CType::Bool,
                        truth: Truth::False,
                        pure: target.pure,
                    });
                }
                match within {
                    None => Ok(T {
                        w: W::Is(bx(target.w), writ, None),
                        ty: CType::Bool,
                        truth: Truth::True,
                        pure: target.pure,
                    }),
                    Some(x) => {
                        let x = self.tr(x)?;
                        if !self.may_be_in(&target.ty, &x.ty) {
                            return Ok(never(vec![target, x]));
                        }
                        let pure = target.pure && x.pure;
                        Ok(T::new(W::Is(bx(target.w), writ, Some(bx(x.w))), CType::Bool, pure))
                    }
                }
            }
        }
    }

    fn tr_if(&self, e: &CExpr, c: &CExpr, t: &CExpr, f: &CExpr) -> Result<T, Error> {
        let c = self.tr(c)?;
        match c.truth {
            // The branch not taken may not even type-check (Cedar's validator skips it too);
            // repeating the taken branch keeps the condition's evaluation, and its errors.
            Truth::True | Truth::False => {
                let taken = self.tr(if c.truth == Truth::True { t } else { f })?;
                if c.pure {
                    return Ok(taken);
                }
                Ok(T {
                    w: W::If(bx(c.w), bx(taken.w.clone()), bx(taken.w)),
                    ty: taken.ty,
                    truth: taken.truth,
                    pure: false,
                })
            }
            Truth::Unknown => {
                let (t, f) = (self.tr(t)?, self.tr(f)?);
                if !compatible(&t.ty, &f.ty) {
                    return Err(self.error(
                        e.span,
                        "an `if` whose branches have different types (Writ needs one type)",
                    ));
                }
                let ty = if t.ty == CType::Never {
                    f.ty.clone()
                } else {
                    t.ty.clone()
                };
                let truth = if t.truth == f.truth {
                    t.truth
                } else {
                    Truth::Unknown
                };
                Ok(T {
                    w: W::If(bx(c.w), bx(t.w), bx(f.w)),
                    ty,
                    truth,
                    pure: c.pure && t.pure && f.pure,
                })
            }
        }
    }

    /// `action` compared with action literals, or any other comparison.
    fn tr_cmp(&self, e: &CExpr, op: Cmp, l: &CExpr, r: &CExpr) -> Result<T, Error> {
        if matches!(op, Cmp::Eq | Cmp::Ne)
            && let Some(result) = self.action_test(e, l, r, op == Cmp::Eq, false)?
        {
            return Ok(result);
        }
        let (l, r) = (self.tr(l)?, self.tr(r)?);
        let symbol = match op {
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        };
        if matches!(op, Cmp::Eq | Cmp::Ne) && !may_equal(&l.ty, &r.ty) {
            let result = never(vec![l, r]);
            return Ok(if op == Cmp::Eq {
                result
            } else {
                negate(result)
            });
        }
        let pure = l.pure && r.pure && matches!(op, Cmp::Eq | Cmp::Ne);
        Ok(T::new(W::Bin(symbol, bx(l.w), bx(r.w)), CType::Bool, pure))
    }

    /// `action == A`, `action != A`, `action in A`, `action in [A, B]`: the action is a string
    /// in Writ, and a group stands for the actions in it.
    fn action_test(
        &self,
        e: &CExpr,
        l: &CExpr,
        r: &CExpr,
        positive: bool,
        membership: bool,
    ) -> Result<Option<T>, Error> {
        let action_lits = |x: &CExpr| -> Option<Vec<EntityUID>> {
            match &x.kind {
                CKind::Lit(Literal::EntityUID(uid)) if uid.entity_type().is_action() => {
                    Some(vec![(**uid).clone()])
                }
                CKind::Set(items) if membership => items
                    .iter()
                    .map(|i| match &i.kind {
                        CKind::Lit(Literal::EntityUID(uid)) if uid.entity_type().is_action() => {
                            Some((**uid).clone())
                        }
                        _ => None,
                    })
                    .collect(),
                _ => None,
            }
        };
        let is_action_var = |x: &CExpr| matches!(x.kind, CKind::Var(Var::Action));
        let (var_side, lits) = match (is_action_var(l), action_lits(r), action_lits(l)) {
            (true, Some(lits), _) => (true, lits),
            (false, _, Some(lits)) if !membership && is_action_var(r) => (true, lits),
            (false, Some(rl), Some(ll)) if !membership => {
                // Two literals: known statically.
                let equal = rl == ll;
                return Ok(Some(boolean(equal == positive)));
            }
            _ => {
                if is_action_var(l) || is_action_var(r) {
                    return Err(
                        self.error(e.span, "`action` can only be compared with action literals")
                    );
                }
                return Ok(None);
            }
        };
        debug_assert!(var_side);
        let mut names = std::collections::BTreeSet::new();
        for uid in &lits {
            let key = uid.to_string();
            if !self.model.actions.contains_key(&key) {
                return Err(self.error(e.span, format!("unknown action `{key}`")));
            }
            let members = if membership {
                self.model.expand_action(&key)
            } else {
                std::iter::once(key).collect()
            };
            for m in members {
                if let Some(name) = self.writ_action(&m) {
                    names.insert(name.to_string());
                }
            }
        }
        let w = match names.len() {
            0 => return Ok(Some(boolean(!positive))),
            1 if !membership => {
                let name = names.into_iter().next().unwrap_or_default();
                W::Bin(
                    if positive { "==" } else { "!=" },
                    bx(W::Var("action")),
                    bx(W::Str(name)),
                )
            }
            _ => {
                let set = W::Set(names.into_iter().map(W::Str).collect());
                W::Bin("in", bx(W::Var("action")), bx(set))
            }
        };
        Ok(Some(T::new(w, CType::Bool, true)))
    }

    fn tr_in(&self, e: &CExpr, l: &CExpr, r: &CExpr) -> Result<T, Error> {
        if let Some(result) = self.action_test(e, l, r, true, true)? {
            return Ok(result);
        }
        let (l, r) = (self.tr(l)?, self.tr(r)?);
        if !matches!(l.ty, CType::Entity(_)) {
            return Err(self.error(e.span, "`in` needs an entity on its left"));
        }
        if !self.may_be_in(&l.ty, &r.ty) {
            return Ok(never(vec![l, r]));
        }
        let pure = l.pure && r.pure;
        Ok(T::new(W::Bin("in", bx(l.w), bx(r.w)), CType::Bool, pure))
    }

    /// Whether an entity of type `child` can be in `parent` (an entity or a set of entities).
    fn may_be_in(&self, child: &CType, parent: &CType) -> bool {
        let CType::Entity(child) = child else {
            return false;
        };
        match parent {
            CType::Entity(p) => self.model.may_be_in(child, p),
            CType::Set(element) => match &**element {
                CType::Entity(p) => self.model.may_be_in(child, p),
                // An empty set literal: in nothing, but well typed.
                CType::Never => true,
                _ => false,
            },
            _ => false,
        }
    }

    fn tr_set_op(&self, e: &CExpr, op: SetOp, l: &CExpr, r: &CExpr) -> Result<T, Error> {
        let (l, r) = (self.tr(l)?, self.tr(r)?);
        let CType::Set(element) = &l.ty else {
            return Err(self.error(e.span, "a set operation on something that is not a set"));
        };
        let fits = match op {
            SetOp::Contains => compatible(element, &r.ty),
            SetOp::ContainsAll | SetOp::ContainsAny => match &r.ty {
                CType::Set(other) => compatible(element, other),
                _ => false,
            },
        };
        if !fits {
            // Cedar types this as `false`: no element can be equal.
            return Ok(never(vec![l, r]));
        }
        let name = match op {
            SetOp::Contains => "contains",
            SetOp::ContainsAll => "containsAll",
            SetOp::ContainsAny => "containsAny",
        };
        let pure = l.pure && r.pure;
        Ok(T::new(
            W::Method(bx(l.w), name.into(), vec![r.w]),
            CType::Bool,
            pure,
        ))
    }
}

fn boolean(b: bool) -> T {
    T {
        w: W::Bool(b),
        ty: CType::Bool,
        truth: if b { Truth::True } else { Truth::False },
        pure: true,
    }
}

/// `x == x`: true whenever `x` can be evaluated, an error otherwise.
fn evaluated(w: &W) -> W {
    W::Bin("==", bx(w.clone()), bx(w.clone()))
}

/// `false`, after evaluating the operands that can fail.
fn never(operands: Vec<T>) -> T {
    let mut w: Option<W> = None;
    for t in operands.into_iter().filter(|t| !t.pure) {
        let check = evaluated(&t.w);
        w = Some(match w {
            Some(acc) => W::And(bx(acc), bx(check)),
            None => check,
        });
    }
    match w {
        None => boolean(false),
        Some(w) => T {
            w: W::And(bx(w), bx(W::Bool(false))),
            ty: CType::Bool,
            truth: Truth::False,
            pure: false,
        },
    }
}

/// `!x` for a known-false `x` from [`never`]: `true` after the same evaluations.
fn negate(t: T) -> T {
    match t.w {
        W::Bool(b) => boolean(!b),
        W::And(checks, _) => T {
            w: *checks,
            ty: CType::Bool,
            truth: Truth::True,
            pure: false,
        },
        other => T {
            w: W::Not(bx(other)),
            ty: CType::Bool,
            truth: t.truth.not(),
            pure: t.pure,
        },
    }
}

/// Whether two values of these types can ever be equal (Writ rejects `==` otherwise).
fn may_equal(a: &CType, b: &CType) -> bool {
    compatible(a, b)
}

/// Whether the types are the same, an empty set's element type fitting any.
pub fn compatible(a: &CType, b: &CType) -> bool {
    match (a, b) {
        (CType::Never, _) | (_, CType::Never) => true,
        (CType::Set(x), CType::Set(y)) => compatible(x, y),
        (CType::Record(x), CType::Record(y)) => {
            x.fields.len() == y.fields.len()
                && x.fields.iter().all(|(k, (t, r))| {
                    y.fields
                        .get(k)
                        .is_some_and(|(u, s)| r == s && compatible(t, u))
                })
        }
        _ => a == b,
    }
}
