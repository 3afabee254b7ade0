//! The Writ language: grammar, syntax tree, parser with recovery, and formatter.
//!
//! Nothing here knows about types, files on disk or terminals: text goes in, a tree and syntax
//! errors come out. The compiler builds on the tree; the formatter prints it back.

pub mod ast;
mod errors;
pub mod format;
pub mod keywords;
pub mod lexer;
mod parser;
mod split;

pub use errors::SyntaxError;
pub use format::{FormatError, format};
pub use keywords::{is_contextual_keyword, is_keyword};
pub use parser::{MAX_EXPR_DEPTH, Outline, ParsedChunk, outline, parse, parse_chunk, parse_expr};
