//! From the syntax tree to a layout document, token by token.
//!
//! Every token the formatter prints is matched against the next token of the input (see
//! [`super::lexer`]); the comments written before that input token are placed just before it,
//! and a comment written after it on the same line is attached to the end of its line. The tree
//! is printed in source order, so a comment never changes places with code.

use super::doc::{Blank, Doc, forces_break};
use super::lexer::{LexComment, Lexed, Token};
use crate::ast::*;
use crate::lexer::LexKind;

/// The indentation step.
const INDENT: usize = 2;

enum Frame {
    Root,
    Group,
    Nest(usize),
}

pub(crate) struct Builder<'a> {
    src: &'a str,
    tokens: Vec<Token>,
    comments: Vec<LexComment>,
    /// The next input token to match.
    cursor: usize,
    /// The next comment to place.
    next_comment: usize,
    frames: Vec<(Frame, Vec<Doc>)>,
    /// Trailing comments waiting to be placed after whatever group the token before them closes.
    pending: Vec<Doc>,
    /// The first printed token that did not match the input: a bug in the formatter.
    mismatch: Option<String>,
}

impl<'a> Builder<'a> {
    pub(crate) fn new(src: &'a str, lexed: Lexed) -> Builder<'a> {
        Builder {
            src,
            tokens: lexed.tokens,
            comments: lexed.comments,
            cursor: 0,
            next_comment: 0,
            frames: vec![(Frame::Root, Vec::new())],
            pending: Vec::new(),
            mismatch: None,
        }
    }

    /// The document of the whole file, or what went wrong in matching it to the input.
    pub(crate) fn file(mut self, file: &SourceFile) -> Result<Vec<Doc>, String> {
        let mut previous: Option<&ItemKind> = None;
        for item in &file.items {
            if let Some(prev) = previous {
                let uses =
                    matches!(prev, ItemKind::Use(_)) && matches!(item.kind, ItemKind::Use(_));
                self.hard(if uses { Blank::Never } else { Blank::Always });
            }
            self.item(&item.kind);
            previous = Some(&item.kind);
        }
        if self.next_comment < self.comments.len() {
            self.hard(Blank::Preserve);
            self.flush_comments_before(u32::MAX);
        }
        self.flush_pending();
        if let Some(m) = self.mismatch {
            return Err(m);
        }
        if self.cursor < self.tokens.len() {
            let t = self.tokens[self.cursor];
            return Err(format!(
                "the token `{}` at byte {} was not printed",
                self.token_text(t),
                t.start
            ));
        }
        let (_, docs) = self.frames.pop().expect("root frame");
        Ok(docs)
    }

    // -----------------------------------------------------------------------------------------
    // Document primitives

    fn current(&mut self) -> &mut Vec<Doc> {
        &mut self.frames.last_mut().expect("a frame").1
    }

    fn flush_pending(&mut self) {
        if !self.pending.is_empty() {
            let pending = std::mem::take(&mut self.pending);
            self.current().extend(pending);
        }
    }

    fn push(&mut self, doc: Doc) {
        self.flush_pending();
        self.current().push(doc);
    }

    fn open(&mut self, frame: Frame) {
        self.flush_pending();
        self.frames.push((frame, Vec::new()));
    }

    /// Closes the innermost group or nest. A trailing comment right after its last token stays
    /// pending, so it lands after the group and does not force the group to break.
    fn close(&mut self) {
        let (frame, docs) = self.frames.pop().expect("an open frame");
        let doc = match frame {
            Frame::Group => Doc::Group {
                broken: forces_break(&docs),
                docs,
            },
            Frame::Nest(indent) => Doc::Nest { indent, docs },
            Frame::Root => unreachable!("the root frame is never closed"),
        };
        self.current().push(doc);
    }

    /// A group. The comments before its first token are placed before it: they must not force
    /// it to break.
    fn group(&mut self, f: impl FnOnce(&mut Self)) {
        if let Some(next) = self.tokens.get(self.cursor) {
            self.flush_comments_before(next.start);
        }
        self.open(Frame::Group);
        f(self);
        self.close();
    }

    fn nest(&mut self, f: impl FnOnce(&mut Self)) {
        self.open(Frame::Nest(INDENT));
        f(self);
        self.close();
    }

    /// Text that is not in the input (a space, an added comma).
    fn text(&mut self, text: &str) {
        self.push(Doc::Text {
            text: text.to_string(),
            src: None,
            blank_before: false,
        });
    }

    fn space(&mut self) {
        self.text(" ");
    }

    fn line(&mut self, flat: &'static str, blank: Blank) {
        self.push(Doc::Line {
            flat,
            hard: false,
            blank,
        });
    }

    fn hard(&mut self, blank: Blank) {
        self.push(Doc::Line {
            flat: "",
            hard: true,
            blank,
        });
    }

    fn if_break(&mut self, text: &'static str) {
        self.push(Doc::IfBreak(text));
    }

    // -----------------------------------------------------------------------------------------
    // Matching printed tokens to input tokens

    fn token_text(&self, t: Token) -> &'a str {
        &self.src[t.start as usize..t.end as usize]
    }

    fn peek_is(&self, text: &str) -> bool {
        self.tokens.get(self.cursor).is_some_and(|t| {
            matches!(t.kind, LexKind::Word | LexKind::Punct) && self.token_text(*t) == text
        })
    }

    fn peek_kind(&self, kind: LexKind) -> bool {
        self.tokens.get(self.cursor).is_some_and(|t| t.kind == kind)
    }

    fn flush_comments_before(&mut self, pos: u32) {
        while let Some(c) = self.comments.get(self.next_comment)
            && c.start < pos
        {
            let doc = Doc::Comment {
                text: c.text.clone(),
                src: c.start,
                own_line: c.own_line,
                blank_before: c.blank_before,
            };
            self.next_comment += 1;
            self.push(doc);
        }
    }

    /// Whether comments come before the next input token (at the end of a block).
    fn comments_before_next(&self) -> bool {
        self.comments.get(self.next_comment).is_some_and(|c| {
            self.tokens
                .get(self.cursor)
                .is_none_or(|t| c.start < t.start)
        })
    }

    /// Takes the next input token, placing the comments before it.
    fn consume(&mut self) -> Token {
        let t = self.tokens[self.cursor];
        self.flush_comments_before(t.start);
        self.cursor += 1;
        t
    }

    /// A comment on the same line after `t` (and before the next token) trails `t`.
    fn trailing_after(&mut self, t: Token) {
        if let Some(c) = self.comments.get(self.next_comment) {
            let before_next = self
                .tokens
                .get(self.cursor)
                .is_none_or(|n| c.start < n.start);
            if before_next && !self.src[t.end as usize..c.start as usize].contains('\n') {
                self.pending.push(Doc::Comment {
                    text: c.text.clone(),
                    src: c.start,
                    own_line: false,
                    blank_before: false,
                });
                self.next_comment += 1;
            }
        }
    }

    fn emit_matched(&mut self, text: String, t: Token) {
        self.push(Doc::Text {
            text,
            src: Some(t.start),
            blank_before: t.blank_before,
        });
        self.trailing_after(t);
    }

    fn mismatched(&mut self, text: &str) {
        if self.mismatch.is_none() {
            let found = match self.tokens.get(self.cursor) {
                Some(t) => format!("`{}` at byte {}", self.token_text(*t), t.start),
                None => "the end of the file".to_string(),
            };
            self.mismatch = Some(format!("printed `{text}` where the input has {found}"));
        }
    }

    /// A word or punctuation token that is in the input.
    fn tok(&mut self, text: &str) {
        if self.peek_is(text) {
            let t = self.consume();
            self.emit_matched(text.to_string(), t);
        } else {
            self.mismatched(text);
            self.text(text);
        }
    }

    /// A token that may be missing from the input (an optional comma); printed either way.
    fn opt_tok(&mut self, text: &str) {
        if self.peek_is(text) {
            let t = self.consume();
            self.emit_matched(text.to_string(), t);
        } else {
            self.text(text);
        }
    }

    /// A literal or doc comment, printed as `text` in place of the input's spelling.
    fn lit(&mut self, kind: LexKind, text: String) {
        if self.peek_kind(kind) {
            let t = self.consume();
            self.emit_matched(text, t);
        } else {
            self.mismatched(&text);
            self.text(&text);
        }
    }

    /// Skips an input token the canonical form leaves out (a trailing comma, a `;`, the brackets
    /// around a single name), keeping the comments around it.
    ///
    /// When the dropped token is on the line of the token before it, a comment after it stays at
    /// the end of that line. When it starts a line, the comments before it and a comment after it
    /// on its line wait for the next printed token, on lines of their own, as they would have
    /// without the token.
    fn drop_opt(&mut self, text: &str) {
        if !self.peek_is(text) {
            return;
        }
        let t = self.tokens[self.cursor];
        let previous_end = self.cursor.checked_sub(1).map_or(0, |i| self.tokens[i].end);
        self.cursor += 1;
        if !self.src[previous_end as usize..t.start as usize].contains('\n') {
            self.trailing_after(t);
            return;
        }
        let after = self.comments[self.next_comment..]
            .iter()
            .position(|c| c.start > t.start)
            .map(|i| self.next_comment + i);
        if let Some(i) = after {
            let c = &self.comments[i];
            let before_next = self
                .tokens
                .get(self.cursor)
                .is_none_or(|n| c.start < n.start);
            if before_next && !self.src[t.end as usize..c.start as usize].contains('\n') {
                self.comments[i].own_line = true;
            }
        }
    }

    /// Places the comments left before a closing token, inside the block they are written in.
    fn end_comments(&mut self, flat: &'static str, first: bool) {
        if self.comments_before_next() {
            self.line(flat, if first { Blank::Start } else { Blank::Preserve });
            let next = self.tokens.get(self.cursor).map_or(u32::MAX, |t| t.start);
            self.flush_comments_before(next);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Shared shapes

    fn docs(&mut self, docs: &Docs) {
        for line in &docs.lines {
            self.lit(LexKind::Doc, format!("///{line}"));
            self.hard(Blank::Never);
        }
    }

    fn string(&mut self, value: &str) {
        self.lit(LexKind::String, escape(value));
    }

    fn name(&mut self, ident: &Ident) {
        self.tok(&ident.name);
    }

    fn qual_name(&mut self, q: &QualName) {
        for (i, part) in q.parts.iter().enumerate() {
            if i > 0 {
                self.tok(".");
            }
            self.name(part);
        }
    }

    /// `{` items one per line `}`, or `{}` when empty: schema, test, and the like.
    fn block<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Self, &T)) {
        self.tok("{");
        if items.is_empty() && !self.comments_before_next() {
            self.tok("}");
            return;
        }
        self.nest(|b| {
            for (i, item) in items.iter().enumerate() {
                b.hard(if i == 0 {
                    Blank::Start
                } else {
                    Blank::Preserve
                });
                each(b, item);
            }
            b.end_comments("", items.is_empty());
        });
        self.hard(Blank::Never);
        self.tok("}");
    }

    /// A bracketed, comma-separated list: on one line when it fits (`pad` inside the brackets),
    /// else one item per line, each followed by a comma.
    #[allow(clippy::too_many_arguments)]
    fn list<T>(
        &mut self,
        open: &str,
        items: &[T],
        close: &str,
        pad: &'static str,
        optional_commas: bool,
        blank: Blank,
        mut each: impl FnMut(&mut Self, &T),
    ) {
        self.group(|b| {
            b.tok(open);
            if items.is_empty() && !b.comments_before_next() {
                b.tok(close);
                return;
            }
            b.nest(|b| {
                for (i, item) in items.iter().enumerate() {
                    if i == 0 {
                        b.line(pad, Blank::Start);
                    } else {
                        if optional_commas {
                            b.opt_tok(",");
                        } else {
                            b.tok(",");
                        }
                        b.line(" ", blank);
                    }
                    each(b, item);
                }
                if !items.is_empty() {
                    b.drop_opt(",");
                    b.if_break(",");
                }
                b.end_comments(pad, items.is_empty());
            });
            b.line(pad, Blank::Never);
            b.tok(close);
        });
    }

    /// Entity parents and action actors or resources: `A` or `[A, B]`.
    fn ident_list(&mut self, idents: &[Ident]) {
        if let [single] = idents {
            self.drop_opt("[");
            self.name(single);
            self.drop_opt(",");
            self.drop_opt("]");
        } else {
            self.list("[", idents, "]", "", false, Blank::Never, |b, i| b.name(i));
        }
    }

    // -----------------------------------------------------------------------------------------
    // Items

    fn item(&mut self, item: &ItemKind) {
        match item {
            ItemKind::Use(u) => {
                self.docs(&u.docs);
                self.tok("use");
                self.space();
                self.qual_name(&u.path);
            }
            ItemKind::Schema(s) => {
                self.docs(&s.docs);
                self.tok("schema");
                self.space();
                self.block(&s.decls, |b, d| b.schema_decl(d));
            }
            ItemKind::Rule(r) => self.rule(r),
            // `format` refuses files with syntax errors, so it never meets a broken item.
            ItemKind::Broken(_) => {}
            ItemKind::Invariant(i) => {
                self.docs(&i.docs);
                self.tok("invariant");
                self.space();
                self.name(&i.name);
                if let Some(d) = &i.description {
                    self.space();
                    self.string(&d.value);
                }
                self.space();
                self.body(&i.body);
            }
            ItemKind::Function(f) => {
                self.docs(&f.docs);
                self.tok("fn");
                self.space();
                self.name(&f.name);
                self.list("(", &f.params, ")", "", false, Blank::Never, |b, p| {
                    b.name(&p.name);
                    b.tok(":");
                    b.space();
                    b.type_expr(&p.ty);
                });
                self.space();
                self.tok("->");
                self.space();
                self.type_expr(&f.ret);
                self.space();
                self.body(&f.body);
            }
            ItemKind::Test(t) => {
                self.docs(&t.docs);
                self.tok("test");
                self.space();
                self.string(&t.name.value);
                self.space();
                self.block(&t.steps, |b, s| b.test_step(s));
            }
        }
    }

    /// `{`, the expression indented on its own line, `}`.
    fn body(&mut self, body: &Expr) {
        self.tok("{");
        self.nest(|b| {
            b.hard(Blank::Start);
            b.expr(body);
            b.end_comments("", false);
        });
        self.hard(Blank::Never);
        self.tok("}");
    }

    fn rule(&mut self, r: &Rule) {
        self.docs(&r.docs);
        self.tok(r.effect.as_str());
        self.space();
        self.name(&r.name);
        self.space();
        self.tok("on");
        self.space();
        if r.actions_bracketed {
            self.list("[", &r.actions, "]", "", false, Blank::Never, |b, p| {
                b.action_pattern(p);
            });
        } else {
            for p in &r.actions {
                self.action_pattern(p);
            }
        }
        self.nest(|b| {
            for (i, clause) in r.clauses.iter().enumerate() {
                b.hard(if i == 0 {
                    Blank::Start
                } else {
                    Blank::Preserve
                });
                b.tok(clause.kind.keyword());
                b.space();
                match &clause.kind {
                    ClauseKind::When(e)
                    | ClauseKind::Unless(e)
                    | ClauseKind::Approver(e)
                    | ClauseKind::Obligation(e) => b.expr(e),
                    ClauseKind::Because(s) => b.string(&s.value),
                }
            }
        });
    }

    fn action_pattern(&mut self, p: &ActionPattern) {
        match p {
            ActionPattern::Exact(q) => self.qual_name(q),
            ActionPattern::Prefix(q, _) => {
                self.qual_name(q);
                self.tok(".");
                self.tok("*");
            }
            ActionPattern::Any(_) => self.tok("*"),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Schema

    fn schema_decl(&mut self, d: &SchemaDecl) {
        match d {
            // As for items: a file with a broken declaration is never formatted.
            SchemaDecl::Broken(..) => {}
            SchemaDecl::Authority(a) => {
                self.docs(&a.docs);
                self.tok("authority");
                self.space();
                self.name(&a.ty);
                if let Some(id) = &a.id {
                    self.tok("::");
                    self.string(&id.value);
                }
            }
            SchemaDecl::Entity(e) => {
                self.docs(&e.docs);
                self.tok("entity");
                self.space();
                self.name(&e.name);
                if !e.parents.is_empty() {
                    self.space();
                    self.tok("in");
                    self.space();
                    self.ident_list(&e.parents);
                }
                if e.braces {
                    self.space();
                    self.attr_block(&e.attrs);
                }
            }
            SchemaDecl::Enum(e) => {
                self.docs(&e.docs);
                self.tok("enum");
                self.space();
                self.name(&e.name);
                self.space();
                self.list("{", &e.members, "}", " ", true, Blank::Preserve, |b, m| {
                    b.docs(&m.docs);
                    b.name(&m.name);
                });
            }
            SchemaDecl::Type(t) => {
                self.docs(&t.docs);
                self.tok("type");
                self.space();
                self.name(&t.name);
                self.space();
                self.tok("=");
                self.space();
                self.type_expr(&t.ty);
            }
            SchemaDecl::Action(a) => {
                self.docs(&a.docs);
                self.tok("action");
                self.space();
                self.qual_name(&a.name);
                if !a.actors.is_empty() {
                    self.space();
                    self.tok("by");
                    self.space();
                    self.ident_list(&a.actors);
                }
                if !a.resources.is_empty() {
                    self.space();
                    self.tok("on");
                    self.space();
                    self.ident_list(&a.resources);
                }
                if a.args_braces {
                    self.space();
                    self.attr_block(&a.args);
                }
                if let Some(effect) = &a.effect {
                    self.nest(|b| {
                        b.hard(Blank::Never);
                        b.effect(effect);
                    });
                }
            }
            SchemaDecl::State(s) => {
                self.docs(&s.docs);
                self.tok("state");
                self.space();
                self.attr_block(&s.fields);
            }
        }
    }

    fn attr_block(&mut self, attrs: &[AttrDecl]) {
        self.list("{", attrs, "}", " ", true, Blank::Preserve, |b, a| {
            b.attr_decl(a);
        });
    }

    fn attr_decl(&mut self, a: &AttrDecl) {
        self.docs(&a.docs);
        if a.quoted {
            self.string(&a.name.name);
        } else {
            self.name(&a.name);
        }
        if a.optional {
            self.tok("?");
        }
        self.tok(":");
        self.space();
        self.type_expr(&a.ty);
    }

    fn type_expr(&mut self, t: &TypeExpr) {
        match &t.kind {
            TypeExprKind::Named(name) => self.name(name),
            TypeExprKind::Set(element) => {
                self.tok("Set");
                self.tok("<");
                self.type_expr(element);
                self.tok(">");
            }
            TypeExprKind::Map(key, value) => {
                self.tok("Map");
                self.tok("<");
                self.type_expr(key);
                self.tok(",");
                self.space();
                self.type_expr(value);
                self.tok(">");
            }
            TypeExprKind::Record(attrs) => self.attr_block(attrs),
        }
    }

    fn effect(&mut self, effect: &EffectBlock) {
        self.tok("effect");
        self.space();
        let assignments = &effect.assignments;
        self.group(|b| {
            b.tok("{");
            if assignments.is_empty() && !b.comments_before_next() {
                b.tok("}");
                return;
            }
            b.nest(|b| {
                for (i, a) in assignments.iter().enumerate() {
                    if i == 0 {
                        b.line(" ", Blank::Start);
                    } else {
                        b.hard(Blank::Preserve);
                    }
                    b.expr(&a.target);
                    b.space();
                    b.tok(a.op.as_str());
                    b.space();
                    b.expr(&a.value);
                    // Without a separator, a next target starting with `(` or `[` would read
                    // as a call or an index of this value.
                    let glued = assignments
                        .get(i + 1)
                        .is_some_and(|next| starts_with_bracket(&next.target));
                    if glued {
                        b.opt_tok(";");
                    } else {
                        b.drop_opt(";");
                    }
                }
                b.end_comments(" ", assignments.is_empty());
            });
            b.line(" ", Blank::Never);
            b.tok("}");
        });
    }

    // -----------------------------------------------------------------------------------------
    // Tests

    fn test_step(&mut self, step: &TestStep) {
        match &step.kind {
            TestStepKind::GivenFile(s) => {
                self.tok("given");
                self.space();
                self.string(&s.value);
            }
            TestStepKind::GivenEntity {
                uid,
                attrs,
                parents,
            } => {
                self.tok("given");
                self.space();
                self.tok("entity");
                self.space();
                self.expr(uid);
                if let Some(attrs) = attrs {
                    self.space();
                    self.expr(attrs);
                }
                if let Some(parents) = parents {
                    self.space();
                    self.tok("in");
                    self.space();
                    self.expr(parents);
                }
            }
            TestStepKind::GivenState(e) => self.given("state", e),
            TestStepKind::GivenTime(e) => self.given("time", e),
            TestStepKind::GivenGrant(e) => self.given("grant", e),
            TestStepKind::Intent {
                action,
                actor,
                resource,
                args,
            } => {
                self.tok("intent");
                self.space();
                self.qual_name(action);
                self.space();
                self.tok("by");
                self.space();
                self.expr(actor);
                if let Some(resource) = resource {
                    self.space();
                    self.tok("on");
                    self.space();
                    self.expr(resource);
                }
                if let Some(args) = args {
                    self.space();
                    self.expr(args);
                }
            }
            TestStepKind::Expect { decision, rule, .. } => {
                self.tok("expect");
                self.space();
                self.tok(decision.as_str());
                if let Some(rule) = rule {
                    self.space();
                    self.tok("by");
                    self.space();
                    self.name(rule);
                }
            }
        }
    }

    fn given(&mut self, what: &str, e: &Expr) {
        self.tok("given");
        self.space();
        self.tok(what);
        self.space();
        self.expr(e);
    }

    // -----------------------------------------------------------------------------------------
    // Expressions

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Bool(v) => self.tok(if *v { "true" } else { "false" }),
            ExprKind::Int(v) => {
                if *v < 0 {
                    self.tok("-");
                }
                self.lit(LexKind::Number, v.unsigned_abs().to_string());
            }
            ExprKind::Decimal(text) | ExprKind::Duration(text) => match text.strip_prefix('-') {
                // A negative decimal literal is written as `-` and a number, like an integer.
                Some(digits) => {
                    self.tok("-");
                    self.lit(LexKind::Number, digits.to_string());
                }
                None => self.lit(LexKind::Number, text.clone()),
            },
            ExprKind::Datetime(text) => self.lit(LexKind::Datetime, format!("@{text}")),
            ExprKind::Str(value) => self.string(value),
            ExprKind::Entity { ty, id } => {
                self.name(ty);
                self.tok("::");
                self.string(&id.value);
            }
            ExprKind::Name(name) => self.name(name),
            ExprKind::Field { target, name } => {
                self.expr(target);
                self.tok(".");
                self.name(name);
            }
            ExprKind::Index { target, index } => {
                self.expr(target);
                self.tok("[");
                self.expr(index);
                self.tok("]");
            }
            ExprKind::Call { callee, args } => {
                self.name(callee);
                self.args(args);
            }
            ExprKind::Method { target, name, args } => {
                self.expr(target);
                self.tok(".");
                self.name(name);
                self.args(args);
            }
            ExprKind::Unary { op, operand, .. } => {
                self.tok(op.as_str());
                self.expr(operand);
            }
            ExprKind::Binary {
                op: BinaryOp::And | BinaryOp::Or,
                ..
            } => self.group(|b| b.nest(|b| b.chain(e))),
            ExprKind::Binary { op, lhs, rhs, .. } => {
                if is_literal_collection(rhs) {
                    // `x in [` keeps the collection on the line, breaking inside it.
                    self.expr(lhs);
                    self.space();
                    self.tok(op.as_str());
                    self.space();
                    self.expr(rhs);
                } else {
                    self.group(|b| b.nest(|b| b.operators(e)));
                }
            }
            ExprKind::Has { target, path } => {
                self.expr(target);
                self.space();
                self.tok("has");
                self.space();
                for (i, part) in path.iter().enumerate() {
                    if i > 0 {
                        self.tok(".");
                    }
                    self.attr_name(part);
                }
            }
            ExprKind::Like { target, pattern } => {
                self.expr(target);
                self.space();
                self.tok("like");
                self.space();
                self.lit(LexKind::String, escape_like(pattern));
            }
            ExprKind::Is { target, ty, within } => {
                self.expr(target);
                self.space();
                self.tok("is");
                self.space();
                self.name(ty);
                if let Some(within) = within {
                    self.space();
                    self.tok("in");
                    self.space();
                    self.expr(within);
                }
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => self.group(|b| {
                b.tok("if");
                b.space();
                b.expr(cond);
                b.nest(|b| {
                    b.line(" ", Blank::Never);
                    b.tok("then");
                    b.space();
                    b.expr(then);
                    b.line(" ", Blank::Never);
                    b.tok("else");
                    b.space();
                    b.expr(otherwise);
                });
            }),
            ExprKind::Quantifier {
                kind,
                var,
                collection,
                body,
            } => self.group(|b| {
                b.tok(kind.as_str());
                b.space();
                b.name(var);
                b.space();
                b.tok("in");
                b.space();
                b.expr(collection);
                b.tok(":");
                b.nest(|b| {
                    b.line(" ", Blank::Never);
                    b.expr(body);
                });
            }),
            ExprKind::Set(items) => {
                self.list("[", items, "]", "", false, Blank::Never, |b, e| b.expr(e));
            }
            ExprKind::Record(fields) => {
                self.list("{", fields, "}", " ", false, Blank::Never, |b, f| {
                    b.attr_name(&f.name);
                    b.tok(":");
                    b.space();
                    b.expr(&f.value);
                });
            }
            ExprKind::Map(entries) => {
                if entries.is_empty() {
                    self.tok("{");
                    self.tok("=>");
                    self.tok("}");
                } else {
                    self.list("{", entries, "}", " ", false, Blank::Never, |b, (k, v)| {
                        b.expr(k);
                        b.space();
                        b.tok("=>");
                        b.space();
                        b.expr(v);
                    });
                }
            }
            ExprKind::Paren(inner) => {
                if is_chain(inner) {
                    self.group(|b| {
                        b.tok("(");
                        b.nest(|b| {
                            b.line("", Blank::Never);
                            b.chain(inner);
                            b.end_comments("", false);
                        });
                        b.line("", Blank::Never);
                        b.tok(")");
                    });
                } else {
                    self.tok("(");
                    self.expr(inner);
                    self.tok(")");
                }
            }
        }
    }

    /// The operands of a `&&` or `||` chain, the operator leading each continuation line. An
    /// operand that is a chain of the other operator is a group of its own, indented further.
    fn chain(&mut self, e: &Expr) {
        let ExprKind::Binary { op, .. } = &e.kind else {
            self.expr(e);
            return;
        };
        let mut operands = Vec::new();
        let mut rest = e;
        while let ExprKind::Binary {
            op: o, lhs, rhs, ..
        } = &rest.kind
            && o == op
        {
            operands.push(rhs.as_ref());
            rest = lhs;
        }
        operands.push(rest);
        operands.reverse();
        for (i, operand) in operands.into_iter().enumerate() {
            if i > 0 {
                self.line(" ", Blank::Never);
                self.tok(op.as_str());
                self.space();
            }
            self.expr(operand);
        }
    }

    /// A chain of arithmetic operators of one precedence (or one relation), breaking before
    /// each operator when it does not fit.
    fn operators(&mut self, e: &Expr) {
        let ExprKind::Binary { op, .. } = &e.kind else {
            self.expr(e);
            return;
        };
        let level = op.precedence();
        let mut operands = Vec::new();
        let mut rest = e;
        while let ExprKind::Binary { op, lhs, rhs, .. } = &rest.kind
            && op.precedence() == level
            && !is_chain(rest)
        {
            operands.push((Some(*op), rhs.as_ref()));
            rest = lhs;
        }
        operands.push((None, rest));
        operands.reverse();
        for (op, operand) in operands {
            if let Some(op) = op {
                self.line(" ", Blank::Never);
                self.tok(op.as_str());
                self.space();
            }
            self.expr(operand);
        }
    }

    fn args(&mut self, args: &[Expr]) {
        self.list("(", args, ")", "", false, Blank::Never, |b, e| b.expr(e));
    }

    fn attr_name(&mut self, name: &AttrName) {
        if name.quoted {
            self.string(&name.name);
        } else {
            self.tok(&name.name);
        }
    }
}

fn is_chain(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Binary {
            op: BinaryOp::And | BinaryOp::Or,
            ..
        }
    )
}

fn is_literal_collection(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Set(_) | ExprKind::Record(_) | ExprKind::Map(_)
    )
}

/// Whether the expression's first token is `(` or `[`.
fn starts_with_bracket(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Paren(_) | ExprKind::Set(_) => true,
        ExprKind::Field { target, .. }
        | ExprKind::Index { target, .. }
        | ExprKind::Method { target, .. }
        | ExprKind::Has { target, .. }
        | ExprKind::Like { target, .. }
        | ExprKind::Is { target, .. } => starts_with_bracket(target),
        ExprKind::Binary { lhs, .. } => starts_with_bracket(lhs),
        _ => false,
    }
}

/// A string literal that parses back to `value`.
pub(crate) fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    escape_into(&mut out, value, false);
    out.push('"');
    out
}

/// A `like` pattern: wildcards as `*`, stars in literal text as `\*`.
pub(crate) fn escape_like(pattern: &LikePattern) -> String {
    let mut out = String::from("\"");
    for part in &pattern.parts {
        match part {
            LikePart::Literal(text) => escape_into(&mut out, text, true),
            LikePart::Wildcard => out.push('*'),
        }
    }
    out.push('"');
    out
}

fn escape_into(out: &mut String, value: &str, star: bool) {
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '*' if star => out.push_str("\\*"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
}
