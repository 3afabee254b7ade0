//! Running the policy set's `test` blocks, for the code lens and for diagnostics on failing
//! tests. Fixtures are read relative to the policy file that names them, as `writ test` does.

use std::path::Path;

use writ_compiler::Compiled;
use writ_evaluator::{ClauseOutcome, Decision, PolicySet, run_tests};
use writ_language::ast::Span;

/// A place in a file and what to say about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The compiler's path of the file.
    pub path: String,
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestResult {
    pub path: String,
    pub name: String,
    /// The test's name in its file.
    pub span: Span,
    pub passed: bool,
    /// Why it failed, in one line.
    pub failure: Option<String>,
    /// For a failure: the rules that decided, or the allow rules that came nearest and the
    /// condition each stopped at.
    pub explanation: Vec<Note>,
}

/// Every test of the set, in source order.
pub fn run(compiled: Compiled) -> Vec<TestResult> {
    let set = PolicySet::new(compiled);
    let load = |policy: &str, name: &str| {
        let path = Path::new(policy)
            .parent()
            .unwrap_or(Path::new("."))
            .join(name);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        serde_json::from_str(&text)
            .map_err(|e| format!("`{}` is not valid JSON: {e}", path.display()))
    };
    run_tests(&set, &load, None)
        .into_iter()
        .filter_map(|outcome| {
            let located = set.tests().get(outcome.test)?;
            let source = set.sources().get(located.source)?;
            let explanation = match (&outcome.decision, outcome.passed) {
                (Ok(decision), false) => explain(&set, decision),
                _ => Vec::new(),
            };
            Some(TestResult {
                path: source.path.to_string(),
                name: outcome.name.clone(),
                span: located.item.name_span.shift(located.offset),
                passed: outcome.passed,
                failure: outcome.failure(&set),
                explanation,
            })
        })
        .collect()
}

/// The source text of an item-relative span, on one line.
fn snippet(set: &PolicySet, source: usize, offset: u32, span: Span) -> String {
    let text = set
        .sources()
        .get(source)
        .map_or("", |s| s.slice(offset, span));
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn explain(set: &PolicySet, decision: &Decision) -> Vec<Note> {
    let rules: Vec<_> = set.rules().collect();
    let path = |source: usize| {
        set.sources()
            .get(source)
            .map_or(String::new(), |s| s.path.to_string())
    };
    let mut notes = Vec::new();
    for reason in &decision.reasons {
        let Some(rule) = rules.get(reason.rule) else {
            continue;
        };
        let because = rule
            .item
            .because
            .as_ref()
            .map(|b| format!(": {b}"))
            .unwrap_or_default();
        notes.push(Note {
            path: path(rule.source),
            span: rule.item.name_span.shift(rule.offset),
            message: format!(
                "{} by `{}`{because}",
                decision.outcome.as_str(),
                rule.item.name
            ),
        });
    }
    for near in &decision.nearest {
        let Some(rule) = rules.get(near.rule) else {
            continue;
        };
        let Some(condition) = rule.item.conditions.get(near.failed.index) else {
            continue;
        };
        let outcome = match &near.failed.outcome {
            ClauseOutcome::Value(_) if condition.negated => {
                "held, so the rule did not apply".to_string()
            }
            ClauseOutcome::Value(_) => "was false".to_string(),
            ClauseOutcome::Error(e) => format!("failed: {e}"),
        };
        let values: Vec<String> = near
            .failed
            .values
            .iter()
            .map(|(span, value)| {
                format!(
                    "{} = {value}",
                    snippet(set, rule.source, rule.offset, *span)
                )
            })
            .collect();
        let values = if values.is_empty() {
            String::new()
        } else {
            format!(" ({})", values.join(", "))
        };
        notes.push(Note {
            path: path(rule.source),
            span: condition.span.shift(rule.offset),
            message: format!(
                "`{}` came nearest: `{}` {outcome}{values}",
                rule.item.name,
                snippet(set, rule.source, rule.offset, condition.expr.span)
            ),
        });
    }
    for error in &decision.errors {
        if let writ_evaluator::Source::Rule(i) = error.source
            && let Some(rule) = rules.get(i)
        {
            notes.push(Note {
                path: path(rule.source),
                span: error.error.span.shift(rule.offset),
                message: format!("`{}` failed: {}", rule.item.name, error.error.message),
            });
        }
    }
    notes
}
