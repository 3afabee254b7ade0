//! Type checking of expressions.

use std::sync::Arc;

use writ_language::ast::{AttrName, BinaryOp, Expr, ExprKind, Ident, RecordField, Span, UnaryOp};
use writ_stdlib::{Datetime, Decimal, Duration};

use super::facts::{Fact, Facts, Path, path_of, render_path};
use super::{Checker, Context, Env, Scope};
use crate::diagnostic::Diagnostic;
use crate::suggest::closest;
use crate::types::{BOOL, Field, Name, RecordTy, Truth, Ty, assignable, join};

/// An expression's type, and what is known to hold when it evaluates to `true`.
pub(crate) struct Typed {
    pub ty: Ty,
    pub facts: Facts,
}

impl Typed {
    pub(crate) fn of(ty: Ty) -> Typed {
        Typed {
            ty,
            facts: Facts::none(),
        }
    }
}

pub const VARIABLES: &[&str] = &[
    "actor", "resource", "args", "action", "now", "state", "next",
];

impl Checker<'_> {
    pub(crate) fn expr(&mut self, e: &Expr, env: &Env, scope: &mut Scope, facts: &Facts) -> Typed {
        let typed = self.expr_kind(e, env, scope, facts);
        self.note_type(e.span, &typed.ty);
        typed
    }

    fn expr_kind(&mut self, e: &Expr, env: &Env, scope: &mut Scope, facts: &Facts) -> Typed {
        match &e.kind {
            ExprKind::Bool(b) => Typed::of(Ty::Bool(if *b { Truth::True } else { Truth::False })),
            ExprKind::Int(_) => Typed::of(Ty::Int),
            ExprKind::Decimal(text) => {
                if let Err(err) = Decimal::parse(text) {
                    self.report(
                        Diagnostic::error(
                            "E0006",
                            format!("invalid decimal literal `{text}`: {err}"),
                            self.loc(e.span),
                            "invalid decimal",
                        )
                        .with_help("a `Decimal` has at most 4 fraction digits and lies within ±922337203685477.5807"),
                    );
                }
                Typed::of(Ty::Decimal)
            }
            ExprKind::Duration(text) => {
                if let Err(err) = Duration::parse(text) {
                    self.report(
                        Diagnostic::error(
                            "E0007",
                            format!("invalid duration literal `{text}`: {err}"),
                            self.loc(e.span),
                            "invalid duration",
                        )
                        .with_help(
                            "write units from largest to smallest, each once: `1d2h30m15s500ms`",
                        ),
                    );
                }
                Typed::of(Ty::Duration)
            }
            ExprKind::Datetime(text) => {
                if let Err(err) = Datetime::parse(text) {
                    self.report(
                        Diagnostic::error(
                            "E0008",
                            format!("invalid datetime literal `@{text}`: {err}"),
                            self.loc(e.span),
                            "invalid datetime",
                        )
                        .with_help("write `@2026-01-31`, `@2026-01-31T09:30:00Z` or `@2026-01-31T09:30:00+0100`"),
                    );
                }
                Typed::of(Ty::Datetime)
            }
            ExprKind::Str(_) => Typed::of(Ty::String),
            ExprKind::Entity { ty, .. } => Typed::of(self.entity_literal_type(ty)),
            ExprKind::Name(ident) => self.name(ident, env, scope, facts),
            ExprKind::Field { target, name } => self.field(e, target, name, env, scope, facts),
            ExprKind::Index { target, index } => {
                let target_ty = self.expr(target, env, scope, facts).ty;
                let index_ty = self.expr(index, env, scope, facts).ty;
                if let ExprKind::Str(key) = &index.unparen().kind {
                    let span = index.unparen().span;
                    self.note_field(key, span, true, &target_ty, Some(target), env);
                }
                self.index(target_ty, index_ty, target, index, facts)
            }
            ExprKind::Call { callee, args } => self.call(e, callee, args, env, scope, facts),
            ExprKind::Method { target, name, args } => {
                let receiver = self.expr(target, env, scope, facts).ty;
                self.method(e, receiver, target.span, name, args, env, scope, facts)
            }
            ExprKind::Unary {
                op,
                operand,
                op_span,
            } => {
                let inner = self.expr(operand, env, scope, facts);
                Typed::of(self.unary(*op, *op_span, inner.ty, operand))
            }
            ExprKind::Binary {
                op,
                op_span,
                lhs,
                rhs,
            } => self.binary(*op, *op_span, lhs, rhs, env, scope, facts),
            ExprKind::Has { target, path } => self.has(target, path, env, scope, facts),
            ExprKind::Like { target, .. } => {
                let ty = self.expr(target, env, scope, facts).ty;
                if !assignable(&ty, &Ty::String) {
                    self.report(Diagnostic::error(
                        "E0216",
                        format!("`like` matches strings, but this is `{ty}`"),
                        self.loc(target.span),
                        format!("this is `{ty}`"),
                    ));
                }
                Typed::of(BOOL)
            }
            ExprKind::Is { target, ty, within } => {
                self.is(target, ty, within.as_deref(), env, scope, facts)
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                let c = self.expr(cond, env, scope, facts);
                self.expect_bool(&c.ty, cond.span, "the condition of `if`");
                let then_facts = facts.union(&c.facts);
                let (a, b) = match c.ty.truth() {
                    Truth::True => {
                        self.dead(|c| c.expr(otherwise, env, scope, facts));
                        (Some(self.expr(then, env, scope, &then_facts)), None)
                    }
                    Truth::False => {
                        self.dead(|c| c.expr(then, env, scope, &then_facts));
                        (None, Some(self.expr(otherwise, env, scope, facts)))
                    }
                    Truth::Unknown => (
                        Some(self.expr(then, env, scope, &then_facts)),
                        Some(self.expr(otherwise, env, scope, facts)),
                    ),
                };
                match (a, b) {
                    (Some(a), Some(b)) => match join(&a.ty, &b.ty) {
                        Some(ty) => Typed {
                            ty,
                            facts: a.facts.union(&c.facts).intersection(&b.facts),
                        },
                        None => {
                            self.report(
                                Diagnostic::error(
                                    "E0210",
                                    format!(
                                        "the branches of `if` have different types: `{}` and `{}`",
                                        a.ty, b.ty
                                    ),
                                    self.loc(otherwise.span),
                                    format!("this is `{}`", b.ty),
                                )
                                .with_label(self.loc(then.span), format!("this is `{}`", a.ty)),
                            );
                            Typed::of(Ty::Error)
                        }
                    },
                    (Some(a), None) => a,
                    (None, Some(b)) => b,
                    (None, None) => Typed::of(Ty::Error),
                }
            }
            ExprKind::Quantifier {
                kind,
                var,
                collection,
                body,
            } => {
                let coll = self.expr(collection, env, scope, facts).ty;
                let element = match &coll {
                    Ty::Set(t) => (**t).clone(),
                    Ty::Map(k, _) => (**k).clone(),
                    Ty::Error | Ty::Never => Ty::Error,
                    other => {
                        self.report(
                            Diagnostic::error(
                                "E0213",
                                format!("`{}` ranges over a set or a map, but this is `{other}`", kind.as_str()),
                                self.loc(collection.span),
                                format!("this is `{other}`"),
                            )
                            .with_help("quantifiers range over finite collections: a `Set` or the keys of a `Map`"),
                        );
                        Ty::Error
                    }
                };
                let inner_facts = facts.without_root(&var.name);
                scope.push(Name::from(var.name.as_str()), element);
                let b = self.expr(body, env, scope, &inner_facts);
                scope.pop();
                self.expect_bool(
                    &b.ty,
                    body.span,
                    &format!("the body of `{}`", kind.as_str()),
                );
                Typed::of(BOOL)
            }
            ExprKind::Set(elements) => {
                let mut ty = Ty::Never;
                for el in elements {
                    let t = self.expr(el, env, scope, facts).ty.strip_truth();
                    match join(&ty, &t) {
                        Some(j) => ty = j,
                        None => {
                            let d = Diagnostic::error(
                                "E0211",
                                format!("set elements must have one type, but this is `{t}` after `{ty}`"),
                                self.loc(el.span),
                                format!("this is `{t}`"),
                            )
                            .with_help("a set holds values of one type");
                            let first = elements.first().unwrap_or(el);
                            let d = self.enum_string_help(d, &ty, &t, first, el);
                            self.report(d);
                            ty = Ty::Error;
                        }
                    }
                }
                Typed::of(Ty::set(ty))
            }
            ExprKind::Record(fields) => Typed::of(self.record_literal(fields, env, scope, facts)),
            ExprKind::Map(entries) => {
                let (mut key_ty, mut value_ty) = (Ty::Never, Ty::Never);
                for (k, v) in entries {
                    let kt = self.expr(k, env, scope, facts).ty.strip_truth();
                    let vt = self.expr(v, env, scope, facts).ty.strip_truth();
                    for (acc, t, span, what) in [
                        (&mut key_ty, kt, k.span, "keys"),
                        (&mut value_ty, vt, v.span, "values"),
                    ] {
                        match join(acc, &t) {
                            Some(j) => *acc = j,
                            None => {
                                self.report(Diagnostic::error(
                                    "E0218",
                                    format!("map {what} must have one type, but this is `{t}` after `{acc}`"),
                                    self.loc(span),
                                    format!("this is `{t}`"),
                                ));
                                *acc = Ty::Error;
                            }
                        }
                    }
                }
                Typed::of(Ty::map(key_ty, value_ty))
            }
            ExprKind::Paren(inner) => self.expr(inner, env, scope, facts),
        }
    }

    pub(crate) fn expect_bool(&mut self, ty: &Ty, span: Span, what: &str) {
        if !ty.is_bool() {
            self.report(
                Diagnostic::error(
                    "E0208",
                    format!("{what} must be a `Bool`, but this is `{ty}`"),
                    self.loc(span),
                    format!("expected `Bool`, found `{ty}`"),
                )
                .with_help(
                    "compare it with something, e.g. `x == ...`, or test it with `has`/`in`/`like`",
                ),
            );
        }
    }

    pub(crate) fn entity_literal_type(&mut self, ty: &Ident) -> Ty {
        let name = ty.name.as_str();
        if self.schema.entities.contains_key(name) {
            return Ty::Entity(Name::from(name));
        }
        if self.schema.broken.contains(name) {
            return Ty::Error;
        }
        if self.schema.enums.contains_key(name) || self.schema.aliases.contains_key(name) {
            self.report(Diagnostic::error(
                "E0221",
                format!("`{name}` is not an entity type"),
                self.loc(ty.span),
                "expected an entity type",
            ));
            return Ty::Error;
        }
        let mut d = Diagnostic::error(
            "E0102",
            format!("unknown entity type `{name}`"),
            self.loc(ty.span),
            "not a declared entity type",
        );
        if let Some(s) = closest(name, self.schema.entities.keys().map(|n| n.as_ref())) {
            d = d.with_suggestion(s);
        }
        self.report(d);
        Ty::Error
    }

    fn name(&mut self, ident: &Ident, env: &Env, scope: &mut Scope, facts: &Facts) -> Typed {
        let name = ident.name.as_str();
        if let Some(ty) = scope.lookup(name) {
            return Typed::of(self.narrow(ty, &vec![Name::from(name)], facts));
        }
        if self.schema.broken.contains(name) && !VARIABLES.contains(&name) {
            return Typed::of(Ty::Error);
        }
        if VARIABLES.contains(&name) {
            if let Some(ty) = self.variable(ident, env) {
                return Typed::of(self.narrow(ty, &vec![Name::from(name)], facts));
            }
            return Typed::of(Ty::Error);
        }
        if self.schema.enums.contains_key(name) {
            let member = self.schema.enums[name]
                .members
                .first()
                .map_or("member", |m| m.as_ref());
            self.report(
                Diagnostic::error(
                    "E0101",
                    format!("`{name}` is an enum, not a value"),
                    self.loc(ident.span),
                    "an enum's name",
                )
                .with_help(format!("name one of its members, e.g. `{name}.{member}`")),
            );
            return Typed::of(Ty::Error);
        }
        if self.helpers.contains_key(name) {
            self.report(
                Diagnostic::error(
                    "E0101",
                    format!("`{name}` is a function, not a value"),
                    self.loc(ident.span),
                    "a function's name",
                )
                .with_help(format!("call it: `{name}(...)`")),
            );
            return Typed::of(Ty::Error);
        }
        let visible: Vec<String> = scope
            .names()
            .chain(self.visible_variables(env).iter().map(|s| s.to_string()))
            .collect();
        let mut d = Diagnostic::error(
            "E0101",
            format!("unknown name `{name}`"),
            self.loc(ident.span),
            "not found in this scope",
        );
        if let Some(s) = closest(name, visible.iter().map(|s| s.as_str())) {
            d = d.with_suggestion(s);
        } else if self.schema.entities.contains_key(name) {
            d = d.with_help(format!("to name an entity, write `{name}::\"id\"`"));
        } else if !visible.is_empty() {
            d = d.with_help(format!(
                "the names in scope here are {}",
                backticked(&visible)
            ));
        }
        self.report(d);
        Typed::of(Ty::Error)
    }

    fn visible_variables(&self, env: &Env) -> Vec<&'static str> {
        match env.context {
            Context::Rule => VARIABLES.to_vec(),
            Context::Invariant => vec!["actor", "resource", "action", "now", "state", "next"],
            Context::Effect => vec!["actor", "resource", "args", "action", "now", "state"],
            Context::Helper | Context::Test => vec![],
        }
    }

    fn variable(&mut self, ident: &Ident, env: &Env) -> Option<Ty> {
        let name = ident.name.as_str();
        if !self.visible_variables(env).contains(&name) {
            let (place, help) = match env.context {
                Context::Helper => (
                    "a helper function",
                    format!("a helper sees only its parameters: pass `{name}` in as one"),
                ),
                Context::Test => (
                    "a test",
                    "a test describes its intent with `intent` and its data with `given`"
                        .to_string(),
                ),
                Context::Invariant => (
                    "an invariant",
                    "an invariant holds for every action, so it cannot read one action's arguments"
                        .to_string(),
                ),
                _ => (
                    "an `effect`",
                    "an effect computes `next`; it reads `state` as it was before the action"
                        .to_string(),
                ),
            };
            self.report(
                Diagnostic::error(
                    "E0122",
                    format!("`{name}` is not available in {place}"),
                    self.loc(ident.span),
                    "not available here",
                )
                .with_help(help),
            );
            return None;
        }
        Some(match name {
            "actor" => env.actor.clone(),
            "resource" => env.resource.clone(),
            "args" => env.args.clone().unwrap_or(Ty::Error),
            "action" => Ty::String,
            "now" => Ty::Datetime,
            _ => match self.schema.state_ty() {
                Some(ty) => ty,
                // Said once per item: every other use is the same mistake.
                None if self.diagnostics.iter().any(|d| d.code == "E0119") => return None,
                None => {
                    self.report(
                        Diagnostic::error(
                            "E0119",
                            format!("`{name}` is used, but the schema declares no `state`"),
                            self.loc(ident.span),
                            "no state declared",
                        )
                        .with_help(
                            "declare it in the schema: `state { budget: Map<Agent, Decimal> }`",
                        ),
                    );
                    return None;
                }
            },
        })
    }

    /// An entity of unknown type, narrowed by an earlier `is`.
    fn narrow(&self, ty: Ty, path: &Path, facts: &Facts) -> Ty {
        if ty == Ty::AnyEntity
            && let Some(t) = facts.entity_type(path)
        {
            return Ty::Entity(t.clone());
        }
        ty
    }

    fn field(
        &mut self,
        whole: &Expr,
        target: &Expr,
        name: &Ident,
        env: &Env,
        scope: &mut Scope,
        facts: &Facts,
    ) -> Typed {
        // `Sensitivity.secret`: a member of an enum, unless a variable hides the enum.
        if let ExprKind::Name(enum_name) = &target.kind
            && scope.lookup(&enum_name.name).is_none()
            && let Some(info) = self.schema.enums.get(enum_name.name.as_str())
        {
            if !info.members.iter().any(|m| m.as_ref() == name.name) {
                let mut d = Diagnostic::error(
                    "E0104",
                    format!("`{}` has no member `{}`", enum_name.name, name.name),
                    self.loc(name.span),
                    "not a member",
                );
                if let Some(s) = closest(&name.name, info.members.iter().map(|m| m.as_ref())) {
                    d = d.with_suggestion(s);
                } else {
                    let members: Vec<String> = info.members.iter().map(|m| m.to_string()).collect();
                    d = d.with_help(format!("its members are {}", backticked(&members)));
                }
                self.report(d);
                return Typed::of(Ty::Error);
            }
            return Typed::of(Ty::Enum(info.name.clone()));
        }
        let target_ty = self.expr(target, env, scope, facts).ty;
        self.note_field(&name.name, name.span, false, &target_ty, Some(target), env);
        let path = path_of(whole);
        let ty = self.attribute(&target_ty, target, name, path.as_ref(), facts, env);
        match (&path, ty) {
            (Some(p), ty) => Typed::of(self.narrow(ty, p, facts)),
            (None, ty) => Typed::of(ty),
        }
    }

    /// The type of `target.name`, checking that the attribute exists and, if optional, that it
    /// was tested with `has`.
    fn attribute(
        &mut self,
        target_ty: &Ty,
        target: &Expr,
        name: &Ident,
        path: Option<&Path>,
        facts: &Facts,
        env: &Env,
    ) -> Ty {
        let mut args_of_action = None;
        let (record, owner, members) = match target_ty {
            Ty::Error => return Ty::Error,
            Ty::Entity(e) => match self.schema.entities.get(e) {
                Some(info) => (
                    info.attrs.clone(),
                    format!("the entity type `{e}` has no attribute"),
                    "attributes",
                ),
                None => return Ty::Error,
            },
            Ty::Record(r) => {
                let (owner, members) = match (path.map(|p| p.len()), &env.action) {
                    (Some(2), Some(action)) if path.is_some_and(|p| p[0].as_ref() == "args") => {
                        args_of_action = Some(action.clone());
                        (
                            format!("the action `{action}` has no argument"),
                            "arguments",
                        )
                    }
                    (Some(2), _)
                        if path.is_some_and(|p| matches!(p[0].as_ref(), "state" | "next")) =>
                    {
                        ("the state has no field".to_string(), "fields")
                    }
                    _ => ("this record has no field".to_string(), "fields"),
                };
                ((**r).clone(), owner, members)
            }
            Ty::AnyEntity => {
                self.report(
                    Diagnostic::error(
                        "E0203",
                        format!(
                            "`{}` may be an entity of any type, so it has no known attribute `{}`",
                            snippet(target),
                            name.name
                        ),
                        self.loc(name.span),
                        "type not known here",
                    )
                    .with_help(format!(
                        "narrow it first: `{} is SomeType && {}.{}`",
                        snippet(target),
                        snippet(target),
                        name.name
                    )),
                );
                return Ty::Error;
            }
            other => {
                self.report(Diagnostic::error(
                    "E0203",
                    format!("`{other}` has no attributes, so it has no `{}`", name.name),
                    self.loc(name.span),
                    format!("`{}` is `{other}`", snippet(target)),
                ));
                return Ty::Error;
            }
        };
        match record.fields.get(name.name.as_str()) {
            Some(Field { ty, optional }) => {
                if *optional && !path.is_some_and(|p| facts.has(p)) {
                    let guard = format!("{} has {}", snippet(target), name.name);
                    self.report(
                        Diagnostic::error(
                            "E0204",
                            format!("`{}` is optional and may be absent", name.name),
                            self.loc(name.span),
                            "read without checking that it is present",
                        )
                        .with_help(format!("test it first: `{guard} && ...`")),
                    );
                }
                ty.clone()
            }
            None => {
                if let Some(action) = &args_of_action
                    && env.shared
                    && self.rule_actions.len() > 1
                {
                    self.argument_of_some_actions(action, name);
                    return Ty::Error;
                }
                let mut d = Diagnostic::error(
                    "E0203",
                    format!("{owner} `{}`", name.name),
                    self.loc(name.span),
                    "unknown attribute",
                );
                if let Some(s) = closest(&name.name, record.fields.keys().map(|k| k.as_ref())) {
                    d = d.with_suggestion(s);
                } else if !record.fields.is_empty() {
                    let names: Vec<String> = record.fields.keys().map(|k| k.to_string()).collect();
                    d = d.with_help(format!("its {members} are {}", backticked(&names)));
                }
                if let Ty::Entity(e) = target_ty
                    && let Some(info) = self.schema.entities.get(e)
                {
                    d = d.with_label(info.origin.loc(), format!("`{e}` is declared here"));
                }
                self.report(d);
                Ty::Error
            }
        }
    }

    /// `args.name` in a rule on several actions, when `action` (one of them) has no argument
    /// `name`: one message for every action that lacks it, the same in each environment.
    fn argument_of_some_actions(&mut self, action: &Name, name: &Ident) {
        let (having, lacking): (Vec<&Name>, Vec<&Name>) = self.rule_actions.iter().partition(|a| {
            self.schema
                .actions
                .get(*a)
                .is_some_and(|info| info.args.fields.contains_key(name.name.as_str()))
        });
        let lacking: Vec<String> = lacking.iter().map(|a| a.to_string()).collect();
        let message = match lacking.as_slice() {
            [_] => format!("the action `{action}` has no argument `{}`", name.name),
            _ => format!(
                "the actions {} have no argument `{}`",
                backticked(&lacking),
                name.name
            ),
        };
        let mut d = Diagnostic::error("E0203", message, self.loc(name.span), "unknown argument");
        if having.is_empty() {
            let all: std::collections::BTreeSet<&str> = self
                .rule_actions
                .iter()
                .filter_map(|a| self.schema.actions.get(a))
                .flat_map(|info| info.args.fields.keys().map(|k| k.as_ref()))
                .collect();
            if let Some(s) = closest(&name.name, all) {
                d = d.with_suggestion(s);
            }
        } else {
            let having: Vec<String> = having.iter().map(|a| a.to_string()).collect();
            d = d.with_help(format!(
                "only {} {} `{}`: narrow the rule's `on` list, or split the rule",
                backticked(&having),
                if having.len() == 1 { "has" } else { "have" },
                name.name
            ));
        }
        self.report(d);
    }

    fn index(
        &mut self,
        target_ty: Ty,
        index_ty: Ty,
        target: &Expr,
        index: &Expr,
        facts: &Facts,
    ) -> Typed {
        match &target_ty {
            Ty::Error => Typed::of(Ty::Error),
            // `file["read-only"]`: an attribute whose name is not an identifier.
            Ty::Entity(e) if matches!(index.unparen().kind, ExprKind::Str(_)) => {
                let attrs = self
                    .schema
                    .entities
                    .get(e)
                    .map(|info| info.attrs.clone())
                    .unwrap_or_default();
                self.index(
                    Ty::Record(std::sync::Arc::new(attrs)),
                    index_ty,
                    target,
                    index,
                    facts,
                )
            }
            Ty::Map(k, v) => {
                if !assignable(&index_ty, k) {
                    self.report(Diagnostic::error(
                        "E0201",
                        format!("this map's keys are `{k}`, but the index is `{index_ty}`"),
                        self.loc(index.span),
                        format!("expected `{k}`, found `{index_ty}`"),
                    ));
                }
                Typed::of((**v).clone())
            }
            Ty::Record(r) => match &index.kind {
                ExprKind::Str(key) => match r.fields.get(key.as_str()) {
                    Some(f) => {
                        // `x["a"]` reads the same field as `x.a`, and is as optional.
                        let path = path_of(target).map(|mut p| {
                            p.push(Name::from(key.as_str()));
                            p
                        });
                        if f.optional && !path.as_ref().is_some_and(|p| facts.has(p)) {
                            self.report(
                                Diagnostic::error(
                                    "E0204",
                                    format!("`{key}` is optional and may be absent"),
                                    self.loc(index.span),
                                    "read without checking that it is present",
                                )
                                .with_help(format!(
                                    "test it first: `{} has \"{key}\" && ...`",
                                    snippet(target)
                                )),
                            );
                        }
                        Typed::of(f.ty.clone())
                    }
                    None => {
                        let mut d = Diagnostic::error(
                            "E0203",
                            format!("this record has no field \"{key}\""),
                            self.loc(index.span),
                            "unknown field",
                        );
                        if let Some(s) = closest(key, r.fields.keys().map(|k| k.as_ref())) {
                            d = d.with_suggestion(format!("\"{s}\""));
                        }
                        self.report(d);
                        Typed::of(Ty::Error)
                    }
                },
                _ => {
                    self.report(
                        Diagnostic::error(
                            "E0212",
                            "a record can only be indexed with a string literal",
                            self.loc(index.span),
                            "not a literal field name",
                        )
                        .with_help("use a `Map` for keys computed at run time"),
                    );
                    Typed::of(Ty::Error)
                }
            },
            other => {
                let help = match other {
                    Ty::Set(_) => {
                        "a set has no order and no positions: test membership with `x in set`, or look inside with `any`/`all`"
                    }
                    _ => {
                        "only maps (and records, with a string literal) can be indexed with `[...]`"
                    }
                };
                self.report(
                    Diagnostic::error(
                        "E0212",
                        format!("`{other}` cannot be indexed"),
                        self.loc(target.span),
                        format!("this is `{other}`"),
                    )
                    .with_help(help),
                );
                Typed::of(Ty::Error)
            }
        }
    }

    fn unary(&mut self, op: UnaryOp, op_span: Span, ty: Ty, operand: &Expr) -> Ty {
        match (op, &ty) {
            (_, Ty::Error) => Ty::Error,
            (UnaryOp::Not, Ty::Bool(t)) => Ty::Bool(!*t),
            (UnaryOp::Neg, Ty::Int | Ty::Decimal | Ty::Duration) => ty,
            _ => {
                self.report(
                    Diagnostic::error(
                        "E0202",
                        format!("`{}` cannot be applied to `{ty}`", op.as_str()),
                        self.loc(op_span.to(operand.span)),
                        format!("this is `{ty}`"),
                    )
                    .with_help(if op == UnaryOp::Not {
                        "`!` negates a `Bool`"
                    } else {
                        "`-` negates an `Int`, a `Decimal` or a `Duration`"
                    }),
                );
                Ty::Error
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn binary(
        &mut self,
        op: BinaryOp,
        op_span: Span,
        lhs: &Expr,
        rhs: &Expr,
        env: &Env,
        scope: &mut Scope,
        facts: &Facts,
    ) -> Typed {
        match op {
            BinaryOp::And => {
                let l = self.expr(lhs, env, scope, facts);
                self.expect_operand_bool(&l.ty, lhs, op);
                if l.ty.truth() == Truth::False {
                    // The right side never runs here (e.g. after an `is` that cannot hold).
                    self.dead(|c| c.expr(rhs, env, scope, &facts.union(&l.facts)));
                    return Typed::of(Ty::Bool(Truth::False));
                }
                let r = self.expr(rhs, env, scope, &facts.union(&l.facts));
                self.expect_operand_bool(&r.ty, rhs, op);
                let truth = match (l.ty.truth(), r.ty.truth()) {
                    (_, Truth::False) => Truth::False,
                    (Truth::True, Truth::True) => Truth::True,
                    _ => Truth::Unknown,
                };
                Typed {
                    ty: Ty::Bool(truth),
                    facts: l.facts.union(&r.facts),
                }
            }
            BinaryOp::Or => {
                let l = self.expr(lhs, env, scope, facts);
                self.expect_operand_bool(&l.ty, lhs, op);
                if l.ty.truth() == Truth::True {
                    self.dead(|c| c.expr(rhs, env, scope, facts));
                    return Typed::of(Ty::Bool(Truth::True));
                }
                let r = self.expr(rhs, env, scope, facts);
                self.expect_operand_bool(&r.ty, rhs, op);
                let truth = match (l.ty.truth(), r.ty.truth()) {
                    (_, Truth::True) => Truth::True,
                    (Truth::False, Truth::False) => Truth::False,
                    _ => Truth::Unknown,
                };
                let facts = if l.ty.truth() == Truth::False {
                    r.facts
                } else {
                    l.facts.intersection(&r.facts)
                };
                Typed {
                    ty: Ty::Bool(truth),
                    facts,
                }
            }
            _ => {
                let l = self.expr(lhs, env, scope, facts).ty;
                let r = self.expr(rhs, env, scope, facts).ty;
                Typed::of(self.binary_types(op, op_span, l, r, lhs, rhs))
            }
        }
    }

    fn expect_operand_bool(&mut self, ty: &Ty, operand: &Expr, op: BinaryOp) {
        if !ty.is_bool() {
            self.report(Diagnostic::error(
                "E0201",
                format!("`{op}` joins conditions, but this is `{ty}`"),
                self.loc(operand.span),
                format!("expected `Bool`, found `{ty}`"),
            ));
        }
    }

    fn binary_types(
        &mut self,
        op: BinaryOp,
        op_span: Span,
        l: Ty,
        r: Ty,
        lhs: &Expr,
        rhs: &Expr,
    ) -> Ty {
        if l.is_error() || r.is_error() {
            return match op {
                BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => {
                    Ty::Error
                }
                _ => BOOL,
            };
        }
        match op {
            BinaryOp::Eq | BinaryOp::Ne => {
                let comparable = match (&l, &r) {
                    (Ty::Entity(a), Ty::Entity(b)) => a == b,
                    _ => join(&l, &r).is_some(),
                };
                if !comparable {
                    let outcome = if op == BinaryOp::Eq { "false" } else { "true" };
                    let mut d = Diagnostic::error(
                        "E0206",
                        format!("comparing `{l}` with `{r}` is always {outcome}"),
                        self.loc(op_span),
                        "values of these types are never equal",
                    )
                    .with_label(self.loc(lhs.span), format!("this is `{l}`"))
                    .with_label(self.loc(rhs.span), format!("this is `{r}`"));
                    d = self.enum_string_help(d, &l, &r, lhs, rhs);
                    d = self.entity_attribute_help(d, &l, &r, lhs, rhs, op);
                    self.report(d);
                }
                BOOL
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                if l.is_ordered() && l == r {
                    return BOOL;
                }
                let mut d = Diagnostic::error(
                    "E0202",
                    format!("`{op}` cannot compare `{l}` with `{r}`"),
                    self.loc(op_span),
                    "no ordering between these",
                )
                .with_label(self.loc(lhs.span), format!("this is `{l}`"))
                .with_label(self.loc(rhs.span), format!("this is `{r}`"));
                d = match (&l, &r) {
                    (Ty::Decimal, Ty::Int) | (Ty::Int, Ty::Decimal) => d.with_help(
                        "`Int` and `Decimal` do not mix: write the integer as a decimal (`1000.0`) or convert it with `.toDecimal()`",
                    ),
                    _ => d.with_help("`<`, `<=`, `>` and `>=` order `Int`, `Decimal`, `Datetime` and `Duration` values of the same type"),
                };
                self.report(d);
                BOOL
            }
            BinaryOp::In => {
                if self.membership(&l, &r, lhs, rhs, op_span) {
                    BOOL
                } else {
                    Ty::Bool(Truth::False)
                }
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => {
                let result = match (op, &l, &r) {
                    (_, Ty::Int, Ty::Int) => Some(Ty::Int),
                    (BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul, Ty::Decimal, Ty::Decimal) => {
                        Some(Ty::Decimal)
                    }
                    (BinaryOp::Add | BinaryOp::Sub, Ty::Duration, Ty::Duration) => {
                        Some(Ty::Duration)
                    }
                    (BinaryOp::Mul, Ty::Duration, Ty::Int)
                    | (BinaryOp::Mul, Ty::Int, Ty::Duration) => Some(Ty::Duration),
                    (BinaryOp::Add | BinaryOp::Sub, Ty::Datetime, Ty::Duration) => {
                        Some(Ty::Datetime)
                    }
                    (BinaryOp::Sub, Ty::Datetime, Ty::Datetime) => Some(Ty::Duration),
                    (BinaryOp::Add, Ty::String, Ty::String) => Some(Ty::String),
                    _ => None,
                };
                match result {
                    Some(ty) => {
                        if ty == Ty::Int {
                            self.fold_overflow(op, lhs, rhs, op_span);
                        }
                        ty
                    }
                    None => {
                        let mut d = Diagnostic::error(
                            "E0202",
                            format!("`{op}` cannot be applied to `{l}` and `{r}`"),
                            self.loc(op_span),
                            "no such operation",
                        )
                        .with_label(self.loc(lhs.span), format!("this is `{l}`"))
                        .with_label(self.loc(rhs.span), format!("this is `{r}`"));
                        if matches!((&l, &r), (Ty::Decimal, Ty::Int) | (Ty::Int, Ty::Decimal)) {
                            d = d.with_help("`Int` and `Decimal` do not mix: write the integer as a decimal (`2.0`) or convert it with `.toDecimal()`");
                        }
                        self.report(d);
                        Ty::Error
                    }
                }
            }
            BinaryOp::And | BinaryOp::Or => BOOL,
        }
    }

    /// `actor == resource.owner` between an `Agent` and a `User`: if one side has exactly one
    /// attribute of the other side's type, that is most likely what was meant.
    fn entity_attribute_help(
        &self,
        d: Diagnostic,
        l: &Ty,
        r: &Ty,
        lhs: &Expr,
        rhs: &Expr,
        op: BinaryOp,
    ) -> Diagnostic {
        let (Ty::Entity(a), Ty::Entity(b)) = (l, r) else {
            return d;
        };
        let only_attribute_of = |from: &Name, to: &Name| -> Option<Name> {
            let info = self.schema.entities.get(from)?;
            let mut found = info
                .attrs
                .fields
                .iter()
                .filter(|(_, f)| !f.optional && f.ty == Ty::Entity(to.clone()));
            let (name, _) = found.next()?;
            found.next().is_none().then(|| name.clone())
        };
        let (Some(lp), Some(rp)) = (path_of(lhs), path_of(rhs)) else {
            return d;
        };
        let (left, right) = (render_path(&lp), render_path(&rp));
        if let Some(attr) = only_attribute_of(a, b) {
            d.with_help(format!("did you mean `{left}.{attr} {op} {right}`?"))
        } else if let Some(attr) = only_attribute_of(b, a) {
            d.with_help(format!("did you mean `{left} {op} {right}.{attr}`?"))
        } else {
            d
        }
    }

    /// `==` between an enum and a string literal naming one of its members.
    fn enum_string_help(
        &self,
        d: Diagnostic,
        l: &Ty,
        r: &Ty,
        lhs: &Expr,
        rhs: &Expr,
    ) -> Diagnostic {
        let (enum_name, literal) = match (l, r, &lhs.unparen().kind, &rhs.unparen().kind) {
            (Ty::Enum(e), Ty::String, _, ExprKind::Str(s))
            | (Ty::String, Ty::Enum(e), ExprKind::Str(s), _) => (e, s),
            _ => return d,
        };
        if self
            .schema
            .enums
            .get(enum_name)
            .is_some_and(|info| info.members.iter().any(|m| m.as_ref() == literal))
        {
            d.with_help(format!("name the member instead: `{enum_name}.{literal}`"))
        } else {
            d
        }
    }

    /// Checks `lhs in rhs`; false when the test can never hold (unrelated entity types).
    fn membership(&mut self, l: &Ty, r: &Ty, lhs: &Expr, rhs: &Expr, op_span: Span) -> bool {
        match r {
            Ty::Entity(container) => match l {
                Ty::Entity(member) => return self.related(member, container, lhs, rhs),
                Ty::AnyEntity => {}
                other => {
                    self.report_in_operand(other, lhs, "an entity, to test the entity hierarchy")
                }
            },
            Ty::AnyEntity => {
                if !l.is_entity() {
                    self.report_in_operand(l, lhs, "an entity, to test the entity hierarchy");
                }
            }
            Ty::Set(element) => match (l, &**element) {
                (Ty::Entity(member), Ty::Entity(container)) => {
                    return self.related(member, container, lhs, rhs);
                }
                (l, element) if assignable(l, element) => {}
                (l, element) => {
                    self.report(Diagnostic::error(
                        "E0201",
                        format!(
                            "this set holds `{element}`, so it never contains {} `{l}`",
                            super::items::article(&l.to_string())
                        ),
                        self.loc(lhs.span),
                        format!("expected `{element}`, found `{l}`"),
                    ));
                }
            },
            Ty::Map(key, _) => {
                if !assignable(l, key) {
                    self.report(Diagnostic::error(
                        "E0201",
                        format!(
                            "this map's keys are `{key}`, so it never has {} `{l}` key",
                            super::items::article(&l.to_string())
                        ),
                        self.loc(lhs.span),
                        format!("expected `{key}`, found `{l}`"),
                    ));
                }
            }
            Ty::Never => {}
            other => {
                self.report(
                    Diagnostic::error(
                        "E0202",
                        format!("`in` needs an entity, a set or a map on its right, but this is `{other}`"),
                        self.loc(rhs.span),
                        format!("this is `{other}`"),
                    )
                    .with_label(self.loc(op_span), "membership test")
                    .with_help(if *other == Ty::String {
                        "to look for text inside a string, use `.contains(...)` or `like`"
                    } else {
                        "write a set, e.g. `x in [a, b]`"
                    }),
                );
            }
        }
        true
    }

    fn report_in_operand(&mut self, found: &Ty, lhs: &Expr, expected: &str) {
        self.report(Diagnostic::error(
            "E0201",
            format!("the left side of `in` must be {expected}, but this is `{found}`"),
            self.loc(lhs.span),
            format!("this is `{found}`"),
        ));
    }

    /// Whether an entity of type `member` may be in one of type `container`; when not, says so,
    /// provided that holds in every environment: with several possible types, a test that only
    /// some of them can pass is legitimate (`resource in Vault::"prod"` on an action that acts
    /// on secrets and on plain variables).
    fn related(&mut self, member: &Name, container: &Name, lhs: &Expr, rhs: &Expr) -> bool {
        if self.schema.may_be_in(member, container) {
            return true;
        }
        let mut d = Diagnostic::error(
            "E0205",
            format!(
                "`{member}` entities are never in `{container}` entities, so this is always false"
            ),
            self.loc(lhs.span),
            format!("this is `{member}`"),
        )
        .with_label(self.loc(rhs.span), format!("this is `{container}`"));
        if let Some(info) = self.schema.entities.get(member) {
            d = if info.parents.is_empty() {
                d.with_help(format!("the schema gives `{member}` no parent types; declare one with `entity {member} in {container}`"))
            } else {
                let parents: Vec<String> = info.parents.iter().map(|p| p.to_string()).collect();
                d.with_help(format!(
                    "`{member}` can only be in {}",
                    backticked(&parents)
                ))
            };
        }
        if self.dead == 0 {
            self.all_env_only.push(d);
        }
        false
    }

    fn fold_overflow(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, op_span: Span) {
        // Dividing by a literal zero fails whatever the left side is.
        if matches!(op, BinaryOp::Div | BinaryOp::Rem) && rhs.unparen().kind == ExprKind::Int(0) {
            self.report(Diagnostic::error(
                "E0226",
                "this divides by zero",
                self.loc(op_span.to(rhs.span)),
                "division by zero",
            ));
            return;
        }
        let (ExprKind::Int(a), ExprKind::Int(b)) = (&lhs.unparen().kind, &rhs.unparen().kind)
        else {
            return;
        };
        let result = match op {
            BinaryOp::Add => a.checked_add(*b),
            BinaryOp::Sub => a.checked_sub(*b),
            BinaryOp::Mul => a.checked_mul(*b),
            BinaryOp::Div => a.checked_div(*b),
            BinaryOp::Rem => a.checked_rem(*b),
            _ => return,
        };
        if result.is_none() {
            self.report(Diagnostic::error(
                "E0226",
                format!("`{a} {op} {b}` overflows `Int`"),
                self.loc(lhs.span.to(rhs.span)),
                "overflows a 64-bit integer",
            ));
        }
    }

    fn has(
        &mut self,
        target: &Expr,
        attrs: &[AttrName],
        env: &Env,
        scope: &mut Scope,
        facts: &Facts,
    ) -> Typed {
        let mut ty = self.expr(target, env, scope, facts).ty;
        let mut path = path_of(target);
        let mut out = Facts::none();
        let mut truth = Truth::True;
        for (i, attr) in attrs.iter().enumerate() {
            if let Some(p) = &path {
                ty = self.narrow(ty, p, facts);
            }
            let root = (i == 0).then_some(target);
            self.note_field(&attr.name, attr.span, attr.quoted, &ty, root, env);
            let record = match &ty {
                Ty::Error => return Typed::of(BOOL),
                Ty::AnyEntity => {
                    return Typed {
                        ty: BOOL,
                        facts: out,
                    };
                }
                Ty::Entity(e) => match self.schema.entities.get(e) {
                    Some(info) => info.attrs.clone(),
                    None => return Typed::of(BOOL),
                },
                Ty::Record(r) => (**r).clone(),
                other => {
                    self.report(
                        Diagnostic::error(
                            "E0217",
                            format!("`has` tests an entity's or record's attributes, but this is `{other}`"),
                            self.loc(target.span),
                            format!("this is `{other}`"),
                        )
                        .with_help("to test a map's keys, write `key in map`"),
                    );
                    return Typed::of(BOOL);
                }
            };
            match record.fields.get(attr.name.as_str()) {
                None => {
                    let mut d = Diagnostic::error(
                        "E0203",
                        format!(
                            "`{}` never has an attribute `{}`: this is always false",
                            ty, attr.name
                        ),
                        self.loc(attr.span),
                        "no such attribute",
                    );
                    if let Some(s) = closest(&attr.name, record.fields.keys().map(|k| k.as_ref())) {
                        d = d.with_suggestion(s);
                    }
                    // Reported only if it holds in every environment: with several possible
                    // types, testing for an attribute only some of them have is legitimate.
                    if self.dead == 0 {
                        self.all_env_only.push(d);
                    }
                    return Typed::of(Ty::Bool(Truth::False));
                }
                Some(field) => {
                    path = path.map(|mut p| {
                        p.push(Name::from(attr.name.as_str()));
                        p
                    });
                    if field.optional {
                        truth = Truth::Unknown;
                        if let Some(p) = &path {
                            out.add(Fact::Has(p.clone()));
                        }
                    }
                    ty = field.ty.clone();
                }
            }
        }
        Typed {
            ty: Ty::Bool(truth),
            facts: out,
        }
    }

    fn is(
        &mut self,
        target: &Expr,
        ty: &Ident,
        within: Option<&Expr>,
        env: &Env,
        scope: &mut Scope,
        facts: &Facts,
    ) -> Typed {
        let target_ty = self.expr(target, env, scope, facts).ty;
        let tested: Option<Name> = if self.schema.entities.contains_key(ty.name.as_str()) {
            Some(Name::from(ty.name.as_str()))
        } else {
            if self.schema.enums.contains_key(ty.name.as_str())
                || crate::types::primitive(&ty.name).is_some()
            {
                let help = if self.schema.enums.contains_key(ty.name.as_str()) {
                    format!(
                        "to test an enum's value, compare it: `x == {}.{}`",
                        ty.name,
                        self.schema.enums[ty.name.as_str()]
                            .members
                            .first()
                            .map_or("member", |m| m.as_ref())
                    )
                } else {
                    format!(
                        "{} `{}` value's type is known without testing it",
                        super::items::article(&ty.name),
                        ty.name
                    )
                };
                self.report(
                    Diagnostic::error(
                        "E0209",
                        format!(
                            "`{}` is not an entity type; `is` tests the type of an entity",
                            ty.name
                        ),
                        self.loc(ty.span),
                        "not an entity type",
                    )
                    .with_help(help),
                );
            } else {
                self.entity_literal_type(ty);
            }
            None
        };
        let within_ty = within.map(|w| self.expr(w, env, scope, facts).ty);
        let Some(tested) = tested else {
            return Typed::of(BOOL);
        };
        let truth = match &target_ty {
            Ty::Entity(actual) => {
                if *actual == tested {
                    Truth::True
                } else {
                    Truth::False
                }
            }
            Ty::AnyEntity | Ty::Error => Truth::Unknown,
            other => {
                self.report(Diagnostic::error(
                    "E0209",
                    format!("`is` tests the type of an entity, but this is `{other}`"),
                    self.loc(target.span),
                    format!("this is `{other}`"),
                ));
                return Typed::of(BOOL);
            }
        };
        let mut truth = truth;
        if let (Some(w), Some(wty)) = (within, &within_ty) {
            let member = Ty::Entity(tested.clone());
            if !self.membership(&member, wty, target, w, ty.span) {
                truth = Truth::False;
            }
        }
        let mut out = Facts::none();
        if let Some(p) = path_of(target) {
            out.add(Fact::Is(p, tested));
        }
        let truth = if within.is_some() && truth == Truth::True {
            Truth::Unknown
        } else {
            truth
        };
        Typed {
            ty: Ty::Bool(truth),
            facts: out,
        }
    }

    pub(crate) fn record_literal(
        &mut self,
        fields: &[RecordField],
        env: &Env,
        scope: &mut Scope,
        facts: &Facts,
    ) -> Ty {
        let mut record = RecordTy::default();
        for f in fields {
            let ty = self.expr(&f.value, env, scope, facts).ty.strip_truth();
            let name = Name::from(f.name.name.as_str());
            if record.fields.contains_key(&name) {
                self.report(duplicate_field(
                    self.loc(f.name.span),
                    fields,
                    &f.name,
                    |s| self.loc(s),
                ));
                continue;
            }
            record.fields.insert(
                name,
                Field {
                    ty,
                    optional: false,
                },
            );
        }
        Ty::Record(Arc::new(record))
    }
}

/// The source text of an expression, for messages; long expressions are cut.
pub(crate) fn snippet(e: &Expr) -> String {
    match path_of(e) {
        Some(p) => render_path(&p),
        None => match &e.kind {
            ExprKind::Method { target, name, .. } => {
                format!("{}.{}(...)", snippet(target), name.name)
            }
            ExprKind::Index { target, .. } => format!("{}[...]", snippet(target)),
            ExprKind::Call { callee, .. } => format!("{}(...)", callee.name),
            _ => "this".to_string(),
        },
    }
}

/// Adds what a type mismatch most likely means, when that is clear from the two types. A help
/// already there (a signature, say) stays, as a note.
pub(crate) fn mismatch_help(mut d: Diagnostic, found: &Ty, expected: &Ty) -> Diagnostic {
    let help = match (found, expected) {
        (Ty::Record(r), Ty::Map(..)) if r.fields.is_empty() => {
            "`{}` is an empty record; an empty map is written `{=>}`"
        }
        (Ty::Int, Ty::Decimal) => {
            "write the integer as a decimal (`1.0`) or convert it with `.toDecimal()`"
        }
        (Ty::String, Ty::IpAddr) => {
            "make an address or a range from text with `ip(\"10.0.0.0/8\")`"
        }
        (Ty::String, Ty::Decimal) => {
            "write a decimal literal such as `12.50`, or convert text with `decimal(\"12.50\")`"
        }
        (Ty::String, Ty::Datetime) => "write a datetime literal such as `@2026-01-31T09:30:00Z`",
        (Ty::String, Ty::Duration) => "write a duration literal such as `1h30m`",
        _ => return d,
    };
    if let Some(old) = d.help.take() {
        d = d.with_note(old);
    }
    d.with_help(help)
}

/// `{ a: 1, a: 2 }`: the second `a`, pointing back at the first.
pub(crate) fn duplicate_field(
    at: crate::diagnostic::Loc,
    fields: &[RecordField],
    name: &AttrName,
    loc: impl Fn(Span) -> crate::diagnostic::Loc,
) -> Diagnostic {
    let mut d = Diagnostic::error(
        "E0116",
        format!("the field `{}` is given more than once", name.name),
        at,
        "given again here",
    )
    .with_help("give each field once");
    if let Some(first) = fields.iter().find(|f| f.name.name == name.name) {
        d = d.with_label(loc(first.name.span), "first given here");
    }
    d
}

pub(crate) fn backticked(names: &[String]) -> String {
    let shown: Vec<String> = names.iter().take(8).map(|n| format!("`{n}`")).collect();
    let mut text = match shown.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    if names.len() > 8 {
        text.push_str(&format!(" (and {} more)", names.len() - 8));
    }
    text
}
