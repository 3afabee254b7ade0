//! Where the cursor is, as far as completion cares: read off the words before it in its item.
//!
//! The item being typed rarely parses, so this works on the forgiving lexer's words, not on
//! the syntax tree.

use writ_language::lexer::{LexKind, Lexeme};

/// What may be typed at the cursor.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(super) enum Position {
    /// Nothing sensible: inside a comment or a string, or where a new name is being declared.
    Nothing,
    /// The start of a new item.
    TopLevel,
    /// The start of a declaration in a `schema` block.
    SchemaDecl,
    /// After `target.`: attributes, fields and methods of the target (or an enum's members).
    Member { qualifier: String },
    /// An action name: after `on` in a rule (then patterns such as `fs.*` too), after
    /// `intent`; `prefix` is what was typed before the last dot.
    Action {
        prefix: Option<String>,
        patterns: bool,
    },
    /// A type: any type, or entity types only (parents, `by`, `on`, `is`, entity references).
    Type { entities_only: bool },
    /// A rule's name (`expect deny by ...`).
    Rule,
    /// `allow`, `deny` or `review` after `expect`.
    Decision,
    /// What a test gives: `entity`, `state`, `time`, `grant`.
    Given,
    /// A step of a test.
    TestStep,
    /// A module after `use`.
    Module { prefix: Option<String> },
    /// An attribute after `target has`.
    HasAttribute,
    /// An expression; `clauses` when a rule's clause keyword may start here.
    Expression { item: ItemHead, clauses: bool },
}

/// The kind of item the cursor is in, by its first word.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum ItemHead {
    Rule,
    Invariant,
    Helper,
    Test,
    /// In a `schema` block: expressions occur only in `effect` blocks.
    Schema,
}

pub(super) struct Context<'a> {
    text: &'a str,
    /// The item's words before the cursor's word, comments left out.
    before: Vec<Lexeme>,
    head: Option<&'a str>,
    word_start: usize,
}

impl<'a> Context<'a> {
    /// `lexemes` are the whole file's; `chunk` the item's range, if the cursor is in one.
    pub fn new(
        text: &'a str,
        lexemes: &[Lexeme],
        chunk: Option<std::ops::Range<usize>>,
        word_start: usize,
    ) -> Context<'a> {
        let chunk = chunk.unwrap_or(word_start..word_start);
        let before: Vec<Lexeme> = lexemes
            .iter()
            .filter(|l| {
                (l.span.start as usize) >= chunk.start
                    && (l.span.end as usize) <= word_start
                    && !matches!(l.kind, LexKind::Comment | LexKind::Doc)
            })
            .copied()
            .collect();
        let head = before
            .iter()
            .find(|l| l.kind == LexKind::Word)
            .map(|l| &text[l.span.range()]);
        Context {
            text,
            before,
            head,
            word_start,
        }
    }

    fn word(&self, l: &Lexeme) -> &'a str {
        &self.text[l.span.range()]
    }

    /// The text of the `n`th lexeme before the cursor's word (0: the last).
    fn prev(&self, n: usize) -> Option<&'a str> {
        self.before
            .len()
            .checked_sub(n + 1)
            .map(|i| self.word(&self.before[i]))
    }

    fn line_start(&self) -> usize {
        self.text[..self.word_start]
            .rfind('\n')
            .map_or(0, |n| n + 1)
    }

    /// Only white space before the word on its line.
    fn at_line_start(&self) -> bool {
        self.text[self.line_start()..self.word_start]
            .trim()
            .is_empty()
    }

    fn first_word_of_line(&self) -> Option<&'a str> {
        let start = self.line_start() as u32;
        self.before
            .iter()
            .find(|l| l.span.start >= start && l.kind == LexKind::Word)
            .map(|l| self.word(l))
    }

    /// The dotted name ending just before the cursor's word (`fs` in `fs.|`, `actor.owner`
    /// in `actor.owner.|`), and the index of the lexeme before it.
    fn qualifier(&self) -> (String, Option<usize>) {
        let mut i = self.before.len();
        let mut end = self.word_start as u32;
        let mut parts = Vec::new();
        while i > 0 {
            let l = &self.before[i - 1];
            if l.span.end != end || !matches!(l.kind, LexKind::Word | LexKind::Punct) {
                break;
            }
            let w = self.word(l);
            if l.kind == LexKind::Punct && w != "." {
                break;
            }
            parts.push(w);
            end = l.span.start;
            i -= 1;
        }
        parts.reverse();
        let joined = parts.concat();
        (
            joined.strip_suffix('.').unwrap_or(&joined).to_string(),
            i.checked_sub(1),
        )
    }

    /// In a rule, whether the cursor is still in its head (`allow name on ...`), before any
    /// clause.
    fn in_rule_head(&self) -> bool {
        !self.before.iter().any(|l| {
            matches!(
                self.word(l),
                "when" | "unless" | "because" | "approver" | "obligation"
            )
        })
    }

    fn has_word(&self, word: &str) -> bool {
        self.before.iter().any(|l| self.word(l) == word)
    }

    /// Inside `<...>` on the current line (a `Set<` or `Map<` being written).
    fn in_angle(&self) -> bool {
        let start = self.line_start() as u32;
        let mut depth = 0i32;
        for l in self.before.iter().filter(|l| l.span.start >= start) {
            match self.word(l) {
                "<" => depth += 1,
                ">" => depth -= 1,
                _ => {}
            }
        }
        depth > 0
    }

    /// The word before the innermost open `[` on the line (`in` in `entity A in [B, |`).
    fn list_opener(&self) -> Option<&'a str> {
        let start = self.line_start() as u32;
        let mut depth = 0i32;
        for (i, l) in self.before.iter().enumerate().rev() {
            if l.span.start < start {
                break;
            }
            match self.word(l) {
                "]" => depth += 1,
                "[" if depth == 0 => return i.checked_sub(1).map(|j| self.word(&self.before[j])),
                "[" => depth -= 1,
                _ => {}
            }
        }
        None
    }

    /// Inside an `effect { ... }` block of an action declaration.
    fn in_effect(&self) -> bool {
        let last_effect = self.before.iter().rposition(|l| self.word(l) == "effect");
        let Some(at) = last_effect else { return false };
        let mut depth = 0i32;
        for l in &self.before[at..] {
            match self.word(l) {
                "{" => depth += 1,
                "}" => depth -= 1,
                _ => {}
            }
        }
        depth > 0
    }

    pub fn position(&self, in_item: bool) -> Position {
        let at_margin = self.at_line_start() && self.line_start() == self.word_start;
        if !in_item || at_margin {
            return if self.at_line_start() {
                Position::TopLevel
            } else {
                Position::Nothing
            };
        }
        let prev = self.prev(0);
        if prev == Some(".")
            && self
                .before
                .last()
                .is_some_and(|l| l.span.end as usize == self.word_start)
        {
            return self.after_dot();
        }
        if prev == Some("has") {
            return Position::HasAttribute;
        }
        if prev == Some("is") {
            return Position::Type {
                entities_only: true,
            };
        }
        match self.head {
            Some("use") => Position::Module { prefix: None },
            Some("allow" | "deny" | "review") => {
                if self.in_rule_head() {
                    if self.has_word("on") {
                        Position::Action {
                            prefix: None,
                            patterns: true,
                        }
                    } else {
                        Position::Nothing
                    }
                } else {
                    Position::Expression {
                        item: ItemHead::Rule,
                        clauses: self.at_line_start(),
                    }
                }
            }
            Some("schema") => self.in_schema(prev),
            Some("fn") => {
                if matches!(prev, Some(":" | "->" | "<")) || (prev == Some(",") && self.in_angle())
                {
                    Position::Type {
                        entities_only: false,
                    }
                } else if self.has_word("{") {
                    Position::Expression {
                        item: ItemHead::Helper,
                        clauses: false,
                    }
                } else {
                    Position::Nothing
                }
            }
            Some("invariant") if self.has_word("{") => Position::Expression {
                item: ItemHead::Invariant,
                clauses: false,
            },
            Some("test") => self.in_test(prev),
            _ => Position::Nothing,
        }
    }

    fn after_dot(&self) -> Position {
        let (qualifier, before) = self.qualifier();
        let before = before.map(|i| self.word(&self.before[i]));
        let in_rule = matches!(self.head, Some("allow" | "deny" | "review"));
        if in_rule && self.in_rule_head() {
            return Position::Action {
                prefix: Some(qualifier),
                patterns: true,
            };
        }
        match (self.head, before) {
            (_, Some("intent")) => Position::Action {
                prefix: Some(qualifier),
                patterns: false,
            },
            // A name being declared.
            (_, Some("action")) => Position::Nothing,
            (Some("use"), _) => Position::Module {
                prefix: Some(qualifier),
            },
            _ => Position::Member { qualifier },
        }
    }

    fn in_schema(&self, prev: Option<&str>) -> Position {
        if self.in_effect() {
            return Position::Expression {
                item: ItemHead::Schema,
                clauses: false,
            };
        }
        let entities = Position::Type {
            entities_only: true,
        };
        match prev {
            Some(":" | "<" | "=") => Position::Type {
                entities_only: false,
            },
            Some(",") if self.in_angle() => Position::Type {
                entities_only: false,
            },
            Some("in" | "by" | "on" | "authority") => entities,
            Some("[" | ",") if matches!(self.list_opener(), Some("in" | "by" | "on")) => entities,
            _ if self.at_line_start() => Position::SchemaDecl,
            _ => Position::Nothing,
        }
    }

    fn in_test(&self, prev: Option<&str>) -> Position {
        if self.at_line_start() {
            return Position::TestStep;
        }
        let line = self.first_word_of_line();
        match (prev, line) {
            (Some("expect"), _) => Position::Decision,
            (Some("by"), Some("expect")) => Position::Rule,
            (Some("given"), _) => Position::Given,
            (Some("intent"), _) => Position::Action {
                prefix: None,
                patterns: false,
            },
            (Some("entity"), Some("given")) | (Some("by" | "on"), Some("intent")) => {
                Position::Type {
                    entities_only: true,
                }
            }
            _ if self.has_word("{") => Position::Expression {
                item: ItemHead::Test,
                clauses: false,
            },
            _ => Position::Nothing,
        }
    }

    /// Names bound where the cursor is: a helper's parameters and the variables of the
    /// quantifiers written before it (`any x in ...:`).
    pub fn locals(&self) -> Vec<&'a str> {
        let mut out = Vec::new();
        let words: Vec<&str> = self.before.iter().map(|l| self.word(l)).collect();
        if self.head == Some("fn") {
            let mut depth = 0;
            for (i, w) in words.iter().enumerate() {
                match *w {
                    "(" => depth += 1,
                    ")" => depth -= 1,
                    ":" if depth == 1 && i > 0 => out.push(words[i - 1]),
                    "{" => break,
                    _ => {}
                }
            }
        }
        for w in words.windows(3) {
            if matches!(w[0], "any" | "all") && w[2] == "in" {
                out.push(w[1]);
            }
        }
        out
    }
}
