//! `docs/stdlib.md` stays true to the standard library:
//!
//! - every code block fenced as ```` ```writ ```` is a complete policy set that compiles on its
//!   own without a single diagnostic (fragments are fenced ```` ```writ,ignore ````), and the
//!   `test` blocks in it pass, so the behaviour the examples claim is the behaviour the
//!   evaluator has;
//! - every expression quoted on an `Example:` line is a `when` clause of some complete block, so
//!   it compiles and is exercised by that block's tests;
//! - every built-in of `writ_stdlib::BUILTINS` has a heading with its signature, and the final
//!   table lists exactly the built-ins of the table, in table order, with their kinds and
//!   signatures.

use std::collections::BTreeSet;

use writ_stdlib::Kind;

mod support;

use support::code_blocks;

const DOC: &str = "docs/stdlib.md";

fn stdlib_md() -> String {
    support::read_doc(DOC)
}

/// The lines of the document outside code blocks.
fn prose_lines(doc: &str) -> Vec<(usize, &str)> {
    let mut in_code = false;
    let mut out = Vec::new();
    for (i, line) in doc.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if !in_code {
            out.push((i + 1, line));
        }
    }
    out
}

/// The text of each `code span` in a line of Markdown (single backticks only).
fn code_spans(line: &str) -> Vec<&str> {
    line.split('`').skip(1).step_by(2).collect()
}

#[test]
fn every_writ_example_compiles_without_diagnostics_and_its_tests_pass() {
    let doc = stdlib_md();
    let blocks = code_blocks(&doc, DOC);
    let examples = blocks.iter().filter(|b| b.info == "writ").count();
    assert!(examples >= 15, "only {examples} complete examples in {DOC}");
    let (failures, tests_run) = support::check_examples(DOC, &blocks);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        tests_run >= 20,
        "only {tests_run} tests in the examples of {DOC}"
    );
}

#[test]
fn every_quoted_example_is_a_clause_of_a_checked_block() {
    let doc = stdlib_md();
    let clauses: BTreeSet<String> = code_blocks(&doc, DOC)
        .iter()
        .filter(|b| b.info == "writ")
        .flat_map(|b| {
            b.text
                .lines()
                .map(str::trim)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter_map(|line| line.strip_prefix("when ").map(str::to_owned))
        .collect();
    let mut count = 0;
    let mut missing = Vec::new();
    for (line_no, line) in prose_lines(&doc) {
        let Some(rest) = line
            .strip_prefix("Example: ")
            .or_else(|| line.strip_prefix("Examples: "))
        else {
            continue;
        };
        for span in code_spans(rest) {
            count += 1;
            if !clauses.contains(span) {
                missing.push(format!("{DOC}:{line_no}: `{span}`"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "these examples are not `when` clauses of any complete example:\n{}",
        missing.join("\n")
    );
    assert!(count >= 53, "only {count} quoted examples in {DOC}");
}

#[test]
fn every_builtin_has_a_heading_with_its_signature() {
    let doc = stdlib_md();
    let headings: BTreeSet<&str> = prose_lines(&doc)
        .into_iter()
        .filter(|(_, l)| l.starts_with('#'))
        .flat_map(|(_, l)| code_spans(l))
        .collect();
    let missing: Vec<String> = writ_stdlib::all()
        .map(|(_, b)| b.signature())
        .filter(|s| !headings.contains(s.as_str()))
        .collect();
    assert!(missing.is_empty(), "{DOC} has no heading for: {missing:?}");
}

/// The rows `| `name` | kind | `signature` |` of the last section (the table of every built-in).
fn final_table(doc: &str) -> Vec<(String, String, String)> {
    let lines = prose_lines(doc);
    let start = lines
        .iter()
        .rposition(|(_, l)| l.starts_with("## "))
        .expect("the document has sections");
    let mut rows = Vec::new();
    for (_, line) in &lines[start..] {
        if !line.starts_with('|') {
            continue;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (Some(name), Some(kind), Some(signature)) = (cells.get(1), cells.get(2), cells.get(3))
        else {
            continue;
        };
        let unquote = |s: &str| {
            s.strip_prefix('`')
                .and_then(|s| s.strip_suffix('`'))
                .map(str::to_owned)
        };
        let (Some(name), Some(signature)) = (unquote(name), unquote(signature)) else {
            continue;
        };
        rows.push((name, kind.to_string(), signature));
    }
    rows
}

#[test]
fn final_table_lists_exactly_the_builtins() {
    let doc = stdlib_md();
    let rows = final_table(&doc);
    let expected: Vec<(String, String, String)> = writ_stdlib::all()
        .map(|(_, b)| {
            let kind = match b.kind {
                Kind::Function => "function",
                Kind::Method => "method",
            };
            (b.name.to_string(), kind.to_string(), b.signature())
        })
        .collect();
    // Every name of the stdlib's table is in the doc's table...
    let documented: BTreeSet<&str> = rows.iter().map(|(n, _, _)| n.as_str()).collect();
    let undocumented: Vec<&str> = writ_stdlib::names()
        .filter(|n| !documented.contains(n))
        .collect();
    assert!(
        undocumented.is_empty(),
        "the final table of {DOC} does not list: {undocumented:?}"
    );
    // ...and the doc's table is exactly the stdlib's, entry by entry.
    for (i, (row, entry)) in rows.iter().zip(&expected).enumerate() {
        assert_eq!(row, entry, "{DOC}: row {} of the final table", i + 1);
    }
    assert_eq!(
        rows.len(),
        expected.len(),
        "{DOC}: the final table has {} rows, the stdlib's table {} entries",
        rows.len(),
        expected.len()
    );
}
