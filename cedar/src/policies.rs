//! Cedar policies to Writ rules.
//!
//! A policy is translated once for each environment its scope admits (action, principal type,
//! resource type; see `translate.rs`). Scope constraints become the first `when` clauses
//! (`principal == X` becomes `when actor == X`); `when`/`unless` clauses follow in order.
//! Environments whose translation is the same make one rule. When a rule covers only some of
//! the principal or resource types its actions take, it starts with an `is` guard, so that
//! Writ's checker, which checks a rule for every type its actions take, skips the others.
//! Environments in which the policy can never apply are left out.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use cedar_policy_core::ast::{
    self, ActionConstraint, EntityReference, EntityUID, PrincipalOrResourceConstraint, SlotId,
};
use cedar_policy_core::parser::{Node, cst, text_to_cst};

use crate::cexpr::{self, CExpr, Span};
use crate::error::{Error, Position, from_cedar};
use crate::model::Model;
use crate::names::NameMap;
use crate::translate::{Env, Truth};
use crate::wexpr::{W, bx};

/// A template link: which template, the link's id, and the slot values.
#[derive(Clone, Debug)]
pub struct Link {
    pub template: String,
    pub id: String,
    pub slots: HashMap<SlotId, EntityUID>,
}

/// One Cedar policy (or template), ready to translate.
struct Policy<'c> {
    /// The id links and rule names use: its `@id` annotation, or Cedar's `policyN`.
    id: String,
    /// Cedar's own id (`policyN`), used by cedar-policy's authorizer.
    cedar_id: String,
    template: &'c ast::Template,
    node: &'c Node<Option<cst::Policy>>,
    position: Position,
}

/// The translated policies of one file.
#[derive(Debug, Default)]
pub struct Rules {
    /// The rule items, each already in Writ syntax, in source order.
    pub items: Vec<String>,
    pub warnings: Vec<String>,
    /// Writ rule name to Cedar's own policy id (`policyN`, or the link's id).
    pub cedar_ids: BTreeMap<String, String>,
}

/// One condition clause of a rule.
#[derive(Clone, Debug, PartialEq)]
struct Clause {
    negated: bool,
    w: W,
}

type EnvKey = (String, String, String);

/// The (principal type, resource type) pairs of an action in a group of environments.
type Pairs<'a> = BTreeSet<(&'a str, &'a str)>;

/// A translated policy: its rule items, their names, and a warning when it never applies.
type Translated = (Vec<String>, Vec<String>, Option<String>);

pub struct Translator<'a> {
    pub model: &'a Model,
    pub names: &'a mut NameMap,
    /// Rule names given so far, across files.
    pub taken: &'a mut BTreeSet<String>,
}

impl Translator<'_> {
    pub fn translate(
        &mut self,
        file: &str,
        text: &str,
        links: &[Link],
    ) -> Result<Rules, Vec<Error>> {
        let cst = text_to_cst::parse_policies(text)
            .map_err(|e| vec![from_cedar(file, text, "syntax error", &e)])?;
        let pset = cst
            .to_policyset()
            .map_err(|e| vec![from_cedar(file, text, "invalid policy", &e)])?;
        let nodes = cst
            .with_generated_policyids()
            .map_err(|e| vec![from_cedar(file, text, "invalid policy", &e)])?;
        let mut policies = Vec::new();
        for (id, node) in nodes {
            let Some(template) = pset.get_template(&id) else {
                return Err(vec![Error::new(format!(
                    "{file}: policy `{id}` was not parsed"
                ))]);
            };
            let annotated = template
                .annotations()
                .find(|(k, _)| k.as_ref() == "id")
                .map(|(_, a)| a.val.to_string());
            let position = Position::of(file, text, node.loc.as_ref().map_or(0, |l| l.start()));
            policies.push(Policy {
                id: annotated.unwrap_or_else(|| id.to_string()),
                cedar_id: id.to_string(),
                template,
                node,
                position,
            });
        }
        let mut rules = Rules::default();
        let mut errors = Vec::new();
        // Cedar refuses a link whose id is taken, so the import does too: each link becomes
        // rules named after it, and the name table maps them back to one Cedar policy.
        let mut link_ids = BTreeSet::new();
        for link in links {
            let templates = policies
                .iter()
                .filter(|p| p.id == link.template && !p.template.is_static())
                .count();
            let problem = if templates == 0 {
                Some(format!(
                    "names the template `{}`, which `{file}` does not define",
                    link.template
                ))
            } else if templates > 1 {
                Some(format!(
                    "names the template `{}`, which more than one template of `{file}` is annotated with",
                    link.template
                ))
            } else if !link_ids.insert(link.id.as_str())
                || policies.iter().any(|p| p.cedar_id == link.id)
            {
                Some("has an id that another link or policy already has".to_string())
            } else {
                None
            };
            if let Some(problem) = problem {
                errors.push(Error::new(format!("the link `{}` {problem}", link.id)));
            }
        }
        for policy in &policies {
            let instances: Vec<(String, String, HashMap<SlotId, EntityUID>)> =
                if policy.template.is_static() {
                    vec![(policy.id.clone(), policy.cedar_id.clone(), HashMap::new())]
                } else {
                    let linked: Vec<_> = links
                        .iter()
                        .filter(|l| l.template == policy.id)
                        .map(|l| (l.id.clone(), l.id.clone(), l.slots.clone()))
                        .collect();
                    if linked.is_empty() {
                        rules.warnings.push(format!(
                            "{}: the template `{}` has no links, so it grants and forbids nothing",
                            policy.position, policy.id
                        ));
                    }
                    linked
                };
            for (rule_id, cedar_id, slots) in instances {
                match self.policy(file, text, policy, &rule_id, &cedar_id, &slots) {
                    Ok((items, names, warning)) => {
                        for name in names {
                            rules.cedar_ids.insert(name, cedar_id.clone());
                        }
                        rules.items.extend(items);
                        rules.warnings.extend(warning);
                    }
                    Err(e) => errors.push(e),
                }
            }
        }
        if errors.is_empty() {
            Ok(rules)
        } else {
            Err(errors)
        }
    }

    /// Translates one policy or link: the rule items, their names, and a warning when the
    /// policy can never apply.
    fn policy(
        &mut self,
        file: &str,
        text: &str,
        policy: &Policy,
        rule_id: &str,
        cedar_id: &str,
        slots: &HashMap<SlotId, EntityUID>,
    ) -> Result<Translated, Error> {
        let template = policy.template;
        for slot in template.slots() {
            if !slots.contains_key(&slot.id) {
                return Err(Error::at(
                    policy.position.clone(),
                    format!("the link `{rule_id}` gives no value for `{}`", slot.id),
                ));
            }
        }
        // As in Cedar (whose validator checks linked policies), a link may not give a value to
        // a slot the template lacks, nor an entity of a type the schema does not declare.
        for (slot, uid) in slots {
            if !template.slots().any(|s| &s.id == slot) {
                return Err(Error::at(
                    policy.position.clone(),
                    format!(
                        "the link `{rule_id}` gives a value for `{slot}`, which the template `{}` does not have",
                        policy.id
                    ),
                ));
            }
            let ty = uid.entity_type().to_string();
            if !self.model.entities.contains_key(&ty) {
                return Err(Error::at(
                    policy.position.clone(),
                    format!(
                        "the link `{rule_id}` gives `{slot}` the entity `{uid}`, of the unknown type `{ty}`"
                    ),
                ));
            }
        }
        let conditions = self.conditions(file, text, policy)?;
        let actions = self.actions(template.action_constraint(), &policy.position)?;

        // Translate for every environment.
        let mut envs: Vec<(EnvKey, Vec<Clause>)> = Vec::new();
        for action in &actions {
            let info = &self.model.actions[action];
            for principal in &info.principals {
                for resource in &info.resources {
                    let env = Env {
                        model: self.model,
                        names: self.names,
                        action,
                        principal,
                        resource,
                        slots,
                        file,
                        text,
                    };
                    if let Some(clauses) =
                        environment(&env, template, &conditions, &policy.position)?
                    {
                        envs.push((
                            (action.clone(), principal.clone(), resource.clone()),
                            clauses,
                        ));
                    }
                }
            }
        }
        let docs = self.docs(policy, rule_id, cedar_id);
        let effect = match template.effect() {
            ast::Effect::Permit => "allow",
            ast::Effect::Forbid => "deny",
        };
        if envs.is_empty() {
            let why = if actions.is_empty() {
                "no action it names can be requested (an action needs principal and resource types)"
            } else {
                "its scope or conditions can never hold for the principal and resource types of its actions"
            };
            let warning = format!(
                "{}: the Cedar policy `{rule_id}` never applies: {why}; it is left out",
                policy.position
            );
            let item = format!(
                "// Cedar policy `{rule_id}` ({}) never applies: {why}.",
                policy.position
            );
            return Ok((vec![item], vec![], Some(warning)));
        }

        // Group environments with the same translation, in order of first appearance.
        let mut groups: Vec<(Vec<Clause>, Vec<EnvKey>)> = Vec::new();
        for (key, clauses) in envs {
            match groups.iter_mut().find(|(c, _)| *c == clauses) {
                Some((_, keys)) => keys.push(key),
                None => groups.push((clauses, vec![key])),
            }
        }
        let mut items = Vec::new();
        let mut names = Vec::new();
        let mut count = 0;
        for (clauses, keys) in groups {
            for (actions, principals, resources) in self.products(&keys) {
                count += 1;
                let id = if count == 1 {
                    rule_id.to_string()
                } else {
                    format!("{rule_id}_{count}")
                };
                let name = self.names.rule_name(&id, self.taken);
                let guard = self.guard(&actions, &principals, &resources);
                items.push(rule_text(
                    &docs, effect, &name, &actions, guard, &clauses, self.names,
                ));
                names.push(name);
            }
        }
        Ok((items, names, None))
    }

    /// The `when`/`unless` clauses of a policy, as written.
    fn conditions(
        &self,
        file: &str,
        text: &str,
        policy: &Policy,
    ) -> Result<Vec<(bool, CExpr)>, Error> {
        let Some(cst::Policy::Policy(inner)) = policy.node.node.as_ref() else {
            return Err(Error::at(
                policy.position.clone(),
                "the policy could not be read",
            ));
        };
        let mut out = Vec::new();
        for cond in &inner.conds {
            let Some(cond) = cond.node.as_ref() else {
                continue;
            };
            let negated = matches!(cond.cond.node, Some(cst::Ident::Unless));
            match &cond.expr {
                Some(expr) => {
                    let e = cexpr::condition(expr)
                        .map_err(|e| from_cedar(file, text, "invalid condition", &*e))?;
                    out.push((negated, e));
                }
                None => {
                    return Err(Error::at(policy.position.clone(), "an empty condition"));
                }
            }
        }
        Ok(out)
    }

    /// The requestable actions a policy's action scope admits.
    fn actions(
        &self,
        constraint: &ActionConstraint,
        position: &Position,
    ) -> Result<Vec<String>, Error> {
        let check = |uid: &EntityUID| -> Result<String, Error> {
            let key = uid.to_string();
            if self.model.actions.contains_key(&key) {
                Ok(key)
            } else {
                Err(Error::at(
                    position.clone(),
                    format!("unknown action `{key}`"),
                ))
            }
        };
        let set: BTreeSet<String> = match constraint {
            ActionConstraint::Any => self
                .model
                .actions
                .values()
                .filter(|a| a.requestable())
                .map(|a| a.uid.clone())
                .collect(),
            ActionConstraint::Eq(uid) => {
                let key = check(uid)?;
                self.model
                    .expand_action(&key)
                    .into_iter()
                    .filter(|a| *a == key)
                    .collect()
            }
            ActionConstraint::In(uids) => {
                let mut set = BTreeSet::new();
                for uid in uids {
                    set.extend(self.model.expand_action(&check(uid)?));
                }
                set
            }
            #[allow(unreachable_patterns)]
            _ => {
                return Err(Error::at(
                    position.clone(),
                    "an action scope that could not be read",
                ));
            }
        };
        Ok(set.into_iter().collect())
    }

    /// Splits a group of environments into rules each covering every combination of some
    /// actions, principal types and resource types. Actions whose every environment is in the
    /// group share one rule without a guard.
    fn products(&self, keys: &[EnvKey]) -> Vec<(Vec<String>, Vec<String>, Vec<String>)> {
        // Per action, its (principal, resource) pairs.
        let mut by_action: BTreeMap<&str, Pairs> = BTreeMap::new();
        for (a, p, r) in keys {
            by_action.entry(a).or_default().insert((p, r));
        }
        let mut out = Vec::new();
        let mut complete = Vec::new();
        // Actions with the same pairs share rules.
        let mut classes: Vec<(Pairs, Vec<String>)> = Vec::new();
        for (a, pairs) in by_action {
            let info = &self.model.actions[a];
            if pairs.len() == info.principals.len() * info.resources.len() {
                complete.push(a.to_string());
                continue;
            }
            match classes.iter_mut().find(|(p, _)| *p == pairs) {
                Some((_, actions)) => actions.push(a.to_string()),
                None => classes.push((pairs, vec![a.to_string()])),
            }
        }
        if !complete.is_empty() {
            let principals = self.union(&complete, |a| &a.principals);
            let resources = self.union(&complete, |a| &a.resources);
            out.push((complete, principals, resources));
        }
        for (pairs, actions) in classes {
            // Principals with the same resources form one product.
            let mut by_principal: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for (p, r) in &pairs {
                by_principal.entry(p).or_default().insert(r);
            }
            let mut products: Vec<(BTreeSet<&str>, Vec<String>)> = Vec::new();
            for (p, rs) in by_principal {
                match products.iter_mut().find(|(r, _)| *r == rs) {
                    Some((_, ps)) => ps.push(p.to_string()),
                    None => products.push((rs, vec![p.to_string()])),
                }
            }
            for (rs, ps) in products {
                out.push((
                    actions.clone(),
                    ps,
                    rs.into_iter().map(String::from).collect(),
                ));
            }
        }
        out
    }

    fn union(
        &self,
        actions: &[String],
        pick: fn(&crate::model::ActionInfo) -> &Vec<String>,
    ) -> Vec<String> {
        let set: BTreeSet<&String> = actions
            .iter()
            .flat_map(|a| pick(&self.model.actions[a]).iter())
            .collect();
        set.into_iter().cloned().collect()
    }

    /// An `is` test limiting a rule to the types it was translated for, when its actions take
    /// others too.
    fn guard(&self, actions: &[String], principals: &[String], resources: &[String]) -> Option<W> {
        let all = |pick: fn(&crate::model::ActionInfo) -> &Vec<String>| -> BTreeSet<&str> {
            actions
                .iter()
                .flat_map(|a| pick(&self.model.actions[a]).iter().map(String::as_str))
                .collect()
        };
        let test = |var: &'static str, types: &[String], all: BTreeSet<&str>| -> Option<W> {
            let wanted: BTreeSet<&str> = types.iter().map(String::as_str).collect();
            if wanted == all {
                return None;
            }
            types
                .iter()
                .map(|t| W::Is(bx(W::Var(var)), self.names.entity_types[t].clone(), None))
                .reduce(|acc, w| W::Or(bx(acc), bx(w)))
        };
        let p = test("actor", principals, all(|a| &a.principals));
        let r = test("resource", resources, all(|a| &a.resources));
        match (p, r) {
            (Some(p), Some(r)) => Some(W::And(bx(p), bx(r))),
            (p, r) => p.or(r),
        }
    }

    fn docs(&self, policy: &Policy, rule_id: &str, cedar_id: &str) -> Vec<String> {
        let mut docs = Vec::new();
        let what = if policy.template.is_static() {
            format!("Cedar policy `{rule_id}`")
        } else {
            format!("Cedar template `{}` linked as `{rule_id}`", policy.id)
        };
        let cedar = if cedar_id != rule_id {
            format!(" (`{cedar_id}` to Cedar)")
        } else {
            String::new()
        };
        docs.push(format!("/// {what}{cedar}, {}.", policy.position));
        for (key, value) in policy.template.annotations() {
            if key.as_ref() != "id" {
                docs.push(format!("/// @{key}({:?})", value.val.as_str()));
            }
        }
        docs
    }
}

/// The clauses of a policy in one environment, or `None` when it can never apply there.
fn environment(
    env: &Env,
    template: &ast::Template,
    conditions: &[(bool, CExpr)],
    position: &Position,
) -> Result<Option<Vec<Clause>>, Error> {
    let mut clauses = Vec::new();
    let scopes = [
        (
            template.principal_constraint().as_inner(),
            "actor",
            env.principal,
            SlotId::principal(),
        ),
        (
            template.resource_constraint().as_inner(),
            "resource",
            env.resource,
            SlotId::resource(),
        ),
    ];
    for (constraint, var, ty, slot) in scopes {
        let resolve = |r: &EntityReference| -> Result<EntityUID, Error> {
            match r {
                EntityReference::EUID(uid) => Ok((**uid).clone()),
                EntityReference::Slot(_) => env.slots.get(&slot).cloned().ok_or_else(|| {
                    Error::at(
                        position.clone(),
                        format!("the template slot `{slot}` has no value"),
                    )
                }),
            }
        };
        let span = Span::default();
        match constraint {
            PrincipalOrResourceConstraint::Any => {}
            PrincipalOrResourceConstraint::Eq(r) => {
                let uid = resolve(r)?;
                if uid.entity_type().to_string() != ty {
                    return Ok(None);
                }
                let lit = env.entity(span, &uid).map_err(|e| at(e, position))?;
                clauses.push(Clause {
                    negated: false,
                    w: W::Bin("==", bx(W::Var(var)), bx(lit.w)),
                });
            }
            PrincipalOrResourceConstraint::In(r) => {
                let uid = resolve(r)?;
                if !env.model.may_be_in(ty, &uid.entity_type().to_string()) {
                    return Ok(None);
                }
                let lit = env.entity(span, &uid).map_err(|e| at(e, position))?;
                clauses.push(Clause {
                    negated: false,
                    w: W::Bin("in", bx(W::Var(var)), bx(lit.w)),
                });
            }
            PrincipalOrResourceConstraint::Is(t) => {
                if t.to_string() != ty {
                    return Ok(None);
                }
            }
            PrincipalOrResourceConstraint::IsIn(t, r) => {
                let uid = resolve(r)?;
                if t.to_string() != ty || !env.model.may_be_in(ty, &uid.entity_type().to_string()) {
                    return Ok(None);
                }
                let lit = env.entity(span, &uid).map_err(|e| at(e, position))?;
                clauses.push(Clause {
                    negated: false,
                    w: W::Bin("in", bx(W::Var(var)), bx(lit.w)),
                });
            }
        }
    }
    for (negated, expr) in conditions {
        let t = env.tr(expr)?;
        // A `when` that is false whenever it can be evaluated never lets the policy apply, in
        // Cedar (an error skips the policy) as in this environment's Writ rule.
        if (!negated && t.truth == Truth::False) || (*negated && t.truth == Truth::True) {
            return Ok(None);
        }
        clauses.push(Clause {
            negated: *negated,
            w: t.w,
        });
    }
    Ok(Some(clauses))
}

fn at(mut e: Error, position: &Position) -> Error {
    if e.position
        .as_ref()
        .is_none_or(|p| p.line == 1 && p.column == 1)
    {
        e.position = Some(position.clone());
    }
    e
}

fn rule_text(
    docs: &[String],
    effect: &str,
    name: &str,
    actions: &[String],
    guard: Option<W>,
    clauses: &[Clause],
    names: &NameMap,
) -> String {
    let mut out = String::new();
    for d in docs {
        out.push_str(d);
        out.push('\n');
    }
    let action_names: Vec<&str> = actions.iter().map(|a| names.actions[a].as_str()).collect();
    let pattern = if action_names.len() == 1 {
        action_names[0].to_string()
    } else {
        format!("[{}]", action_names.join(", "))
    };
    out.push_str(&format!("{effect} {name} on {pattern}\n"));
    let mut clauses = clauses.to_vec();
    if let Some(guard) = guard {
        // The guard joins the first `when` clause, so that the rule index still sees a
        // scope constraint at the start of the rule.
        match clauses.first_mut() {
            Some(first) if !first.negated => {
                first.w = W::And(bx(guard), bx(first.w.clone()));
            }
            _ => clauses.insert(
                0,
                Clause {
                    negated: false,
                    w: guard,
                },
            ),
        }
    }
    for c in &clauses {
        out.push_str(if c.negated { "  unless " } else { "  when " });
        out.push_str(&c.w.text());
        out.push('\n');
    }
    out
}
