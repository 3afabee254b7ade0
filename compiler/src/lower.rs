//! Lowering checked items to IR.

use std::sync::Arc;

use writ_language::ast::{
    self, BinaryOp, ClauseKind, ExprKind, ItemKind, LikePart, SchemaDecl, UnaryOp,
};
use writ_stdlib::{Datetime, Decimal, Duration, EntityUid, Pattern, PatternElem, Value};

use crate::check::{ItemCheck, check_item};
use crate::ir::{self, Expr, Origin, Var};
use crate::items::ItemNode;
use crate::schema::{Schema, schema};
use crate::types::Name;
use crate::workspace::helper_signatures;

/// The IR of one item, or `None` when the item has errors (or is a `use`).
#[salsa::tracked(returns(ref))]
pub fn lower_item<'db>(db: &'db dyn salsa::Database, item: ItemNode<'db>) -> Option<ir::Item> {
    let check = check_item(db, item);
    if check.has_errors() {
        return None;
    }
    let syntax = item.syntax(db);
    let origin = Origin {
        file: item.file(db),
        item: item.key(db).clone(),
    };
    let schema = schema(db);
    let helpers = helper_signatures(db);
    let lowerer = Lowerer {
        schema,
        is_helper: &|name: &str| helpers.contains_key(name),
        check,
    };
    lowerer.item(&syntax.kind, origin)
}

struct Lowerer<'a> {
    schema: &'a Schema,
    is_helper: &'a dyn Fn(&str) -> bool,
    check: &'a ItemCheck,
}

/// Local variables in scope, innermost last; a local's slot is its position.
#[derive(Default)]
struct Locals(Vec<Name>);

impl Locals {
    fn slot(&self, name: &str) -> Option<u32> {
        self.0
            .iter()
            .rposition(|n| n.as_ref() == name)
            .map(|i| i as u32)
    }
}

impl Lowerer<'_> {
    fn item(&self, kind: &ItemKind, origin: Origin) -> Option<ir::Item> {
        let mut locals = Locals::default();
        Some(match kind {
            ItemKind::Use(_) | ItemKind::Broken(_) => return None,
            ItemKind::Rule(rule) => {
                let actions = self
                    .schema
                    .actions
                    .keys()
                    .filter(|a| rule.actions.iter().any(|p| p.matches(a)))
                    .cloned()
                    .collect();
                let mut conditions = Vec::new();
                let mut approvers = Vec::new();
                let mut obligations = Vec::new();
                let mut because = None;
                for clause in &rule.clauses {
                    match &clause.kind {
                        ClauseKind::When(e) | ClauseKind::Unless(e) => {
                            conditions.push(ir::Condition {
                                negated: matches!(clause.kind, ClauseKind::Unless(_)),
                                expr: self.expr(e, &mut locals)?,
                                span: clause.span,
                            })
                        }
                        ClauseKind::Approver(e) => approvers.push(self.expr(e, &mut locals)?),
                        ClauseKind::Obligation(e) => obligations.push(self.expr(e, &mut locals)?),
                        ClauseKind::Because(s) => because = Some(s.value.clone()),
                    }
                }
                ir::Item::Rule(Arc::new(ir::Rule {
                    name: Name::from(rule.name.name.as_str()),
                    effect: rule.effect,
                    docs: rule.docs.text(),
                    actions,
                    targets: self.check.live.clone(),
                    conditions,
                    approvers,
                    obligations,
                    because,
                    name_span: rule.name.span,
                    origin,
                }))
            }
            ItemKind::Invariant(inv) => ir::Item::Invariant(Arc::new(ir::Invariant {
                name: Name::from(inv.name.name.as_str()),
                description: inv.description.as_ref().map(|d| d.value.clone()),
                body: self.expr(&inv.body, &mut locals)?,
                name_span: inv.name.span,
                origin,
            })),
            ItemKind::Function(f) => {
                for p in &f.params {
                    locals.0.push(Name::from(p.name.name.as_str()));
                }
                ir::Item::Helper(Arc::new(ir::Helper {
                    name: Name::from(f.name.name.as_str()),
                    params: f.params.len() as u32,
                    body: self.expr(&f.body, &mut locals)?,
                    origin,
                }))
            }
            ItemKind::Schema(block) => {
                let mut effects = Vec::new();
                for decl in &block.decls {
                    let SchemaDecl::Action(a) = decl else {
                        continue;
                    };
                    let Some(effect) = &a.effect else { continue };
                    let mut assignments = Vec::new();
                    for assignment in &effect.assignments {
                        assignments.push(self.assignment(assignment, &mut locals)?);
                    }
                    effects.push(ir::ActionEffect {
                        action: Name::from(a.name.dotted().as_str()),
                        assignments,
                        origin: origin.clone(),
                    });
                }
                ir::Item::Effects(Arc::new(effects))
            }
            ItemKind::Test(t) => {
                let mut steps = Vec::new();
                for step in &t.steps {
                    let lower = |e: &ast::Expr| self.expr(e, &mut Locals::default());
                    // `Some(None)` for an absent part, `None` when lowering failed.
                    let optional = |e: &Option<ast::Expr>| match e {
                        None => Some(None),
                        Some(e) => lower(e).map(Some),
                    };
                    steps.push(match &step.kind {
                        ast::TestStepKind::GivenFile(path) => {
                            ir::TestStep::GivenFile(path.value.clone())
                        }
                        ast::TestStepKind::GivenEntity {
                            uid,
                            attrs,
                            parents,
                        } => ir::TestStep::GivenEntity {
                            uid: lower(uid)?,
                            attrs: optional(attrs)?,
                            parents: optional(parents)?,
                        },
                        ast::TestStepKind::GivenState(e) => ir::TestStep::GivenState(lower(e)?),
                        ast::TestStepKind::GivenTime(e) => ir::TestStep::GivenTime(lower(e)?),
                        ast::TestStepKind::GivenGrant(e) => ir::TestStep::GivenGrant(lower(e)?),
                        ast::TestStepKind::Intent {
                            action,
                            actor,
                            resource,
                            args,
                        } => ir::TestStep::Intent {
                            action: Name::from(action.dotted().as_str()),
                            actor: lower(actor)?,
                            resource: optional(resource)?,
                            args: optional(args)?,
                        },
                        ast::TestStepKind::Expect { decision, rule, .. } => ir::TestStep::Expect {
                            decision: *decision,
                            rule: rule.as_ref().map(|r| Name::from(r.name.as_str())),
                        },
                    });
                }
                ir::Item::Test(Arc::new(ir::TestCase {
                    name: t.name.value.clone(),
                    steps,
                    name_span: t.name.span,
                    origin,
                }))
            }
        })
    }

    fn assignment(&self, a: &ast::Assignment, locals: &mut Locals) -> Option<ir::Assignment> {
        // The checker allows only `state.field` followed by fields and keys.
        let mut steps = Vec::new();
        let mut target = &a.target;
        loop {
            match &target.kind {
                ExprKind::Field {
                    target: inner,
                    name,
                } => {
                    steps.push(ir::PlaceStep::Field(Name::from(name.name.as_str())));
                    target = inner;
                }
                ExprKind::Index {
                    target: inner,
                    index,
                } => {
                    steps.push(ir::PlaceStep::Key(self.expr(index, locals)?));
                    target = inner;
                }
                ExprKind::Paren(inner) => target = inner,
                ExprKind::Name(n) if n.name == "state" => break,
                _ => return None,
            }
        }
        steps.reverse();
        let ir::PlaceStep::Field(field) = steps.remove(0) else {
            return None;
        };
        Some(ir::Assignment {
            field,
            path: steps,
            op: match a.op {
                ast::AssignOp::Set => ir::AssignOp::Set,
                ast::AssignOp::Add => ir::AssignOp::Add,
                ast::AssignOp::Sub => ir::AssignOp::Sub,
            },
            value: self.expr(&a.value, locals)?,
            span: a.span,
        })
    }

    /// A call of a built-in, bound to the form(s) the checker resolved.
    fn call(&self, e: &ast::Expr, args: Vec<Expr>) -> ir::ExprKind {
        let ids = self.check.calls.get(&(e.span.start, e.span.end));
        match ids
            .map(|ids| ids.iter().copied().collect::<Vec<_>>())
            .unwrap_or_default()
            .as_slice()
        {
            [] => ir::ExprKind::Unreachable,
            [one] => ir::ExprKind::Call(*one, args),
            several => ir::ExprKind::Overloaded(several.to_vec(), args),
        }
    }

    fn boxed(&self, e: &ast::Expr, locals: &mut Locals) -> Option<Box<Expr>> {
        self.expr(e, locals).map(Box::new)
    }

    fn expr(&self, e: &ast::Expr, locals: &mut Locals) -> Option<Expr> {
        use ir::ExprKind as K;
        let kind = match &e.kind {
            ExprKind::Bool(b) => K::Literal(Value::Bool(*b)),
            ExprKind::Int(i) => K::Literal(Value::Int(*i)),
            ExprKind::Decimal(t) => K::Literal(Value::Decimal(Decimal::parse(t).ok()?)),
            ExprKind::Duration(t) => K::Literal(Value::Duration(Duration::parse(t).ok()?)),
            ExprKind::Datetime(t) => K::Literal(Value::Datetime(Datetime::parse(t).ok()?)),
            ExprKind::Str(s) => K::Literal(Value::string(s.as_str())),
            ExprKind::Entity { ty, id } => K::Literal(Value::Entity(EntityUid::new(
                ty.name.as_str(),
                id.value.as_str(),
            ))),
            ExprKind::Name(n) => match locals.slot(&n.name) {
                Some(slot) => K::Local(slot),
                None => K::Var(match n.name.as_str() {
                    "actor" => Var::Actor,
                    "resource" => Var::Resource,
                    "args" => Var::Args,
                    "action" => Var::Action,
                    "now" => Var::Now,
                    "state" => Var::State,
                    "next" => Var::Next,
                    _ => return None,
                }),
            },
            ExprKind::Field { target, name } => {
                if let ExprKind::Name(enum_name) = &target.kind
                    && locals.slot(&enum_name.name).is_none()
                    && self.schema.enums.contains_key(enum_name.name.as_str())
                {
                    K::Literal(Value::string(name.name.as_str()))
                } else {
                    K::Attr(self.boxed(target, locals)?, Name::from(name.name.as_str()))
                }
            }
            ExprKind::Index { target, index } => {
                K::Index(self.boxed(target, locals)?, self.boxed(index, locals)?)
            }
            ExprKind::Call { callee, args } => {
                let args = args
                    .iter()
                    .map(|a| self.expr(a, locals))
                    .collect::<Option<Vec<_>>>()?;
                if (self.is_helper)(&callee.name) {
                    K::Helper(Name::from(callee.name.as_str()), args)
                } else if callee.name == crate::check::DELEGATED {
                    K::Delegated(args.into_iter().next().map(Box::new))
                } else {
                    self.call(e, args)
                }
            }
            ExprKind::Method { target, args, .. } => {
                let mut all = vec![self.expr(target, locals)?];
                for a in args {
                    all.push(self.expr(a, locals)?);
                }
                self.call(e, all)
            }
            ExprKind::Unary { op, operand, .. } => match op {
                UnaryOp::Not => K::Not(self.boxed(operand, locals)?),
                UnaryOp::Neg => K::Neg(self.boxed(operand, locals)?),
            },
            ExprKind::Binary { op, lhs, rhs, .. } => {
                let (l, r) = (self.boxed(lhs, locals)?, self.boxed(rhs, locals)?);
                let bin = |op| K::Binary(op, l.clone(), r.clone());
                match op {
                    BinaryOp::And => K::And(l, r),
                    BinaryOp::Or => K::Or(l, r),
                    BinaryOp::In => K::In(l, r),
                    BinaryOp::Eq => bin(ir::BinOp::Eq),
                    BinaryOp::Ne => bin(ir::BinOp::Ne),
                    BinaryOp::Lt => bin(ir::BinOp::Lt),
                    BinaryOp::Le => bin(ir::BinOp::Le),
                    BinaryOp::Gt => bin(ir::BinOp::Gt),
                    BinaryOp::Ge => bin(ir::BinOp::Ge),
                    BinaryOp::Add => bin(ir::BinOp::Add),
                    BinaryOp::Sub => bin(ir::BinOp::Sub),
                    BinaryOp::Mul => bin(ir::BinOp::Mul),
                    BinaryOp::Div => bin(ir::BinOp::Div),
                    BinaryOp::Rem => bin(ir::BinOp::Rem),
                }
            }
            ExprKind::Has { target, path } => K::Has(
                self.boxed(target, locals)?,
                path.iter().map(|a| Name::from(a.name.as_str())).collect(),
            ),
            ExprKind::Like { target, pattern } => {
                let mut elems = Vec::new();
                for part in &pattern.parts {
                    match part {
                        LikePart::Wildcard => elems.push(PatternElem::Wildcard),
                        LikePart::Literal(text) => {
                            elems.extend(text.chars().map(PatternElem::Char))
                        }
                    }
                }
                K::Like(self.boxed(target, locals)?, Pattern::from_elems(elems))
            }
            ExprKind::Is { target, ty, within } => {
                let is = K::Is(self.boxed(target, locals)?, Name::from(ty.name.as_str()));
                match within {
                    None => is,
                    Some(w) => K::And(
                        Box::new(Expr {
                            kind: is,
                            span: e.span,
                        }),
                        Box::new(Expr {
                            kind: K::In(self.boxed(target, locals)?, self.boxed(w, locals)?),
                            span: e.span,
                        }),
                    ),
                }
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => K::If(
                self.boxed(cond, locals)?,
                self.boxed(then, locals)?,
                self.boxed(otherwise, locals)?,
            ),
            ExprKind::Quantifier {
                kind,
                var,
                collection,
                body,
            } => {
                let collection = self.boxed(collection, locals)?;
                let slot = locals.0.len() as u32;
                locals.0.push(Name::from(var.name.as_str()));
                let body = self.boxed(body, locals);
                locals.0.pop();
                K::Quantifier(*kind, slot, collection, body?)
            }
            ExprKind::Set(items) => K::Set(
                items
                    .iter()
                    .map(|i| self.expr(i, locals))
                    .collect::<Option<Vec<_>>>()?,
            ),
            ExprKind::Record(fields) => K::Record(
                fields
                    .iter()
                    .map(|f| {
                        Some((
                            Name::from(f.name.name.as_str()),
                            self.expr(&f.value, locals)?,
                        ))
                    })
                    .collect::<Option<Vec<_>>>()?,
            ),
            ExprKind::Map(entries) => K::Map(
                entries
                    .iter()
                    .map(|(k, v)| Some((self.expr(k, locals)?, self.expr(v, locals)?)))
                    .collect::<Option<Vec<_>>>()?,
            ),
            ExprKind::Paren(inner) => return self.expr(inner, locals),
        };
        Some(Expr { kind, span: e.span })
    }
}
