//! Syntax errors, and turning pest's failures into messages people can act on.

use pest::error::{Error, InputLocation};

use crate::ast::Span;
use crate::keywords::is_keyword;
use crate::parser::Rule;

/// A syntax error. `span` is absolute (a position in the file).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct SyntaxError {
    /// A stable code such as `E0001`; the list is in `docs/language.md`.
    pub code: &'static str,
    pub message: String,
    pub span: Span,
    pub label: String,
    pub help: Option<String>,
}

/// Builds the error for a chunk that pest rejected. `offset` is where the chunk starts in the
/// file.
pub(crate) fn syntax_error_from_pest(
    chunk: &str,
    offset: usize,
    error: Error<Rule>,
) -> SyntaxError {
    if let Some(e) = unterminated_string(chunk, offset) {
        return e;
    }
    if let Some(e) = unbalanced_delimiter(chunk, offset) {
        return e;
    }
    let attempts = error.parse_attempts();
    let pos = match (&attempts, error.location) {
        (Some(a), _) => a.max_position,
        (None, InputLocation::Pos(p)) => p,
        (None, InputLocation::Span((p, _))) => p,
    }
    .min(chunk.len());
    let mut expected = Vec::new();
    if let Some(attempts) = &attempts {
        for stack in attempts.call_stacks() {
            let rule = stack.deepest.get_rule().copied().or(stack.parent);
            if let Some(description) = rule.and_then(describe) {
                push_unique(&mut expected, description.to_string());
            }
        }
        for token in attempts.expected_tokens() {
            let token = token.to_string();
            // Case-insensitive tokens print in capitals and ranges as `a..z`; the grammar has
            // neither outside of rules already described above.
            if !token.is_empty() && token != "BUILTIN_RULE" && !token.contains("..") {
                push_unique(&mut expected, format!("`{token}`"));
            }
        }
    }
    let expected = summarize(expected);
    let rest = chunk[pos..].trim_start();
    if rest.starts_with("///") && !rest.starts_with("////") {
        let start = pos + (chunk.len() - pos - rest.len());
        let end = start + rest.find('\n').unwrap_or(rest.len());
        return SyntaxError {
            code: "E0001",
            message: "a doc comment documents the item, declaration, attribute or enum member right after it".to_string(),
            span: Span::new(start as u32, end as u32).shift(offset as u32),
            label: "nothing here takes a doc comment".to_string(),
            help: Some("use `//` for a plain comment".to_string()),
        };
    }
    let (found_span, found) = token_at(chunk, pos);
    let found_text = match &found {
        Some(text) => format!("`{text}`"),
        None => "end of input".to_string(),
    };
    let message = if expected.is_empty() {
        format!("unexpected {found_text}")
    } else {
        format!(
            "expected {}, found {found_text}",
            join_alternatives(&expected)
        )
    };
    let (span, label) = match found {
        Some(_) => (found_span, "unexpected here".to_string()),
        None => {
            let end = chunk.trim_end().len();
            let start = chunk[..end]
                .char_indices()
                .next_back()
                .map_or(0, |(i, _)| i);
            (
                Span::new(start as u32, end as u32),
                "expected more after this".to_string(),
            )
        }
    };
    let span = span.shift(offset as u32);
    let found_word = found.as_deref().unwrap_or("");
    let wants_name = expected.iter().any(|e| e == "a name");
    let before = chunk[..pos].trim_end();
    let previous_word_start = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    let previous_word = &before[previous_word_start..];
    if wants_name && is_keyword(previous_word) && !is_keyword(found_word) {
        let span = Span::new(previous_word_start as u32, before.len() as u32).shift(offset as u32);
        return keyword_as_name(previous_word, span);
    }
    if is_keyword(found_word) && wants_name {
        return keyword_as_name(found_word, span);
    }
    if found.is_some()
        && let Some(e) = keyword_after_item_keyword(chunk, found_span.start as usize, offset)
    {
        return e;
    }
    // `allow on fs.read`: `on` was taken for the rule's name, so pest asks for `on` again.
    if expected == ["`on`"] && previous_word == "on" {
        let head = before[..previous_word_start].trim_end();
        let effect = &head[head.rfind(char::is_whitespace).map_or(0, |i| i + 1)..];
        if matches!(effect, "allow" | "deny" | "review") {
            let on_span =
                Span::new(previous_word_start as u32, before.len() as u32).shift(offset as u32);
            return SyntaxError {
                code: "E0001",
                message: format!("the `{effect}` rule has no name"),
                span: on_span,
                label: "expected the rule's name before `on`".to_string(),
                help: Some(format!(
                    "decisions name the rules that made them: write `{effect} some_name on ...`"
                )),
            };
        }
    }
    SyntaxError {
        code: "E0001",
        message,
        span,
        label,
        help: help_for(found_word, &expected).or_else(|| {
            (wants_name && previous_word == "by" && chunk.trim_start().starts_with("test"))
                .then(|| "name the rule expected to decide, or leave out `by`".to_string())
        }),
    }
}

/// `deny test on ...`: an item keyword followed by a keyword where the item's name should be.
/// Such text does not begin an item at all, so it shows up as an unexpected `deny`; the mistake
/// is the name. `at` is where the item keyword starts in `text`, `offset` where `text` starts in
/// the file.
pub(crate) fn keyword_after_item_keyword(
    text: &str,
    at: usize,
    offset: usize,
) -> Option<SyntaxError> {
    let rest = &text[at..];
    let item_word_len = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    if !matches!(
        &rest[..item_word_len],
        "allow" | "deny" | "review" | "invariant" | "fn"
    ) {
        return None;
    }
    let after = &rest[item_word_len..];
    let trimmed = after.trim_start_matches([' ', '\t']);
    if trimmed.len() == after.len() {
        return None;
    }
    let name_len = trimmed
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(trimmed.len());
    let name = &trimmed[..name_len];
    if !is_keyword(name) {
        return None;
    }
    let start = offset + at + item_word_len + (after.len() - trimmed.len());
    Some(keyword_as_name(
        name,
        Span::new(start as u32, (start + name_len) as u32),
    ))
}

pub(crate) fn keyword_as_name(word: &str, span: Span) -> SyntaxError {
    SyntaxError {
        code: "E0009",
        message: format!("`{word}` is a keyword and cannot be used as a name"),
        span,
        label: "keyword used as a name".to_string(),
        help: Some(format!(
            "`{word}` cannot name a rule, a type, a member, a function or a variable: choose another name"
        )),
    }
}

pub(crate) fn help_for(found: &str, expected: &[String]) -> Option<String> {
    let wants_operator = expected.iter().any(|e| e == "an operator");
    Some(match found {
        "=" => "use `==` to compare values".to_string(),
        "and" if wants_operator => "use `&&` for a logical and".to_string(),
        "or" if wants_operator => "use `||` for a logical or".to_string(),
        "not" => "use `!` for a logical not".to_string(),
        "'" => "strings are written in double quotes: `\"text\"`".to_string(),
        "permit" | "forbid" => {
            "Writ rules start with `allow`, `review` or `deny`, followed by a name".to_string()
        }
        _ => return None,
    })
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

const EXPRESSION: &str = "an expression";
const OPERATOR: &str = "an operator";

/// What a grammar rule looks like to a person, or `None` when it says nothing useful.
fn describe(rule: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match rule {
        EOI | docs | doc_comment | WHITESPACE | COMMENT => return None,
        kw_schema => "`schema`",
        kw_use => "`use`",
        kw_allow | rule_effect => "`allow`, `review` or `deny`",
        kw_deny => "`deny`",
        kw_review => "`review`",
        kw_when | when_clause => "`when`",
        kw_unless | unless_clause => "`unless`",
        kw_because | because_clause => "`because`",
        kw_approver | approver_clause => "`approver`",
        kw_obligation | obligation_clause => "`obligation`",
        rule_clause => "a clause (`when`, `unless`, `because`, `approver`, `obligation`)",
        kw_invariant => "`invariant`",
        kw_fn => "`fn`",
        kw_test => "`test`",
        kw_in => "`in`",
        kw_is => "`is`",
        kw_has => "`has`",
        kw_like => "`like`",
        kw_then => "`then`",
        kw_else => "`else`",
        kw_entity | entity_decl => "`entity`",
        kw_enum | enum_decl => "`enum`",
        kw_type | type_decl => "`type`",
        kw_action | action_decl => "`action`",
        kw_state | state_decl => "`state`",
        kw_authority | authority_decl => "`authority`",
        kw_effect | effect_block => "`effect`",
        kw_on | action_on => "`on`",
        kw_by | action_by => "`by`",
        kw_given | given_file | given_entity | given_state | given_time | given_grant => "`given`",
        kw_intent | intent_step => "`intent`",
        kw_expect | expect_step => "`expect`",
        kw_time => "`time`",
        kw_grant => "`grant`",
        kw_set | set_type => "`Set`",
        kw_map | map_type => "`Map`",
        ident | qual_name | ident_list | enum_member | param => "a name",
        string | string_body => "a string",
        attr_name | attr_decl => "an attribute",
        record_field => "a field",
        map_entry => "a map entry",
        type_expr | record_type => "a type",
        action_pattern | action_patterns | action_prefix | action_any => "an action",
        assignment | assign_op => "an assignment",
        optional_mark => "`?`",
        call_args => "`(`",
        expr | operand | unary_op | kw_true | kw_false | kw_if | kw_any | kw_all | duration
        | decimal | int | datetime | entity_ref | name_expr | paren | set_lit | brace_lit
        | record_lit | if_expr | quantifier => EXPRESSION,
        entity_tail => "`::`",
        map_empty => "`=>`",
        or_op | and_op | cmp_op | add_op | mul_op | like_tail | is_tail | has_tail
        | method_call | field_access | index => OPERATOR,
        ident_char | item | schema_decl | test_step | relation_tail | infix_op | postfix
        | primary | brace_entry => {
            return None;
        }
        attr_block => "`{`",
        item_chunk | schema_head_chunk | schema_decl_chunk | expr_chunk => return None,
        use_item => "`use`",
        schema_item => "`schema`",
        rule_item => "`allow`, `review` or `deny`",
        invariant_item => "`invariant`",
        fn_item => "`fn`",
        test_item => "`test`",
        digits => "a number",
    })
}

const OPERATOR_TOKENS: &[&str] = &[
    "`||`", "`&&`", "`==`", "`!=`", "`<`", "`<=`", "`>`", "`>=`", "`+`", "`-`", "`*`", "`/`",
    "`%`", "`.`", "`[`", "`in`", "`is`", "`has`", "`like`",
];
const EXPRESSION_TOKENS: &[&str] = &[
    "`(`", "`[`", "`{`", "`!`", "`-`", "`true`", "`false`", "`if`", "`any`", "`all`", "`@`",
];
const ITEM_KEYWORDS: &str = "`allow`, `review` or `deny`";

/// Folds what pest says it expected into what a person would: a few tokens, or a category
/// ("an expression", "an operator") when the tokens only spell one out.
fn summarize(mut expected: Vec<String>) -> Vec<String> {
    expected.retain(|e| {
        !matches!(
            e.as_str(),
            "`\t`" | "`\n`" | "`\r`" | "` `" | "`//`" | "`///`" | "`_`" | "`\"`" | "`::`"
        ) && !e.trim_matches('`').trim().is_empty()
            && !e.starts_with("a clause")
    });
    let operators = expected
        .iter()
        .filter(|e| OPERATOR_TOKENS.contains(&e.as_str()))
        .count();
    if operators >= 3 || expected.iter().any(|e| e == OPERATOR) {
        expected.retain(|e| !OPERATOR_TOKENS.contains(&e.as_str()) && e != EXPRESSION);
        expected.push(OPERATOR.to_string());
    }
    if expected.iter().any(|e| e == EXPRESSION) {
        expected.retain(|e| !EXPRESSION_TOKENS.contains(&e.as_str()) && e != "a string");
    }
    if expected.len() > 1 {
        expected.retain(|e| e != ITEM_KEYWORDS);
    }
    expected.sort_by_key(|e| (!e.starts_with('`'), e.clone()));
    expected.dedup();
    expected
}

fn join_alternatives(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} or {b}"),
        [init @ .., last] => format!("one of {} or {last}", init.join(", ")),
    }
}

/// The token at `pos`, as written, or `None` at the end of the chunk.
fn token_at(chunk: &str, pos: usize) -> (Span, Option<String>) {
    let rest = &chunk[pos..];
    let lead = rest.len() - rest.trim_start().len();
    let rest = &rest[lead..];
    let start = pos + lead;
    if rest.is_empty() {
        return (Span::new(start as u32, start as u32), None);
    }
    let first = rest.chars().next().unwrap_or(' ');
    let len = if first.is_alphanumeric() || first == '_' {
        rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len())
    } else if first == '"' {
        rest[1..].find(['"', '\n']).map_or(rest.len(), |n| n + 2)
    } else {
        let two = rest.get(..2).unwrap_or("");
        if matches!(
            two,
            "==" | "!=" | "<=" | ">=" | "&&" | "||" | "=>" | "->" | "::" | "+=" | "-=" | "//"
        ) {
            2
        } else {
            first.len_utf8()
        }
    };
    let len = len.min(rest.len()).min(40);
    let len = (0..=len)
        .rev()
        .find(|l| rest.is_char_boundary(*l))
        .unwrap_or(0);
    (
        Span::new(start as u32, (start + len) as u32),
        Some(rest[..len].to_string()),
    )
}

fn unterminated_string(chunk: &str, offset: usize) -> Option<SyntaxError> {
    let bytes = chunk.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = chunk[i..].find('\n').map_or(bytes.len(), |n| i + n);
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if i >= bytes.len() || bytes[i] == b'\n' {
                    let end = i.min(bytes.len());
                    return Some(SyntaxError {
                        code: "E0002",
                        message: "unterminated string literal".to_string(),
                        span: Span::new((offset + start) as u32, (offset + end) as u32),
                        label: "this string is never closed".to_string(),
                        help: Some(
                            "close it with `\"` on the same line; write a line break as `\\n`"
                                .to_string(),
                        ),
                    });
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

fn unbalanced_delimiter(chunk: &str, offset: usize) -> Option<SyntaxError> {
    let bytes = chunk.as_bytes();
    let mut stack: Vec<(u8, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = chunk[i..].find('\n').map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            open @ (b'{' | b'[' | b'(') => stack.push((open, i)),
            close @ (b'}' | b']' | b')') => {
                let want = match close {
                    b'}' => b'{',
                    b']' => b'[',
                    _ => b'(',
                };
                match stack.pop() {
                    Some((open, _)) if open == want => {}
                    Some((open, _)) => {
                        return Some(SyntaxError {
                            code: "E0004",
                            message: format!("mismatched closing delimiter `{}`", close as char),
                            span: Span::new((offset + i) as u32, (offset + i + 1) as u32),
                            label: format!(
                                "expected `{}` to close an earlier `{}`",
                                closer(open),
                                open as char
                            ),
                            help: Some(format!("close it with `{}`", closer(open))),
                        });
                    }
                    None => {
                        return Some(SyntaxError {
                            code: "E0004",
                            message: format!("unexpected closing delimiter `{}`", close as char),
                            span: Span::new((offset + i) as u32, (offset + i + 1) as u32),
                            label: "nothing here to close".to_string(),
                            help: None,
                        });
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    stack.pop().map(|(open, at)| SyntaxError {
        code: "E0004",
        message: format!("unclosed delimiter `{}`", open as char),
        span: Span::new((offset + at) as u32, (offset + at + 1) as u32),
        label: "this is never closed".to_string(),
        help: Some(format!("add a matching `{}`", closer(open))),
    })
}

fn closer(open: u8) -> char {
    match open {
        b'{' => '}',
        b'[' => ']',
        _ => ')',
    }
}
