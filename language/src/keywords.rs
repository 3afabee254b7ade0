//! The language's keywords: one list for the parser's messages and for every tool that must
//! tell a keyword from a name (the language server's highlighting and renames, the Cedar
//! import's choice of names).

/// Words reserved everywhere: they never name anything.
pub const KEYWORDS: &[&str] = &[
    "allow",
    "deny",
    "review",
    "when",
    "unless",
    "because",
    "approver",
    "obligation",
    "invariant",
    "fn",
    "test",
    "use",
    "schema",
    "in",
    "is",
    "has",
    "like",
    "if",
    "then",
    "else",
    "any",
    "all",
    "true",
    "false",
];

/// Words that are keywords only where a declaration's name could also stand (`entity`,
/// `action`, test clauses): elsewhere they are ordinary names.
pub const CONTEXTUAL_KEYWORDS: &[&str] = &[
    "entity",
    "enum",
    "type",
    "action",
    "state",
    "authority",
    "effect",
    "on",
    "by",
    "given",
    "intent",
    "expect",
    "time",
    "grant",
];

pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

pub fn is_contextual_keyword(word: &str) -> bool {
    CONTEXTUAL_KEYWORDS.contains(&word)
}
