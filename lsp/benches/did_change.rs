//! The language server on the generated 10,000-rule workspace (200 entity types, 100 files): the
//! time from a `didChange` that edits one rule's condition to the diagnostics published for
//! that version, and the time to answer a hover after it. The server runs in process over
//! channels (no pipes), exactly as `writ lsp` runs it.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use lsp_types::Url;
use serde_json::{Value, json};

#[path = "../../compiler/benches/generate.rs"]
mod generate;

const TYPES: usize = 200;
const RULES: usize = 10_000;
const FILES: usize = 100;
/// The file edited: one in the middle of the set.
const EDITED: usize = 42;

struct Client {
    connection: Connection,
    next_id: i32,
}

impl Client {
    fn send_request(&mut self, method: &str, params: Value) -> RequestId {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.connection
            .sender
            .send(Request::new(id.clone(), method.to_string(), params).into())
            .expect("the server listens");
        id
    }

    fn notify(&self, method: &str, params: Value) {
        self.connection
            .sender
            .send(Notification::new(method.to_string(), params).into())
            .expect("the server listens");
    }

    fn wait(&self, wanted: impl Fn(&Message) -> bool) -> Message {
        loop {
            let message = self
                .connection
                .receiver
                .recv_timeout(Duration::from_secs(120))
                .expect("the server answers");
            if wanted(&message) {
                return message;
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        match self.wait(|m| matches!(m, Message::Response(r) if r.id == id)) {
            Message::Response(r) => r.response_result.unwrap_or(Value::Null),
            _ => Value::Null,
        }
    }

    /// The diagnostics published for `uri` at `version`.
    fn diagnostics(&self, uri: &str, version: i32) -> Value {
        match self.wait(|m| {
            matches!(m, Message::Notification(n)
                if n.method == "textDocument/publishDiagnostics"
                    && n.params["uri"] == uri
                    && n.params["version"] == version)
        }) {
            Message::Notification(n) => n.params["diagnostics"].clone(),
            _ => Value::Null,
        }
    }
}

/// The one edit that turns `before` into `after` (ASCII text: columns are bytes).
fn edit(before: &str, after: &str) -> Value {
    let prefix = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let most = (before.len() - prefix).min(after.len() - prefix);
    let suffix = before
        .bytes()
        .rev()
        .zip(after.bytes().rev())
        .take(most)
        .take_while(|(a, b)| a == b)
        .count();
    let position = |offset: usize| {
        let line = before[..offset].matches('\n').count();
        let column = offset - before[..offset].rfind('\n').map_or(0, |n| n + 1);
        json!({"line": line, "character": column})
    };
    json!({
        "range": {"start": position(prefix), "end": position(before.len() - suffix)},
        "text": &after[prefix..after.len() - suffix],
    })
}

fn benches(c: &mut Criterion) {
    let set = generate::generate(TYPES, RULES, FILES);
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("schema.writ"), &set.schema).expect("written");
    for (path, text) in &set.files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("a folder");
        std::fs::write(path, text).expect("written");
    }
    let (server, connection) = Connection::memory();
    let handle = std::thread::spawn(move || writ_lsp::serve(server));
    let mut client = Client {
        connection,
        next_id: 0,
    };
    let root = Url::from_directory_path(dir.path()).expect("a folder URI");
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": root, "capabilities": {}}),
    );
    client.notify("initialized", json!({}));

    let (path, text) = &set.files[EDITED];
    let uri = Url::from_file_path(dir.path().join(path))
        .expect("a file URI")
        .to_string();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "writ", "version": 1, "text": text}}),
    );
    // The first diagnostics need the whole set checked once.
    assert_eq!(client.diagnostics(&uri, 1), json!([]));

    let mut version = 1;
    let mut current = text.clone();
    let mut group = c.benchmark_group("lsp");
    group.bench_function("did_change_to_diagnostics_10k_rules", |b| {
        b.iter(|| {
            version += 1;
            let next = generate::edited_file(TYPES, RULES, FILES, EDITED, 1 + version as usize % 2);
            client.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version},
                       "contentChanges": [edit(&current, &next)]}),
            );
            assert_eq!(client.diagnostics(&uri, version), json!([]));
            current = next;
        })
    });
    // Hover over `actor` in the edited rule, once the edit's diagnostics are out.
    let line = current
        .lines()
        .position(|l| l.contains("actor.level"))
        .expect("a rule reads the actor");
    let column = current
        .lines()
        .nth(line)
        .and_then(|l| l.find("actor"))
        .unwrap_or(0);
    group.bench_function("hover_10k_rules", |b| {
        b.iter(|| {
            let hover = client.request(
                "textDocument/hover",
                json!({"textDocument": {"uri": uri},
                       "position": {"line": line, "character": column + 1}}),
            );
            assert!(hover["contents"]["value"].as_str().is_some());
        })
    });
    group.finish();
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    let _ = handle.join();
}

criterion_group!(lsp, benches);
criterion_main!(lsp);
