//! What a worker gets: a read-only copy of the database and of the server's bookkeeping at the
//! moment its request arrived.

use std::collections::HashMap;
use std::sync::Arc;

use crossbeam_channel::Sender;
use lsp_server::Message;
use lsp_types::Url;
use writ_compiler::SourceFile;

use crate::files::FileMap;
use crate::line_index::LineIndex;

/// What the client said it supports, as far as answers differ.
#[derive(Clone, Copy, Default, Debug)]
pub struct ClientCaps {
    pub watch_files: bool,
    pub code_lens_refresh: bool,
    pub snippets: bool,
    pub markdown: bool,
}

/// Work a worker hands back to the main loop, which alone may publish diagnostics (it knows
/// whether they are still current) and send requests to the client.
pub enum Task {
    /// The compiler's diagnostics of every file, as of `revision`.
    Diagnostics {
        revision: u64,
        files: Vec<(Url, Vec<lsp_types::Diagnostic>)>,
    },
    /// Failing tests, by file, with the generation of each file's text they were run on.
    Tests {
        generations: Arc<HashMap<Url, u64>>,
        files: HashMap<Url, Vec<lsp_types::Diagnostic>>,
    },
    /// Ask the client to fetch code lenses again (test results changed).
    RefreshCodeLens,
}

pub struct Snap {
    pub compiler: writ_compiler::Snapshot,
    pub files: Arc<FileMap>,
    /// How many times each file's text has changed; test results name the generation they
    /// were computed on.
    pub generations: Arc<HashMap<Url, u64>>,
    pub caps: ClientCaps,
    /// Straight to the client: responses, and messages for the user.
    pub outbox: Sender<Message>,
    pub tasks: Sender<Task>,
}

impl Snap {
    pub fn db(&self) -> &dyn salsa::Database {
        self.compiler.db()
    }

    pub fn file(&self, uri: &Url) -> Option<SourceFile> {
        self.files.get(&crate::files::normalize(uri))
    }

    pub fn uri(&self, file: SourceFile) -> Option<&Url> {
        self.files.uri(file)
    }

    pub fn text(&self, file: SourceFile) -> &str {
        file.text(self.db())
    }

    pub fn index(&self, file: SourceFile) -> LineIndex<'_> {
        LineIndex::new(self.text(file))
    }
}
