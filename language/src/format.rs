//! The formatter: the canonical layout of a Writ file.
//!
//! [`format()`] prints a file's syntax tree back in one canonical layout, keeping every comment.
//! A file with syntax errors is never reformatted: [`format()`] returns them instead. The result
//! always parses back to the same tree (spans aside) and the same comments, in the same order;
//! [`format()`] checks this before returning, and formatting its own output changes nothing.
//!
//! # Style reference
//!
//! **Layout.** Two spaces per indentation level. No trailing whitespace. The file ends with
//! exactly one newline (an empty file stays empty). Lines aim at 100 columns: a group that does
//! not fit is broken as described below; comments, names and strings are never broken.
//!
//! **Items** are separated by exactly one empty line, except consecutive `use` items, which are
//! written on consecutive lines.
//!
//! ```text
//! use std.agents
//! use std.time
//!
//! schema {
//!   entity User { roles: Set<String> }
//!   entity File in [Workspace, Folder] { path: String, owner?: User }
//!   entity Account
//!   enum Sensitivity { public, internal, secret }
//!   type Address = { street: String, zip?: String }
//!   action fs.write by Agent on File { bytes: Int }
//!   action payment.transfer by [Agent, User] on Account { amount: Decimal }
//!     effect { state.spent[actor] += args.amount }
//!   state { budget: Map<Agent, Decimal> }
//! }
//! ```
//!
//! **Schema.** Declarations one per line, indented one level inside `schema {` … `}`; an empty
//! schema is `schema {}`. An attribute block (entity, record type, action arguments, state) is
//! written on one line, `{ a: T, b?: U }`, when it fits and no attribute has a doc comment or a
//! comment; otherwise one attribute per line, each followed by a comma. `entity A` (no braces) and
//! `entity A {}` stay as written. One parent, actor or resource type is written bare (`in
//! Workspace`), several in brackets (`in [Workspace, Folder]`). Enums follow the attribute-block
//! rule: `enum E { a, b }` or one member per line with commas. An action's `effect` block goes on
//! the next line, indented one more level than the action: `effect { a += b }` when it has one
//! assignment that fits, else one assignment per line inside the braces. Attribute names written
//! as strings stay strings (`"first name": String`).
//!
//! **Rules.** The head `allow name on fs.write` (a list as `on [fs.read, fs.write]` when it was
//! written in brackets; patterns `fs.*` and `*`), then each clause on its own line, indented one
//! level, in the order written: `when …`, `unless …`, `approver …`, `obligation …`,
//! `because "…"`. A clause whose expression does not fit breaks before each `&&`/`||` of its
//! top-level chain, one operand per line, the operator leading the continuation line, indented
//! one more level than the clause:
//!
//! ```text
//! allow workspace_write on fs.write
//!   when actor has workspace
//!     && resource in actor.workspace
//!     && resource.sensitivity != Sensitivity.secret
//!   because "agents write in their own workspace"
//! ```
//!
//! An operand that is itself a chain of the other operator stays on one line when it fits, else
//! breaks the same way, indented one more level. A parenthesized chain that does not fit puts its
//! operands on their own lines between `(` and `)`.
//!
//! **Invariants, functions, tests.** `invariant name "description" {`, `fn name(a: Agent, f:
//! File) -> Bool {` and `test "name" {` open a block whose body (the expression, or the test
//! steps one per line) is indented one level, closed by `}` on its own line. An empty test is
//! `test "name" {}`. Test steps: `given "fixtures/base.json"`, `given entity Agent::"coder" {
//! ring: 1 } in [Team::"core"]`, `given state { … }`, `given time @2026-01-01T00:00:00Z`, `given
//! grant { … }`, `intent fs.write by Agent::"coder" on File::"a.rs" { bytes: 10 }`, `expect deny
//! by rule_name`.
//!
//! **Expressions.** One space around binary operators and keywords (`a && b`, `x in y`,
//! `s like "a*"`, `e is User in g`, `e has a.b`); none in `a.b`, `f(x, y)`, `m[k]`, `!x`, `-x`.
//! Sets `[a, b]`, records `{ a: 1, "b c": 2 }`, `{}`, maps `{ k => v }`, `{=>}`; a list that does
//! not fit puts one element per line, each followed by a comma (so do call arguments and
//! function parameters). `if c then a else b` breaks before `then` and `else`, `any x in xs:
//! body` after the colon. An arithmetic chain of one precedence, or a comparison, that does not
//! fit breaks before its operators like a `&&` chain, unless its last operand is a set, record or
//! map literal: that one stays on the line and breaks inside (`x in [`, one element per line,
//! `]`). Parentheses are kept exactly where they were written and never added.
//!
//! Strings are written from their value with the escapes `\"`, `\\`, `\n`, `\t`, `\r`, `\0`, and
//! `\u{…}` for other control characters. In a `like` pattern a wildcard is `*` and a literal star
//! `\*`. Numbers, decimals and durations are written as their text without `_` separators,
//! datetimes with their `@`, entity references as `User::"alice"`.
//!
//! **Doc comments** (`///`) are written one per line above their node, at its indentation, with
//! the text after the slashes exactly as written.
//!
//! **Comments** (`//`) stay between the same two tokens as in the input. A comment on its own
//! line goes on its own line before the next token, at the indentation of the line that token
//! starts (so before the item, declaration, attribute, clause, step or member it precedes; at the
//! end of a block, indented inside the block). A comment after code on the same line stays at
//! the end of that line, after one space. A comment inside a group forces the group to break,
//! and a token that followed a trailing comment is never pulled up onto the comment's line: where
//! no line break was planned (a comment between an operator and its operand, say), the token
//! starts a new line indented one level more than the line it continues. A comment before or
//! after a token the canonical form leaves out (a `;`, a trailing comma, the brackets of a single
//! parent) stays where that token was.
//!
//! **Empty lines.** At most one empty line is kept where the author wrote one or more: between
//! declarations, attributes, enum members, clauses, test steps and assignments, and around
//! comments among them. None is kept right after `{`, right before `}`, after a doc comment, or
//! inside an expression.

mod build;
mod doc;
mod lexer;

use std::fmt;

use crate::SyntaxError;
use crate::ast::SourceFile;
use crate::parser::parse;

/// The width the layout aims at.
pub const MAX_WIDTH: usize = 100;

/// Why a file was not formatted.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum FormatError {
    /// The file does not parse: it is left as it is, like rustfmt does.
    Syntax(Vec<SyntaxError>),
    /// The formatter could not reproduce the file's meaning or comments: a bug in the formatter,
    /// reported instead of returning a changed file.
    Internal(String),
}

impl FormatError {
    /// The syntax errors that stopped formatting (empty for an internal error).
    pub fn syntax_errors(&self) -> &[SyntaxError] {
        match self {
            FormatError::Syntax(errors) => errors,
            FormatError::Internal(_) => &[],
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Syntax(errors) => match errors.as_slice() {
                [] => f.write_str("the file has syntax errors"),
                [one] => write!(f, "the file has a syntax error: {}", one.message),
                [first, rest @ ..] => write!(
                    f,
                    "the file has {} syntax errors; the first: {}",
                    rest.len() + 1,
                    first.message
                ),
            },
            FormatError::Internal(message) => write!(f, "internal formatter error: {message}"),
        }
    }
}

impl std::error::Error for FormatError {}

/// Formats a Writ file in the canonical layout described in this module's documentation.
///
/// Returns [`FormatError::Syntax`] when the file has syntax errors: a file that does not parse is
/// never reformatted.
pub fn format(src: &str) -> Result<String, FormatError> {
    let file = parse(src);
    if !file.errors.is_empty() {
        return Err(FormatError::Syntax(file.errors));
    }
    let docs = build::Builder::new(src, lexer::lex(src))
        .file(&file)
        .map_err(FormatError::Internal)?;
    let out = doc::print(&docs, MAX_WIDTH);
    check(&file, &out)?;
    Ok(out)
}

/// The formatter's promise, checked on every run: the output parses to the same items and the
/// same comments.
fn check(before: &SourceFile, out: &str) -> Result<(), FormatError> {
    let after = parse(out);
    if let Some(error) = after.errors.first() {
        return Err(FormatError::Internal(format!(
            "the formatted text does not parse: {}",
            error.message
        )));
    }
    if erase_positions(&format!("{:?}", before.items))
        != erase_positions(&format!("{:?}", after.items))
    {
        return Err(FormatError::Internal(
            "the formatted text does not mean the same as the input".to_string(),
        ));
    }
    let texts = |f: &SourceFile| {
        f.comments
            .iter()
            .map(|c| c.text.clone())
            .collect::<Vec<_>>()
    };
    if texts(before) != texts(&after) {
        return Err(FormatError::Internal(
            "the formatted text does not keep the comments of the input".to_string(),
        ));
    }
    Ok(())
}

/// A tree's debug text without its positions (`Span { start: 1, end: 2 }` and `offset: 3`).
/// One pass over the text: formatting checks every file with it, so it must stay linear.
fn erase_positions(debug: &str) -> String {
    const SPAN: &str = "Span { start: ";
    const OFFSET: &str = "offset: ";
    let bytes = debug.as_bytes();
    let mut out = String::with_capacity(debug.len());
    let mut copied = 0;
    let mut i = 0;
    let digits = |mut k: usize| {
        while k < bytes.len() && bytes[k].is_ascii_digit() {
            k += 1;
        }
        k
    };
    while i < bytes.len() {
        if bytes[i] == b'S' && debug[i..].starts_with(SPAN) {
            let mut k = digits(i + SPAN.len());
            if debug[k..].starts_with(", end: ") {
                k = digits(k + ", end: ".len());
            }
            if debug[k..].starts_with(" }") {
                k += 2;
            }
            out.push_str(&debug[copied..i]);
            out.push_str("Span");
            copied = k;
            i = k;
        } else if bytes[i] == b'o' && debug[i..].starts_with(OFFSET) {
            let k = digits(i + OFFSET.len());
            out.push_str(&debug[copied..i]);
            out.push_str("offset");
            copied = k;
            i = k;
        } else {
            i += 1;
        }
    }
    out.push_str(&debug[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erases_positions() {
        assert_eq!(
            erase_positions("Item { offset: 12, span: Span { start: 0, end: 7 } }"),
            "Item { offset, span: Span }"
        );
    }
}
