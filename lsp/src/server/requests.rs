//! Requests: `initialize` and `shutdown` on the main loop, everything else on a worker with a
//! snapshot. Malformed parameters get `InvalidParams`, unknown methods `MethodNotFound`, a
//! request overtaken by an edit `ContentModified`, and a bug `InternalError`: the server
//! answers every request and keeps running.

use std::panic::{AssertUnwindSafe, catch_unwind};

use lsp_server::{ErrorCode, Request, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Server, State};
use crate::handlers::{self, RequestError};
use crate::snapshot::Snap;

type Handler<P, R> = fn(&Snap, P) -> handlers::Result<R>;

impl Server {
    pub(super) fn request(&mut self, request: Request) {
        match self.state {
            State::Uninitialized if request.method == "initialize" => self.initialize(request),
            State::Uninitialized => self.respond_error(
                request.id,
                ErrorCode::ServerNotInitialized,
                "the server is not initialized yet".into(),
            ),
            State::ShuttingDown => self.respond_error(
                request.id,
                ErrorCode::InvalidRequest,
                "the server is shutting down".into(),
            ),
            State::Running => self.dispatch(request),
        }
    }

    fn dispatch(&mut self, request: Request) {
        use handlers::*;
        match request.method.as_str() {
            "initialize" => self.respond_error(
                request.id,
                ErrorCode::InvalidRequest,
                "the server is already initialized".into(),
            ),
            "shutdown" => {
                self.state = State::ShuttingDown;
                self.send(Response::new_ok(request.id, ()));
            }
            "textDocument/hover" => self.spawn(request, hover::hover),
            "textDocument/definition" => self.spawn(request, navigation::definition),
            "textDocument/references" => self.spawn(request, navigation::references),
            "textDocument/documentHighlight" => self.spawn(request, navigation::highlight),
            "textDocument/prepareRename" => self.spawn(request, rename::prepare),
            "textDocument/rename" => self.spawn(request, rename::rename),
            "textDocument/completion" => self.spawn(request, completion::completion),
            "textDocument/documentSymbol" => self.spawn(request, symbols::document),
            "workspace/symbol" => self.spawn(request, symbols::workspace),
            "textDocument/formatting" => self.spawn(request, formatting::format),
            "textDocument/semanticTokens/full" => self.spawn(request, tokens::full),
            "textDocument/foldingRange" => self.spawn(request, folding::folding),
            "textDocument/codeAction" => self.spawn(request, code_action::code_action),
            "textDocument/codeLens" => self.spawn(request, code_lens::code_lens),
            "workspace/executeCommand" => self.spawn(request, code_lens::execute),
            method => self.respond_error(
                request.id,
                ErrorCode::MethodNotFound,
                format!("unknown method `{method}`"),
            ),
        }
    }

    pub(super) fn spawn<P, R>(&mut self, request: Request, handler: Handler<P, R>)
    where
        P: DeserializeOwned + Send + 'static,
        R: Serialize + 'static,
    {
        let params: P = match serde_json::from_value(request.params) {
            Ok(params) => params,
            Err(e) => {
                return self.respond_error(
                    request.id,
                    ErrorCode::InvalidParams,
                    format!("invalid parameters for `{}`: {e}", request.method),
                );
            }
        };
        let snap = self.snapshot();
        let outbox = self.outbox.clone();
        let id = request.id;
        let method = request.method;
        self.pool.spawn(move || {
            let answer = catch_unwind(AssertUnwindSafe(|| handler(&snap, params)));
            // Let go of the database before answering, so that a waiting edit can proceed.
            drop(snap);
            let response = match answer {
                Ok(Ok(result)) => match serde_json::to_value(result) {
                    Ok(value) => Response::new_ok(id, value),
                    Err(e) => Response::new_err(
                        id,
                        ErrorCode::InternalError as i32,
                        format!("the answer could not be encoded: {e}"),
                    ),
                },
                Ok(Err(RequestError { code, message })) => Response::new_err(id, code, message),
                Err(payload) if payload.is::<salsa::Cancelled>() => Response::new_err(
                    id,
                    ErrorCode::ContentModified as i32,
                    "the policy set changed while the request was answered".into(),
                ),
                Err(payload) => {
                    let what = payload
                        .downcast_ref::<String>()
                        .map(String::as_str)
                        .or_else(|| payload.downcast_ref::<&str>().copied())
                        .unwrap_or("a bug");
                    eprintln!("writ lsp: internal error in `{method}`: {what}");
                    Response::new_err(
                        id,
                        ErrorCode::InternalError as i32,
                        format!("internal error in `{method}`: {what}"),
                    )
                }
            };
            let _ = outbox.send(response.into());
        });
    }
}
