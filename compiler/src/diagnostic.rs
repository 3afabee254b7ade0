//! Diagnostics as values.
//!
//! Queries return diagnostics anchored to the item they were found in, with item-relative spans,
//! so that a query's result stays equal (and salsa can reuse everything downstream) when text
//! elsewhere in the file moves. [`crate::Compiler::diagnostics`] resolves anchors to file
//! positions at the very end.

use writ_language::ast::Span;

use crate::db::SourceFile;
use crate::items::ItemKey;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Where a span is measured from.
#[derive(Clone, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum Anchor {
    /// The start of the file.
    File,
    /// The start of an item of the file.
    Item(ItemKey),
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Loc {
    pub file: SourceFile,
    pub anchor: Anchor,
    pub span: Span,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Label {
    pub loc: Loc,
    pub message: String,
}

/// A machine-applicable fix: replace the primary span with `replacement`.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Suggestion {
    pub message: String,
    pub replacement: String,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Diagnostic {
    /// Stable code, e.g. `E0203`; see [`crate::codes`].
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    pub notes: Vec<String>,
    pub suggestion: Option<Suggestion>,
}

impl Diagnostic {
    pub fn error(
        code: &'static str,
        message: impl Into<String>,
        loc: Loc,
        label: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            primary: Label {
                loc,
                message: label.into(),
            },
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
            suggestion: None,
        }
    }

    pub fn warning(
        code: &'static str,
        message: impl Into<String>,
        loc: Loc,
        label: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message, loc, label)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_label(mut self, loc: Loc, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            loc,
            message: message.into(),
        });
        self
    }

    /// Adds a did-you-mean: a help line and the matching quick fix.
    pub fn with_suggestion(mut self, replacement: impl Into<String>) -> Self {
        let replacement = replacement.into();
        self.help = Some(format!("did you mean `{replacement}`?"));
        self.suggestion = Some(Suggestion {
            message: format!("replace with `{replacement}`"),
            replacement,
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
