//! `docs/language.md` stays true to the compiler:
//!
//! - every code block fenced as ```` ```writ ```` is a complete policy set that compiles on its
//!   own without a single diagnostic (fragments and deliberate mistakes are fenced
//!   ```` ```writ,ignore ````), and the `test` blocks in it pass;
//! - the diagnostics table lists exactly the codes of `writ_compiler::codes::CODES`, once each,
//!   with the same titles.

use std::collections::BTreeMap;
use std::path::Path;

use writ_compiler::Compiler;
use writ_compiler::codes::CODES;
use writ_evaluator::{PolicySet, run_tests};

fn language_md() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs")
        .join("language.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A fenced code block: its info string, the 1-based line of its first line of code, its text.
struct Block {
    info: String,
    line: usize,
    text: String,
}

fn code_blocks(doc: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, usize, String, String)> = None;
    for (i, line) in doc.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut open {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    let indent = line[..line.len() - trimmed.len()].to_string();
                    open = Some((info.trim().to_string(), i + 2, indent, String::new()));
                }
            }
            Some((info, start, indent, text)) => {
                if trimmed.starts_with("```") {
                    blocks.push(Block {
                        info: std::mem::take(info),
                        line: *start,
                        text: std::mem::take(text),
                    });
                    open = None;
                } else {
                    text.push_str(line.strip_prefix(indent.as_str()).unwrap_or(line));
                    text.push('\n');
                }
            }
        }
    }
    assert!(
        open.is_none(),
        "docs/language.md: a code block is never closed"
    );
    blocks
}

#[test]
fn every_writ_example_compiles_without_diagnostics() {
    let doc = language_md();
    let blocks = code_blocks(&doc);
    let examples: Vec<&Block> = blocks.iter().filter(|b| b.info == "writ").collect();
    assert!(
        examples.len() >= 15,
        "only {} complete examples in docs/language.md",
        examples.len()
    );
    for b in &blocks {
        assert!(
            !b.info.starts_with("writ") || b.info == "writ" || b.info == "writ,ignore",
            "docs/language.md:{}: unknown fence `{}` (use `writ` or `writ,ignore`)",
            b.line - 1,
            b.info
        );
    }
    let mut failures = Vec::new();
    for block in examples {
        let mut compiler = Compiler::new();
        compiler.add_file(
            format!("docs/language.md:{}", block.line),
            block.text.clone(),
        );
        let diagnostics = compiler.diagnostics();
        if !diagnostics.is_empty() {
            failures.push(format!(
                "the example at docs/language.md:{} has diagnostics:\n{}",
                block.line,
                writ_compiler::render::render(compiler.db(), &diagnostics, false)
            ));
            continue;
        }
        let set = match compiler.compile() {
            Ok(compiled) => PolicySet::new(compiled),
            Err(_) => {
                failures.push(format!(
                    "the example at docs/language.md:{} does not compile",
                    block.line
                ));
                continue;
            }
        };
        // Examples are self-contained: a test that names a fixture file cannot be run here.
        let no_fixtures = |_: &str, name: &str| Err(format!("no fixture `{name}` in the docs"));
        for outcome in run_tests(&set, &no_fixtures, None) {
            if let Some(failure) = outcome.failure(&set) {
                failures.push(format!(
                    "the example at docs/language.md:{}: test \"{}\" fails: {failure}",
                    block.line, outcome.name
                ));
            }
        }
    }
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
    let doc = language_md();
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
