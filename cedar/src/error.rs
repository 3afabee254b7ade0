//! Import errors: what could not be translated, and where in the Cedar input it stands.

use std::fmt;

/// A position in a Cedar input file: the file's name, 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` in `text`.
    pub fn of(file: &str, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let before = text.get(..offset).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let column = before
            .rfind('\n')
            .map_or(before, |i| &before[i + 1..])
            .chars()
            .count()
            + 1;
        Position {
            file: file.to_string(),
            line,
            column,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Something in the Cedar input that Writ cannot take, with where it is when that is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub message: String,
    pub position: Option<Position>,
}

impl Error {
    pub fn new(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            position: None,
        }
    }

    pub fn at(position: Position, message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            position: Some(position),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.position {
            Some(p) => write!(f, "{p}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

/// Cedar's own error, with its first labelled position when it has one.
pub fn from_cedar(
    file: &str,
    text: &str,
    what: &str,
    error: &(dyn miette::Diagnostic + Send + Sync + 'static),
) -> Error {
    let offset = error
        .labels()
        .and_then(|mut labels| labels.next())
        .map(|l| l.offset());
    let mut message = format!("{what}: {error}");
    // Cedar's top-level message is often generic ("entity does not conform to the schema");
    // the specifics are in its causes.
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(&format!(": {text}"));
        }
        source = cause.source();
    }
    if let Some(help) = error.help() {
        message.push_str(&format!(" ({help})"));
    }
    match offset {
        Some(offset) => Error::at(Position::of(file, text, offset), message),
        None => Error::new(format!("{file}: {message}")),
    }
}
