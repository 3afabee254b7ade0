//! `writ lsp` end to end: the real binary over stdio, driven as an editor drives it.

#[path = "lsp_client/mod.rs"]
mod lsp_client;

use std::path::Path;

use lsp_client::{Server, file_uri, initialize, position};
use serde_json::{Value, json};

const SCHEMA: &str = "schema {
  /// A person.
  entity User { roles: Set<String> }
  /// An AI agent.
  entity Agent {
    /// Who the agent works for.
    owner: User,
    /// Trust ring: 0 is the most trusted.
    ring: Int,
  }
  entity File { path: String }
  action fs.read by Agent on File
  action fs.write by Agent on File { bytes: Int }
}
";

const TESTS: &str = r#"test "a trusted agent reads" {
  given entity User::"alice" { roles: [] }
  given entity Agent::"bot" { owner: User::"alice", ring: 0 }
  given entity File::"f" { path: "/f" }
  intent fs.read by Agent::"bot" on File::"f"
  expect allow by trusted_reads
}

test "an untrusted agent reads" {
  given entity User::"alice" { roles: [] }
  given entity Agent::"bot" { owner: User::"alice", ring: 5 }
  given entity File::"f" { path: "/f" }
  intent fs.read by Agent::"bot" on File::"f"
  expect allow
}
"#;

const BROKEN: &str = "allow trusted_reads on fs.read\n  when actor.ring\n";
const FIXED: &str = "allow trusted_reads on fs.read\n  when actor.ring <= 1\n";

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("schema.writ"), SCHEMA).expect("written");
    std::fs::write(dir.path().join("tests.writ"), TESTS).expect("written");
    std::fs::write(dir.path().join("main.writ"), FIXED).expect("written");
    dir
}

fn range(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({"start": position(start.0, start.1), "end": position(end.0, end.1)})
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": position(line, character)})
}

fn change(server: &mut Server, uri: &str, version: i64, changes: Value) {
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
    );
}

/// Applies LSP text edits (ASCII text, so columns are bytes) to a text.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap_or(0) as usize;
        let character = p["character"].as_u64().unwrap_or(0) as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        start + character
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap_or(""),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (a, b, new) in spans {
        out.replace_range(a..b, new);
    }
    out
}

fn labels(items: &Value) -> Vec<String> {
    items
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["label"].as_str().map(String::from))
        .collect()
}

#[test]
fn an_editor_session_from_initialize_to_exit() {
    let dir = workspace();
    let root = dir.path().canonicalize().expect("a real path");
    let mut server = Server::start(&root);
    let init = initialize(&mut server, &root);
    let caps = &init["capabilities"];
    for provider in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "renameProvider",
        "completionProvider",
        "documentFormattingProvider",
        "documentSymbolProvider",
        "semanticTokensProvider",
        "codeLensProvider",
        "codeActionProvider",
        "foldingRangeProvider",
    ] {
        assert!(!caps[provider].is_null(), "{provider} is offered");
    }
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");

    let main = file_uri(&root.join("main.writ"));
    let schema = file_uri(&root.join("schema.writ"));
    let tests = file_uri(&root.join("tests.writ"));

    // Open the file with a type error: the error is published at its range.
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": main, "languageId": "writ", "version": 1, "text": BROKEN}}),
    );
    let diagnostics = server.diagnostics(&main, Some(1));
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "E0208");
    assert_eq!(diagnostics[0]["severity"], 1);
    assert_eq!(diagnostics[0]["range"], range((1, 7), (1, 17)));

    // Fix it with an incremental change: the diagnostics are cleared.
    change(
        &mut server,
        &main,
        2,
        json!([{"range": range((1, 17), (1, 17)), "text": " <= 1"}]),
    );
    assert_eq!(server.diagnostics(&main, Some(2)), Vec::<Value>::new());

    // Hover on `ring`: its type and doc comment.
    let hover = server.request("textDocument/hover", at(&main, 1, 14));
    let text = hover["contents"]["value"].as_str().expect("markdown");
    assert!(text.contains("Agent.ring: Int"), "{text}");
    assert!(text.contains("Trust ring"), "{text}");
    assert_eq!(hover["range"], range((1, 13), (1, 17)));

    // Definition: the attribute's declaration in the schema.
    let definition = server.request("textDocument/definition", at(&main, 1, 14));
    assert_eq!(definition["uri"], schema);
    assert_eq!(definition["range"], range((8, 4), (8, 8)));

    // References: the declaration, this read, and the test that sets it (twice).
    let mut references: Vec<(String, u64)> = server
        .request(
            "textDocument/references",
            json!({"textDocument": {"uri": main}, "position": position(1, 14),
                   "context": {"includeDeclaration": true}}),
        )
        .as_array()
        .expect("a list")
        .iter()
        .map(|l| {
            (
                l["uri"].as_str().unwrap_or("").to_string(),
                l["range"]["start"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    references.sort();
    let mut expected = vec![
        (main.clone(), 1),
        (schema.clone(), 8),
        (tests.clone(), 2),
        (tests.clone(), 10),
    ];
    expected.sort();
    assert_eq!(references, expected);

    // Rename `ring` to `trust` across the three files.
    let edit = server.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": main}, "position": position(1, 14), "newName": "trust"}),
    );
    let changes = &edit["changes"];
    assert_eq!(
        apply(FIXED, changes[&main].as_array().expect("edits")),
        FIXED.replace("ring", "trust")
    );
    assert_eq!(
        apply(SCHEMA, changes[&schema].as_array().expect("edits")),
        SCHEMA.replace("ring: Int", "trust: Int")
    );
    assert_eq!(
        apply(TESTS, changes[&tests].as_array().expect("edits")),
        TESTS.replace("ring:", "trust:")
    );
    // Names that would not parse, or would merge two attributes, are refused with a reason.
    for bad in ["2fast", "owner"] {
        let id = server.send_request(
            "textDocument/rename",
            json!({"textDocument": {"uri": main}, "position": position(1, 14), "newName": bad}),
        );
        let error = &server.response(id)["error"];
        assert_eq!(error["code"], -32803, "{bad}");
        assert!(
            error["message"].as_str().is_some_and(|m| m.contains(bad)),
            "{error}"
        );
    }

    // The outline of the open file.
    let symbols = server.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": main}}),
    );
    assert_eq!(labels_of(&symbols, "name"), ["trusted_reads"]);

    // Semantic tokens: `allow` a keyword, the rule's name a declared function, `actor` a
    // variable, `ring` a property, `1` a number.
    let tokens = server.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": main}}),
    );
    let legend: Vec<String> = caps["semanticTokensProvider"]["legend"]["tokenTypes"]
        .as_array()
        .expect("a legend")
        .iter()
        .filter_map(|t| t.as_str().map(String::from))
        .collect();
    let data: Vec<u64> = tokens["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(Value::as_u64)
        .collect();
    let kinds: Vec<&str> = data
        .chunks(5)
        .map(|t| legend[t[3] as usize].as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "keyword", "function", "keyword", "event", "keyword", "variable", "property", "number"
        ]
    );

    // The test code lens: one test passes, the other fails with the reason.
    let lenses = server.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": tests}}),
    );
    let titles: Vec<String> = lenses
        .as_array()
        .expect("lenses")
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles[0].starts_with("✓ passed"), "{titles:?}");
    assert!(
        titles[1].starts_with("✗ failed: expected allow, got deny"),
        "{titles:?}"
    );
    assert_eq!(lenses[0]["command"]["command"], "writ.runTest");
    // The failing test is published as a diagnostic on its name, with the explanation.
    let published = server.wait(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == tests.as_str()
            && m["params"]["diagnostics"][0]["code"] == "test-failed"
    });
    let failing = published["params"]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(failing.len(), 1, "{failing:?}");
    assert_eq!(failing[0]["code"], "test-failed");
    assert_eq!(failing[0]["range"]["start"]["line"], 8);
    assert!(
        failing[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("`trusted_reads` came nearest: `actor.ring <= 1` was false (actor.ring = 5)"),
        "{failing:?}"
    );

    // Formatting a messy version of the file gives the canonical layout.
    let messy = "allow   trusted_reads on fs.read when actor.ring<=1";
    change(&mut server, &main, 3, json!([{"text": messy}]));
    server.diagnostics(&main, Some(3));
    let edits = server.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": main}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(apply(messy, edits.as_array().expect("edits")), FIXED);

    // Completion after `actor.`: the attributes of the actor's type.
    let typing = "allow trusted_reads on fs.read\n  when actor.";
    change(&mut server, &main, 4, json!([{"text": typing}]));
    let completion = server.request("textDocument/completion", at(&main, 1, 13));
    let mut found = labels(&completion["items"]);
    found.sort();
    assert_eq!(found, ["owner", "ring"]);

    // Shut down and exit: status 0.
    assert_eq!(server.request("shutdown", Value::Null), Value::Null);
    server.notify("exit", Value::Null);
    assert!(server.exit_status().success());
}

fn labels_of(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i[key].as_str().map(String::from))
        .collect()
}

/// The literal on the condition's line as the burst leaves it after change `i`: a number,
/// except every third change, which writes a string (a type error).
fn literal(i: usize) -> String {
    if i.is_multiple_of(3) {
        format!("\"v{i}\"")
    } else {
        i.to_string()
    }
}

#[test]
fn a_burst_of_changes_and_hovers_leaves_the_right_diagnostics() {
    let dir = workspace();
    let root = dir.path().canonicalize().expect("a real path");
    let mut server = Server::start(&root);
    initialize(&mut server, &root);
    let main = file_uri(&root.join("main.writ"));
    let prefix = "  when actor.ring <= ";
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": main, "languageId": "writ", "version": 1, "text": FIXED}}),
    );
    server.diagnostics(&main, Some(1));

    // 100 edits, each followed at once by a hover, none waited for.
    let mut current = "1".to_string();
    let mut hovers = Vec::new();
    for i in 1..=100 {
        let next = literal(i);
        let start = prefix.len() as u32;
        change(
            &mut server,
            &main,
            i as i64 + 1,
            json!([{"range": range((1, start), (1, start + current.len() as u32)), "text": next}]),
        );
        current = next;
        hovers.push(server.send_request("textDocument/hover", at(&main, 1, 14)));
    }

    // Every hover is answered: with the attribute, or as overtaken by an edit.
    for id in hovers {
        let response = server.response(id);
        match response.get("error") {
            Some(error) => assert_eq!(error["code"], -32801, "{response}"),
            None => assert!(
                response["result"]["contents"]["value"]
                    .as_str()
                    .unwrap_or("")
                    .contains("Agent.ring: Int"),
                "{response}"
            ),
        }
    }

    // The burst's last change (100, not a multiple of 3) leaves a valid file, and the
    // diagnostics of its version say so. One more change then makes it a type error.
    assert_eq!(server.diagnostics(&main, Some(101)), Vec::<Value>::new());
    let start = prefix.len() as u32;
    change(
        &mut server,
        &main,
        102,
        json!([{"range": range((1, start), (1, start + current.len() as u32)), "text": "\"last\""}]),
    );
    let last = server.diagnostics(&main, Some(102));
    assert_eq!(last.len(), 1, "{last:?}");
    assert_eq!(last[0]["code"], "E0202");
    assert!(
        last[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("`String`"),
        "{last:?}"
    );

    assert_eq!(server.request("shutdown", Value::Null), Value::Null);
    server.notify("exit", Value::Null);
    assert!(server.exit_status().success());
}

#[test]
fn policies_from_the_repository_load_without_diagnostics() {
    // The default pack, opened as a workspace: no file has diagnostics, and hovering a rule's
    // name in it works across its `use std.agents`.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("policies")
        .canonicalize()
        .expect("the policies folder");
    let mut server = Server::start(&root);
    initialize(&mut server, &root);
    let files = root.join("files.writ");
    let uri = file_uri(&files);
    let text = std::fs::read_to_string(&files).expect("readable");
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "writ", "version": 1, "text": text}}),
    );
    assert_eq!(server.diagnostics(&uri, Some(1)), Vec::<Value>::new());
    let (line, column) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.find("actor.").map(|c| (i as u32, c as u32 + 7)))
        .expect("a rule reads the actor");
    let hover = server.request("textDocument/hover", at(&uri, line, column));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("```writ"),
        "{hover}"
    );
    assert_eq!(server.request("shutdown", Value::Null), Value::Null);
    server.notify("exit", Value::Null);
    assert!(server.exit_status().success());
}
