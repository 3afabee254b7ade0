//! Completion: what may be typed at the cursor, from the schema, the helpers, the rules and the
//! standard library, with signatures and documentation.

mod context;
mod lists;
mod patch;
mod snippets;

use writ_language::ast::Span;
use writ_language::lexer::{LexKind, Lexeme, is_word_byte, lex};

use self::context::{Context, Position};
use self::patch::Target;
use crate::db::SourceFile;
use crate::schema::schema;
use crate::workspace::{helper_signatures, name_index};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum CompletionKind {
    Keyword,
    Snippet,
    Entity,
    Enum,
    Alias,
    Primitive,
    EnumMember,
    Attribute,
    Argument,
    StateField,
    /// A field of a record that is not an action's arguments or the state.
    Field,
    Action,
    Rule,
    Helper,
    /// A built-in function.
    Function,
    /// A built-in method.
    Method,
    Variable,
    Local,
    Module,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    /// One line: a signature or a type.
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// What to insert instead of the label.
    pub insert: Option<String>,
    /// `insert` is a snippet, with tab stops such as `$1` and `${2:default}`.
    pub snippet: bool,
}

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Completions {
    /// The part of the word at the cursor already typed, which a completion replaces.
    pub replace: Span,
    pub items: Vec<Completion>,
}

/// Whether `offset` lies inside a comment or a string, where nothing is completed.
fn in_comment_or_string(lexemes: &[Lexeme], text: &str, offset: u32) -> bool {
    lexemes.iter().any(|l| match l.kind {
        LexKind::Comment | LexKind::Doc => l.span.start < offset && offset <= l.span.end,
        LexKind::String => {
            let s = &text[l.span.range()];
            let closed = s.len() >= 2 && s.ends_with('"') && !s.ends_with("\\\"");
            l.span.start < offset && (offset < l.span.end || (!closed && offset == l.span.end))
        }
        _ => false,
    })
}

pub fn completions(db: &dyn salsa::Database, file: SourceFile, offset: u32) -> Completions {
    let text = file.text(db);
    let mut offset = (offset as usize).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let bytes = text.as_bytes();
    let mut word_start = offset;
    while word_start > 0 && is_word_byte(bytes[word_start - 1]) {
        word_start -= 1;
    }
    let mut word_end = offset;
    while word_end < bytes.len() && is_word_byte(bytes[word_end]) {
        word_end += 1;
    }
    let replace = Span::new(word_start as u32, offset as u32);
    let lexemes = lex(text);
    if in_comment_or_string(&lexemes, text, offset as u32) {
        return Completions {
            replace,
            items: Vec::new(),
        };
    }
    let chunk = writ_language::outline(text)
        .chunks
        .into_iter()
        .find(|c| c.start <= word_start && word_start <= c.end);
    let context = Context::new(text, &lexemes, chunk.clone(), word_start);
    let position = context.position(chunk.is_some());
    let schema = schema(db);
    // What the word being completed stands after (`x.` or `x has`), found by re-checking the
    // item it is in.
    let target_in = |range: &std::ops::Range<usize>| {
        patch::target_types(
            db,
            file,
            &text[range.clone()],
            word_start - range.start,
            word_end.min(range.end) - range.start,
        )
    };
    let items = match position {
        Position::Nothing => Vec::new(),
        Position::TopLevel => {
            let mut items = lists::keywords(&[
                "schema",
                "allow",
                "deny",
                "review",
                "invariant",
                "fn",
                "test",
                "use",
            ]);
            items.extend(snippets::top_level(schema));
            items
        }
        Position::SchemaDecl => {
            let mut items =
                lists::keywords(&["entity", "enum", "type", "action", "state", "authority"]);
            items.extend(snippets::schema_level(schema));
            items
        }
        Position::Member { qualifier } => {
            // `Sensitivity.` lists the enum's members, unless a local of that name hides it.
            let local = context.locals().contains(&qualifier.as_str());
            match lists::enum_members(schema, &qualifier).filter(|_| !local) {
                Some(members) => members,
                None => {
                    let Some(range) = &chunk else {
                        return Completions::default();
                    };
                    match target_in(range) {
                        Some(Target::Member(types)) => lists::members(schema, &types, true),
                        // An assignment being written in an `effect` does not parse until its
                        // value is there; `state` is what it assigns to.
                        _ if matches!(qualifier.as_str(), "state" | "next") => schema
                            .state_ty()
                            .map(|ty| lists::members(schema, &[ty], false))
                            .unwrap_or_default(),
                        _ => Vec::new(),
                    }
                }
            }
        }
        Position::HasAttribute => {
            let Some(range) = &chunk else {
                return Completions::default();
            };
            match target_in(range) {
                Some(Target::Has(types)) => lists::members(schema, &types, false),
                _ => Vec::new(),
            }
        }
        Position::Action { prefix, patterns } => {
            lists::actions(schema, prefix.as_deref(), patterns)
        }
        Position::Type { entities_only } => lists::types(schema, entities_only),
        Position::Rule => lists::rules(name_index(db)),
        Position::Decision => lists::keywords(&["deny", "allow", "review"]),
        Position::Given => lists::keywords(&["entity", "state", "time", "grant"]),
        Position::TestStep => {
            let mut items = lists::keywords(&["given", "intent", "expect"]);
            items.extend(snippets::test_steps(schema));
            items
        }
        Position::Module { prefix } => writ_stdlib::prelude_modules()
            .iter()
            .filter_map(|m| {
                let label = match &prefix {
                    None => m.name,
                    Some(p) => m.name.strip_prefix(p.as_str())?.strip_prefix('.')?,
                };
                Some(Completion {
                    label: label.to_string(),
                    kind: CompletionKind::Module,
                    detail: Some(format!("use {}", m.name)),
                    documentation: Some(m.doc.to_string()),
                    insert: None,
                    snippet: false,
                })
            })
            .collect(),
        Position::Expression { item, clauses } => lists::expression(
            schema,
            helper_signatures(db),
            item,
            &context.locals(),
            clauses,
        ),
    };
    Completions { replace, items }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_in_strings_and_comments() {
        let text = "a \"bc\" // d";
        let l = lex(text);
        assert!(!in_comment_or_string(&l, text, 2));
        assert!(in_comment_or_string(&l, text, 4));
        assert!(!in_comment_or_string(&l, text, 6));
        assert!(in_comment_or_string(&l, text, 11));
        let open = "x \"ab";
        assert!(in_comment_or_string(&lex(open), open, 5));
    }
}
