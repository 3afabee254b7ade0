//! The rule index: which rules a decision must evaluate.
//!
//! Rules are first indexed by action and by the actor and resource types they can match (the
//! checker drops the combinations where a rule is statically false). Within that, a rule whose
//! first clause requires, before anything that can fail, that the actor or the resource equals
//! a literal entity (`actor == User::"alice"`) or is in one (`resource in Folder::"f"`), is
//! filed under that entity: a decision looks up the intent's actor and resource, and their
//! ancestors in the snapshot, and evaluates only the rules filed there and the rules without
//! such a constraint. A decision's cost then grows with the rules that can apply, not with the
//! size of the set.
//!
//! This never changes a decision: a rule left out has a first clause that is false without
//! failing, so it neither matches nor fails closed. The one thing such a rule can still do is
//! appear in a default deny's explanation as an allow rule that failed at its first clause;
//! [`PolicyIndex::skipped_allow_rules`] finds those when the explanation needs them.

use std::collections::HashMap;
use std::sync::Arc;

use writ_compiler::ir::{BinOp, Condition, Expr, ExprKind, Var};
use writ_stdlib::{EntityUid, Value};

use crate::input::{Intent, Snapshot};

/// A rule that may apply to an action, for intents whose actor and resource have these types.
#[derive(Clone, Debug)]
pub(crate) struct Candidate {
    pub rule: usize,
    pub actor: Option<Arc<str>>,
    pub resource: Option<Arc<str>>,
}

impl Candidate {
    fn fits(&self, intent: &Intent) -> bool {
        let fits = |limit: &Option<Arc<str>>, uid: Option<&EntityUid>| {
            limit
                .as_ref()
                .is_none_or(|ty| uid.is_some_and(|u| u.ty.as_ref() == ty.as_ref()))
        };
        fits(&self.actor, Some(&intent.actor)) && fits(&self.resource, intent.resource.as_ref())
    }
}

/// A literal constraint a rule's first clause puts on the actor or the resource.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Gate {
    Equal(Role, EntityUid),
    /// In any of these entities.
    In(Role, Vec<EntityUid>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Actor,
    Resource,
}

/// Positions (in [`ActionRules::all`]) filed under an entity.
type Filed = HashMap<EntityUid, Vec<u32>>;

/// The rules of one action.
#[derive(Debug, Default)]
pub(crate) struct ActionRules {
    /// Every candidate, in source order.
    pub all: Vec<Candidate>,
    /// Positions of candidates without a gate.
    open: Vec<u32>,
    actor_equal: Filed,
    actor_in: Filed,
    resource_equal: Filed,
    resource_in: Filed,
}

impl ActionRules {
    pub fn push(&mut self, candidate: Candidate, conditions: &[Condition]) {
        let position = self.all.len() as u32;
        self.all.push(candidate);
        match gate(conditions) {
            None => self.open.push(position),
            Some(Gate::Equal(role, uid)) => {
                let filed = match role {
                    Role::Actor => &mut self.actor_equal,
                    Role::Resource => &mut self.resource_equal,
                };
                filed.entry(uid).or_default().push(position);
            }
            Some(Gate::In(role, uids)) => {
                let filed = match role {
                    Role::Actor => &mut self.actor_in,
                    Role::Resource => &mut self.resource_in,
                };
                for uid in uids {
                    let list = filed.entry(uid).or_default();
                    if list.last() != Some(&position) {
                        list.push(position);
                    }
                }
            }
        }
    }

    fn gated(&self) -> bool {
        self.open.len() < self.all.len()
    }

    /// The rules (by index in the policy set) a decision on `intent` must evaluate, in source
    /// order. With `use_gates` false, every rule of the action that fits the types.
    pub fn candidates(
        &self,
        intent: &Intent,
        snapshot: &Snapshot,
        use_gates: bool,
        out: &mut Vec<usize>,
    ) {
        // Without a resource, reading `resource` fails, so a rule gated on anything after such a
        // read could fail closed: evaluate everything.
        if !use_gates || !self.gated() || intent.resource.is_none() {
            out.extend(self.all.iter().filter(|c| c.fits(intent)).map(|c| c.rule));
            return;
        }
        let mut positions: Vec<u32> = self.open.clone();
        lookup(
            &self.actor_equal,
            &self.actor_in,
            &intent.actor,
            snapshot,
            &mut positions,
        );
        if let Some(resource) = &intent.resource {
            lookup(
                &self.resource_equal,
                &self.resource_in,
                resource,
                snapshot,
                &mut positions,
            );
        }
        positions.sort_unstable();
        positions.dedup();
        out.extend(
            positions
                .into_iter()
                .map(|p| &self.all[p as usize])
                .filter(|c| c.fits(intent))
                .map(|c| c.rule),
        );
    }

    /// Up to `limit` allow rules that fit the intent's types but were not among `evaluated`
    /// (sorted), in source order: rules whose gate left them out, which fail at clause 0.
    pub fn skipped<'a>(
        &'a self,
        intent: &'a Intent,
        evaluated: &'a [usize],
        is_allow: impl Fn(usize) -> bool + 'a,
    ) -> impl Iterator<Item = usize> + 'a {
        self.all
            .iter()
            .filter(move |c| c.fits(intent) && is_allow(c.rule))
            .map(|c| c.rule)
            .filter(move |r| evaluated.binary_search(r).is_err())
    }
}

/// Adds the positions filed under `uid` (equality) and under `uid` or any of its ancestors
/// (membership).
fn lookup(equal: &Filed, within: &Filed, uid: &EntityUid, snapshot: &Snapshot, out: &mut Vec<u32>) {
    if let Some(list) = equal.get(uid) {
        out.extend_from_slice(list);
    }
    if within.is_empty() {
        return;
    }
    if let Some(list) = within.get(uid) {
        out.extend_from_slice(list);
    }
    let Some(entity) = snapshot.entities.get(uid) else {
        return;
    };
    // Walk whichever side is smaller: the entity's ancestors, or the entities rules are filed
    // under.
    if entity.ancestors.len() <= within.len() {
        for ancestor in &entity.ancestors {
            if let Some(list) = within.get(ancestor) {
                out.extend_from_slice(list);
            }
        }
    } else {
        for (key, list) in within {
            if entity.ancestors.contains(key) {
                out.extend_from_slice(list);
            }
        }
    }
}

/// The gate of a rule: a literal constraint on the actor or resource among the conjuncts its
/// first `when` clause evaluates before anything that could fail.
fn gate(conditions: &[Condition]) -> Option<Gate> {
    let first = conditions.first().filter(|c| !c.negated)?;
    let mut conjuncts = Vec::new();
    flatten(&first.expr, &mut conjuncts);
    let mut found: Option<Gate> = None;
    for c in conjuncts {
        if !never_fails(c) {
            break;
        }
        match literal_constraint(c) {
            Some(g @ Gate::Equal(..)) => return Some(g),
            Some(g) if found.is_none() => found = Some(g),
            _ => {}
        }
    }
    found
}

fn flatten<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::And(l, r) => {
            flatten(l, out);
            flatten(r, out);
        }
        _ => out.push(e),
    }
}

fn role(e: &Expr) -> Option<Role> {
    match e.kind {
        ExprKind::Var(Var::Actor) => Some(Role::Actor),
        ExprKind::Var(Var::Resource) => Some(Role::Resource),
        _ => None,
    }
}

fn entity_literal(e: &Expr) -> Option<&EntityUid> {
    match &e.kind {
        ExprKind::Literal(Value::Entity(uid)) => Some(uid),
        _ => None,
    }
}

/// The entities of a literal entity or set of literal entities.
fn entity_literals(e: &Expr) -> Option<Vec<EntityUid>> {
    match &e.kind {
        ExprKind::Literal(Value::Entity(uid)) => Some(vec![uid.clone()]),
        ExprKind::Literal(Value::Set(items)) => {
            items.iter().map(|v| v.as_entity().cloned()).collect()
        }
        ExprKind::Set(items) => items.iter().map(|i| entity_literal(i).cloned()).collect(),
        _ => None,
    }
}

fn literal_constraint(e: &Expr) -> Option<Gate> {
    match &e.kind {
        ExprKind::Binary(BinOp::Eq, l, r) => match (role(l), role(r)) {
            (Some(role), None) => Some(Gate::Equal(role, entity_literal(r)?.clone())),
            (None, Some(role)) => Some(Gate::Equal(role, entity_literal(l)?.clone())),
            _ => None,
        },
        ExprKind::In(l, r) => Some(Gate::In(role(l)?, entity_literals(r)?)),
        _ => None,
    }
}

/// Whether evaluating `e` can never fail (for an intent with a resource): tests of the actor
/// and resource against literals, and their combinations.
fn never_fails(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Literal(Value::Bool(_)) => true,
        ExprKind::Is(target, _) => role(target).is_some(),
        ExprKind::Binary(BinOp::Eq | BinOp::Ne, l, r) => {
            (role(l).is_some() || entity_literal(l).is_some())
                && (role(r).is_some() || entity_literal(r).is_some())
        }
        ExprKind::In(l, r) => {
            role(l).is_some() && (role(r).is_some() || entity_literals(r).is_some())
        }
        ExprKind::And(l, r) | ExprKind::Or(l, r) => never_fails(l) && never_fails(r),
        ExprKind::Not(inner) => never_fails(inner),
        _ => false,
    }
}
