//! No text and no position makes an IDE query panic: every query at every position of the
//! corpus, and at many positions of mutated copies of it (the text an editor holds while
//! someone types is rarely valid).

use std::path::Path;

use writ_compiler::Compiler;
use writ_compiler::ide;

/// xorshift64*: small, fast and reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus");
    let mut out = Vec::new();
    for dir in ["valid", "invalid"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            if path.extension().is_some_and(|e| e == "writ")
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                out.push(text);
            }
        }
    }
    out
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
