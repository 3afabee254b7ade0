//! Semantic highlighting: each name colored by what it denotes (an entity type, an attribute,
//! an action, a local), plus keywords, literals and comments.

use std::collections::HashMap;

use writ_language::ast::Span;
use writ_language::lexer::{LexKind, lex};

use super::analysis::item_analysis;
use super::symbol::{Role, Symbol};
use crate::db::SourceFile;
use crate::items::file_items;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum TokenKind {
    /// Module names.
    Namespace,
    /// Entity types.
    Class,
    Enum,
    /// Type aliases and built-in types.
    Type,
    EnumMember,
    /// Attributes, arguments and state fields.
    Property,
    /// Actions.
    Event,
    /// Rules, invariants, helpers and built-in functions.
    Function,
    Method,
    /// Predefined variables.
    Variable,
    /// Helper parameters and quantifier variables.
    Parameter,
    Keyword,
    String,
    Number,
    Comment,
}

/// Modifiers, as bits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Modifier {
    Declaration = 1,
    Readonly = 2,
    DefaultLibrary = 4,
    Documentation = 8,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Token {
    /// In the file; never spans a line break.
    pub span: Span,
    pub kind: TokenKind,
    /// [`Modifier`] bits.
    pub modifiers: u32,
}

fn symbol_token(symbol: &Symbol) -> Option<(TokenKind, u32)> {
    let library = Modifier::DefaultLibrary as u32;
    Some(match symbol {
        Symbol::Entity(_) => (TokenKind::Class, 0),
        Symbol::Enum(_) => (TokenKind::Enum, 0),
        Symbol::Alias(_) => (TokenKind::Type, 0),
        Symbol::Primitive(_) => (TokenKind::Type, library),
        Symbol::EnumMember { .. } => (TokenKind::EnumMember, 0),
        Symbol::Attribute { .. } | Symbol::Argument { .. } | Symbol::StateField(_) => {
            (TokenKind::Property, 0)
        }
        Symbol::Action(_) => (TokenKind::Event, 0),
        Symbol::Rule(_) | Symbol::Helper(_) => (TokenKind::Function, 0),
        Symbol::Builtin { method: false, .. } => (TokenKind::Function, library),
        Symbol::Builtin { method: true, .. } => (TokenKind::Method, library),
        Symbol::Variable(_) => (TokenKind::Variable, library | Modifier::Readonly as u32),
        Symbol::Local { .. } => (TokenKind::Parameter, 0),
        Symbol::Module(_) => (TokenKind::Namespace, library),
        // A test's name is a string, and highlighted as one.
        Symbol::Test(_) => return None,
    })
}

pub fn semantic_tokens(db: &dyn salsa::Database, file: SourceFile) -> Vec<Token> {
    let text = file.text(db);
    let mut named: HashMap<Span, Token> = HashMap::new();
    for item in file_items(db, file) {
        let base = item.offset(db);
        for o in &item_analysis(db, *item).occurrences {
            let Some((kind, mut modifiers)) = symbol_token(&o.symbol) else {
                continue;
            };
            if o.role == Role::Definition {
                modifiers |= Modifier::Declaration as u32;
            }
            let span = o.span.shift(base);
            named.insert(
                span,
                Token {
                    span,
                    kind,
                    modifiers,
                },
            );
        }
    }
    let mut tokens: Vec<Token> = named.values().copied().collect();
    for lexeme in lex(text) {
        let (kind, modifiers) = match lexeme.kind {
            LexKind::Comment => (TokenKind::Comment, 0),
            LexKind::Doc => (TokenKind::Comment, Modifier::Documentation as u32),
            LexKind::String => (TokenKind::String, 0),
            LexKind::Number | LexKind::Datetime => (TokenKind::Number, 0),
            LexKind::Word if is_keyword_word(&text[lexeme.span.range()]) => (TokenKind::Keyword, 0),
            // `Set<...>` and `Map<...>` have no name of their own in the tree.
            LexKind::Word if matches!(&text[lexeme.span.range()], "Set" | "Map") => {
                (TokenKind::Type, Modifier::DefaultLibrary as u32)
            }
            LexKind::Word | LexKind::Punct => continue,
        };
        tokens.push(Token {
            span: lexeme.span,
            kind,
            modifiers,
        });
    }
    // Names take precedence over what the words look like (`state` the variable, `in` an
    // attribute); a dotted action name covers its parts.
    tokens.sort_by_key(|t| {
        (
            t.span.start,
            u32::MAX - t.span.end,
            !named.contains_key(&t.span),
        )
    });
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    for token in tokens {
        if out
            .last()
            .is_some_and(|last| token.span.start < last.span.end)
        {
            continue;
        }
        out.push(token);
    }
    out
}

/// Keywords, contextual ones included, are highlighted as keywords wherever they are not a name
/// (names were coloured first, from the tree).
fn is_keyword_word(word: &str) -> bool {
    writ_language::is_keyword(word) || writ_language::is_contextual_keyword(word)
}
