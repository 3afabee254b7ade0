//! Notifications: documents opened, edited, saved and closed, files changed on disk, folders
//! added and removed. Each change goes into the database at once; diagnostics follow on a
//! worker, tests a little later.

use std::time::Instant;

use lsp_server::Notification;
use lsp_types::{
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidChangeWorkspaceFoldersParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, FileChangeType,
};
use serde::de::DeserializeOwned;

use super::{Server, State, TEST_DEBOUNCE};
use crate::documents::Document;
use crate::files;

impl Server {
    pub(super) fn notification(&mut self, n: Notification) {
        if self.state != State::Running {
            // Before `initialize` only `exit` means anything; after `shutdown`, nothing does.
            return;
        }
        match n.method.as_str() {
            "initialized" => self.initialized(),
            "textDocument/didOpen" => self.with(n, Self::did_open),
            "textDocument/didChange" => self.with(n, Self::did_change),
            "textDocument/didClose" => self.with(n, Self::did_close),
            "textDocument/didSave" => self.tests_due = Some(Instant::now()),
            "workspace/didChangeWatchedFiles" => self.with(n, Self::did_change_watched_files),
            "workspace/didChangeWorkspaceFolders" => self.with(n, Self::did_change_folders),
            // `$/cancelRequest`, `$/setTrace` and anything else: an edit already cancels what
            // it makes stale, and a notification needs no answer.
            _ => {}
        }
    }

    /// Parses a notification's parameters; malformed ones are logged and ignored, since a
    /// notification has no answer to carry an error.
    fn with<P: DeserializeOwned>(&mut self, n: Notification, handle: fn(&mut Self, P)) {
        match serde_json::from_value(n.params) {
            Ok(params) => handle(self, params),
            Err(e) => eprintln!("writ lsp: invalid parameters for `{}`: {e}", n.method),
        }
    }

    /// Something in the database changed: recompute diagnostics, and run the tests soon. (The
    /// change also cancelled any test run in progress, which this schedules again.)
    pub(super) fn changed(&mut self) {
        self.revision += 1;
        self.schedule_diagnostics();
        self.tests_due = Some(Instant::now() + TEST_DEBOUNCE);
    }

    fn did_open(&mut self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let uri = files::normalize(&doc.uri);
        let is_policy = doc.language_id == "writ" || uri.path().ends_with(".writ");
        if !is_policy {
            return;
        }
        self.set_file_text(&uri, doc.text.clone());
        self.documents.insert(
            uri,
            Document {
                text: doc.text,
                version: doc.version,
            },
        );
        // Even when the text is the one on disk, the client expects diagnostics for this
        // version of the document once they are computed.
        self.changed();
    }

    fn did_change(&mut self, params: DidChangeTextDocumentParams) {
        let uri = files::normalize(&params.text_document.uri);
        let Some(doc) = self.documents.get_mut(&uri) else {
            eprintln!("writ lsp: a change to `{uri}`, which is not open, was ignored");
            return;
        };
        for change in params.content_changes {
            doc.apply(change);
        }
        doc.version = params.text_document.version;
        let text = doc.text.clone();
        self.set_file_text(&uri, text);
        // Even an edit that changes nothing gets its version's diagnostics published.
        self.changed();
    }

    fn did_close(&mut self, params: DidCloseTextDocumentParams) {
        let uri = files::normalize(&params.text_document.uri);
        if self.documents.remove(&uri).is_none() {
            return;
        }
        // The file on disk takes over again, if the file belongs to the workspace.
        let on_disk = files::local_path(&uri)
            .filter(|path| files::under(&self.roots, path))
            .and_then(|path| std::fs::read_to_string(path).ok());
        let changed = match on_disk {
            Some(text) => self.set_file_text(&uri, text),
            None => self.remove_file(&uri),
        };
        if changed {
            self.changed();
        } else {
            self.publish();
        }
    }

    fn did_change_watched_files(&mut self, params: DidChangeWatchedFilesParams) {
        let mut changed = false;
        for event in params.changes {
            let uri = files::normalize(&event.uri);
            let Some(path) = files::local_path(&uri) else {
                continue;
            };
            if path.extension().is_some_and(|e| e == "json") {
                // A fixture: the tests' outcome may change, not the policy.
                self.tests_due = Some(Instant::now());
                continue;
            }
            if !files::is_writ(&path) || self.documents.contains_key(&uri) {
                continue;
            }
            changed |= match event.typ {
                FileChangeType::DELETED => self.remove_file(&uri),
                _ if files::under(&self.roots, &path) => self.load(&path),
                _ => false,
            };
        }
        if changed {
            self.changed();
        }
    }

    fn did_change_folders(&mut self, params: DidChangeWorkspaceFoldersParams) {
        for removed in params.event.removed {
            let Some(root) = files::local_path(&removed.uri) else {
                continue;
            };
            self.roots.retain(|r| *r != root);
            let gone: Vec<_> = self
                .files
                .uris()
                .filter(|uri| !self.documents.contains_key(*uri))
                .filter(|uri| files::local_path(uri).is_some_and(|p| p.starts_with(&root)))
                .filter(|uri| files::local_path(uri).is_none_or(|p| !files::under(&self.roots, &p)))
                .cloned()
                .collect();
            for uri in gone {
                self.remove_file(&uri);
            }
        }
        for added in params.event.added {
            if let Some(root) = files::local_path(&added.uri) {
                self.add_root(root);
            }
        }
        self.changed();
    }
}
