//! What the documentation tests share: reading a document's fenced code blocks, and checking
//! that every complete Writ example compiles cleanly and passes its own tests.

#![allow(dead_code)]

use std::path::Path;

use writ_compiler::Compiler;
use writ_evaluator::{PolicySet, run_tests};

/// A document of the repository, by its path from the root.
pub fn read_doc(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A fenced code block: its info string, the 1-based line of its first line of code, its text.
pub struct Block {
    pub info: String,
    pub line: usize,
    pub text: String,
}

pub fn code_blocks(doc: &str, name: &str) -> Vec<Block> {
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
    assert!(open.is_none(), "{name}: a code block is never closed");
    for b in &blocks {
        assert!(
            !b.info.starts_with("writ") || b.info == "writ" || b.info == "writ,ignore",
            "{name}:{}: unknown fence `{}` (use `writ` or `writ,ignore`)",
            b.line - 1,
            b.info
        );
    }
    blocks
}

/// Compiles each complete example (fenced `writ`) alone and runs its `test` blocks. Returns
/// the failures, and how many tests ran.
pub fn check_examples(name: &str, blocks: &[Block]) -> (Vec<String>, usize) {
    let mut failures = Vec::new();
    let mut tests_run = 0;
    for block in blocks.iter().filter(|b| b.info == "writ") {
        let mut compiler = Compiler::new();
        compiler.add_file(format!("{name}:{}", block.line), block.text.clone());
        let diagnostics = compiler.diagnostics();
        if !diagnostics.is_empty() {
            failures.push(format!(
                "the example at {name}:{} has diagnostics:\n{}",
                block.line,
                writ_compiler::render::render(compiler.db(), &diagnostics, false)
            ));
            continue;
        }
        let set = match compiler.compile() {
            Ok(compiled) => PolicySet::new(compiled),
            Err(_) => {
                failures.push(format!(
                    "the example at {name}:{} does not compile",
                    block.line
                ));
                continue;
            }
        };
        // Examples are self-contained: a test that names a fixture file cannot run here.
        let no_fixtures =
            |_: &str, fixture: &str| Err(format!("no fixture `{fixture}` in the docs"));
        for outcome in run_tests(&set, &no_fixtures, None) {
            tests_run += 1;
            if let Some(failure) = outcome.failure(&set) {
                failures.push(format!(
                    "the example at {name}:{}: test \"{}\" fails: {failure}",
                    block.line, outcome.name
                ));
            }
        }
    }
    (failures, tests_run)
}
