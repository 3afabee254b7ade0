//! No text and no position makes an IDE query panic: every query at every position of the
//! corpus, and at many positions of mutated copies of it (the text an editor holds while
//! someone types is rarely valid).

#[path = "../../tests/fuzz/mod.rs"]
mod fuzz;

use std::path::Path;

use fuzz::Rng;

use writ_compiler::Compiler;
use writ_compiler::ide;

fn corpus() -> Vec<String> {
    fuzz::corpus(&Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
}

/// A copy of `text` with a few of the edits typing makes: a span deleted, a span repeated,
/// a fragment inserted (with non-ASCII text among them).
fn mutate(text: &str, rng: &mut Rng) -> String {
    const FRAGMENTS: &[&str] = &[
        ".",
        "actor.",
        "\"",
        "{",
        "}",
        "(",
        "[",
        "when ",
        "é😀",
        "::",
        "has ",
        "\n",
        "allow ",
        "test \"",
        "///",
        "//",
        "$",
        "args.",
        "Sensitivity.",
        " is ",
        "any x in ",
    ];
    let mut out: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(out.len() + 1);
        match rng.below(3) {
            0 => {
                let end = (at + rng.below(12)).min(out.len());
                out.drain(at..end);
            }
            1 => {
                let end = (at + rng.below(20)).min(out.len());
                let copy: Vec<char> = out[at..end].to_vec();
                out.splice(at..at, copy);
            }
            _ => {
                let fragment = FRAGMENTS[rng.below(FRAGMENTS.len())];
                out.splice(at..at, fragment.chars());
            }
        }
    }
    out.into_iter().collect()
}

/// Every query at `offsets` of the file holding `text`.
fn query_everything(text: &str, offsets: impl Iterator<Item = u32>) {
    let mut compiler = Compiler::new();
    let file = compiler.add_file("p.writ", text);
    compiler.add_file("other.writ", "allow other_rule on *\n  when true\n");
    let db = compiler.db();
    ide::semantic_tokens(db, file);
    ide::folding_ranges(db, file);
    ide::document_outline(db, file);
    ide::workspace_symbols(db, "a");
    for offset in offsets {
        ide::hover(db, file, offset);
        ide::completions(db, file, offset);
        ide::definition(db, file, offset);
        ide::references(db, file, offset, true);
        ide::highlights(db, file, offset);
        if ide::prepare_rename(db, file, offset).is_ok() {
            let _ = ide::rename(db, file, offset, "renamed");
        }
    }
}

#[test]
fn every_position_of_the_corpus() {
    let corpus = corpus();
    assert!(corpus.len() > 50, "the corpus is found");
    for text in corpus {
        // Past the end too: a client may send any offset.
        query_everything(&text, 0..=text.len() as u32 + 2);
    }
}

#[test]
fn positions_in_mutated_policies() {
    let corpus = corpus();
    let mut rng = Rng(0x5eed_1de5);
    for round in 0..1500 {
        let text = mutate(&corpus[round % corpus.len()], &mut rng);
        let len = text.len() as u32 + 1;
        let offsets: Vec<u32> = (0..24).map(|_| rng.below(len as usize) as u32).collect();
        query_everything(&text, offsets.into_iter());
    }
}
