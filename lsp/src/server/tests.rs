//! What the main loop guarantees when a request and an edit race. Over the protocol the race
//! is won or lost by timing; here it is forced: the request is known to hold its snapshot when
//! the edit is applied.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crossbeam_channel::{Sender, bounded, unbounded};
use lsp_server::{ErrorCode, Message, Request};
use lsp_types::Url;
use serde_json::Value;

use super::Server;
use crate::handlers;
use crate::snapshot::Snap;

/// Only a guard against a hung test.
const PATIENCE: Duration = Duration::from_secs(60);

/// Where `until_cancelled` reports that it has started; a handler is a plain function, so it
/// cannot capture a channel.
static STARTED: Mutex<Option<Sender<()>>> = Mutex::new(None);

/// A request that computes until an edit cancels it, as a long query does: salsa checks for a
/// pending edit at every query it runs, and unwinds with `salsa::Cancelled` when there is one.
/// If no cancellation ever comes it answers normally, which the test rejects.
fn until_cancelled(snap: &Snap, _: Value) -> handlers::Result<()> {
    if let Some(started) = STARTED.lock().unwrap_or_else(|e| e.into_inner()).take() {
        let _ = started.send(());
    }
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        snap.db().unwind_if_revision_cancelled();
        std::thread::sleep(Duration::from_millis(1));
    }
    Ok(())
}

fn answer(answers: &crossbeam_channel::Receiver<Message>) -> lsp_server::Response {
    loop {
        match answers.recv_timeout(PATIENCE).expect("the server answers") {
            Message::Response(r) => return r,
            // Nothing else is expected, but a notification would not be the answer.
            _ => continue,
        }
    }
}

#[test]
fn a_request_overtaken_by_an_edit_answers_content_modified() {
    let (outbox, answers) = unbounded();
    let (tasks, _task_results) = unbounded();
    let mut server = Server::new(outbox, tasks);
    let uri = Url::parse("untitled:a.writ").expect("a URI");
    server.set_file_text(&uri, "allow r on go\n".to_string());

    let (started, wait) = bounded(1);
    *STARTED.lock().unwrap_or_else(|e| e.into_inner()) = Some(started);
    let request = Request::new(1.into(), "test/untilCancelled".into(), Value::Null);
    server.spawn(request, until_cancelled);
    wait.recv_timeout(PATIENCE).expect("the request started");

    // The edit cancels the request's snapshot, and is applied once the worker lets go of it.
    server.set_file_text(&uri, "deny r on go\n".to_string());
    let response = answer(&answers);
    assert_eq!(response.id, 1.into());
    let error = response
        .response_result
        .expect_err("an error, not a result");
    assert_eq!(error.code, ErrorCode::ContentModified as i32, "{error:?}");

    // The edit went in, and the worker that was cancelled answers the next request.
    let text = server
        .files
        .get(&uri)
        .map(|f| f.text(server.compiler.db()).clone());
    assert_eq!(text.as_deref(), Some("deny r on go\n"));
    let params = serde_json::json!({"textDocument": {"uri": uri}});
    let request = Request::new(2.into(), "textDocument/documentSymbol".into(), params);
    server.spawn(request, handlers::symbols::document);
    let response = answer(&answers);
    assert_eq!(response.id, 2.into());
    let symbols = response.response_result.expect("the outline");
    assert_eq!(symbols[0]["name"], "r", "{symbols}");
}
