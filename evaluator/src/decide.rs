//! The decision procedure: default deny, deny over review over allow, fail closed.

use std::collections::HashMap;

use writ_compiler::ir::Condition;
use writ_language::ast::Effect;
use writ_stdlib::Value;

use crate::decision::{
    ClauseOutcome, ClauseReport, Decision, InvariantReport, NearMiss, Outcome, Reason, RuleError,
    Source,
};
use crate::eval::{Context, EvalError};
use crate::input::{Intent, Snapshot};
use crate::policy::PolicySet;

/// How one rule fared on the fast pass.
enum RuleMatch {
    Matched,
    /// Clause `clause` was false (or, for `unless`, true); the clauses before it held.
    Failed {
        clause: usize,
    },
    /// Clause `clause` could not be evaluated.
    Errored {
        clause: usize,
        error: EvalError,
    },
}

/// Which clauses of which rules tests exercised, and how.
#[derive(Clone, Debug, Default)]
pub struct Coverage {
    /// By rule index: how often the rule matched, and per clause how often it held, failed and
    /// errored.
    pub rules: HashMap<usize, RuleCoverage>,
}

#[derive(Clone, Debug, Default)]
pub struct RuleCoverage {
    pub evaluated: usize,
    pub matched: usize,
    /// Per clause: (held, failed, errored).
    pub clauses: Vec<(usize, usize, usize)>,
}

fn eval_rule(ctx: &mut Context, conditions: &[Condition]) -> RuleMatch {
    for (i, condition) in conditions.iter().enumerate() {
        match ctx.eval_bool(&condition.expr) {
            Ok(value) if value != condition.negated => {}
            Ok(_) => return RuleMatch::Failed { clause: i },
            Err(error) => return RuleMatch::Errored { clause: i, error },
        }
    }
    RuleMatch::Matched
}

/// Re-evaluates one clause, recording the values it compared.
fn trace_clause(ctx: &mut Context, index: usize, condition: &Condition) -> ClauseReport {
    ctx.trace = Some(Vec::new());
    let result = ctx.eval_bool(&condition.expr);
    let values = ctx.trace.take().unwrap_or_default();
    ClauseReport {
        index,
        outcome: match result {
            Ok(v) => ClauseOutcome::Value(v),
            Err(e) => ClauseOutcome::Error(e.message),
        },
        values,
    }
}

/// Decides an intent against a snapshot.
pub fn decide(set: &PolicySet, intent: &Intent, snapshot: &Snapshot) -> Decision {
    decide_with(set, intent, snapshot, None)
}

pub fn decide_with(
    set: &PolicySet,
    intent: &Intent,
    snapshot: &Snapshot,
    mut coverage: Option<&mut Coverage>,
) -> Decision {
    let mut ctx = Context::new(set, intent, snapshot);
    let mut deny = Vec::new();
    let mut review = Vec::new();
    let mut allow = Vec::new();
    let mut near: Vec<(usize, usize)> = Vec::new();
    let mut errors = Vec::new();
    // Coverage counts every rule a test could have reached, so it bypasses the index's gates.
    let use_gates = coverage.is_none();
    let mut candidates = Vec::new();
    set.candidates(intent, snapshot, use_gates, &mut candidates);
    for &index in &candidates {
        let rule = &set.rules[index].item;
        let outcome = eval_rule(&mut ctx, &rule.conditions);
        if let Some(coverage) = coverage.as_deref_mut() {
            record(
                coverage,
                index,
                rule.conditions.len(),
                &outcome,
                rule.effect,
            );
        }
        match outcome {
            RuleMatch::Matched => match rule.effect {
                Effect::Deny => deny.push(index),
                Effect::Review => review.push(index),
                Effect::Allow => allow.push(index),
            },
            RuleMatch::Failed { clause } => {
                if rule.effect == Effect::Allow {
                    near.push((index, clause));
                }
            }
            RuleMatch::Errored { clause, error } => {
                errors.push(RuleError {
                    source: Source::Rule(index),
                    error,
                });
                // Fail closed: a deny or review rule that cannot be evaluated counts as
                // matching; an allow rule that cannot be evaluated grants nothing.
                match rule.effect {
                    Effect::Deny => deny.push(index),
                    Effect::Review => review.push(index),
                    Effect::Allow => near.push((index, clause)),
                }
            }
        }
    }

    // Transitions: an action with an effect must leave every invariant holding.
    let mut invariants = Vec::new();
    if set.effects.contains_key(&intent.action) {
        for (index, invariant) in set.invariants.iter().enumerate() {
            ctx.trace = Some(Vec::new());
            let result = ctx.eval_bool(&invariant.item.body);
            let values = ctx.trace.take().unwrap_or_default();
            match result {
                Ok(true) => {}
                Ok(false) => invariants.push(InvariantReport {
                    invariant: index,
                    holds: Some(false),
                    values,
                }),
                Err(error) => {
                    errors.push(RuleError {
                        source: Source::Invariant(index),
                        error,
                    });
                    invariants.push(InvariantReport {
                        invariant: index,
                        holds: None,
                        values,
                    });
                }
            }
        }
    }

    let (outcome, deciding) = if !deny.is_empty() || !invariants.is_empty() {
        (Outcome::Deny, deny)
    } else if !review.is_empty() {
        (Outcome::Review, review)
    } else if !allow.is_empty() {
        (Outcome::Allow, allow)
    } else {
        (Outcome::Deny, Vec::new())
    };

    let reasons: Vec<Reason> = deciding
        .iter()
        .map(|&index| {
            let conditions = &set.rules[index].item.conditions;
            let mut clauses = Vec::new();
            for (i, condition) in conditions.iter().enumerate() {
                let report = trace_clause(&mut ctx, i, condition);
                let stop = matches!(report.outcome, ClauseOutcome::Error(_));
                clauses.push(report);
                if stop {
                    break;
                }
            }
            Reason {
                rule: index,
                clauses,
            }
        })
        .collect();

    let mut approvers = Vec::new();
    let mut obligations = Vec::new();
    if outcome != Outcome::Deny {
        for &index in &deciding {
            let rule = &set.rules[index].item;
            for e in &rule.approvers {
                match ctx.eval(e) {
                    Ok(Value::Set(set)) => approvers.extend(set.iter().cloned()),
                    Ok(v) => approvers.push(v),
                    Err(error) => errors.push(RuleError {
                        source: Source::Rule(index),
                        error,
                    }),
                }
            }
            for e in &rule.obligations {
                match ctx.eval(e) {
                    Ok(Value::String(s)) => obligations.push(s.to_string()),
                    Ok(other) => obligations.push(other.to_string()),
                    Err(error) => errors.push(RuleError {
                        source: Source::Rule(index),
                        error,
                    }),
                }
            }
        }
    }
    approvers.sort();
    approvers.dedup();
    obligations.sort();
    obligations.dedup();

    // A default deny shows the allow rules that came nearest and the clause each failed on.
    let nearest = if outcome == Outcome::Deny && reasons.is_empty() && invariants.is_empty() {
        near.sort_by_key(|&(index, clause)| (std::cmp::Reverse(clause), index));
        // Allow rules the index left out failed at their first clause; they count only when
        // fewer than three rules got further.
        if use_gates && near.iter().filter(|&&(_, clause)| clause > 0).count() < 3 {
            near.extend(
                set.skipped_allow_rules(intent, &candidates, 3)
                    .into_iter()
                    .map(|index| (index, 0)),
            );
            near.sort_by_key(|&(index, clause)| (std::cmp::Reverse(clause), index));
        }
        near.truncate(3);
        near.iter()
            .map(|&(index, clause)| {
                let condition = &set.rules[index].item.conditions[clause];
                NearMiss {
                    rule: index,
                    passed: clause,
                    failed: trace_clause(&mut ctx, clause, condition),
                }
            })
            .collect()
    } else {
        Vec::new()
    };

    Decision {
        outcome,
        reasons,
        approvers,
        obligations,
        errors,
        invariants,
        nearest,
        delegation: ctx.delegation().cloned(),
        validation: Vec::new(),
        intent: Some((
            intent.action.clone(),
            intent.actor.clone(),
            intent.resource.clone(),
        )),
        policy_hash: set.hash.clone(),
        intent_hash: intent.hash.clone(),
        snapshot_hash: snapshot.hash.clone(),
    }
}

fn record(
    coverage: &mut Coverage,
    index: usize,
    clauses: usize,
    outcome: &RuleMatch,
    effect: Effect,
) {
    let entry = coverage.rules.entry(index).or_default();
    entry.clauses.resize(clauses, (0, 0, 0));
    entry.evaluated += 1;
    let reached = match outcome {
        RuleMatch::Matched => {
            entry.matched += 1;
            clauses
        }
        RuleMatch::Failed { clause } => {
            entry.clauses[*clause].1 += 1;
            *clause
        }
        RuleMatch::Errored { clause, .. } => {
            // A deny or review rule that fails counts as matching (fail closed).
            if effect != Effect::Allow {
                entry.matched += 1;
            }
            entry.clauses[*clause].2 += 1;
            *clause
        }
    };
    for held in &mut entry.clauses[..reached] {
        held.0 += 1;
    }
}
