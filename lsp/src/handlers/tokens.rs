//! `textDocument/semanticTokens/full`: each token as five numbers relative to the one before
//! (line delta, start delta, length, type, modifiers), lengths and columns in UTF-16 units.

use lsp_types::{
    SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens, SemanticTokensLegend,
    SemanticTokensParams, SemanticTokensResult,
};
use writ_compiler::ide::{self, TokenKind};

use super::Result;
use crate::snapshot::Snap;

/// The token types, in the order their indices are sent.
const TYPES: &[(TokenKind, SemanticTokenType)] = &[
    (TokenKind::Namespace, SemanticTokenType::NAMESPACE),
    (TokenKind::Class, SemanticTokenType::CLASS),
    (TokenKind::Enum, SemanticTokenType::ENUM),
    (TokenKind::Type, SemanticTokenType::TYPE),
    (TokenKind::EnumMember, SemanticTokenType::ENUM_MEMBER),
    (TokenKind::Property, SemanticTokenType::PROPERTY),
    (TokenKind::Event, SemanticTokenType::EVENT),
    (TokenKind::Function, SemanticTokenType::FUNCTION),
    (TokenKind::Method, SemanticTokenType::METHOD),
    (TokenKind::Variable, SemanticTokenType::VARIABLE),
    (TokenKind::Parameter, SemanticTokenType::PARAMETER),
    (TokenKind::Keyword, SemanticTokenType::KEYWORD),
    (TokenKind::String, SemanticTokenType::STRING),
    (TokenKind::Number, SemanticTokenType::NUMBER),
    (TokenKind::Comment, SemanticTokenType::COMMENT),
];

/// The modifiers, in bit order: the compiler's `Modifier` bits are 1, 2, 4, 8 in this order.
const MODIFIERS: &[SemanticTokenModifier] = &[
    SemanticTokenModifier::DECLARATION,
    SemanticTokenModifier::READONLY,
    SemanticTokenModifier::DEFAULT_LIBRARY,
    SemanticTokenModifier::DOCUMENTATION,
];

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.iter().map(|(_, t)| t.clone()).collect(),
        token_modifiers: MODIFIERS.to_vec(),
    }
}

fn type_index(kind: TokenKind) -> u32 {
    TYPES.iter().position(|(k, _)| *k == kind).unwrap_or(0) as u32
}

pub fn full(snap: &Snap, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
    let Some(file) = snap.file(&params.text_document.uri) else {
        return Ok(None);
    };
    let index = snap.index(file);
    let mut data = Vec::new();
    let (mut line, mut start) = (0, 0);
    for token in ide::semantic_tokens(snap.db(), file) {
        let from = index.position(token.span.start);
        let to = index.position(token.span.end);
        // Tokens never cross lines in Writ; a client could not show one that did.
        if to.line != from.line || to.character <= from.character {
            continue;
        }
        let delta_line = from.line - line;
        let delta_start = if delta_line == 0 {
            from.character - start
        } else {
            from.character
        };
        data.push(SemanticToken {
            delta_line,
            delta_start,
            length: to.character - from.character,
            token_type: type_index(token.kind),
            token_modifiers_bitset: token.modifiers,
        });
        (line, start) = (from.line, from.character);
    }
    Ok(Some(SemanticTokensResult::Tokens(SemanticTokens {
        result_id: None,
        data,
    })))
}
