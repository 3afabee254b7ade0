//! No input makes the parser, the checker, the lowering, the renderer or the formatter panic.
//!
//! A deterministic mutation fuzzer: it starts from the corpus, the default policies and a
//! few hand-written seeds, and feeds 100,000 variants through the whole pipeline: random bytes,
//! token soup, and edits of real policies (deleting, duplicating, swapping and inserting
//! spans of text and tokens). The seed of a failing case is printed with the input.

mod fuzz;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use fuzz::Rng;

use writ_compiler::Compiler;

fn cases() -> u64 {
    std::env::var("WRIT_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

const TOKENS: &[&str] = &[
    "schema",
    "{",
    "}",
    "entity",
    "enum",
    "type",
    "action",
    "state",
    "effect",
    "allow",
    "deny",
    "review",
    "on",
    "by",
    "when",
    "unless",
    "because",
    "approver",
    "obligation",
    "invariant",
    "fn",
    "test",
    "use",
    "given",
    "intent",
    "expect",
    "in",
    "is",
    "has",
    "like",
    "if",
    "then",
    "else",
    "any",
    "all",
    "true",
    "false",
    "actor",
    "resource",
    "args",
    "state",
    "next",
    "now",
    "action",
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    "::",
    ".",
    ".*",
    "*",
    "?",
    "=",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "&&",
    "||",
    "!",
    "+",
    "-",
    "/",
    "%",
    "+=",
    "-=",
    "=>",
    "->",
    "<",
    ">",
    "\"x\"",
    "\"\\u{1F600}\"",
    "\"\\q\"",
    "\"",
    "1",
    "0",
    "-9223372036854775808",
    "99999999999999999999",
    "1.5",
    "0.00001",
    "1h30m",
    "2d",
    "5ms",
    "1m1h",
    "@2026-01-01",
    "@2026-13-45T99:00:00Z",
    "User",
    "Agent",
    "File",
    "Set",
    "Map",
    "Set<",
    "Map<",
    "String",
    "Int",
    "Decimal",
    "Bool",
    "User::\"alice\"",
    "ip(\"10.0.0.0/8\")",
    "ip(\"300.1.1.1\")",
    ".contains(",
    ".matches(\"(\")",
    "decimal(\"1.23456\")",
    "x",
    "fs.read",
    "fs.write",
    "std.agents",
    "///",
    "//",
    "\n",
    " ",
    "é",
    "😀",
    "\t",
    "\r\n",
];

const SEEDS: &[&str] = &[
    r#"schema {
  entity User in [Team] { roles: Set<String>, email?: String }
  entity Team
  entity File { path: String, owner: User, level: Level }
  enum Level { low, high }
  type Meta = { tags: Set<String>, size?: Int }
  action fs.write by User on File { bytes: Int, meta: Meta }
    effect { state.spent[actor] += 1 }
  state { spent: Map<User, Int> }
}
/// Docs.
allow w on fs.write
  when actor has email && actor.email like "*@corp.com"
  when resource.level == Level.low && args.bytes < 10 * 1024
  unless any t in args.meta.tags: t.startsWith("secret")
review r on fs.*
  when if args.meta has size then args.meta.size > 5 else false
  approver resource.owner
  obligation "log"
  because "big"
invariant cap "cap" { next.spent[actor] <= 100 }
fn f(u: User, n: Int) -> Bool { u in Team::"t" && n % 2 == 0 }
test "t" {
  given entity User::"a" { roles: ["x"] } in [Team::"t"]
  given time @2026-01-01T00:00:00Z
  intent fs.write by User::"a" on File::"f" { bytes: 1, meta: { tags: [] } }
  expect allow by w
}
"#,
    "use std.agents\nallow a on fs.read when looks_secret(resource.path)\n",
];

fn seeds() -> Vec<String> {
    let mut seeds: Vec<String> = SEEDS.iter().map(|s| s.to_string()).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["tests/corpus", "policies"] {
        for entry in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
            let Ok(entry) = entry else { continue };
            if entry.path().extension().is_some_and(|e| e == "writ")
                && let Ok(text) = std::fs::read_to_string(entry.path())
            {
                seeds.push(text);
            }
        }
    }
    seeds
}

fn char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(rng: &mut Rng, seed: &str) -> String {
    let mut text = seed.to_string();
    for _ in 0..1 + rng.below(4) {
        let a = char_boundary(&text, rng.below(text.len() + 1));
        let b = char_boundary(&text, a + rng.below(40));
        match rng.below(6) {
            0 => text.replace_range(a..b, ""),
            1 => {
                let piece = text[a..b].to_string();
                let at = char_boundary(&text, rng.below(text.len() + 1));
                text.insert_str(at, &piece);
            }
            2 => text.insert_str(a, TOKENS[rng.below(TOKENS.len())]),
            3 => text.replace_range(a..b, TOKENS[rng.below(TOKENS.len())]),
            4 => {
                let piece: String = (0..rng.below(8))
                    .map(|_| (rng.below(95) as u8 + 32) as char)
                    .collect();
                text.insert_str(a, &piece);
            }
            _ => text.truncate(a),
        }
    }
    text
}

fn token_soup(rng: &mut Rng) -> String {
    (0..rng.below(60))
        .map(|_| TOKENS[rng.below(TOKENS.len())])
        .collect::<Vec<_>>()
        .join(if rng.below(2) == 0 { " " } else { "" })
}

fn random_text(rng: &mut Rng) -> String {
    let bytes: Vec<u8> = (0..rng.below(200)).map(|_| rng.next() as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn deep(rng: &mut Rng) -> String {
    let n = 150 + rng.below(2000);
    let open = [
        "(",
        "[",
        "!",
        "-",
        "if true then ",
        "any x in [1]: ",
        "{a: ",
    ][rng.below(7)];
    format!("allow a on x when {}1", open.repeat(n))
}

#[test]
fn no_input_panics() {
    let seeds = seeds();
    let mut compiler = Compiler::new();
    let file = compiler.add_file("fuzz.writ", "");
    let mut rng = Rng(0x5EED_CAFE_F00D_0001);
    for case in 0..cases() {
        let text = match case % 20 {
            0 => random_text(&mut rng),
            1..=3 => token_soup(&mut rng),
            4 if case % 200 == 4 => deep(&mut rng),
            _ => {
                let seed = &seeds[rng.below(seeds.len())];
                mutate(&mut rng, seed)
            }
        };
        compiler.set_text(file, text.clone());
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let diagnostics = compiler.diagnostics();
            writ_compiler::render::render(compiler.db(), &diagnostics, false);
            compiler.lowered_items();
            // Whatever checks cleanly compiles: no item is ever dropped on the way.
            if !diagnostics.iter().any(|d| d.is_error()) {
                assert!(
                    compiler.compile().is_ok(),
                    "checked cleanly but did not compile"
                );
            }
            let _ = writ_language::format(&text);
        }));
        if outcome.is_err() {
            panic!("case {case} panicked on this input:\n{text:?}");
        }
    }
}
