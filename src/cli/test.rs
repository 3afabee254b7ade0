//! `writ test`: run the `test` blocks of a policy set.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use writ_evaluator::{Coverage, PolicySet, run_tests};

use super::load;

pub fn run(paths: &[PathBuf], coverage: bool) -> ExitCode {
    let Some(set) = load::policy_set(paths) else {
        return ExitCode::from(1);
    };
    let loader = |policy: &str, name: &str| {
        let path = Path::new(policy)
            .parent()
            .unwrap_or(Path::new("."))
            .join(name);
        load::json(&path)
    };
    let mut cov = Coverage::default();
    let outcomes = run_tests(&set, &loader, coverage.then_some(&mut cov));
    let color = std::io::stdout().is_terminal();
    outln!(
        "running {} test{}",
        outcomes.len(),
        if outcomes.len() == 1 { "" } else { "s" }
    );
    for outcome in &outcomes {
        outln!(
            "test \"{}\" ... {}",
            outcome.name,
            if outcome.passed { "ok" } else { "FAILED" }
        );
    }
    let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed).collect();
    if !failed.is_empty() {
        outln!("\nfailures:");
        for outcome in &failed {
            let located = &set.tests()[outcome.test];
            let source = &set.sources()[located.source];
            let (line, column) =
                source.line_column((located.offset + located.item.name_span.start) as usize);
            outln!(
                "\n---- \"{}\" ({}:{line}:{column}) ----",
                outcome.name,
                source.path
            );
            if let Some(message) = outcome.failure(&set) {
                outln!("{message}");
            }
            if let Ok(decision) = &outcome.decision {
                out!("{}", decision.render_text(&set, color));
            }
        }
    }
    outln!(
        "\ntest result: {}. {} passed; {} failed",
        if failed.is_empty() { "ok" } else { "FAILED" },
        outcomes.len() - failed.len(),
        failed.len()
    );
    if coverage {
        print_coverage(&set, &cov);
    }
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn print_coverage(set: &PolicySet, coverage: &Coverage) {
    let rules: Vec<_> = set.rules().collect();
    let exercised = (0..rules.len())
        .filter(|i| coverage.rules.get(i).is_some_and(|c| c.matched > 0))
        .count();
    outln!(
        "\ncoverage: {exercised} of {} rules matched in at least one test",
        rules.len()
    );
    for (index, located) in rules.iter().enumerate() {
        let rule = &located.item;
        let source = &set.sources()[located.source];
        let (line, _) = source.line_column((located.offset + rule.name_span.start) as usize);
        let c = coverage.rules.get(&index);
        let matched = c.map_or(0, |c| c.matched);
        let evaluated = c.map_or(0, |c| c.evaluated);
        let mark = if matched > 0 { " " } else { "!" };
        outln!(
            "{mark} {:<7} {:<28} {}:{line}  matched in {matched} of {evaluated} evaluations",
            rule.effect.as_str(),
            rule.name,
            source.path
        );
        for (i, condition) in rule.conditions.iter().enumerate() {
            let (held, failed, errored) = c
                .and_then(|c| c.clauses.get(i))
                .copied()
                .unwrap_or_default();
            let keyword = if condition.negated { "unless" } else { "when" };
            let text: String = source
                .slice(located.offset, condition.expr.span)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let text = if text.chars().count() > 60 {
                format!("{}…", text.chars().take(59).collect::<String>())
            } else {
                text
            };
            let gap = if held == 0 || failed == 0 {
                " (not both ways)"
            } else {
                ""
            };
            let errors = if errored > 0 {
                format!(", errored {errored}")
            } else {
                String::new()
            };
            outln!("      {keyword} {text}: held {held}, failed {failed}{errors}{gap}");
        }
    }
}
