//! Every expression of an item, outermost first.

use writ_language::ast::{ClauseKind, Expr, ExprKind, ItemKind, SchemaDecl, TestStepKind};

pub(crate) fn item_exprs<'a>(kind: &'a ItemKind, f: &mut dyn FnMut(&'a Expr)) {
    let mut roots: Vec<&'a Expr> = Vec::new();
    match kind {
        ItemKind::Rule(r) => {
            for clause in &r.clauses {
                match &clause.kind {
                    ClauseKind::When(e)
                    | ClauseKind::Unless(e)
                    | ClauseKind::Approver(e)
                    | ClauseKind::Obligation(e) => roots.push(e),
                    ClauseKind::Because(_) => {}
                }
            }
        }
        ItemKind::Invariant(i) => roots.push(&i.body),
        ItemKind::Function(f) => roots.push(&f.body),
        ItemKind::Test(t) => {
            for step in &t.steps {
                match &step.kind {
                    TestStepKind::GivenEntity {
                        uid,
                        attrs,
                        parents,
                    } => {
                        roots.push(uid);
                        roots.extend(attrs.iter().chain(parents));
                    }
                    TestStepKind::GivenState(e)
                    | TestStepKind::GivenTime(e)
                    | TestStepKind::GivenGrant(e) => roots.push(e),
                    TestStepKind::Intent {
                        actor,
                        resource,
                        args,
                        ..
                    } => {
                        roots.push(actor);
                        roots.extend(resource.iter().chain(args));
                    }
                    TestStepKind::GivenFile(_) | TestStepKind::Expect { .. } => {}
                }
            }
        }
        ItemKind::Schema(s) => {
            for decl in &s.decls {
                if let SchemaDecl::Action(a) = decl
                    && let Some(effect) = &a.effect
                {
                    for assignment in &effect.assignments {
                        roots.push(&assignment.target);
                        roots.push(&assignment.value);
                    }
                }
            }
        }
        ItemKind::Use(_) | ItemKind::Broken(_) => {}
    }
    for root in roots {
        expr(root, f);
    }
}

fn expr<'a>(e: &'a Expr, f: &mut dyn FnMut(&'a Expr)) {
    f(e);
    match &e.kind {
        ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Decimal(_)
        | ExprKind::Duration(_)
        | ExprKind::Datetime(_)
        | ExprKind::Str(_)
        | ExprKind::Entity { .. }
        | ExprKind::Name(_) => {}
        ExprKind::Field { target, .. }
        | ExprKind::Has { target, .. }
        | ExprKind::Like { target, .. } => expr(target, f),
        ExprKind::Index { target, index } => {
            expr(target, f);
            expr(index, f);
        }
        ExprKind::Call { args, .. } => {
            for a in args {
                expr(a, f);
            }
        }
        ExprKind::Method { target, args, .. } => {
            expr(target, f);
            for a in args {
                expr(a, f);
            }
        }
        ExprKind::Unary { operand, .. } => expr(operand, f),
        ExprKind::Binary { lhs, rhs, .. } => {
            expr(lhs, f);
            expr(rhs, f);
        }
        ExprKind::Is { target, within, .. } => {
            expr(target, f);
            if let Some(w) = within {
                expr(w, f);
            }
        }
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => {
            expr(cond, f);
            expr(then, f);
            expr(otherwise, f);
        }
        ExprKind::Quantifier {
            collection, body, ..
        } => {
            expr(collection, f);
            expr(body, f);
        }
        ExprKind::Set(elements) => {
            for el in elements {
                expr(el, f);
            }
        }
        ExprKind::Record(fields) => {
            for field in fields {
                expr(&field.value, f);
            }
        }
        ExprKind::Map(entries) => {
            for (k, v) in entries {
                expr(k, f);
                expr(v, f);
            }
        }
        ExprKind::Paren(inner) => expr(inner, f),
    }
}
