//! No document and no request makes the server fail: every request the server answers, at
//! random positions (past the end of lines and of the text, and inside characters that take
//! two UTF-16 units), on the corpus and on mutated copies of it, as an editor sends them while
//! someone types. A handler that panicked would answer `InternalError`; none may.
//!
//! `compiler/tests/ide_no_panic.rs` does the same for the compiler's IDE queries; this covers
//! what the server adds on top: position conversions, formatting, code actions, code lenses
//! (which run the tests) and the edits it builds.

#[path = "../../tests/fuzz/mod.rs"]
mod fuzz;

mod support;

use std::path::Path;

use fuzz::Rng;

use serde_json::{Value, json};
use support::Client;

fn corpus() -> Vec<String> {
    fuzz::corpus(&Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
}

/// A copy of `text` with one of the edits typing makes: a span deleted, or a fragment
/// inserted (non-ASCII text among them).
fn mutate(text: &str, rng: &mut Rng) -> String {
    const FRAGMENTS: &[&str] = &[
        ".", "actor.", "\"", "{", "}", "(", "é😀", "::", "\n", "test \"", "///", " is ",
    ];
    let mut out: Vec<char> = text.chars().collect();
    let at = rng.below(out.len() + 1);
    if rng.below(2) == 0 {
        let end = (at + rng.below(12)).min(out.len());
        out.drain(at..end);
    } else {
        out.splice(at..at, FRAGMENTS[rng.below(FRAGMENTS.len())].chars());
    }
    out.into_iter().collect()
}

/// A position anywhere in `text`, or a little past its lines and its end, in UTF-16 units.
fn position(text: &str, rng: &mut Rng) -> Value {
    let lines: Vec<&str> = text.split('\n').collect();
    let line = rng.below(lines.len() + 2);
    let width = lines.get(line).map_or(0, |l| l.encode_utf16().count());
    json!({"line": line, "character": rng.below(width + 3)})
}

/// Every request, at one position, about the open document.
fn requests(uri: &str, at: &Value) -> Vec<(&'static str, Value)> {
    let doc = json!({"uri": uri});
    let here = json!({"textDocument": doc, "position": at});
    let mut references = here.clone();
    references["context"] = json!({"includeDeclaration": true});
    let mut rename = here.clone();
    rename["newName"] = json!("renamed");
    vec![
        ("textDocument/hover", here.clone()),
        ("textDocument/definition", here.clone()),
        ("textDocument/references", references),
        ("textDocument/documentHighlight", here.clone()),
        ("textDocument/prepareRename", here.clone()),
        ("textDocument/rename", rename),
        ("textDocument/completion", here),
        (
            "textDocument/codeAction",
            json!({"textDocument": doc, "range": {"start": at, "end": at},
                   "context": {"diagnostics": []}}),
        ),
        ("textDocument/documentSymbol", json!({"textDocument": doc})),
        (
            "textDocument/formatting",
            json!({"textDocument": doc, "options": {"tabSize": 2, "insertSpaces": true}}),
        ),
        (
            "textDocument/semanticTokens/full",
            json!({"textDocument": doc}),
        ),
        ("textDocument/foldingRange", json!({"textDocument": doc})),
        ("textDocument/codeLens", json!({"textDocument": doc})),
    ]
}

/// Mutated texts after the corpus itself: enough to reach every handler with broken text.
const MUTATED: usize = 900;

#[test]
fn no_request_on_any_text_fails_inside_the_server() {
    let corpus = corpus();
    assert!(corpus.len() > 50, "the corpus is found");
    let mut client = Client::start(&[]);
    let uri = client.open("p.writ", "");
    let uri_text = uri.to_string();
    let mut rng = Rng(0x15_ed17);
    let mut version = 1;
    let mut answered = 0;
    for round in 0..corpus.len() + MUTATED {
        let source = &corpus[round % corpus.len()];
        // The corpus as it is first, then mutated.
        let text = if round < corpus.len() {
            source.clone()
        } else {
            mutate(source, &mut rng)
        };
        version += 1;
        client.change(&uri, version, json!([{ "text": text }]));
        // Answered once the server has this version: no request races the edit.
        client.diagnostics(&uri, Some(version));
        let at = position(&text, &mut rng);
        for (method, params) in requests(&uri_text, &at) {
            if let Err((code, message)) = client.request(method, params) {
                assert_ne!(
                    code, -32603,
                    "{method} at {at} failed inside the server: {message}\n{text}"
                );
            }
            answered += 1;
        }
    }
    assert_eq!(answered, (corpus.len() + MUTATED) * 13);
    assert!(client.shutdown(), "the server exits cleanly");
}
