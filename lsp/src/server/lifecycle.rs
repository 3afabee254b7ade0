//! `initialize`: learn the client's capabilities and workspace folders, load every policy file
//! in them, and announce what the server offers; then, once `initialized`, ask to be told of
//! changes to policy and fixture files made outside the editor.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_server::{ErrorCode, Request, Response};
use lsp_types::{
    DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher, GlobPattern, InitializeParams,
    InitializeResult, Registration, RegistrationParams, ServerInfo, Url,
};

use super::{Server, State};
use crate::capabilities;
use crate::files;

impl Server {
    pub(super) fn initialize(&mut self, request: Request) {
        let params: InitializeParams = match serde_json::from_value(request.params) {
            Ok(params) => params,
            Err(e) => {
                return self.respond_error(
                    request.id,
                    ErrorCode::InvalidParams,
                    format!("invalid parameters for `initialize`: {e}"),
                );
            }
        };
        self.caps = capabilities::client(&params.capabilities);
        for root in files::roots(&params) {
            self.add_root(root);
        }
        let result = InitializeResult {
            capabilities: capabilities::server(),
            server_info: Some(ServerInfo {
                name: "writ".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        };
        self.send(Response::new_ok(request.id, result));
        self.state = State::Running;
        self.changed();
        self.tests_due = Some(std::time::Instant::now());
    }

    pub(super) fn initialized(&mut self) {
        if !self.caps.watch_files {
            return;
        }
        let watchers = ["**/*.writ", "**/*.json"]
            .into_iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob.to_string()),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "writ-watch-files".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        self.request_client(
            "client/registerCapability",
            RegistrationParams {
                registrations: vec![registration],
            },
        );
    }

    /// Loads every policy file under a workspace folder (an open document keeps its text).
    pub(super) fn add_root(&mut self, root: PathBuf) {
        for path in files::scan(&root) {
            self.load(&path);
        }
        self.roots.push(root);
    }

    /// Adds or refreshes a file from disk, unless it is open. Returns whether anything changed.
    pub(super) fn load(&mut self, path: &Path) -> bool {
        let Ok(uri) = Url::from_file_path(path) else {
            return false;
        };
        if self.documents.contains_key(&uri) {
            return false;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            return false;
        };
        self.set_file_text(&uri, text)
    }

    /// The text of a file, adding it to the policy set if it is new. Returns whether anything
    /// changed.
    pub(super) fn set_file_text(&mut self, uri: &Url, text: String) -> bool {
        match self.files.get(uri) {
            Some(file) => {
                if *file.text(self.compiler.db()) == text {
                    return false;
                }
                self.compiler.set_text(file, text);
            }
            None => {
                let file = self.compiler.add_file(files::compiler_path(uri), text);
                Arc::make_mut(&mut self.files).insert(uri.clone(), file);
            }
        }
        *Arc::make_mut(&mut self.generations)
            .entry(uri.clone())
            .or_default() += 1;
        true
    }

    /// Takes a file out of the policy set.
    pub(super) fn remove_file(&mut self, uri: &Url) -> bool {
        let Some(file) = Arc::make_mut(&mut self.files).remove(uri) else {
            return false;
        };
        self.compiler.remove_file(file);
        *Arc::make_mut(&mut self.generations)
            .entry(uri.clone())
            .or_default() += 1;
        true
    }
}
