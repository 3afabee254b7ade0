//! An in-process client: the server runs on a thread, connected by channels, over a workspace
//! folder written to a temporary directory.

#![allow(dead_code)]

pub mod render;

use std::path::Path;
use std::thread::JoinHandle;
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use lsp_types::Url;
use serde_json::{Value, json};

/// Only a guard against a hung server: no test measures time.
const PATIENCE: Duration = Duration::from_secs(60);

pub struct Client {
    connection: Connection,
    server: Option<JoinHandle<bool>>,
    next_id: i32,
    /// Notifications that arrived while waiting for something else.
    pending: Vec<Notification>,
    pub root: tempfile::TempDir,
}

/// What a client that supports everything says it supports.
pub fn capabilities() -> Value {
    json!({
        "workspace": {
            "didChangeWatchedFiles": {"dynamicRegistration": true},
            "codeLens": {"refreshSupport": false},
            "workspaceFolders": true
        },
        "textDocument": {
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "completion": {"completionItem": {"snippetSupport": true}},
            "publishDiagnostics": {"relatedInformation": true}
        }
    })
}

impl Client {
    /// Writes `files` (path relative to the folder, text) and starts a server on the folder.
    pub fn start(files: &[(String, String)]) -> Client {
        let root = tempfile::tempdir().expect("a temporary directory");
        for (path, text) in files {
            let path = root.path().join(path);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("a folder");
            std::fs::write(path, text).expect("a file");
        }
        let (server, client) = Connection::memory();
        let handle = std::thread::spawn(move || writ_lsp::serve(server));
        let mut client = Client {
            connection: client,
            server: Some(handle),
            next_id: 0,
            pending: Vec::new(),
            root,
        };
        let root_uri = Url::from_directory_path(client.root.path()).expect("a folder URI");
        client
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": root_uri,
                    "capabilities": capabilities(),
                    "workspaceFolders": [{"uri": root_uri, "name": "workspace"}]
                }),
            )
            .expect("initialize succeeds");
        client.notify("initialized", json!({}));
        client
    }

    pub fn uri(&self, path: &str) -> Url {
        Url::from_file_path(self.root.path().join(path)).expect("a file URI")
    }

    pub fn path(&self, path: &str) -> std::path::PathBuf {
        self.root.path().join(path)
    }

    /// The root folder's URI as text, to erase from answers.
    pub fn root_uri(&self) -> String {
        Url::from_directory_path(self.root.path())
            .expect("a folder URI")
            .to_string()
    }

    pub fn notify(&self, method: &str, params: Value) {
        self.connection
            .sender
            .send(Notification::new(method.to_string(), params).into())
            .expect("the server is listening");
    }

    /// Sends a request without waiting for its answer.
    pub fn send_request(&mut self, method: &str, params: Value) -> RequestId {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.connection
            .sender
            .send(Request::new(id.clone(), method.to_string(), params).into())
            .expect("the server is listening");
        id
    }

    fn next(&mut self) -> Message {
        self.connection
            .receiver
            .recv_timeout(PATIENCE)
            .expect("the server answers")
    }

    /// Waits for the answer to a request sent earlier.
    pub fn response(&mut self, id: &RequestId) -> Result<Value, (i32, String)> {
        loop {
            match self.next() {
                Message::Response(r) if r.id == *id => {
                    return match r.response_result {
                        Ok(v) => Ok(v),
                        Err(e) => Err((e.code, e.message)),
                    };
                }
                Message::Notification(n) => self.pending.push(n),
                // Requests from the server (registrations) need no answer here.
                _ => {}
            }
        }
    }

    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, (i32, String)> {
        let id = self.send_request(method, params);
        self.response(&id)
    }

    /// Waits for a notification matching `wanted`, looking first at those already received.
    pub fn notification(&mut self, wanted: impl Fn(&Notification) -> bool) -> Notification {
        if let Some(i) = self.pending.iter().position(&wanted) {
            return self.pending.remove(i);
        }
        loop {
            if let Message::Notification(n) = self.next() {
                if wanted(&n) {
                    return n;
                }
                self.pending.push(n);
            }
        }
    }

    /// The diagnostics published for a document at a version (any version if `None`).
    pub fn diagnostics(&mut self, uri: &Url, version: Option<i32>) -> Value {
        let uri = uri.to_string();
        let n = self.notification(|n| {
            n.method == "textDocument/publishDiagnostics"
                && n.params["uri"] == uri.as_str()
                && version.is_none_or(|v| n.params["version"] == v)
        });
        n.params["diagnostics"].clone()
    }

    pub fn open(&mut self, path: &str, text: &str) -> Url {
        let uri = self.uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "writ", "version": 1, "text": text}}),
        );
        uri
    }

    pub fn change(&mut self, uri: &Url, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    /// `shutdown`, `exit`, and whether the server stopped cleanly.
    pub fn shutdown(mut self) -> bool {
        self.request("shutdown", Value::Null)
            .expect("shutdown succeeds");
        self.notify("exit", Value::Null);
        self.server
            .take()
            .map(|h| h.join().unwrap_or(false))
            .unwrap_or(false)
    }
}

/// A position `$0` marks in `text`, and the text without the mark.
pub fn cursor(text: &str) -> (String, Option<(u32, u32)>) {
    let Some(at) = text.find("$0") else {
        return (text.to_string(), None);
    };
    let before = &text[..at];
    let line = before.matches('\n').count() as u32;
    let column = before
        .rsplit('\n')
        .next()
        .unwrap_or("")
        .encode_utf16()
        .count() as u32;
    (text.replacen("$0", "", 1), Some((line, column)))
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("a readable file")
}
