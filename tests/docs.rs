//! `docs/language.md` stays true to the compiler:
//!
//! - every code block fenced as ```` ```writ ```` is a complete policy set that compiles on its
//!   own without a single diagnostic (fragments and deliberate mistakes are fenced
//!   ```` ```writ,ignore ````), and the `test` blocks in it pass;
//! - the diagnostics table lists exactly the codes of `writ_compiler::codes::CODES`, once each,
//!   with the same titles.

use std::collections::BTreeMap;

use writ_compiler::codes::CODES;

mod support;

const DOC: &str = "docs/language.md";

#[test]
fn every_writ_example_compiles_without_diagnostics() {
    let doc = support::read_doc(DOC);
    let blocks = support::code_blocks(&doc, DOC);
    let examples = blocks.iter().filter(|b| b.info == "writ").count();
    assert!(examples >= 15, "only {examples} complete examples in {DOC}");
    let (failures, _) = support::check_examples(DOC, &blocks);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The rows `| `E0001` | title | ... |` of the section headed "Diagnostics".
fn diagnostics_table(doc: &str) -> Vec<(String, String)> {
    let mut in_section = false;
    let mut rows = Vec::new();
    for line in doc.lines() {
        if line.starts_with("## ") {
            in_section = line.contains("Diagnostics");
            continue;
        }
        if !in_section || !line.starts_with('|') {
            continue;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (Some(code), Some(title)) = (cells.get(1), cells.get(2)) else {
            continue;
        };
        let Some(code) = code.strip_prefix('`').and_then(|c| c.strip_suffix('`')) else {
            continue;
        };
        let is_code = code.len() == 5
            && (code.starts_with('E') || code.starts_with('W'))
            && code[1..].bytes().all(|b| b.is_ascii_digit());
        if is_code {
            rows.push((code.to_string(), title.to_string()));
        }
    }
    rows
}

#[test]
fn diagnostics_table_matches_the_compiler() {
    let doc = support::read_doc(DOC);
    let rows = diagnostics_table(&doc);
    let mut documented: BTreeMap<&str, &str> = BTreeMap::new();
    for (code, title) in &rows {
        assert!(
            documented.insert(code, title).is_none(),
            "docs/language.md lists {code} more than once"
        );
    }
    let known: BTreeMap<&str, &str> = CODES.iter().map(|c| (c.code, c.title)).collect();
    let missing: Vec<&str> = known
        .keys()
        .filter(|c| !documented.contains_key(*c))
        .copied()
        .collect();
    let unknown: Vec<&str> = documented
        .keys()
        .filter(|c| !known.contains_key(*c))
        .copied()
        .collect();
    assert!(
        missing.is_empty(),
        "docs/language.md does not list: {missing:?}"
    );
    assert!(
        unknown.is_empty(),
        "docs/language.md lists codes the compiler does not have: {unknown:?}"
    );
    for (code, title) in &known {
        assert_eq!(
            documented[code], *title,
            "docs/language.md gives {code} another title than compiler/src/codes.rs"
        );
    }
}
