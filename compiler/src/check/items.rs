//! Checks for each kind of item.

use std::collections::BTreeSet;
use std::sync::Arc;

use writ_language::ast::{
    self, ActionPattern, AssignOp, ClauseKind, Effect, Expr, ExprKind, SchemaDecl, TestStepKind,
};
use writ_stdlib::Kind;

use super::expr::{backticked, duplicate_field, mismatch_help, snippet};
use super::facts::Facts;
use super::{Checker, Context, Env, Scope};
use crate::diagnostic::Diagnostic;
use crate::schema::ActionInfo;
use crate::suggest::closest;
use crate::types::{Name, RecordTy, Truth, Ty, assignable};

/// What one environment made of a rule.
struct EnvOutcome {
    description: String,
    diagnostics: Vec<Diagnostic>,
    all_env_only: Vec<Diagnostic>,
    /// The rule's conditions together.
    truth: Truth,
    /// Each `when`/`unless` clause's own outcome (`None`: not reached).
    clauses: Vec<Option<Truth>>,
}

impl Checker<'_> {
    pub(super) fn rule(&mut self, rule: &ast::Rule) {
        let actions = self.matched_actions(&rule.actions);
        self.rule_actions = actions.clone();
        self.rule_shape(rule);
        let envs = self.environments(&actions, Context::Rule);
        if envs.is_empty() {
            // No action to check against (the `on` list is already reported): still report what
            // is wrong regardless of types, but nothing that depends on the action's types.
            let env = Env {
                actor: Ty::Error,
                resource: Ty::Error,
                args: Some(Ty::Error),
                ..Env::plain(Context::Rule)
            };
            self.rule_in_env(rule, &env);
            return;
        }
        let mut outcomes = Vec::new();
        for (env, description) in envs {
            let saved = std::mem::take(&mut self.diagnostics);
            let saved_all = std::mem::take(&mut self.all_env_only);
            let (truth, clauses) = self.rule_in_env(rule, &env);
            if truth != Truth::False
                && let Some(target) = &env.target
            {
                self.live.push(target.clone());
            }
            outcomes.push(EnvOutcome {
                description,
                diagnostics: std::mem::replace(&mut self.diagnostics, saved),
                all_env_only: std::mem::replace(&mut self.all_env_only, saved_all),
                truth,
                clauses,
            });
        }
        self.merge(&outcomes);

        let errors: Vec<writ_language::ast::Span> = self
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.primary.loc.span)
            .collect();
        if outcomes.iter().all(|o| o.truth == Truth::False) {
            let clause_index = (0..rule.clauses.len()).find(|&i| {
                outcomes.iter().all(|o| {
                    let truth = o.clauses.get(i).copied().flatten();
                    match &rule.clauses[i].kind {
                        ClauseKind::Unless(_) => truth == Some(Truth::True),
                        _ => truth == Some(Truth::False),
                    }
                })
            });
            // An error already reported in the clause that never holds (an attribute that does
            // not exist, an `in` between unrelated types) is the reason: say it once.
            let explained = match clause_index {
                Some(i) => {
                    let span = rule.clauses[i].span;
                    errors
                        .iter()
                        .any(|e| span.start <= e.start && e.end <= span.end)
                }
                None => !errors.is_empty(),
            };
            let mut d = Diagnostic::error(
                "E0230",
                format!("the rule `{}` can never match", rule.name.name),
                self.loc(rule.name.span),
                "never applies",
            );
            if explained {
                return;
            }
            if let Some(i) = clause_index {
                let clause = &rule.clauses[i];
                let never = if matches!(clause.kind, ClauseKind::Unless(_)) {
                    "always true"
                } else {
                    "never true"
                };
                d = d.with_label(
                    self.loc(clause.span),
                    format!("this condition is {never} for the actions the rule is `on`"),
                );
            }
            d = d.with_help("check the `on` list against the types the conditions test with `is`");
            self.report(d);
        } else {
            for (i, clause) in rule.clauses.iter().enumerate() {
                // A `when` that always holds, or an `unless` that never does, says nothing.
                let (e, redundant, what, label) = match &clause.kind {
                    ClauseKind::When(e) => (
                        e,
                        Truth::True,
                        "this condition is always true",
                        "true for every action the rule is `on`",
                    ),
                    ClauseKind::Unless(e) => (
                        e,
                        Truth::False,
                        "this `unless` condition is always false",
                        "false for every action the rule is `on`",
                    ),
                    _ => continue,
                };
                if outcomes
                    .iter()
                    .all(|o| o.clauses.get(i).copied().flatten() == Some(redundant))
                    && !matches!(e.unparen().kind, ExprKind::Bool(_))
                {
                    self.report(
                        Diagnostic::warning("W0002", what, self.loc(e.span), label)
                            .with_help("remove it, or check the `on` list"),
                    );
                }
            }
        }
    }

    /// Unions what every environment reported; a diagnostic that only some environments give
    /// says which.
    fn merge(&mut self, outcomes: &[EnvOutcome]) {
        // The same mistake may read a little differently per environment (naming the action,
        // say): what identifies it is its code and where it is.
        let same =
            |a: &Diagnostic, b: &Diagnostic| a.code == b.code && a.primary.loc == b.primary.loc;
        for (i, outcome) in outcomes.iter().enumerate() {
            for d in &outcome.diagnostics {
                if outcomes[..i]
                    .iter()
                    .any(|o| o.diagnostics.iter().any(|x| same(x, d)))
                {
                    continue;
                }
                let cases: Vec<&str> = outcomes
                    .iter()
                    .filter(|o| o.diagnostics.iter().any(|x| same(x, d)))
                    .map(|o| o.description.as_str())
                    .collect();
                let mut d = d.clone();
                if cases.len() < outcomes.len() {
                    let shown = cases.iter().take(3).copied().collect::<Vec<_>>().join("; ");
                    let more = match cases.len() {
                        n if n > 3 => format!(" (and {} more cases)", n - 3),
                        _ => String::new(),
                    };
                    d = d.with_note(format!("this happens {shown}{more}"));
                }
                self.report(d);
            }
        }
        if let Some(first) = outcomes.first() {
            for d in &first.all_env_only {
                if outcomes
                    .iter()
                    .all(|o| o.all_env_only.iter().any(|x| same(x, d)))
                {
                    self.report(d.clone());
                }
            }
        }
    }

    fn rule_in_env(&mut self, rule: &ast::Rule, env: &Env) -> (Truth, Vec<Option<Truth>>) {
        let mut scope = Scope::default();
        let mut facts = Facts::none();
        let mut truth = Truth::True;
        let mut clauses = vec![None; rule.clauses.len()];
        for (i, clause) in rule.clauses.iter().enumerate() {
            if truth == Truth::False {
                // Later conditions never run in this environment.
                break;
            }
            match &clause.kind {
                ClauseKind::When(e) => {
                    let t = self.expr(e, env, &mut scope, &facts);
                    self.expect_bool(&t.ty, e.span, "a `when` condition");
                    facts = facts.union(&t.facts);
                    clauses[i] = Some(t.ty.truth());
                    truth = and(truth, t.ty.truth());
                }
                ClauseKind::Unless(e) => {
                    let t = self.expr(e, env, &mut scope, &facts);
                    self.expect_bool(&t.ty, e.span, "an `unless` condition");
                    clauses[i] = Some(t.ty.truth());
                    truth = and(truth, !t.ty.truth());
                }
                _ => {}
            }
        }
        if truth != Truth::False {
            for clause in &rule.clauses {
                match &clause.kind {
                    ClauseKind::Approver(e) => {
                        let ty = self.expr(e, env, &mut scope, &facts).ty;
                        let ok = match &ty {
                            Ty::Set(inner) => matches!(
                                **inner,
                                Ty::String | Ty::Entity(_) | Ty::AnyEntity | Ty::Never | Ty::Error
                            ),
                            t => {
                                matches!(t, Ty::String | Ty::Entity(_) | Ty::AnyEntity | Ty::Error)
                            }
                        };
                        if !ok {
                            self.report(
                                Diagnostic::error(
                                    "E0223",
                                    format!("an approver is a `String` or an entity, but this is `{ty}`"),
                                    self.loc(e.span),
                                    format!("this is `{ty}`"),
                                )
                                .with_help("name a group (`approver \"finance\"`) or a person (`approver resource.owner`)"),
                            );
                        }
                    }
                    ClauseKind::Obligation(e) => {
                        let ty = self.expr(e, env, &mut scope, &facts).ty;
                        if !assignable(&ty, &Ty::String) {
                            self.report(
                                Diagnostic::error(
                                    "E0224",
                                    format!("an obligation is a `String`, but this is `{ty}`"),
                                    self.loc(e.span),
                                    format!("this is `{ty}`"),
                                )
                                .with_help(
                                    "describe what must happen: `obligation \"notify-owner\"`",
                                ),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
        (truth, clauses)
    }

    /// Clause-level rules that do not depend on types.
    fn rule_shape(&mut self, rule: &ast::Rule) {
        let mut because = None;
        let mut has_approver = false;
        for clause in &rule.clauses {
            match &clause.kind {
                ClauseKind::Because(_) => {
                    if let Some(first) = because {
                        self.report(
                            Diagnostic::error(
                                "E0231",
                                "a rule gives one `because`",
                                self.loc(clause.span),
                                "second `because`",
                            )
                            .with_label(self.loc(first), "first given here")
                            .with_help("a decision quotes one reason per rule: join the two into one `because`"),
                        );
                    }
                    because = Some(clause.span);
                }
                ClauseKind::Approver(_) => {
                    has_approver = true;
                    if rule.effect != Effect::Review {
                        self.report(
                            Diagnostic::error(
                                "E0227",
                                format!("`approver` only applies to `review` rules, and this is {} `{}` rule", article(rule.effect.as_str()), rule.effect),
                                self.loc(clause.keyword),
                                "approver on a rule that asks no one",
                            )
                            .with_label(self.loc(rule.effect_span), format!("{} `{}` rule", article(rule.effect.as_str()), rule.effect))
                            .with_help("make it a `review` rule, or remove the approver"),
                        );
                    }
                }
                ClauseKind::Obligation(_) if rule.effect == Effect::Deny => {
                    self.report(
                        Diagnostic::error(
                            "E0227",
                            "`obligation` only applies to `allow` and `review` rules",
                            self.loc(clause.keyword),
                            "obligation on a `deny` rule",
                        )
                        .with_help("a denied action never runs, so there is nothing to oblige"),
                    );
                }
                _ => {}
            }
        }
        if rule.effect == Effect::Review && !has_approver {
            self.report(
                Diagnostic::error(
                    "E0228",
                    format!("the review rule `{}` names no approver", rule.name.name),
                    self.loc(rule.name.span),
                    "who should review?",
                )
                .with_help("add an approver: `approver \"security\"` or `approver resource.owner`"),
            );
        }
    }

    /// The declared actions the patterns match; a pattern that matches none is an error.
    pub(super) fn matched_actions(&mut self, patterns: &[ActionPattern]) -> Vec<Name> {
        let mut matched = BTreeSet::new();
        for pattern in patterns {
            let before = matched.len();
            let mut any = false;
            for name in self.schema.actions.keys() {
                if pattern.matches(name) {
                    any = true;
                    matched.insert(name.clone());
                }
            }
            if any || matched.len() > before {
                continue;
            }
            if self.schema.broken.iter().any(|b| pattern.matches(b)) {
                // The action it names has a syntax error, reported there.
                continue;
            }
            let written = pattern.to_string();
            let mut d = Diagnostic::error(
                "E0105",
                format!("no declared action matches `{written}`"),
                self.loc(pattern.span()),
                "matches no action",
            );
            let suggestion = match pattern {
                ActionPattern::Exact(q) => {
                    closest(&q.dotted(), self.schema.actions.keys().map(|k| k.as_ref()))
                }
                ActionPattern::Prefix(q, _) => {
                    let prefixes: BTreeSet<String> = self
                        .schema
                        .actions
                        .keys()
                        .filter_map(|k| k.rsplit_once('.').map(|(p, _)| p.to_string()))
                        .collect();
                    closest(&q.dotted(), prefixes.iter().map(|p| p.as_str()))
                        .map(|p| format!("{p}.*"))
                }
                ActionPattern::Any(_) => None,
            };
            d = match suggestion {
                Some(s) => d.with_suggestion(s),
                None if self.schema.actions.is_empty() => d.with_help(
                    "the schema declares no actions: declare one with `action fs.read on File`",
                ),
                None => {
                    let groups: BTreeSet<String> = self
                        .schema
                        .actions
                        .keys()
                        .filter_map(|k| k.rsplit_once('.').map(|(p, _)| format!("{p}.*")))
                        .collect();
                    let groups: Vec<String> = groups.into_iter().collect();
                    match pattern {
                        ActionPattern::Prefix(..) if !groups.is_empty() => d.with_help(format!(
                            "the declared groups of actions are {}",
                            backticked(&groups)
                        )),
                        _ => d,
                    }
                }
            };
            self.report(d);
        }
        matched.into_iter().collect()
    }

    /// Every (actor type, action, resource type) the actions admit, with a description for
    /// messages.
    fn environments(&self, actions: &[Name], context: Context) -> Vec<(Env, String)> {
        let mut envs = Vec::new();
        for name in actions {
            let Some(action) = self.schema.actions.get(name) else {
                continue;
            };
            envs.extend(action_environments(action, context));
        }
        let shared = envs.len() > 1;
        for (env, _) in &mut envs {
            env.shared = shared;
        }
        envs
    }

    pub(super) fn invariant(&mut self, inv: &ast::Invariant) {
        let env = Env::plain(Context::Invariant);
        let t = self.expr(&inv.body, &env, &mut Scope::default(), &Facts::none());
        self.expect_bool(&t.ty, inv.body.span, "an invariant");
    }

    pub(super) fn function(&mut self, f: &ast::Function) {
        if writ_stdlib::lookup(&f.name.name, Kind::Function)
            .next()
            .is_some()
            || f.name.name == super::DELEGATED
        {
            self.report(
                Diagnostic::error(
                    "E0115",
                    format!("`{}` is the name of a built-in function", f.name.name),
                    self.loc(f.name.span),
                    "already defined by the standard library",
                )
                .with_help("choose another name for the helper"),
            );
        }
        let mut scope = Scope::default();
        let mut seen: Vec<&ast::Ident> = Vec::new();
        for p in &f.params {
            let ty = self.resolve_type(&p.ty);
            if let Some(first) = seen.iter().find(|s| s.name == p.name.name) {
                self.report(
                    Diagnostic::error(
                        "E0121",
                        format!("the parameter `{}` is declared more than once", p.name.name),
                        self.loc(p.name.span),
                        "declared again here",
                    )
                    .with_label(self.loc(first.span), "first declared here")
                    .with_help("give each parameter its own name"),
                );
            }
            seen.push(&p.name);
            scope.push(Name::from(p.name.name.as_str()), ty);
        }
        let ret = self.resolve_type(&f.ret);
        let body = self.expr(
            &f.body,
            &Env::plain(Context::Helper),
            &mut scope,
            &Facts::none(),
        );
        if !assignable(&body.ty, &ret) {
            self.report(mismatch_help(
                Diagnostic::error(
                    "E0201",
                    format!(
                        "`{}` returns `{ret}`, but its body is `{}`",
                        f.name.name, body.ty
                    ),
                    self.loc(f.body.span),
                    format!("expected `{ret}`, found `{}`", body.ty),
                )
                .with_label(self.loc(f.ret.span), "return type declared here"),
                &body.ty,
                &ret,
            ));
        }
    }

    fn resolve_type(&mut self, ty: &ast::TypeExpr) -> Ty {
        let (file, key) = (self.file, self.key.clone());
        let at = move |span| crate::diagnostic::Loc {
            file,
            anchor: crate::diagnostic::Anchor::Item(key.clone()),
            span,
        };
        let mut found = Vec::new();
        let ty = self.schema.resolve_type(ty, &at, &mut found);
        for d in found {
            self.report(d);
        }
        ty
    }

    pub(super) fn use_item(&mut self, u: &ast::Use) {
        let name = u.path.dotted();
        if writ_stdlib::prelude(&name).is_some() {
            return;
        }
        let mut d = Diagnostic::error(
            "E0108",
            format!("there is no module `{name}`"),
            self.loc(u.path.span),
            "unknown module",
        );
        let modules: Vec<&str> = writ_stdlib::prelude_modules()
            .iter()
            .map(|m| m.name)
            .collect();
        if let Some(s) = closest(&name, modules.iter().copied()) {
            d = d.with_suggestion(s);
        } else if !modules.is_empty() {
            let names: Vec<String> = modules.iter().map(|m| m.to_string()).collect();
            d = d.with_help(format!("the modules are {}", backticked(&names)));
        }
        self.report(d);
    }

    /// The `effect` blocks of a schema's actions: each assignment updates `state`.
    pub(super) fn effects(&mut self, schema_block: &ast::Schema) {
        for decl in &schema_block.decls {
            let SchemaDecl::Action(a) = decl else {
                continue;
            };
            let Some(effect) = &a.effect else { continue };
            let Some(info) = self.schema.actions.get(a.name.dotted().as_str()) else {
                continue;
            };
            // A duplicate declaration is reported by the schema; check only the one that counts.
            if info.origin.item != self.key || info.origin.span != a.name.span {
                continue;
            }
            if self.schema.state.is_none() {
                self.report(
                    Diagnostic::error(
                        "E0119",
                        format!(
                            "the action `{}` has an effect, but the schema declares no `state`",
                            info.name
                        ),
                        self.loc(effect.span),
                        "nothing to update",
                    )
                    .with_help(
                        "declare what effects update: `state { spent: Map<Agent, Decimal> }`",
                    ),
                );
                continue;
            }
            let info = info.clone();
            for (env, _) in action_environments(&info, Context::Effect) {
                for assignment in &effect.assignments {
                    self.assignment(assignment, &env);
                }
            }
        }
    }

    fn assignment(&mut self, a: &ast::Assignment, env: &Env) {
        let mut scope = Scope::default();
        if !is_state_place(&a.target) {
            self.report(
                Diagnostic::error(
                    "E0214",
                    format!(
                        "an effect can only update `state`, not `{}`",
                        snippet(&a.target)
                    ),
                    self.loc(a.target.span),
                    "not a place in `state`",
                )
                .with_help("write `state.field = ...` or `state.field[key] += ...`"),
            );
            return;
        }
        let target = self.expr(&a.target, env, &mut scope, &Facts::none()).ty;
        let value = self.expr(&a.value, env, &mut scope, &Facts::none()).ty;
        if a.op != AssignOp::Set
            && !matches!(target, Ty::Int | Ty::Decimal | Ty::Duration | Ty::Error)
        {
            self.report(Diagnostic::error(
                "E0214",
                format!("`{}` needs a number, but `{}` is `{target}`", a.op.as_str(), snippet(&a.target)),
                self.loc(a.op_span),
                "not a number",
            ).with_help("`+=` and `-=` add to and subtract from `Int`, `Decimal` and `Duration` fields; set other values with `=`"));
            return;
        }
        if !assignable(&value, &target) {
            self.report(mismatch_help(
                Diagnostic::error(
                    "E0201",
                    format!(
                        "`{}` is `{target}`, but this is `{value}`",
                        snippet(&a.target)
                    ),
                    self.loc(a.value.span),
                    format!("expected `{target}`, found `{value}`"),
                ),
                &value,
                &target,
            ));
        }
    }

    pub(super) fn test(&mut self, t: &ast::Test) {
        let env = Env::plain(Context::Test);
        let mut scope = Scope::default();
        let none = Facts::none();
        let mut intents = 0;
        let mut expects = 0;
        for step in &t.steps {
            match &step.kind {
                TestStepKind::GivenFile(_) => {}
                TestStepKind::GivenEntity {
                    uid,
                    attrs,
                    parents,
                } => {
                    let Some(entity) = self.entity_reference(uid, &env, &mut scope) else {
                        continue;
                    };
                    let info = self.schema.entities.get(&entity).cloned();
                    match (attrs, &info) {
                        (Some(attrs), Some(info)) => self.record_against(
                            &info.attrs,
                            attrs,
                            false,
                            &format!("`{entity}`"),
                            "attribute",
                        ),
                        (None, Some(info)) => {
                            let missing = required_fields(&info.attrs);
                            if !missing.is_empty() {
                                self.report(
                                    Diagnostic::error(
                                        "E0219",
                                        format!(
                                            "`{entity}` needs the attribute{} {}",
                                            if missing.len() == 1 { "" } else { "s" },
                                            backticked(&missing)
                                        ),
                                        self.loc(uid.span),
                                        "no attributes given",
                                    )
                                    .with_help(format!(
                                        "give them after the reference: `{{ {}: ... }}`",
                                        missing[0]
                                    )),
                                );
                            }
                        }
                        _ => {}
                    }
                    if let Some(parents) = parents {
                        let elements = match &parents.kind {
                            ExprKind::Set(elements) => elements.as_slice(),
                            _ => std::slice::from_ref(parents),
                        };
                        for p in elements {
                            if let Some(parent) = self.entity_reference(p, &env, &mut scope)
                                && !self.schema.may_be_in(&entity, &parent)
                            {
                                let parents: Vec<String> = info
                                    .as_ref()
                                    .map(|i| i.parents.iter().map(|p| p.to_string()).collect())
                                    .unwrap_or_default();
                                let help = if parents.is_empty() {
                                    format!("the schema gives `{entity}` no parent types")
                                } else {
                                    format!("`{entity}` can only be in {}", backticked(&parents))
                                };
                                self.report(
                                    Diagnostic::error(
                                        "E0205",
                                        format!(
                                            "`{entity}` entities are never in `{parent}` entities"
                                        ),
                                        self.loc(p.span),
                                        "not a parent type in the schema",
                                    )
                                    .with_help(help),
                                );
                            }
                        }
                    }
                }
                TestStepKind::GivenState(e) => match self.schema.state.clone() {
                    Some(state) => self.record_against(&state.ty, e, true, "`state`", "field"),
                    None => self.report(Diagnostic::error(
                        "E0119",
                        "the test gives a `state`, but the schema declares none",
                        self.loc(step.span),
                        "no state declared",
                    )),
                },
                TestStepKind::GivenTime(e) => {
                    let ty = self.expr(e, &env, &mut scope, &none).ty;
                    if !assignable(&ty, &Ty::Datetime) {
                        self.report(
                            Diagnostic::error(
                                "E0201",
                                format!("the time is a `Datetime`, but this is `{ty}`"),
                                self.loc(e.span),
                                "expected `Datetime`",
                            )
                            .with_help("write a datetime literal: `@2026-01-31T09:00:00Z`"),
                        );
                    }
                }
                TestStepKind::GivenGrant(e) => {
                    self.record_against(
                        &crate::types::grant_record(),
                        e,
                        false,
                        "a grant",
                        "field",
                    );
                }
                TestStepKind::Intent {
                    action,
                    actor,
                    resource,
                    args,
                } => {
                    intents += 1;
                    if intents > 1 {
                        self.report(
                            Diagnostic::error(
                                "E0232",
                                "a test proposes one intent",
                                self.loc(step.span),
                                "second intent",
                            )
                            .with_help("write another test for another intent"),
                        );
                        continue;
                    }
                    self.intent(action, actor, resource.as_ref(), args.as_ref(), step.span);
                }
                TestStepKind::Expect { decision, rule, .. } => {
                    expects += 1;
                    if expects > 1 {
                        self.report(Diagnostic::error(
                            "E0232",
                            "a test expects one decision",
                            self.loc(step.span),
                            "second expectation",
                        ));
                        continue;
                    }
                    if let Some(rule) = rule {
                        self.expected_rule(*decision, rule);
                    }
                }
            }
        }
        for (count, what, example) in [
            (
                intents,
                "`intent`",
                "intent fs.read by Agent::\"a\" on File::\"f\"",
            ),
            (expects, "`expect`", "expect deny"),
        ] {
            if count == 0 {
                self.report(
                    Diagnostic::error(
                        "E0232",
                        format!("the test \"{}\" has no {what}", t.name.value),
                        self.loc(t.name.span),
                        format!("missing {what}"),
                    )
                    .with_help(format!("add one, e.g. `{example}`")),
                );
            }
        }
    }

    fn expected_rule(&mut self, decision: Effect, rule: &ast::Ident) {
        match self
            .names
            .rules
            .get(rule.name.as_str())
            .and_then(|v| v.first())
        {
            None => {
                let mut d = Diagnostic::error(
                    "E0109",
                    format!("there is no rule named `{}`", rule.name),
                    self.loc(rule.span),
                    "unknown rule",
                );
                if let Some(s) = closest(&rule.name, self.names.rules.keys().map(|k| k.as_ref())) {
                    d = d.with_suggestion(s);
                }
                self.report(d);
            }
            Some(entry) if entry.broken => {}
            Some(entry) => match entry.effect {
                Some(effect) if effect != decision => {
                    self.report(
                        Diagnostic::error(
                            "E0233",
                            format!(
                                "`{}` is {} `{effect}` rule, so it cannot decide `{decision}`",
                                rule.name,
                                article(effect.as_str())
                            ),
                            self.loc(rule.span),
                            format!("{} `{effect}` rule", article(effect.as_str())),
                        )
                        .with_label(entry.origin.loc(), "declared here"),
                    );
                }
                None => {
                    self.report(
                        Diagnostic::error(
                            "E0233",
                            format!(
                                "`{}` is an invariant; decisions name the rule that decided",
                                rule.name
                            ),
                            self.loc(rule.span),
                            "an invariant",
                        )
                        .with_help("a broken invariant denies: write `expect deny` without `by`"),
                    );
                }
                _ => {}
            },
        }
    }

    fn intent(
        &mut self,
        action: &ast::QualName,
        actor: &Expr,
        resource: Option<&Expr>,
        args: Option<&Expr>,
        span: writ_language::ast::Span,
    ) {
        let env = Env::plain(Context::Test);
        let mut scope = Scope::default();
        let actor_ty = self.entity_reference(actor, &env, &mut scope);
        let resource_ty = resource.and_then(|r| self.entity_reference(r, &env, &mut scope));
        let name = action.dotted();
        let Some(info) = self.schema.actions.get(name.as_str()).cloned() else {
            if self.schema.broken.contains(name.as_str()) {
                return;
            }
            let mut d = Diagnostic::error(
                "E0105",
                format!("no declared action is named `{name}`"),
                self.loc(action.span),
                "unknown action",
            );
            if let Some(s) = closest(&name, self.schema.actions.keys().map(|k| k.as_ref())) {
                d = d.with_suggestion(s);
            }
            self.report(d);
            return;
        };
        for (ty, allowed, expr, role) in [
            (actor_ty, &info.actors, Some(actor), "proposed by"),
            (resource_ty, &info.resources, resource, "done to"),
        ] {
            if let (Some(ty), Some(expr)) = (ty, expr)
                && !allowed.is_empty()
                && !allowed.contains(&ty)
            {
                let names: Vec<String> = allowed.iter().map(|n| n.to_string()).collect();
                self.report(
                    Diagnostic::error(
                        "E0201",
                        format!("`{name}` is {role} {}, not `{ty}`", backticked(&names)),
                        self.loc(expr.span),
                        format!("this is `{ty}`"),
                    )
                    .with_label(info.origin.loc(), "the action is declared here"),
                );
            }
        }
        if resource.is_none() && !info.resources.is_empty() {
            let names: Vec<String> = info.resources.iter().map(|n| n.to_string()).collect();
            self.report(
                Diagnostic::error(
                    "E0219",
                    format!(
                        "`{name}` acts on {}, but the intent names no resource",
                        backticked(&names)
                    ),
                    self.loc(span),
                    "missing `on ...`",
                )
                .with_help(format!("add `on {}::\"...\"`", names[0])),
            );
        }
        match args {
            Some(args) => {
                self.record_against(&info.args, args, false, &format!("`{name}`"), "argument")
            }
            None => {
                let missing = required_fields(&info.args);
                if !missing.is_empty() {
                    self.report(
                        Diagnostic::error(
                            "E0219",
                            format!(
                                "`{name}` needs the argument{} {}",
                                if missing.len() == 1 { "" } else { "s" },
                                backticked(&missing)
                            ),
                            self.loc(span),
                            "missing arguments",
                        )
                        .with_help(format!(
                            "give {} after the resource: `{}`",
                            if missing.len() == 1 { "it" } else { "them" },
                            fields_template(&missing)
                        )),
                    );
                }
            }
        }
    }

    /// An entity reference such as `Agent::"coder"`; its type's name.
    fn entity_reference(&mut self, e: &Expr, env: &Env, scope: &mut Scope) -> Option<Name> {
        match &e.unparen().kind {
            ExprKind::Entity { ty, .. } => match self.entity_literal_type(ty) {
                Ty::Entity(name) => Some(name),
                _ => None,
            },
            _ => {
                let ty = self.expr(e, env, scope, &Facts::none()).ty;
                if !ty.is_error() {
                    self.report(Diagnostic::error(
                        "E0201",
                        format!(
                            "expected an entity reference such as `User::\"alice\"`, found `{ty}`"
                        ),
                        self.loc(e.span),
                        "not an entity reference",
                    ));
                }
                None
            }
        }
    }

    /// Checks a record literal against a record type field by field, so each mistake gets its
    /// own message. `partial` allows required fields to be left out.
    fn record_against(
        &mut self,
        expected: &RecordTy,
        e: &Expr,
        partial: bool,
        owner: &str,
        what: &str,
    ) {
        let env = Env::plain(Context::Test);
        let mut scope = Scope::default();
        let ExprKind::Record(fields) = &e.unparen().kind else {
            let ty = self.expr(e, &env, &mut scope, &Facts::none()).ty;
            if !assignable(&ty, &Ty::Record(Arc::new(expected.clone()))) {
                self.report(Diagnostic::error(
                    "E0201",
                    format!("expected the {what}s of {owner}, found `{ty}`"),
                    self.loc(e.span),
                    format!("expected `{expected}`"),
                ));
            }
            return;
        };
        let mut given = BTreeSet::new();
        for f in fields {
            if !given.insert(f.name.name.as_str()) {
                self.report(duplicate_field(
                    self.loc(f.name.span),
                    fields,
                    &f.name,
                    |s| self.loc(s),
                ));
                continue;
            }
            match expected.fields.get(f.name.name.as_str()) {
                None => {
                    let mut d = Diagnostic::error(
                        "E0203",
                        format!("{owner} has no {what} `{}`", f.name.name),
                        self.loc(f.name.span),
                        format!("unknown {what}"),
                    );
                    if let Some(s) =
                        closest(&f.name.name, expected.fields.keys().map(|k| k.as_ref()))
                    {
                        d = d.with_suggestion(s);
                    }
                    self.report(d);
                    self.expr(&f.value, &env, &mut scope, &Facts::none());
                }
                Some(field) => self.value_against(
                    &field.ty,
                    &f.value,
                    &format!("the {what} `{}` is", f.name.name),
                ),
            }
        }
        if !partial {
            let missing: Vec<String> = expected
                .fields
                .iter()
                .filter(|(n, f)| !f.optional && !given.contains(n.as_ref()))
                .map(|(n, _)| n.to_string())
                .collect();
            if !missing.is_empty() {
                self.report(
                    Diagnostic::error(
                        "E0219",
                        format!(
                            "{owner} needs the {what}{} {}",
                            if missing.len() == 1 { "" } else { "s" },
                            backticked(&missing)
                        ),
                        self.loc(e.span),
                        format!("missing {what}s"),
                    )
                    .with_help(format!(
                        "add {}: `{}`",
                        if missing.len() == 1 { "it" } else { "them" },
                        fields_template(&missing)
                    )),
                );
            }
        }
    }

    /// Checks a value against the type the test data needs; `what` names it for messages:
    /// "the argument `bytes` is".
    fn value_against(&mut self, expected: &Ty, e: &Expr, what: &str) {
        match (expected, &e.unparen().kind) {
            (Ty::Record(r), ExprKind::Record(_)) => {
                let r = r.clone();
                self.record_against(&r, e, false, "the record", "field");
            }
            (Ty::Set(element), ExprKind::Set(items)) => {
                let subject = format!("the elements of {} are", what.trim_end_matches(" is"));
                for item in items {
                    self.value_against(element, item, &subject);
                }
            }
            _ => {
                let ty = self
                    .expr(
                        e,
                        &Env::plain(Context::Test),
                        &mut Scope::default(),
                        &Facts::none(),
                    )
                    .ty;
                if !assignable(&ty, expected) {
                    self.report(mismatch_help(
                        Diagnostic::error(
                            "E0201",
                            format!("{what} `{expected}`, but this is `{ty}`"),
                            self.loc(e.span),
                            format!("expected `{expected}`, found `{ty}`"),
                        ),
                        &ty,
                        expected,
                    ));
                }
            }
        }
    }
}

/// `{ a: ..., b: ... }`, to show which fields to write.
fn fields_template(names: &[String]) -> String {
    let fields: Vec<String> = names.iter().map(|n| format!("{n}: ...")).collect();
    format!("{{ {} }}", fields.join(", "))
}

fn and(a: Truth, b: Truth) -> Truth {
    match (a, b) {
        (Truth::False, _) | (_, Truth::False) => Truth::False,
        (Truth::True, Truth::True) => Truth::True,
        _ => Truth::Unknown,
    }
}

fn is_state_place(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Field { target, .. } | ExprKind::Index { target, .. } => match &target.kind {
            ExprKind::Name(n) => n.name == "state",
            _ => is_state_place(target),
        },
        ExprKind::Paren(inner) => is_state_place(inner),
        _ => false,
    }
}

/// The environments of one action: each actor type with each resource type.
pub(crate) fn action_environments(action: &ActionInfo, context: Context) -> Vec<(Env, String)> {
    let role = |names: &[Name], unresolved: bool| -> Vec<Ty> {
        let mut tys: Vec<Ty> = names.iter().map(|n| Ty::Entity(n.clone())).collect();
        if unresolved {
            tys.push(Ty::Error);
        } else if tys.is_empty() {
            tys.push(Ty::AnyEntity);
        }
        tys
    };
    let actors = role(&action.actors, action.unresolved.0);
    let resources = role(&action.resources, action.unresolved.1);
    let describe = |t: &Ty| match t {
        Ty::Entity(n) => format!("`{n}`"),
        Ty::AnyEntity => "any entity".to_string(),
        _ => "of an unknown type".to_string(),
    };
    let args = Ty::Record(Arc::new(action.args.clone()));
    let mut envs = Vec::new();
    for actor in &actors {
        for resource in &resources {
            envs.push((
                Env {
                    context,
                    target: Some(super::Target {
                        action: action.name.clone(),
                        actor: entity_name(actor),
                        resource: entity_name(resource),
                    }),
                    action: Some(action.name.clone()),
                    shared: false,
                    actor: actor.clone(),
                    resource: resource.clone(),
                    args: Some(args.clone()),
                },
                format!(
                    "for `{}` with actor {} and resource {}",
                    action.name,
                    describe(actor),
                    describe(resource)
                ),
            ));
        }
    }
    envs
}

/// "a" or "an", by how the word sounds (near enough: by its first letter).
pub(crate) fn article(word: &str) -> &'static str {
    match word.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

fn entity_name(ty: &Ty) -> Option<Name> {
    match ty {
        Ty::Entity(name) => Some(name.clone()),
        _ => None,
    }
}

/// The names of a record type's fields that must be given.
fn required_fields(record: &RecordTy) -> Vec<String> {
    record
        .fields
        .iter()
        .filter(|(_, f)| !f.optional)
        .map(|(n, _)| n.to_string())
        .collect()
}
