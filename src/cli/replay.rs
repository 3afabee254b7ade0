//! `writ replay --log FILE --policies DIR`: what would change if these policies had been
//! deployed. Every logged request is decided again; each decision whose outcome differs is
//! reported with the rules that decided it before and now, and a table counts, per rule, the
//! changed decisions it decides now and those it decided before.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::{Value as Json, json};

use super::{Format, load};
use crate::decision_log::entry::Entry;
use crate::decision_log::lines::Lines;

pub struct Args {
    pub log: PathBuf,
    pub policies: PathBuf,
    pub format: Format,
}

struct Change {
    seq: u64,
    action: String,
    actor: String,
    resource: String,
    before: Side,
    now: Side,
}

struct Side {
    outcome: String,
    summary: String,
    rules: Vec<String>,
}

impl Side {
    fn of(decision: &Json) -> Side {
        Side {
            outcome: decision["decision"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            summary: decision["summary"].as_str().unwrap_or_default().to_string(),
            rules: responsible(decision),
        }
    }

    fn json(&self) -> Json {
        json!({ "decision": self.outcome, "summary": self.summary, "rules": self.rules })
    }
}

/// What decided: the rules, the invariants an intent would break, or why there is none.
fn responsible(decision: &Json) -> Vec<String> {
    let names = |key: &str, field: &str, prefix: &str| -> Vec<String> {
        decision[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r[field].as_str())
            .map(|n| format!("{prefix}{n}"))
            .collect()
    };
    let mut out = names("reasons", "rule", "");
    out.extend(names("invariants", "name", "invariant "));
    if out.is_empty() {
        let invalid = decision["validation"]
            .as_array()
            .is_some_and(|v| !v.is_empty());
        out.push(
            if invalid {
                "(invalid input)"
            } else {
                "(no rule grants it)"
            }
            .to_string(),
        );
    }
    out
}

/// Exit 0 when no decision changes, 4 when some do, 1 when the log or the policies cannot be
/// read.
pub fn run(args: Args) -> ExitCode {
    let shown = args.log.display();
    let Some(set) = load::policy_set(std::slice::from_ref(&args.policies)) else {
        return ExitCode::from(1);
    };
    let file = match File::open(&args.log) {
        Ok(file) => file,
        Err(e) => {
            eprintln!("error: cannot open `{shown}`: {e}");
            return ExitCode::from(1);
        }
    };
    let mut replayed = 0u64;
    let mut changes = Vec::new();
    for line in Lines::new(BufReader::with_capacity(1 << 20, file)) {
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                eprintln!("error: cannot read `{shown}`: {e}");
                return ExitCode::from(1);
            }
        };
        if !line.complete {
            eprintln!(
                "warning: the last line of `{shown}` (line {}) is cut short and was not \
                 replayed; `writ log verify {shown}` says more",
                line.number
            );
            break;
        }
        let entry = match Entry::parse(&line.bytes) {
            Ok(entry) => entry,
            Err(why) => {
                eprintln!(
                    "error: line {} of `{shown}` is not a decision log entry ({why}); \
                     `writ log verify {shown}` says more",
                    line.number
                );
                return ExitCode::from(1);
            }
        };
        replayed += 1;
        let decision = set.decide_json(&entry.request);
        if decision.outcome.as_str() == entry.outcome() {
            continue;
        }
        changes.push(Change {
            seq: entry.seq,
            action: entry.intent_field("action").to_string(),
            actor: entry.intent_field("actor").to_string(),
            resource: entry.intent_field("resource").to_string(),
            before: Side::of(&entry.decision),
            now: Side::of(&decision.to_json(&set)),
        });
    }
    // Per rule: changed decisions it decides now, and changed decisions it decided before.
    let mut by_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut transitions: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for change in &changes {
        for rule in &change.now.rules {
            by_rule.entry(rule).or_default().0 += 1;
        }
        for rule in &change.before.rules {
            by_rule.entry(rule).or_default().1 += 1;
        }
        *transitions
            .entry((&change.before.outcome, &change.now.outcome))
            .or_default() += 1;
    }
    match args.format {
        Format::Json => {
            let report = json!({
                "log": shown.to_string(),
                "policies": args.policies.display().to_string(),
                "policy_hash": set.hash(),
                "replayed": replayed,
                "changed": changes.iter().map(|c| json!({
                    "seq": c.seq,
                    "action": c.action,
                    "actor": c.actor,
                    "resource": c.resource,
                    "before": c.before.json(),
                    "now": c.now.json(),
                })).collect::<Vec<_>>(),
                "by_rule": by_rule.iter().map(|(rule, (now, before))| json!({
                    "rule": rule, "now_decides": now, "decided_before": before,
                })).collect::<Vec<_>>(),
                "transitions": transitions.iter().map(|((from, to), n)| json!({
                    "from": from, "to": to, "count": n,
                })).collect::<Vec<_>>(),
            });
            outln!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
        }
        Format::Text => print_text(
            &args,
            set.hash(),
            replayed,
            &changes,
            &by_rule,
            &transitions,
        ),
    }
    if changes.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(4)
    }
}

fn print_text(
    args: &Args,
    policy_hash: &str,
    replayed: u64,
    changes: &[Change],
    by_rule: &BTreeMap<&str, (usize, usize)>,
    transitions: &BTreeMap<(&str, &str), usize>,
) {
    outln!(
        "replayed {replayed} decision{} from `{}` against `{}` (policy {policy_hash})",
        if replayed == 1 { "" } else { "s" },
        args.log.display(),
        args.policies.display()
    );
    for c in changes {
        let on = if c.resource.is_empty() {
            String::new()
        } else {
            format!(" on {}", c.resource)
        };
        outln!("\nentry {}: `{}` by {}{on}", c.seq, c.action, c.actor);
        outln!("  {} -> {}", c.before.outcome, c.now.outcome);
        outln!("  before: {}", c.before.summary);
        outln!("  now:    {}", c.now.summary);
    }
    if changes.is_empty() {
        outln!("no decision would change");
        return;
    }
    let width = by_rule
        .keys()
        .map(|r| r.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    outln!(
        "\n{:width$}  {:>11}  {:>14}",
        "rule",
        "now decides",
        "decided before"
    );
    for (rule, (now, before)) in by_rule {
        outln!("{rule:width$}  {now:>11}  {before:>14}");
    }
    let moves: Vec<String> = transitions
        .iter()
        .map(|((from, to), n)| format!("{from} -> {to}: {n}"))
        .collect();
    outln!(
        "\n{} of {replayed} decisions would change ({})",
        changes.len(),
        moves.join(", ")
    );
}
