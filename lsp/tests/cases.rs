//! Request/response cases, one file each in `tests/cases/`, run against an in-process server and
//! snapshot-tested with insta.
//!
//! A case file:
//!
//! ```text
//! # What the case shows (becomes the snapshot's first line).
//! request: textDocument/hover
//! params: {"newName": "level"}      (optional, merged into the request's parameters)
//! workspace: base                   (optional, copies tests/workspaces/base/ into the folder)
//! == rules.writ
//! allow r on fs.read when actor.ri$0ng <= 1
//! == other.writ
//! ...
//! ```
//!
//! The first file with a `$0` (else the first file) is opened in the editor, the others are
//! on disk. `$0` is the cursor. `request: diagnostics` shows the diagnostics published for the
//! open file; `request: test-diagnostics` waits for those of its failing tests.
//!
//! Snapshots must not depend on the order of keys in a JSON object: `serde_json` keeps them
//! sorted, or in insertion order when another crate of the workspace turns on its
//! `preserve_order` feature (as `cargo test --workspace` does). So malformed parameters have
//! one fault only, since serde reports whichever faulty field it meets first.

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};
use support::render::{self, Files};
use support::{Client, cursor};

struct Case {
    description: String,
    request: String,
    params: Value,
    /// Path relative to the folder, text with its cursor mark.
    files: Vec<(String, String)>,
    /// The paths the case gives itself (not from its workspace).
    own: Vec<String>,
}

fn parse(text: &str, workspace_dir: &Path) -> Case {
    let mut description = Vec::new();
    let mut request = String::new();
    let mut params = json!({});
    let mut files: Vec<(String, String)> = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next_if(|l| !l.starts_with("== ")) {
        if let Some(d) = line.strip_prefix('#') {
            description.push(d.trim().to_string());
        } else if let Some(r) = line.strip_prefix("request:") {
            request = r.trim().to_string();
        } else if let Some(p) = line.strip_prefix("params:") {
            params = serde_json::from_str(p.trim()).expect("the params line is JSON");
        } else if let Some(w) = line.strip_prefix("workspace:") {
            let dir = workspace_dir.join(w.trim());
            for entry in walk(&dir) {
                let relative = entry
                    .strip_prefix(&dir)
                    .expect("inside")
                    .display()
                    .to_string();
                files.push((relative, support::read(&entry)));
            }
        }
    }
    let mut current: Option<(String, Vec<&str>)> = None;
    let mut own = Vec::new();
    for line in lines {
        if let Some(path) = line.strip_prefix("== ") {
            own.extend(current.take());
            current = Some((path.trim().to_string(), Vec::new()));
        } else if let Some((_, body)) = &mut current {
            body.push(line);
        }
    }
    own.extend(current);
    let own_paths = own.iter().map(|(p, _)| p.clone()).collect();
    for (path, body) in own {
        let text = format!("{}\n", body.join("\n"));
        files.retain(|(p, _)| *p != path);
        files.push((path, text));
    }
    Case {
        description: description.join(" "),
        request,
        params,
        files,
        own: own_paths,
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)
        .expect("the workspace exists")
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Merges `extra` into `base`, object by object.
fn merge(base: &mut Value, extra: &Value) {
    match (base, extra) {
        (Value::Object(b), Value::Object(e)) => {
            for (k, v) in e {
                merge(b.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (b, e) => *b = e.clone(),
    }
}

fn run(case: &Case) -> String {
    // The open file: the first with a cursor, else the first policy file the case gives.
    let active = case
        .files
        .iter()
        .position(|(_, t)| t.contains("$0"))
        .or_else(|| {
            case.files
                .iter()
                .position(|(p, _)| case.own.contains(p) && p.ends_with(".writ"))
        })
        .unwrap_or(0);
    let mut position = None;
    let files: Vec<(String, String)> = case
        .files
        .iter()
        .enumerate()
        .map(|(i, (p, t))| {
            let (text, at) = cursor(t);
            if i == active {
                position = at;
            }
            (p.clone(), text)
        })
        .collect();
    let mut client = Client::start(&files);
    let rendered = Files {
        texts: files
            .iter()
            .map(|(p, t)| (client.uri(p).to_string(), t.clone()))
            .collect::<BTreeMap<_, _>>(),
        root: client.root_uri(),
    };
    let (path, text) = &files[active];
    let uri = client.open(path, text);
    let uri_text = uri.to_string();
    // The server has taken the document in once its diagnostics are out.
    let opened = client.diagnostics(&uri, Some(1));
    let mut out = format!("{}\n\n", case.description);
    match case.request.as_str() {
        "diagnostics" => out.push_str(&render::diagnostics(&rendered, &uri_text, &opened)),
        "test-diagnostics" => {
            // Tests run in the background: their results may come with the first diagnostics
            // or in a later publication.
            let has_failure = |d: &Value| {
                d.as_array()
                    .is_some_and(|d| d.iter().any(|d| d["code"] == "test-failed"))
            };
            let found = if has_failure(&opened) {
                opened
            } else {
                let uri_s = uri_text.clone();
                client
                    .notification(|n| {
                        n.method == "textDocument/publishDiagnostics"
                            && n.params["uri"] == uri_s.as_str()
                            && has_failure(&n.params["diagnostics"])
                    })
                    .params["diagnostics"]
                    .clone()
            };
            out.push_str(&render::diagnostics(&rendered, &uri_text, &found));
        }
        method => {
            let mut params = json!({ "textDocument": { "uri": uri } });
            if let Some((line, character)) = position {
                params["position"] = json!({ "line": line, "character": character });
            }
            match method {
                "textDocument/references" => {
                    params["context"] = json!({ "includeDeclaration": true });
                }
                "textDocument/codeAction" => {
                    let at = params["position"].clone();
                    params["range"] = json!({ "start": at, "end": at });
                    params["context"] = json!({ "diagnostics": [] });
                }
                "textDocument/formatting" => {
                    params["options"] = json!({ "tabSize": 2, "insertSpaces": true });
                }
                "workspace/symbol" | "workspace/executeCommand" => params = json!({}),
                _ => {}
            }
            // Parameters may name files of the folder, which is only known now.
            let extra = case
                .params
                .to_string()
                .replace("file:///ROOT/", &client.root_uri());
            merge(&mut params, &serde_json::from_str(&extra).expect("JSON"));
            let raw = params.get("raw").cloned();
            let answer = client.request(method, raw.unwrap_or(params));
            out.push_str(&match answer {
                Err((code, message)) => format!("error {code}: {message}\n"),
                Ok(v) => render_answer(method, &rendered, &uri_text, &v),
            });
            if method == "workspace/executeCommand" {
                let shown = client.notification(|n| n.method == "window/showMessage");
                out.push_str(&format!(
                    "message ({}): {}\n",
                    shown.params["type"],
                    shown.params["message"].as_str().unwrap_or("")
                ));
            }
        }
    }
    assert!(client.shutdown(), "the server exits cleanly");
    out
}

fn render_answer(method: &str, files: &Files, uri: &str, v: &Value) -> String {
    match method {
        "textDocument/hover" => render::hover(files, uri, v),
        "textDocument/definition" | "textDocument/references" => render::locations(files, v),
        "textDocument/documentHighlight" => render::highlights(files, uri, v),
        "textDocument/rename" => {
            if v.is_null() {
                "(no edit)\n".to_string()
            } else {
                files.workspace_edit(v)
            }
        }
        "textDocument/prepareRename" if !v.is_null() => format!(
            "{} placeholder {}\n",
            files.range(uri, &v["range"]),
            v["placeholder"]
        ),
        "textDocument/completion" => render::completion(v),
        "textDocument/documentSymbol" => render::document_symbols(files, uri, v, 0),
        "workspace/symbol" => render::workspace_symbols(files, v),
        "textDocument/formatting" if v.is_array() => {
            let edits = v.as_array().cloned().unwrap_or_default();
            format!("{} edits\n{}", edits.len(), files.apply(uri, &edits))
        }
        "textDocument/semanticTokens/full" => {
            let legend: Vec<String> = writ_lsp_legend();
            render::semantic_tokens(files, uri, v, &legend)
        }
        "textDocument/foldingRange" => render::folding(files, uri, v),
        "textDocument/codeAction" => render::code_actions(files, v),
        "textDocument/codeLens" => render::code_lenses(files, uri, v),
        _ => render::json(files, v),
    }
}

/// The token types in the order the server announces them.
fn writ_lsp_legend() -> Vec<String> {
    [
        "namespace",
        "class",
        "enum",
        "type",
        "enumMember",
        "property",
        "event",
        "function",
        "method",
        "variable",
        "parameter",
        "keyword",
        "string",
        "number",
        "comment",
    ]
    .map(String::from)
    .to_vec()
}

#[test]
fn cases() {
    let workspaces = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/workspaces");
    insta::glob!("cases/*.case", |path| {
        // Named on stderr, so that a case that hangs (the client gives up after a minute) is
        // known.
        eprintln!("case {}", path.display());
        let case = parse(&support::read(path), &workspaces);
        insta::assert_snapshot!(run(&case));
    });
}

#[test]
fn the_announced_legend_is_the_one_decoded() {
    let mut client = Client::start(&[]);
    let id = client.send_request("initialize", json!({"processId": null, "capabilities": {}}));
    // A second `initialize` is refused; the legend comes from the first, checked here through
    // a fresh server.
    assert!(client.response(&id).is_err());
    drop(client);
    let (server, conn) = lsp_server::Connection::memory();
    let handle = std::thread::spawn(move || writ_lsp::serve(server));
    conn.sender
        .send(
            lsp_server::Request::new(
                1.into(),
                "initialize".into(),
                json!({"processId": null, "capabilities": {}}),
            )
            .into(),
        )
        .unwrap();
    let lsp_server::Message::Response(r) = conn.receiver.recv().unwrap() else {
        panic!("a response")
    };
    let legend = &r.response_result.unwrap()["capabilities"]["semanticTokensProvider"]["legend"]["tokenTypes"];
    assert_eq!(legend, &json!(writ_lsp_legend()));
    conn.sender
        .send(lsp_server::Notification::new("exit".into(), Value::Null).into())
        .unwrap();
    assert!(
        !handle.join().unwrap(),
        "exit without shutdown is not clean"
    );
}
