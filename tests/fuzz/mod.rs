//! What the no-panic tests share, in this crate and in `compiler/tests` and `lsp/tests` (which
//! include this file by path): a reproducible random source and the corpus's policies.

// Each test crate uses part of it.
#![allow(dead_code)]

use std::path::Path;

/// xorshift64*: small, fast and reproducible, which is all a mutation fuzzer needs.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Every policy of `tests/corpus/valid` and `tests/corpus/invalid` under the workspace at
/// `root`, in path order.
pub fn corpus(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for dir in ["valid", "invalid"] {
        let dir = root.join("tests/corpus").join(dir);
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read the corpus at `{}`: {e}", dir.display()));
        let mut paths: Vec<_> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "writ"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read `{}`: {e}", path.display()));
            out.push(text);
        }
    }
    out
}
