//! Every diagnostic code, with a one-line title. Codes are stable: a code is never reused for a
//! different mistake. `docs/language.md` lists them and a test keeps the two in step.

pub struct Code {
    pub code: &'static str,
    pub title: &'static str,
}

pub const CODES: &[Code] = &[
    // A bug in the compiler, reported rather than hidden.
    Code {
        code: "E0000",
        title: "internal compiler error",
    },
    // Syntax (E00xx).
    Code {
        code: "E0001",
        title: "syntax error",
    },
    Code {
        code: "E0002",
        title: "unterminated string literal",
    },
    Code {
        code: "E0003",
        title: "invalid escape in a string",
    },
    Code {
        code: "E0004",
        title: "unbalanced delimiter",
    },
    Code {
        code: "E0005",
        title: "integer literal out of range",
    },
    Code {
        code: "E0006",
        title: "invalid decimal literal",
    },
    Code {
        code: "E0007",
        title: "invalid duration literal",
    },
    Code {
        code: "E0008",
        title: "invalid datetime literal",
    },
    Code {
        code: "E0009",
        title: "keyword used as a name",
    },
    Code {
        code: "E0010",
        title: "expression nested too deeply",
    },
    // Names (E01xx).
    Code {
        code: "E0101",
        title: "unknown name",
    },
    Code {
        code: "E0102",
        title: "unknown entity type",
    },
    Code {
        code: "E0103",
        title: "unknown type",
    },
    Code {
        code: "E0104",
        title: "unknown enum member",
    },
    Code {
        code: "E0105",
        title: "no declared action matches",
    },
    Code {
        code: "E0106",
        title: "unknown function",
    },
    Code {
        code: "E0107",
        title: "unknown method",
    },
    Code {
        code: "E0108",
        title: "unknown module",
    },
    Code {
        code: "E0109",
        title: "unknown rule",
    },
    Code {
        code: "E0110",
        title: "type declared more than once",
    },
    Code {
        code: "E0111",
        title: "attribute declared more than once",
    },
    Code {
        code: "E0112",
        title: "rule name used more than once",
    },
    Code {
        code: "E0113",
        title: "action declared more than once",
    },
    Code {
        code: "E0114",
        title: "enum member listed more than once",
    },
    Code {
        code: "E0115",
        title: "function defined more than once",
    },
    Code {
        code: "E0116",
        title: "field given more than once",
    },
    Code {
        code: "E0117",
        title: "state field declared more than once",
    },
    Code {
        code: "E0118",
        title: "recursive function",
    },
    Code {
        code: "E0119",
        title: "state used but not declared",
    },
    Code {
        code: "E0120",
        title: "test name used more than once",
    },
    Code {
        code: "E0121",
        title: "parameter declared more than once",
    },
    Code {
        code: "E0122",
        title: "variable not available here",
    },
    // Types (E02xx).
    Code {
        code: "E0201",
        title: "mismatched types",
    },
    Code {
        code: "E0202",
        title: "operator cannot be applied to these types",
    },
    Code {
        code: "E0203",
        title: "unknown attribute",
    },
    Code {
        code: "E0204",
        title: "optional attribute read without `has`",
    },
    Code {
        code: "E0205",
        title: "`in` between unrelated entity types",
    },
    Code {
        code: "E0206",
        title: "comparison that is always false",
    },
    Code {
        code: "E0207",
        title: "wrong number of arguments",
    },
    Code {
        code: "E0208",
        title: "condition is not a `Bool`",
    },
    Code {
        code: "E0209",
        title: "`is` on something that is not an entity type",
    },
    Code {
        code: "E0210",
        title: "`if` branches of different types",
    },
    Code {
        code: "E0211",
        title: "set elements of different types",
    },
    Code {
        code: "E0212",
        title: "value cannot be indexed",
    },
    Code {
        code: "E0213",
        title: "quantifier over something that is not a collection",
    },
    Code {
        code: "E0214",
        title: "invalid effect",
    },
    Code {
        code: "E0215",
        title: "invalid constant argument",
    },
    Code {
        code: "E0216",
        title: "`like` on something that is not a string",
    },
    Code {
        code: "E0217",
        title: "`has` on something without attributes",
    },
    Code {
        code: "E0218",
        title: "map entries of different types",
    },
    Code {
        code: "E0219",
        title: "missing required field",
    },
    Code {
        code: "E0221",
        title: "not an entity type",
    },
    Code {
        code: "E0222",
        title: "recursive type alias",
    },
    Code {
        code: "E0223",
        title: "approver of the wrong type",
    },
    Code {
        code: "E0224",
        title: "obligation of the wrong type",
    },
    Code {
        code: "E0226",
        title: "constant arithmetic overflows",
    },
    Code {
        code: "E0227",
        title: "clause does not apply to this kind of rule",
    },
    Code {
        code: "E0228",
        title: "review rule without an approver",
    },
    Code {
        code: "E0230",
        title: "rule can never match",
    },
    Code {
        code: "E0231",
        title: "more than one `because`",
    },
    Code {
        code: "E0232",
        title: "malformed test",
    },
    Code {
        code: "E0233",
        title: "expected rule cannot make the expected decision",
    },
    Code {
        code: "E0234",
        title: "`delegated()` without a root authority",
    },
    // Warnings.
    Code {
        code: "W0001",
        title: "unused function",
    },
    Code {
        code: "W0002",
        title: "condition is always true",
    },
];

pub fn lookup(code: &str) -> Option<&'static Code> {
    CODES.iter().find(|c| c.code == code)
}
