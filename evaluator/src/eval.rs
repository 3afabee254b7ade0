//! Evaluating IR expressions against an intent and a snapshot.
//!
//! Evaluation is a pure function of the policy set, the intent and the snapshot: no I/O, no
//! clock (`now` is the snapshot's time), no recursion (the checker forbids it), and quantifiers
//! range over finite values, so it always terminates. A well-typed expression can still fail at
//! run time, on missing data or arithmetic overflow; that is an [`EvalError`], never a panic.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use writ_compiler::ir::{self, BinOp, Expr, ExprKind, PlaceStep, Var};
use writ_language::ast::{Quantifier, Span};
use writ_stdlib::{Decimal, Duration, Value};

use crate::chain::{self, ChainOutcome};
use crate::input::{Intent, Snapshot};
use crate::policy::PolicySet;

/// A run-time failure, with the span (item-relative) of the expression that failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    pub message: String,
    pub span: Span,
}

pub(crate) type Eval<T> = Result<T, EvalError>;

fn fail<T>(span: Span, message: impl Into<String>) -> Eval<T> {
    Err(EvalError {
        message: message.into(),
        span,
    })
}

/// Everything an expression can read, and what evaluating it records.
pub(crate) struct Context<'a> {
    pub set: &'a PolicySet,
    pub intent: &'a Intent,
    pub snapshot: &'a Snapshot,
    /// The state after the intent's effect, computed on first use.
    next: Option<Eval<Value>>,
    delegation: Option<ChainOutcome>,
    locals: Vec<Value>,
    /// When set, the values of the operands compared by each comparison, membership or
    /// pattern test, for explanations.
    pub trace: Option<Vec<(Span, Value)>>,
}

impl<'a> Context<'a> {
    pub fn new(set: &'a PolicySet, intent: &'a Intent, snapshot: &'a Snapshot) -> Context<'a> {
        Context {
            set,
            intent,
            snapshot,
            next: None,
            delegation: None,
            locals: Vec::new(),
            trace: None,
        }
    }

    /// The outcome of `delegated()`, if a rule asked for it.
    pub fn delegation(&self) -> Option<&ChainOutcome> {
        self.delegation.as_ref()
    }

    pub fn eval_bool(&mut self, e: &Expr) -> Eval<bool> {
        match self.eval(e)? {
            Value::Bool(b) => Ok(b),
            other => fail(
                e.span,
                format!("expected a `Bool`, found `{}`", other.type_name()),
            ),
        }
    }

    /// Applies a built-in to evaluated arguments, recording them when tracing.
    fn call(
        &mut self,
        builtin: &writ_stdlib::Builtin,
        args: &[Expr],
        values: &[Value],
        span: Span,
    ) -> Result<Value, EvalError> {
        if self.trace.is_some() {
            for (a, v) in args.iter().zip(values) {
                self.record(a, v);
            }
        }
        (builtin.eval)(values).map_err(|err| EvalError {
            message: err.to_string(),
            span,
        })
    }

    fn record(&mut self, e: &Expr, value: &Value) {
        if let Some(trace) = &mut self.trace
            && !matches!(e.kind, ExprKind::Literal(_))
            && !trace.iter().any(|(span, _)| *span == e.span)
        {
            trace.push((e.span, value.clone()));
        }
    }

    pub fn eval(&mut self, e: &Expr) -> Eval<Value> {
        match &e.kind {
            ExprKind::Literal(v) => Ok(v.clone()),
            ExprKind::Var(var) => self.var(*var, e.span),
            ExprKind::Local(slot) => match self.locals.get(*slot as usize) {
                Some(v) => Ok(v.clone()),
                None => fail(e.span, "internal error: unbound local variable"),
            },
            ExprKind::Attr(target, name) => {
                let value = self.eval(target)?;
                self.attr(&value, name, e.span)
            }
            ExprKind::Index(target, index) => {
                let container = self.eval(target)?;
                let key = self.eval(index)?;
                self.record(index, &key);
                match &container {
                    Value::Map(map) => match map.get(&key) {
                        Some(v) => Ok(v.clone()),
                        None => fail(e.span, format!("the map has no key {key}")),
                    },
                    Value::Record(_) | Value::Entity(_) => match &key {
                        Value::String(name) => self.attr(&container, name, e.span),
                        _ => fail(e.span, "a record is indexed by a field name"),
                    },
                    other => fail(e.span, format!("`{}` cannot be indexed", other.type_name())),
                }
            }
            ExprKind::Has(target, path) => {
                let mut value = self.eval(target)?;
                for name in path {
                    match self.lookup(&value, name) {
                        Some(v) => value = v,
                        None => return Ok(Value::Bool(false)),
                    }
                }
                Ok(Value::Bool(true))
            }
            ExprKind::Is(target, ty) => {
                let value = self.eval(target)?;
                self.record(target, &value);
                match value {
                    Value::Entity(uid) => Ok(Value::Bool(uid.ty.as_ref() == ty.as_ref())),
                    other => fail(
                        target.span,
                        format!("`is` needs an entity, found `{}`", other.type_name()),
                    ),
                }
            }
            ExprKind::In(lhs, rhs) => {
                let l = self.eval(lhs)?;
                let r = self.eval(rhs)?;
                self.record(lhs, &l);
                self.record(rhs, &r);
                Ok(Value::Bool(self.is_in(&l, &r)))
            }
            ExprKind::Like(target, pattern) => match self.eval(target)? {
                Value::String(s) => {
                    self.record(target, &Value::String(s.clone()));
                    Ok(Value::Bool(pattern.matches(&s)))
                }
                other => fail(
                    target.span,
                    format!("`like` needs a string, found `{}`", other.type_name()),
                ),
            },
            ExprKind::Not(inner) => Ok(Value::Bool(!self.eval_bool(inner)?)),
            ExprKind::Neg(inner) => match self.eval(inner)? {
                Value::Int(i) => i
                    .checked_neg()
                    .map(Value::Int)
                    .ok_or_else(|| overflow(e.span, "-")),
                Value::Decimal(d) => d
                    .checked_neg()
                    .map(Value::Decimal)
                    .ok_or_else(|| overflow(e.span, "-")),
                Value::Duration(d) => d
                    .checked_neg()
                    .map(Value::Duration)
                    .ok_or_else(|| overflow(e.span, "-")),
                other => fail(e.span, format!("`-` cannot negate `{}`", other.type_name())),
            },
            ExprKind::And(lhs, rhs) => {
                Ok(Value::Bool(self.eval_bool(lhs)? && self.eval_bool(rhs)?))
            }
            ExprKind::Or(lhs, rhs) => Ok(Value::Bool(self.eval_bool(lhs)? || self.eval_bool(rhs)?)),
            ExprKind::Binary(op, lhs, rhs) => {
                let l = self.eval(lhs)?;
                let r = self.eval(rhs)?;
                if matches!(
                    op,
                    BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
                ) {
                    self.record(lhs, &l);
                    self.record(rhs, &r);
                }
                binary(*op, l, r, e.span)
            }
            ExprKind::If(cond, then, otherwise) => {
                if self.eval_bool(cond)? {
                    self.eval(then)
                } else {
                    self.eval(otherwise)
                }
            }
            ExprKind::Set(items) => {
                let mut set = BTreeSet::new();
                for item in items {
                    set.insert(self.eval(item)?);
                }
                Ok(Value::Set(Arc::new(set)))
            }
            ExprKind::Record(fields) => {
                let mut record = BTreeMap::new();
                for (name, value) in fields {
                    record.insert(name.clone(), self.eval(value)?);
                }
                Ok(Value::Record(Arc::new(record)))
            }
            ExprKind::Map(entries) => {
                let mut map = BTreeMap::new();
                for (k, v) in entries {
                    let k = self.eval(k)?;
                    map.insert(k, self.eval(v)?);
                }
                Ok(Value::Map(Arc::new(map)))
            }
            ExprKind::Call(id, args) => {
                let mut values = Vec::with_capacity(args.len());
                for a in args {
                    values.push(self.eval(a)?);
                }
                self.call(writ_stdlib::builtin(*id), args, &values, e.span)
            }
            ExprKind::Overloaded(ids, args) => {
                let mut values = Vec::with_capacity(args.len());
                for a in args {
                    values.push(self.eval(a)?);
                }
                let Some(builtin) = ids
                    .iter()
                    .map(|id| writ_stdlib::builtin(*id))
                    .find(|b| b.params.iter().zip(&values).all(|(sig, v)| fits(sig, v)))
                else {
                    return fail(e.span, "no form of this method takes these values");
                };
                self.call(builtin, args, &values, e.span)
            }
            ExprKind::Unreachable => fail(
                e.span,
                "internal error: reached code the checker found could not run",
            ),
            ExprKind::Helper(name, args) => {
                let Some(helper) = self.set.helpers.get(name).cloned() else {
                    return fail(e.span, format!("internal error: no helper `{name}`"));
                };
                let mut frame = Vec::with_capacity(args.len());
                for a in args {
                    let value = self.eval(a)?;
                    self.record(a, &value);
                    frame.push(value);
                }
                // A helper sees only its parameters, and its spans belong to its own item:
                // nothing inside it is traced against the caller's source.
                let saved_locals = std::mem::replace(&mut self.locals, frame);
                let saved_trace = self.trace.take();
                let result = self.eval(&helper.body);
                self.locals = saved_locals;
                self.trace = saved_trace;
                result.map_err(|err| EvalError {
                    message: format!("in `{name}`: {}", err.message),
                    span: e.span,
                })
            }
            ExprKind::Quantifier(kind, slot, collection, body) => {
                let items: Vec<Value> = match self.eval(collection)? {
                    Value::Set(set) => set.iter().cloned().collect(),
                    Value::Map(map) => map.keys().cloned().collect(),
                    other => {
                        return fail(
                            collection.span,
                            format!(
                                "`{}` ranges over a set or a map, found `{}`",
                                kind.as_str(),
                                other.type_name()
                            ),
                        );
                    }
                };
                let slot = *slot as usize;
                if self.locals.len() <= slot {
                    self.locals.resize(slot + 1, Value::Bool(false));
                }
                let want = matches!(kind, Quantifier::Any);
                let mut result = !want;
                for item in items {
                    self.locals[slot] = item;
                    if self.eval_bool(body)? == want {
                        result = want;
                        break;
                    }
                }
                self.locals.truncate(slot);
                Ok(Value::Bool(result))
            }
            ExprKind::Delegated(root) => {
                let root = match root {
                    Some(e) => match self.eval(e)? {
                        Value::Entity(uid) => {
                            self.record(e, &Value::Entity(uid.clone()));
                            Some(uid)
                        }
                        other => {
                            return fail(
                                e.span,
                                format!(
                                    "the root of a chain is an entity, found `{}`",
                                    other.type_name()
                                ),
                            );
                        }
                    },
                    None => None,
                };
                let outcome = chain::check(self.set, self.intent, self.snapshot, root.as_ref());
                let valid = outcome.valid();
                // The explanation shows the chain a rule relied on: a valid one if any was.
                if self.delegation.as_ref().is_none_or(|d| !d.valid()) {
                    self.delegation = Some(outcome);
                }
                Ok(Value::Bool(valid))
            }
        }
    }

    fn var(&mut self, var: Var, span: Span) -> Eval<Value> {
        match var {
            Var::Actor => Ok(Value::Entity(self.intent.actor.clone())),
            Var::Resource => match &self.intent.resource {
                Some(r) => Ok(Value::Entity(r.clone())),
                None => fail(span, "the intent names no resource"),
            },
            Var::Args => Ok(self.intent.args.clone()),
            Var::Action => Ok(Value::String(self.intent.action.clone())),
            Var::Now => match self.snapshot.time {
                Some(t) => Ok(Value::Datetime(t)),
                None => fail(span, "the snapshot gives no `time`"),
            },
            Var::State => Ok(Value::Record(self.snapshot.state.clone())),
            Var::Next => self.next(span),
        }
    }

    /// The state as it would be after the intent runs: the action's effect applied to a copy.
    pub fn next(&mut self, span: Span) -> Eval<Value> {
        if let Some(next) = &self.next {
            return next.clone();
        }
        let computed = self.compute_next().map_err(|err| EvalError {
            message: format!("while computing `next`: {}", err.message),
            span,
        });
        self.next = Some(computed.clone());
        computed
    }

    fn compute_next(&mut self) -> Eval<Value> {
        let mut state = Value::Record(self.snapshot.state.clone());
        let Some(effect) = self.set.effects.get(&self.intent.action) else {
            return Ok(state);
        };
        let effect = effect.item.clone();
        for assignment in &effect.assignments {
            // Every right-hand side reads the state as it was before the action.
            let value = self.eval(&assignment.value)?;
            let mut keys = Vec::with_capacity(assignment.path.len());
            for step in &assignment.path {
                keys.push(match step {
                    PlaceStep::Field(name) => Key::Field(name.clone()),
                    PlaceStep::Key(e) => Key::Map(self.eval(e)?),
                });
            }
            let mut place = vec![Key::Field(assignment.field.clone())];
            place.extend(keys);
            assign(&mut state, &place, assignment.op, value, assignment.span)?;
        }
        Ok(state)
    }

    /// `value.name`, for an entity (its attribute in the snapshot) or a record.
    fn attr(&mut self, value: &Value, name: &str, span: Span) -> Eval<Value> {
        match self.lookup(value, name) {
            Some(v) => Ok(v),
            None => match value {
                Value::Entity(uid) if !self.snapshot.entities.contains_key(uid) => {
                    fail(span, format!("the entity {uid} is not in the snapshot"))
                }
                Value::Entity(uid) => fail(span, format!("{uid} has no attribute `{name}`")),
                Value::Record(_) => fail(span, format!("the record has no field `{name}`")),
                other => fail(span, format!("`{}` has no attributes", other.type_name())),
            },
        }
    }

    fn lookup(&self, value: &Value, name: &str) -> Option<Value> {
        match value {
            Value::Entity(uid) => self.snapshot.entities.get(uid)?.attrs.get(name).cloned(),
            Value::Record(record) => record.get(name).cloned(),
            _ => None,
        }
    }

    /// `a in b`: the entity hierarchy, set membership, or a map's keys.
    fn is_in(&self, a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Entity(child), Value::Entity(ancestor)) => self.snapshot.is_in(child, ancestor),
            (Value::Entity(child), Value::Set(set)) => set.iter().any(|item| match item {
                Value::Entity(ancestor) => self.snapshot.is_in(child, ancestor),
                _ => false,
            }),
            (_, Value::Set(set)) => set.contains(a),
            (_, Value::Map(map)) => map.contains_key(a),
            _ => false,
        }
    }
}

/// Whether a value has the shape a built-in's parameter takes.
fn fits(sig: &writ_stdlib::SigType, value: &Value) -> bool {
    use writ_stdlib::SigType as S;
    matches!(
        (sig, value),
        (S::T | S::K | S::V, _)
            | (S::Bool, Value::Bool(_))
            | (S::Int, Value::Int(_))
            | (S::Decimal, Value::Decimal(_))
            | (S::String, Value::String(_))
            | (S::Datetime, Value::Datetime(_))
            | (S::Duration, Value::Duration(_))
            | (S::IpAddr, Value::Ip(_))
            | (S::Set(_), Value::Set(_))
            | (S::Map(..), Value::Map(_))
    )
}

fn overflow(span: Span, op: &str) -> EvalError {
    EvalError {
        message: format!("arithmetic overflow in `{op}`"),
        span,
    }
}

fn binary(op: BinOp, l: Value, r: Value, span: Span) -> Eval<Value> {
    use Value::*;
    let symbol = match op {
        BinOp::Eq => return Ok(Bool(l == r)),
        BinOp::Ne => return Ok(Bool(l != r)),
        BinOp::Lt => "<",
        BinOp::Le => "<=",
        BinOp::Gt => ">",
        BinOp::Ge => ">=",
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::Rem => "%",
    };
    let ordering = match (&l, &r) {
        (Int(a), Int(b)) => Some(a.cmp(b)),
        (Decimal(a), Decimal(b)) => Some(a.cmp(b)),
        (Datetime(a), Datetime(b)) => Some(a.cmp(b)),
        (Duration(a), Duration(b)) => Some(a.cmp(b)),
        _ => None,
    };
    if matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge) {
        let Some(ordering) = ordering else {
            return fail(
                span,
                format!(
                    "`{symbol}` cannot compare `{}` with `{}`",
                    l.type_name(),
                    r.type_name()
                ),
            );
        };
        return Ok(Bool(match op {
            BinOp::Lt => ordering.is_lt(),
            BinOp::Le => ordering.is_le(),
            BinOp::Gt => ordering.is_gt(),
            _ => ordering.is_ge(),
        }));
    }
    let result = match (op, &l, &r) {
        (BinOp::Add, Int(a), Int(b)) => a.checked_add(*b).map(Int),
        (BinOp::Sub, Int(a), Int(b)) => a.checked_sub(*b).map(Int),
        (BinOp::Mul, Int(a), Int(b)) => a.checked_mul(*b).map(Int),
        (BinOp::Div | BinOp::Rem, Int(_), Int(0)) => return fail(span, "division by zero"),
        (BinOp::Div, Int(a), Int(b)) => a.checked_div(*b).map(Int),
        (BinOp::Rem, Int(a), Int(b)) => a.checked_rem(*b).map(Int),
        (BinOp::Add, Decimal(a), Decimal(b)) => a.checked_add(*b).map(Decimal),
        (BinOp::Sub, Decimal(a), Decimal(b)) => a.checked_sub(*b).map(Decimal),
        (BinOp::Mul, Decimal(a), Decimal(b)) => a.checked_mul(*b).map(Decimal),
        (BinOp::Add, Duration(a), Duration(b)) => a.checked_add(*b).map(Duration),
        (BinOp::Sub, Duration(a), Duration(b)) => a.checked_sub(*b).map(Duration),
        (BinOp::Mul, Duration(a), Int(b)) | (BinOp::Mul, Int(b), Duration(a)) => a
            .millis()
            .checked_mul(*b)
            .map(|ms| Duration(writ_stdlib::Duration::from_millis(ms))),
        (BinOp::Add, Datetime(a), Duration(b)) => a.checked_add(*b).map(Datetime),
        (BinOp::Sub, Datetime(a), Duration(b)) => a.checked_sub(*b).map(Datetime),
        (BinOp::Sub, Datetime(a), Datetime(b)) => a.checked_since(*b).map(Duration),
        (BinOp::Add, String(a), String(b)) => Some(String(Arc::from(format!("{a}{b}")))),
        _ => {
            return fail(
                span,
                format!(
                    "`{symbol}` cannot be applied to `{}` and `{}`",
                    l.type_name(),
                    r.type_name()
                ),
            );
        }
    };
    result.ok_or_else(|| overflow(span, symbol))
}

/// A step into a value being assigned to.
enum Key {
    Field(Arc<str>),
    Map(Value),
}

/// Sets (or adds to, or subtracts from) the value at `place`. `+=` and `-=` on a map key that
/// is not there yet start from zero, so a first payment is not a missing-data error.
fn assign(
    target: &mut Value,
    place: &[Key],
    op: ir::AssignOp,
    value: Value,
    span: Span,
) -> Eval<()> {
    let Some((first, rest)) = place.split_first() else {
        *target = match op {
            ir::AssignOp::Set => value,
            ir::AssignOp::Add => binary(BinOp::Add, target.clone(), value, span)?,
            ir::AssignOp::Sub => binary(BinOp::Sub, target.clone(), value, span)?,
        };
        return Ok(());
    };
    // What goes where nothing is yet: a container for the next step, or the zero of the value.
    let empty = || match rest.first() {
        Some(Key::Field(_)) => Value::Record(Arc::new(BTreeMap::new())),
        Some(Key::Map(_)) => Value::Map(Arc::new(BTreeMap::new())),
        None => zero_like(&value),
    };
    let slot = match (first, target) {
        (Key::Field(name), Value::Record(record)) => Arc::make_mut(record)
            .entry(name.clone())
            .or_insert_with(empty),
        (Key::Map(key), Value::Map(map)) => {
            Arc::make_mut(map).entry(key.clone()).or_insert_with(empty)
        }
        (Key::Field(name), _) => {
            return fail(span, format!("`state` has no field `{name}` to update"));
        }
        (Key::Map(key), _) => return fail(span, format!("cannot update the key {key}: not a map")),
    };
    assign(slot, rest, op, value, span)
}

/// The zero of a number's type; any other value is about to be overwritten by `=`.
fn zero_like(value: &Value) -> Value {
    match value {
        Value::Int(_) => Value::Int(0),
        Value::Decimal(_) => Value::Decimal(Decimal::ZERO),
        Value::Duration(_) => Value::Duration(Duration::ZERO),
        other => other.clone(),
    }
}
