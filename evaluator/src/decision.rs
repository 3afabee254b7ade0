//! Decisions and their explanations, and their renderings as JSON (for machines) and as
//! annotated source (for people).

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity};
use codespan_reporting::files::SimpleFiles;
use serde_json::Value as Json;
use std::sync::Arc;
use writ_language::ast::Span;

use writ_stdlib::{EntityUid, Value};

use crate::chain::ChainOutcome;
use crate::eval::EvalError;
use crate::json::ValidationError;
use crate::policy::PolicySet;
use crate::wire::Wire;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum Outcome {
    Allow,
    Review,
    Deny,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Allow => "allow",
            Outcome::Review => "review",
            Outcome::Deny => "deny",
        }
    }
}

/// A decision with everything needed to explain it.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    pub outcome: Outcome,
    /// The rules that decided: every matching deny rule for a deny, every matching review rule
    /// for a review, every matching allow rule for an allow. Empty for a default deny.
    pub reasons: Vec<Reason>,
    /// Who must approve, for a review.
    pub approvers: Vec<Value>,
    pub obligations: Vec<String>,
    pub errors: Vec<RuleError>,
    /// Invariants the intent would break, with the projected values.
    pub invariants: Vec<InvariantReport>,
    /// For a default deny: the allow rules that came nearest, and the clause each failed on.
    pub nearest: Vec<NearMiss>,
    /// The delegation chain, when a rule asked for one.
    pub delegation: Option<ChainOutcome>,
    /// Why the input was rejected, when it was.
    pub validation: Vec<ValidationError>,
    /// What was decided on: the action, the actor and the resource (absent for invalid input).
    pub intent: Option<(Arc<str>, EntityUid, Option<EntityUid>)>,
    pub policy_hash: String,
    pub intent_hash: String,
    pub snapshot_hash: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Reason {
    /// Index into the policy set's rules.
    pub rule: usize,
    pub clauses: Vec<ClauseReport>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClauseReport {
    /// Index of the clause among the rule's conditions.
    pub index: usize,
    pub outcome: ClauseOutcome,
    /// The values the clause compared, by the span of the expression that produced each.
    pub values: Vec<(Span, Value)>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ClauseOutcome {
    Value(bool),
    Error(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Rule(usize),
    Invariant(usize),
}

#[derive(Clone, Debug, PartialEq)]
pub struct RuleError {
    pub source: Source,
    pub error: EvalError,
}

#[derive(Clone, Debug, PartialEq)]
pub struct InvariantReport {
    pub invariant: usize,
    /// `Some(false)` when it would not hold; `None` when it could not be evaluated (which
    /// fails closed).
    pub holds: Option<bool>,
    pub values: Vec<(Span, Value)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NearMiss {
    pub rule: usize,
    /// How many of its clauses held before the failing one.
    pub passed: usize,
    pub failed: ClauseReport,
}

impl Decision {
    /// A deny for input that does not conform to the schema.
    pub fn invalid(
        set: &PolicySet,
        validation: Vec<ValidationError>,
        intent_hash: String,
        snapshot_hash: String,
    ) -> Decision {
        Decision {
            outcome: Outcome::Deny,
            reasons: Vec::new(),
            approvers: Vec::new(),
            obligations: Vec::new(),
            errors: Vec::new(),
            invariants: Vec::new(),
            nearest: Vec::new(),
            delegation: None,
            validation,
            intent: None,
            policy_hash: set.hash.clone(),
            intent_hash,
            snapshot_hash,
        }
    }

    /// The rule names that decided.
    pub fn rule_names<'a>(&self, set: &'a PolicySet) -> Vec<&'a str> {
        self.reasons
            .iter()
            .map(|r| set.rules[r.rule].item.name.as_ref())
            .collect()
    }

    /// One line: what was decided and why.
    pub fn summary(&self, set: &PolicySet) -> String {
        if !self.validation.is_empty() {
            let n = self.validation.len();
            return format!(
                "deny: the request does not conform to the schema ({n} error{})",
                if n == 1 { "" } else { "s" }
            );
        }
        if let Some(report) = self.invariants.first() {
            let invariant = &set.invariants[report.invariant].item;
            return match report.holds {
                Some(_) => format!(
                    "deny: the intent would break the invariant `{}`",
                    invariant.name
                ),
                None => format!(
                    "deny: the invariant `{}` could not be checked",
                    invariant.name
                ),
            };
        }
        let Some(first) = self.reasons.first() else {
            return match &self.intent {
                Some((action, actor, Some(resource))) => {
                    format!("deny: no rule grants `{action}` to {actor} on {resource}")
                }
                Some((action, actor, None)) => {
                    format!("deny: no rule grants `{action}` to {actor}")
                }
                None => "deny: no rule grants this".to_string(),
            };
        };
        let rule = &set.rules[first.rule].item;
        let names = self.rule_names(set);
        let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        let verb = match self.outcome {
            Outcome::Allow => "allowed by",
            Outcome::Review => "review required by",
            Outcome::Deny => "denied by",
        };
        match &rule.because {
            Some(because) => format!(
                "{}: {verb} {}: {because}",
                self.outcome.as_str(),
                names.join(", ")
            ),
            None => format!("{}: {verb} {}", self.outcome.as_str(), names.join(", ")),
        }
    }

    /// The decision as the wire format gives it, as a JSON tree.
    pub fn to_json(&self, set: &PolicySet) -> Json {
        // Serializing into a `Value` cannot fail: every key is a string and no number is
        // non-finite.
        serde_json::to_value(self.wire(set, &self.summary(set))).unwrap_or_default()
    }

    /// The decision as the wire format gives it, as JSON text on one line. Faster than
    /// writing [`Decision::to_json`]'s tree; the same members in the same order.
    pub fn to_json_bytes(&self, set: &PolicySet, summary: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(1024);
        // Writing to a `Vec` cannot fail, nor can serializing a `Wire` (see above).
        let _ = serde_json::to_writer(&mut out, &self.wire(set, summary));
        out
    }

    fn wire<'a>(&'a self, set: &'a PolicySet, summary: &'a str) -> Wire<'a> {
        Wire {
            decision: self,
            set,
            summary,
        }
    }

    /// The decision for people: a summary, then each deciding rule with its clauses and the
    /// values they compared, annotated on the policy source.
    pub fn render_text(&self, set: &PolicySet, color: bool) -> String {
        let mut files = SimpleFiles::new();
        for source in &set.sources {
            files.add(source.path.to_string(), source.text.to_string());
        }
        let mut out = format!("{}\n", self.summary(set));
        let mut reports = Vec::new();
        for v in &self.validation {
            out.push_str(&format!("  invalid input at {}: {}\n", v.path, v.message));
        }
        for reason in &self.reasons {
            let located = &set.rules[reason.rule];
            let rule = &located.item;
            let severity = match self.outcome {
                Outcome::Deny => Severity::Error,
                Outcome::Review => Severity::Warning,
                Outcome::Allow => Severity::Note,
            };
            let mut labels = vec![
                Label::primary(located.source, span_range(located.offset, rule.name_span))
                    .with_message(format!("this `{}` rule decided", rule.effect)),
            ];
            for clause in &reason.clauses {
                labels.push(clause_label(set, reason.rule, clause));
            }
            let mut report = Report::new(severity)
                .with_message(format!("{} by `{}`", self.outcome.as_str(), rule.name))
                .with_labels(labels);
            if let Some(because) = &rule.because {
                report = report.with_notes(vec![format!("because: {because}")]);
            }
            reports.push(report);
        }
        for report in &self.invariants {
            let located = &set.invariants[report.invariant];
            let source = &set.sources[located.source];
            let projected: Vec<String> = report
                .values
                .iter()
                .map(|(span, value)| format!("{} = {value}", source.slice(located.offset, *span)))
                .collect();
            let label = match report.holds {
                Some(_) => "would not hold after the intent".to_string(),
                None => "could not be checked".to_string(),
            };
            let mut r = Report::error()
                .with_message(format!("the invariant `{}` would break", located.item.name))
                .with_labels(vec![
                    Label::primary(
                        located.source,
                        span_range(located.offset, located.item.body.span),
                    )
                    .with_message(label),
                ]);
            if !projected.is_empty() {
                r = r.with_notes(vec![format!("projected: {}", projected.join(", "))]);
            }
            reports.push(r);
        }
        for near in &self.nearest {
            let located = &set.rules[near.rule];
            reports.push(
                Report::help()
                    .with_message(format!(
                        "`{}` would allow this, but clause {} of {} does not hold",
                        located.item.name,
                        near.passed + 1,
                        located.item.conditions.len()
                    ))
                    .with_labels(vec![
                        Label::secondary(
                            located.source,
                            span_range(located.offset, located.item.name_span),
                        )
                        .with_message("nearest allow rule"),
                        clause_label(set, near.rule, &near.failed),
                    ]),
            );
        }
        for e in &self.errors {
            let (source, offset, name) = match e.source {
                Source::Rule(i) => (
                    set.rules[i].source,
                    set.rules[i].offset,
                    set.rules[i].item.name.clone(),
                ),
                Source::Invariant(i) => (
                    set.invariants[i].source,
                    set.invariants[i].offset,
                    set.invariants[i].item.name.clone(),
                ),
            };
            reports.push(
                Report::warning()
                    .with_message(format!("`{name}` could not be evaluated: {}", e.error.message))
                    .with_labels(vec![Label::primary(source, span_range(offset, e.error.span)).with_message("failed here")])
                    .with_notes(vec!["a deny or review rule that fails counts as matching; an allow rule that fails grants nothing".to_string()]),
            );
        }
        out.push_str(&writ_compiler::render::emit(&files, &reports, color));
        if let Some(chain) = &self.delegation {
            out.push_str(&chain_text(chain));
        }
        if !self.approvers.is_empty() {
            let names: Vec<String> = self
                .approvers
                .iter()
                .map(|a| match a {
                    Value::String(s) => s.to_string(),
                    other => other.to_string(),
                })
                .collect();
            out.push_str(&format!("approvers: {}\n", names.join(", ")));
        }
        if !self.obligations.is_empty() {
            out.push_str(&format!("obligations: {}\n", self.obligations.join(", ")));
        }
        out.push_str(&format!(
            "policy {}\nintent {}\nsnapshot {}\n",
            self.policy_hash, self.intent_hash, self.snapshot_hash
        ));
        out
    }
}

fn span_range(offset: u32, span: Span) -> std::ops::Range<usize> {
    span.shift(offset).range()
}

fn clause_label(set: &PolicySet, rule: usize, clause: &ClauseReport) -> Label<usize> {
    let located = &set.rules[rule];
    let source = &set.sources[located.source];
    let condition = &located.item.conditions[clause.index];
    let values: Vec<String> = clause
        .values
        .iter()
        .map(|(span, value)| format!("{} = {value}", source.slice(located.offset, *span)))
        .collect();
    let outcome = match &clause.outcome {
        ClauseOutcome::Value(v) => v.to_string(),
        ClauseOutcome::Error(e) => format!("error: {e}"),
    };
    let message = if values.is_empty() {
        outcome
    } else {
        format!("{outcome} ({})", values.join(", "))
    };
    Label::secondary(
        located.source,
        span_range(located.offset, condition.expr.span),
    )
    .with_message(message)
}

fn chain_text(chain: &ChainOutcome) -> String {
    let mut out = String::from(if chain.valid() {
        "delegation chain holds:\n"
    } else {
        "delegation chain is broken:\n"
    });
    for link in &chain.links {
        out.push_str(&format!(
            "  {} -> {}  grant `{}` for `{}`\n",
            link.issuer, link.holder, link.grant, link.capability
        ));
    }
    if let Some(broken) = &chain.broken {
        out.push_str(&format!("  broken: {broken}\n"));
    }
    out
}
