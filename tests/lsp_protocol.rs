//! `writ lsp` under bad input: malformed messages get JSON-RPC errors and the server goes on;
//! the exit status follows the protocol.

#[path = "lsp_client/mod.rs"]
mod lsp_client;

use lsp_client::{Server, file_uri, initialize, position};
use serde_json::{Value, json};

fn folder() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(
        dir.path().join("a.writ"),
        "schema {\n  entity A { n: Int }\n  action go by A\n}\n\nallow r on go\n  when actor.n > 1\n",
    )
    .expect("written");
    let root = dir.path().canonicalize().expect("a real path");
    (dir, root)
}

#[test]
fn malformed_messages_get_errors_and_the_server_goes_on() {
    let (_dir, root) = folder();
    let mut server = Server::start(&root);

    // Before `initialize`, requests are refused.
    let id = server.send_request("textDocument/hover", json!({}));
    assert_eq!(server.response(id)["error"]["code"], -32002);

    initialize(&mut server, &root);
    let uri = file_uri(&root.join("a.writ"));

    // Not JSON at all: a parse error, with a null id.
    server.send_raw(b"Content-Length: 9\r\n\r\n{nonsense");
    let error = server.wait(|m| m["error"]["code"] == -32700);
    assert_eq!(error["id"], Value::Null);

    // JSON, but not a JSON-RPC message: an invalid request, with its id.
    server.send(json!({"jsonrpc": "2.0", "id": 77, "params": 3}));
    let error = server.wait(|m| m["id"] == 77);
    assert_eq!(error["error"]["code"], -32600);

    // Parameters of the wrong shape, an unknown method, a second `initialize`.
    let bad = server.send_request(
        "textDocument/definition",
        json!({"textDocument": {"uri": 5}, "position": position(0, 0)}),
    );
    assert_eq!(server.response(bad)["error"]["code"], -32602);
    let unknown = server.send_request("writ/doesNotExist", json!({}));
    assert_eq!(server.response(unknown)["error"]["code"], -32601);
    let again = server.send_request("initialize", json!({"capabilities": {}}));
    assert_eq!(server.response(again)["error"]["code"], -32600);

    // Notifications with nonsense are ignored; positions far outside the text are clamped.
    server.notify("textDocument/didOpen", json!({"textDocument": 12}));
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 9}, "contentChanges": [{"text": "x"}]}),
    );
    let hover = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": position(4000, 4000)}),
    );
    assert_eq!(hover, Value::Null);

    // After all that, the server still answers properly.
    let hover = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": position(6, 14)}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("A.n: Int"),
        "{hover}"
    );

    // After `shutdown`, requests are refused until `exit`.
    assert_eq!(server.request("shutdown", Value::Null), Value::Null);
    let late = server.send_request("textDocument/hover", json!({}));
    assert_eq!(server.response(late)["error"]["code"], -32600);
    server.notify("exit", Value::Null);
    assert!(server.exit_status().success());
}

#[test]
fn exit_without_shutdown_is_status_1() {
    let (_dir, root) = folder();
    let mut server = Server::start(&root);
    initialize(&mut server, &root);
    server.notify("exit", Value::Null);
    assert_eq!(server.exit_status().code(), Some(1));
}

#[test]
fn a_client_that_goes_away_ends_the_server() {
    let (_dir, root) = folder();
    let mut server = Server::start(&root);
    initialize(&mut server, &root);
    server.close_stdin();
    assert_eq!(server.exit_status().code(), Some(1));
}
