//! Keeping the policy set in step with the editor and the disk: incremental edits in UTF-16,
//! open buffers over files, files changed outside the editor, folders added.

mod support;

use serde_json::{Value, json};
use support::Client;

const SCHEMA: &str = "schema {\n  entity A { n: Int, s: String }\n  action go by A\n}\n";

fn start(extra: &[(&str, &str)]) -> Client {
    let mut files = vec![("schema.writ".to_string(), SCHEMA.to_string())];
    files.extend(extra.iter().map(|(p, t)| (p.to_string(), t.to_string())));
    Client::start(&files)
}

fn codes(diagnostics: &Value) -> Vec<String> {
    diagnostics
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["code"].as_str().map(String::from))
        .collect()
}

fn watched(client: &Client, path: &str, kind: u32) {
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": client.uri(path), "type": kind}]}),
    );
}

#[test]
fn incremental_edits_count_utf16_units() {
    let mut client = start(&[]);
    // `é` is one UTF-16 unit and two bytes, `😀` two units and four bytes.
    let text = "allow r on go\n  when actor.s == \"é😀\" && actor.n > 1\n";
    let uri = client.open("r.writ", text);
    assert_eq!(
        codes(&client.diagnostics(&uri, Some(1))),
        Vec::<String>::new()
    );
    // Replace `1` (line 1, UTF-16 column 37; byte 40) with a string: a type error reported
    // at the `>` before it (column 35).
    client.change(
        &uri,
        2,
        json!([{"range": {"start": {"line": 1, "character": 37}, "end": {"line": 1, "character": 38}},
                "text": "\"x\""}]),
    );
    let found = client.diagnostics(&uri, Some(2));
    assert_eq!(codes(&found), ["E0202"]);
    let range = &found[0]["range"];
    assert_eq!(range["start"], json!({"line": 1, "character": 35}));
    assert_eq!(range["end"], json!({"line": 1, "character": 36}));
    assert!(client.shutdown());
}

#[test]
fn files_changed_outside_the_editor_are_picked_up() {
    let mut client = start(&[("ok.writ", "allow r on go\n  when actor.n > 1\n")]);
    let opened = client.open("open.writ", "allow o on go\n  when actor.n > 2\n");
    client.diagnostics(&opened, Some(1));

    // A new file with an error appears on disk.
    std::fs::write(client.path("new.writ"), "deny d on go\n  when actor.m\n").unwrap();
    watched(&client, "new.writ", 1);
    let new = client.uri("new.writ");
    assert_eq!(codes(&client.diagnostics(&new, None)), ["E0203"]);

    // It is fixed on disk: its diagnostics are cleared.
    std::fs::write(
        client.path("new.writ"),
        "deny d on go\n  when actor.n == 3\n",
    )
    .unwrap();
    watched(&client, "new.writ", 2);
    assert_eq!(codes(&client.diagnostics(&new, None)), Vec::<String>::new());

    // Deleting the schema breaks every rule; bringing it back fixes them.
    std::fs::remove_file(client.path("schema.writ")).unwrap();
    watched(&client, "schema.writ", 3);
    assert!(codes(&client.diagnostics(&new, None)).contains(&"E0105".to_string()));
    std::fs::write(client.path("schema.writ"), SCHEMA).unwrap();
    watched(&client, "schema.writ", 1);
    assert_eq!(codes(&client.diagnostics(&new, None)), Vec::<String>::new());
    assert!(client.shutdown());
}

#[test]
fn an_open_buffer_overrides_the_file_on_disk() {
    let mut client = start(&[("r.writ", "allow r on go\n  when actor.n > 1\n")]);
    let uri = client.open("r.writ", "allow r on go\n  when actor.n > \"one\"\n");
    assert_eq!(codes(&client.diagnostics(&uri, Some(1))), ["E0202"]);

    // The file changes on disk while it is open: the buffer still counts.
    std::fs::write(client.path("r.writ"), "allow r on go\n  when actor.q\n").unwrap();
    watched(&client, "r.writ", 2);
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 13}}),
        )
        .unwrap();
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("A.n: Int")
    );

    // Closed, the file on disk takes over again.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(codes(&client.diagnostics(&uri, None)), ["E0203"]);
    assert!(client.shutdown());
}

#[test]
fn a_buffer_outside_the_folder_joins_while_open() {
    let mut client = start(&[]);
    let untitled = "untitled:Untitled-1";
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": untitled, "languageId": "writ", "version": 1,
               "text": "allow u on go\n  when actor.nope\n"}}),
    );
    let n = client.notification(|n| {
        n.method == "textDocument/publishDiagnostics" && n.params["uri"] == untitled
    });
    assert_eq!(codes(&n.params["diagnostics"]), ["E0203"]);
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": untitled}}),
    );
    let n = client.notification(|n| {
        n.method == "textDocument/publishDiagnostics" && n.params["uri"] == untitled
    });
    assert_eq!(n.params["diagnostics"], json!([]));
    assert!(client.shutdown());
}

#[test]
fn a_workspace_folder_added_later_is_loaded() {
    let mut client = start(&[]);
    let other = tempfile::tempdir().unwrap();
    std::fs::write(
        other.path().join("more.writ"),
        "deny m on go\n  when actor.zz\n",
    )
    .unwrap();
    let folder = lsp_types::Url::from_directory_path(other.path()).unwrap();
    client.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [{"uri": folder, "name": "more"}], "removed": []}}),
    );
    let more = lsp_types::Url::from_file_path(other.path().join("more.writ")).unwrap();
    assert_eq!(codes(&client.diagnostics(&more, None)), ["E0203"]);
    client.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [], "removed": [{"uri": folder, "name": "more"}]}}),
    );
    assert_eq!(client.diagnostics(&more, None), json!([]));
    assert!(client.shutdown());
}
