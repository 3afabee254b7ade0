//! From text to syntax tree, item by item.

use pest::Parser as _;
use pest::iterators::Pair;

use crate::ast::*;
use crate::errors::{SyntaxError, syntax_error_from_pest};
use crate::split::{
    self, is_doc_line, is_trivia, matching_brace, schema_decl_start, top_level_start,
};

#[derive(pest_derive::Parser)]
#[grammar = "writ.pest"]
pub(crate) struct WritParser;

/// Parses a whole file. Never fails: syntax errors are collected in `SourceFile::errors`, and
/// every item that parsed is in `SourceFile::items`.
pub fn parse(src: &str) -> SourceFile {
    let outline = outline(src);
    let mut file = SourceFile {
        comments: outline.comments,
        errors: outline.errors,
        items: Vec::new(),
    };
    for chunk in outline.chunks {
        let parsed = parse_chunk(&src[chunk.clone()]);
        file.errors.extend(parsed.errors.into_iter().map(|mut e| {
            e.span = e.span.shift(chunk.start as u32);
            e
        }));
        if let Some(mut item) = parsed.item {
            item.offset = chunk.start as u32;
            file.items.push(item);
        }
    }
    file
}

/// A file cut into the text of its items, before any item is parsed.
#[derive(Clone, Debug, Default)]
pub struct Outline {
    /// Each item's text, in order; together with trivia they cover the file.
    pub chunks: Vec<std::ops::Range<usize>>,
    /// Plain `//` comments, with absolute spans.
    pub comments: Vec<Comment>,
    /// Text before the first item that is not one.
    pub errors: Vec<SyntaxError>,
}

pub fn outline(src: &str) -> Outline {
    let scan = split::scan(src, 0, src.len(), top_level_start);
    let mut errors = Vec::new();
    leading_garbage(
        src,
        0,
        scan.starts.first().copied().unwrap_or(src.len()),
        &mut errors,
    );
    let mut bounds = scan.starts.clone();
    bounds.push(src.len());
    Outline {
        chunks: bounds.windows(2).map(|b| b[0]..b[1]).collect(),
        comments: scan.comments,
        errors,
    }
}

/// One item parsed on its own: the item's `offset` is 0 and every position, errors' included,
/// is measured from the start of `chunk`. Parsing items separately is what lets an editor
/// re-parse only the item that changed.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ParsedChunk {
    pub item: Option<Item>,
    pub errors: Vec<SyntaxError>,
}

pub fn parse_chunk(chunk: &str) -> ParsedChunk {
    let mut errors = Vec::new();
    let is_schema = chunk
        .lines()
        .find(|l| !is_doc_line(l.trim_start()))
        .is_some_and(|l| l.trim_start().starts_with("schema"));
    let item = if is_schema {
        parse_schema_item(chunk, 0, chunk.len(), &mut errors)
    } else {
        parse_item(chunk, 0, &mut errors)
    };
    ParsedChunk { item, errors }
}

/// Parses one expression, e.g. for an editor's hover or a command-line query.
pub fn parse_expr(src: &str) -> Result<Expr, SyntaxError> {
    match run_pest(Rule::expr_chunk, src) {
        Ok(mut pairs) => {
            let chunk = pairs.next().expect("expr_chunk matched");
            let mut errors = Vec::new();
            let mut builder = Builder::new(0, &mut errors);
            let expr = builder.expr(chunk.into_inner().next().expect("expr"));
            builder.finish();
            match errors.into_iter().next() {
                Some(error) => Err(error),
                None => Ok(expr),
            }
        }
        Err(e) => Err(syntax_error_from_pest(src, 0, e)),
    }
}

/// Runs pest on one chunk. pest's detailed error tracking (what was expected where) costs
/// about half of all parsing time, so it is switched on only to explain a chunk that failed.
fn run_pest(
    rule: Rule,
    text: &str,
) -> Result<pest::iterators::Pairs<'_, Rule>, pest::error::Error<Rule>> {
    WritParser::parse(rule, text).or_else(|_| {
        // The setting is global to the process: one detailed parse at a time, so that no
        // thread switches it off under another.
        static DETAIL: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _guard = DETAIL.lock().unwrap_or_else(|e| e.into_inner());
        pest::set_error_detail(true);
        let result = WritParser::parse(rule, text);
        pest::set_error_detail(false);
        result
    })
}

fn broken_item(chunk: &str, offset: usize) -> Item {
    Item {
        offset: offset as u32,
        kind: ItemKind::Broken(broken(chunk, 0)),
        span: Span::new(0, chunk.trim_end().len() as u32),
    }
}

/// Reads the keyword and the name of an item or declaration that did not parse: the first word
/// after any doc comments, and the name (or, for a test, the string) after it.
fn broken(chunk: &str, base: u32) -> Broken {
    let mut rest = chunk;
    loop {
        let trimmed = rest.trim_start();
        if trimmed.starts_with("//") {
            rest = trimmed.find('\n').map_or("", |n| &trimmed[n..]);
        } else {
            rest = trimmed;
            break;
        }
    }
    let word = |text: &str, dotted: bool| -> usize {
        text.char_indices()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || (dotted && *c == '.')))
            .map_or(text.len(), |(i, _)| i)
    };
    let keyword_len = word(rest, false);
    let keyword = rest[..keyword_len].to_string();
    let after = &rest[keyword_len..];
    let gap = after.len() - after.trim_start_matches([' ', '\t']).len();
    let name_text = &after[gap..];
    let name_start = (chunk.len() - name_text.len()) as u32 + base;
    let name = if keyword == "test" {
        name_text.strip_prefix('"').and_then(|t| {
            let end = t.find(['"', '\n'])?;
            (t.as_bytes().get(end) == Some(&b'"')).then(|| Ident {
                name: t[..end].to_string(),
                span: Span::new(name_start, name_start + end as u32 + 2),
            })
        })
    } else {
        let len = word(name_text, keyword == "action" || keyword == "use");
        let text = name_text[..len].trim_end_matches('.');
        (!text.is_empty() && !text.starts_with(|c: char| c.is_ascii_digit())).then(|| Ident {
            name: text.to_string(),
            span: Span::new(name_start, name_start + text.len() as u32),
        })
    };
    Broken { keyword, name }
}

fn leading_garbage(src: &str, start: usize, end: usize, errors: &mut Vec<SyntaxError>) {
    let Some((span, found)) = first_token(src, start, end) else {
        return;
    };
    if let Some(e) = crate::errors::keyword_after_item_keyword(src, span.start as usize, 0) {
        errors.push(e);
        return;
    }
    errors.push(SyntaxError {
        code: "E0001",
        message: format!("expected an item, found `{found}`"),
        span,
        label: "expected `schema`, `allow`, `review`, `deny`, `invariant`, `fn`, `test` or `use`"
            .to_string(),
        help: crate::errors::help_for(found, &[]),
    });
}

/// The first token of `src[start..end]` after whitespace and comments, if there is one: a word,
/// or whatever runs up to the next space.
fn first_token(src: &str, start: usize, end: usize) -> Option<(Span, &str)> {
    let text = &src[start..end];
    if is_trivia(text) {
        return None;
    }
    let mut at = 0;
    loop {
        let rest = &text[at..];
        let trimmed = rest.trim_start();
        at += rest.len() - trimmed.len();
        if trimmed.starts_with("//") {
            at += trimmed.find('\n').unwrap_or(trimmed.len());
        } else {
            break;
        }
    }
    let rest = &text[at..];
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let len = if rest.starts_with(is_word) {
        rest.find(|c: char| !is_word(c)).unwrap_or(rest.len())
    } else {
        rest.find(char::is_whitespace).unwrap_or(rest.len())
    };
    let found = &rest[..len];
    Some((
        Span::new((start + at) as u32, (start + at + len) as u32),
        found,
    ))
}

fn parse_item(chunk: &str, offset: usize, errors: &mut Vec<SyntaxError>) -> Option<Item> {
    match run_pest(Rule::item_chunk, chunk) {
        Ok(mut pairs) => {
            let chunk_pair = pairs.next()?;
            let item_pair = chunk_pair.into_inner().next()?;
            let first_error = errors.len();
            let mut builder = Builder::new(0, errors);
            let span = builder.span(&item_pair);
            let kind = builder.item(item_pair);
            builder.finish();
            let too_deep = builder.too_deep;
            // The builder measures from the start of the item; syntax errors are absolute.
            shift_errors(&mut errors[first_error..], offset);
            let Some(kind) = kind.filter(|_| !too_deep) else {
                return Some(broken_item(chunk, offset));
            };
            Some(Item {
                offset: offset as u32,
                kind,
                span,
            })
        }
        Err(e) => {
            let error = syntax_error_from_pest(chunk, offset, e);
            // A line that starts at the margin and cannot continue the item is not part of it
            // (a stray line between two items, `permit (...)` pasted after a `use`): the item
            // before it still counts, so that its loss does not cascade.
            let at = (error.span.start as usize).saturating_sub(offset);
            let complete_before = error.code == "E0001"
                && at > 0
                && at < chunk.len()
                && chunk[..at].ends_with('\n')
                && WritParser::parse(Rule::item_chunk, &chunk[..at]).is_ok();
            errors.push(error);
            if complete_before {
                parse_item(&chunk[..at], offset, errors)
            } else {
                Some(broken_item(chunk, offset))
            }
        }
    }
}

/// A schema block is parsed declaration by declaration, so one broken declaration costs only
/// itself.
fn parse_schema_item(
    src: &str,
    start: usize,
    end: usize,
    errors: &mut Vec<SyntaxError>,
) -> Option<Item> {
    let chunk = &src[start..end];
    let head = match run_pest(Rule::schema_head_chunk, chunk) {
        Ok(mut pairs) => pairs.next()?,
        Err(e) => {
            errors.push(syntax_error_from_pest(chunk, start, e));
            return None;
        }
    };
    let open = start + head.as_span().end() - 1;
    let mut inner = head.into_inner();
    let builder = Builder::new(0, errors);
    let docs = builder.docs(inner.next()?);
    let keyword = builder.span(&inner.next()?);
    // A declaration inside may have left a bracket open (`{ bytes: Int` without its `}`): the
    // schema's own `}` is then the one alone at the margin, where the formatter puts it.
    let close = matching_brace(src, open)
        .filter(|&c| c <= end)
        .or_else(|| margin_brace(src, open + 1, end));
    let body_end = match close {
        Some(c) => c - 1,
        None => {
            builder.errors.push(SyntaxError {
                code: "E0004",
                message: "unclosed `{` of this schema block".to_string(),
                span: Span::new(open as u32, open as u32 + 1),
                label: "this `{` is never closed".to_string(),
                help: Some("add a `}` after the last declaration".to_string()),
            });
            end
        }
    };
    let mut decls = Vec::new();
    let scan = split::scan(src, open + 1, body_end, schema_decl_start);
    match scan.starts.first() {
        Some(&first) => decl_garbage(src, open + 1, first, builder.errors),
        None => decl_garbage(src, open + 1, body_end, builder.errors),
    }
    let mut bounds = scan.starts.clone();
    bounds.push(body_end);
    for pair in bounds.windows(2) {
        let text = &src[pair[0]..pair[1]];
        match run_pest(Rule::schema_decl_chunk, text) {
            Ok(mut pairs) => {
                let Some(decl) = pairs.next().and_then(|p| p.into_inner().next()) else {
                    continue;
                };
                let first_error = builder.errors.len();
                let mut decl_builder = Builder::new((pair[0] - start) as u32, builder.errors);
                let decl = decl_builder.schema_decl(decl);
                decl_builder.finish();
                let too_deep = decl_builder.too_deep;
                // The builder measures from the start of the schema item; errors are absolute.
                shift_errors(&mut builder.errors[first_error..], start);
                if let Some(decl) = decl
                    && !too_deep
                {
                    decls.push(decl);
                }
            }
            Err(e) => {
                builder
                    .errors
                    .push(syntax_error_from_pest(text, pair[0], e));
                let base = (pair[0] - start) as u32;
                let span = Span::new(base, base + text.trim_end().len() as u32);
                decls.push(SchemaDecl::Broken(broken(text, base), span));
            }
        }
    }
    let item_end = match close {
        Some(c) => {
            let trailing = &src[c..end];
            if !is_trivia(trailing) {
                let lead = trailing.len() - trailing.trim_start().len();
                let found: String = trailing[lead..]
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                builder.errors.push(SyntaxError {
                    code: "E0001",
                    message: format!("expected an item, found `{found}`"),
                    span: Span::new((c + lead) as u32, (c + lead + found.len()) as u32),
                    label: "unexpected after the schema block".to_string(),
                    help: None,
                });
            }
            c
        }
        None => end,
    };
    Some(Item {
        offset: start as u32,
        kind: ItemKind::Schema(Schema {
            docs,
            decls,
            keyword,
        }),
        span: Span::new(0, (item_end - start) as u32),
    })
}

/// Where a pair's last token ends. pest keeps the whitespace and comments it skipped before an
/// optional or repeated part that then did not match (`approver actor.ring > 1` followed by a
/// blank line, `intent ... on File::"f"` without arguments); this leaves them out, so that no
/// span runs on into the next line.
fn tight_end(pair: &P) -> usize {
    let span = pair.as_span();
    let end = span.end();
    // Fast path: trailing whitespace is always skipped trivia, since no token ends in it; only a
    // trailing comment needs the careful walk below.
    let trimmed = span.as_str().trim_end();
    let last_line = &trimmed[trimmed.rfind('\n').map_or(0, |i| i + 1)..];
    if !last_line.contains("//") {
        return span.start() + trimmed.len();
    }
    let Some(last) = pair.clone().into_inner().last() else {
        return end;
    };
    let inner_end = tight_end(&last);
    let tail = &pair.get_input()[inner_end..end];
    if is_trivia(tail) { inner_end } else { end }
}

/// The position just past the last `}` that stands alone at the start of a line.
fn margin_brace(src: &str, from: usize, to: usize) -> Option<usize> {
    let mut found = None;
    let mut line_start = from;
    for line in src[from..to].split_inclusive('\n') {
        if line.starts_with('}') && line[1..].trim().is_empty() {
            found = Some(line_start + 1);
        }
        line_start += line.len();
    }
    found
}

fn shift_errors(errors: &mut [SyntaxError], offset: usize) {
    for e in errors {
        e.span = e.span.shift(offset as u32);
    }
}

fn decl_garbage(src: &str, start: usize, end: usize, errors: &mut Vec<SyntaxError>) {
    let Some((span, found)) = first_token(src, start, end) else {
        return;
    };
    errors.push(SyntaxError {
        code: "E0001",
        message: format!("expected a declaration, found `{found}`"),
        span,
        label: "expected `entity`, `enum`, `type`, `action` or `state`".to_string(),
        help: None,
    });
}

/// Turns pest pairs into tree nodes. `base` is added to every span, so that declarations parsed
/// from the middle of an item get spans relative to the item.
struct Builder<'e> {
    base: u32,
    errors: &'e mut Vec<SyntaxError>,
    /// How deep the expression being built is, counting every operand of a chain as a level:
    /// every later pass recurses over the tree, so its depth is bounded here, once.
    depth: usize,
    too_deep: bool,
    /// Keywords found where a name was expected; collected here because names are built
    /// through shared references.
    misused_keywords: std::cell::RefCell<Vec<SyntaxError>>,
}

/// The deepest expression tree accepted. Generous for people, small enough that recursive
/// passes (checking, lowering, formatting, dropping) never exhaust a thread's stack.
pub const MAX_EXPR_DEPTH: usize = 200;

type P<'i> = Pair<'i, Rule>;

impl<'e> Builder<'e> {
    fn new(base: u32, errors: &'e mut Vec<SyntaxError>) -> Builder<'e> {
        Builder {
            base,
            errors,
            depth: 0,
            too_deep: false,
            misused_keywords: Default::default(),
        }
    }

    /// Claims `levels` more levels of depth; false (after reporting once) when that is too deep.
    fn descend(&mut self, levels: usize, span: Span) -> bool {
        if self.depth + levels <= MAX_EXPR_DEPTH {
            self.depth += levels;
            return true;
        }
        if !self.too_deep {
            self.too_deep = true;
            self.errors.push(SyntaxError {
                code: "E0010",
                message: format!("expression is nested more than {MAX_EXPR_DEPTH} levels deep"),
                span,
                label: "too deep".to_string(),
                help: Some(
                    "split it into helper functions, or test membership with a set: `x in [a, b, c]`"
                        .to_string(),
                ),
            });
        }
        false
    }

    fn placeholder(span: Span) -> Expr {
        Expr {
            kind: ExprKind::Bool(false),
            span,
        }
    }

    /// Where a pair is, up to its last token (see [`tight_end`]).
    fn span(&self, pair: &P) -> Span {
        let s = pair.as_span();
        Span::new(
            self.base + s.start() as u32,
            self.base + tight_end(pair) as u32,
        )
    }

    fn ident(&self, pair: P) -> Ident {
        let span = self.span(&pair);
        let name = pair.as_str();
        // After a `.` (`x.in`, `deploy.test`) a keyword is unambiguous and allowed.
        let before = pair.get_input()[..pair.as_span().start()].trim_end();
        if crate::keywords::is_keyword(name) && !before.ends_with('.') {
            self.misused_keywords
                .borrow_mut()
                .push(crate::errors::keyword_as_name(name, span));
        }
        Ident {
            span,
            name: name.to_string(),
        }
    }

    /// Moves the errors gathered through shared references into the error list.
    fn finish(&mut self) {
        let found = std::mem::take(&mut *self.misused_keywords.borrow_mut());
        self.errors.extend(found);
    }

    fn qual_name(&self, pair: P) -> QualName {
        let span = self.span(&pair);
        let parts = pair.into_inner().map(|p| self.ident(p)).collect();
        QualName { parts, span }
    }

    fn docs(&self, pair: P) -> Docs {
        Docs {
            lines: pair
                .into_inner()
                .map(|d| d.as_str()[3..].trim_end().to_string())
                .collect(),
        }
    }

    fn string(&mut self, pair: P) -> StrLit {
        let span = self.span(&pair);
        let body = pair.into_inner().next().map_or("", |p| p.as_str());
        let value = self.unescape(body, span.start + 1);
        StrLit { value, span }
    }

    fn unescape(&mut self, body: &str, start: u32) -> String {
        let mut out = String::with_capacity(body.len());
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some((j, e)) = chars.next() else { break };
            match e {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                '0' => out.push('\0'),
                '\\' => out.push('\\'),
                '"' => out.push('"'),
                '\'' => out.push('\''),
                '*' => out.push('*'),
                'u' => {
                    let rest = &body[j + 1..];
                    let parsed = rest
                        .strip_prefix('{')
                        .and_then(|r| r.find('}').map(|end| &r[..end]))
                        .and_then(|hex| {
                            let value = u32::from_str_radix(hex, 16).ok()?;
                            Some((char::from_u32(value)?, hex.len() + 2))
                        });
                    match parsed {
                        Some((ch, len)) => {
                            out.push(ch);
                            for _ in 0..len {
                                chars.next();
                            }
                        }
                        None => {
                            self.errors.push(SyntaxError {
                                code: "E0003",
                                message: "invalid unicode escape".to_string(),
                                span: Span::new(start + i as u32, start + j as u32 + 1),
                                label: "expected `\\u{...}` with 1 to 6 hex digits of a valid character".to_string(),
                                help: None,
                            });
                        }
                    }
                }
                other => {
                    self.errors.push(SyntaxError {
                        code: "E0003",
                        message: format!("unknown escape `\\{other}` in string"),
                        span: Span::new(start + i as u32, start + (j + other.len_utf8()) as u32),
                        label: "unknown escape".to_string(),
                        help: Some(
                            "the escapes are `\\n`, `\\t`, `\\r`, `\\0`, `\\\\`, `\\\"`, `\\'`, `\\*` and `\\u{...}`"
                                .to_string(),
                        ),
                    });
                }
            }
        }
        out
    }

    /// A `like` pattern: split at unescaped `*`, each piece unescaped as a string.
    fn like_pattern(&mut self, pair: P) -> LikePattern {
        let span = self.span(&pair);
        let body = pair.into_inner().next().map_or("", |p| p.as_str());
        let mut parts = Vec::new();
        let mut piece_start = 0;
        let bytes = body.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'*' => {
                    let text =
                        self.unescape(&body[piece_start..i], span.start + 1 + piece_start as u32);
                    if !text.is_empty() {
                        parts.push(LikePart::Literal(text));
                    }
                    parts.push(LikePart::Wildcard);
                    i += 1;
                    piece_start = i;
                }
                _ => i += 1,
            }
        }
        let rest = &body[piece_start.min(body.len())..];
        let text = self.unescape(rest, span.start + 1 + piece_start as u32);
        if !text.is_empty() {
            parts.push(LikePart::Literal(text));
        }
        LikePattern { parts, span }
    }

    fn attr_name(&mut self, pair: P) -> AttrName {
        let span = self.span(&pair);
        let inner = pair.into_inner().next().expect("attr_name has a child");
        match inner.as_rule() {
            Rule::string => AttrName {
                name: self.string(inner).value,
                quoted: true,
                span,
            },
            _ => AttrName {
                name: inner.as_str().to_string(),
                quoted: false,
                span,
            },
        }
    }

    // -----------------------------------------------------------------------------------------
    // Items

    fn item(&mut self, pair: P) -> Option<ItemKind> {
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        Some(match rule {
            Rule::use_item => {
                let docs = self.docs(inner.next()?);
                inner.next(); // `use`
                ItemKind::Use(Use {
                    docs,
                    path: self.qual_name(inner.next()?),
                })
            }
            Rule::schema_item => {
                let docs = self.docs(inner.next()?);
                let keyword = self.span(&inner.next()?);
                let decls = inner.filter_map(|d| self.schema_decl(d)).collect();
                ItemKind::Schema(Schema {
                    docs,
                    decls,
                    keyword,
                })
            }
            Rule::rule_item => ItemKind::Rule(self.rule(inner)?),
            Rule::invariant_item => {
                let docs = self.docs(inner.next()?);
                inner.next(); // `invariant`
                let name = self.ident(inner.next()?);
                let mut next = inner.next()?;
                let description = if next.as_rule() == Rule::string {
                    let d = self.string(next);
                    next = inner.next()?;
                    Some(d)
                } else {
                    None
                };
                ItemKind::Invariant(Invariant {
                    docs,
                    name,
                    description,
                    body: self.expr(next),
                })
            }
            Rule::fn_item => {
                let docs = self.docs(inner.next()?);
                inner.next(); // `fn`
                let name = self.ident(inner.next()?);
                let mut params = Vec::new();
                let mut ret = None;
                let mut body = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::param => {
                            let span = self.span(&p);
                            let mut pi = p.into_inner();
                            let name = self.ident(pi.next()?);
                            let ty = self.type_expr(pi.next()?);
                            params.push(Param { name, ty, span });
                        }
                        Rule::type_expr => ret = Some(self.type_expr(p)),
                        Rule::expr => body = Some(self.expr(p)),
                        _ => {}
                    }
                }
                ItemKind::Function(Function {
                    docs,
                    name,
                    params,
                    ret: ret?,
                    body: body?,
                })
            }
            Rule::test_item => {
                let docs = self.docs(inner.next()?);
                inner.next(); // `test`
                let name = self.string(inner.next()?);
                let steps = inner.filter_map(|s| self.test_step(s)).collect();
                ItemKind::Test(Test { docs, name, steps })
            }
            _ => return None,
        })
    }

    fn rule(&mut self, mut inner: pest::iterators::Pairs<Rule>) -> Option<Rule_> {
        let docs = self.docs(inner.next()?);
        let effect_pair = inner.next()?;
        let effect_span = self.span(&effect_pair);
        let effect = match effect_pair.as_str() {
            "allow" => Effect::Allow,
            "review" => Effect::Review,
            _ => Effect::Deny,
        };
        let name = self.ident(inner.next()?);
        inner.next(); // `on`
        let patterns = inner.next()?;
        let actions_bracketed = patterns.as_str().starts_with('[');
        let actions = patterns
            .into_inner()
            .filter_map(|p| self.action_pattern(p))
            .collect();
        let clauses = inner.filter_map(|c| self.clause(c)).collect();
        Some(Rule_ {
            docs,
            effect,
            effect_span,
            name,
            actions,
            actions_bracketed,
            clauses,
        })
    }

    fn action_pattern(&self, pair: P) -> Option<ActionPattern> {
        let inner = pair.into_inner().next()?;
        let span = self.span(&inner);
        Some(match inner.as_rule() {
            Rule::action_any => ActionPattern::Any(span),
            Rule::action_prefix => {
                let parts: Vec<Ident> = inner.into_inner().map(|p| self.ident(p)).collect();
                let end = parts.last().map_or(span.start, |p| p.span.end);
                ActionPattern::Prefix(
                    QualName {
                        parts,
                        span: Span::new(span.start, end),
                    },
                    span,
                )
            }
            _ => ActionPattern::Exact(self.qual_name(inner)),
        })
    }

    fn clause(&mut self, pair: P) -> Option<Clause> {
        let span = self.span(&pair);
        let clause = pair.into_inner().next()?;
        let rule = clause.as_rule();
        let mut inner = clause.into_inner();
        let keyword = self.span(&inner.next()?);
        let body = inner.next()?;
        let kind = match rule {
            Rule::when_clause => ClauseKind::When(self.expr(body)),
            Rule::unless_clause => ClauseKind::Unless(self.expr(body)),
            Rule::because_clause => ClauseKind::Because(self.string(body)),
            Rule::approver_clause => ClauseKind::Approver(self.expr(body)),
            Rule::obligation_clause => ClauseKind::Obligation(self.expr(body)),
            _ => return None,
        };
        Some(Clause {
            kind,
            keyword,
            span,
        })
    }

    fn test_step(&mut self, pair: P) -> Option<TestStep> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        let kind = match rule {
            Rule::given_file => {
                inner.next();
                TestStepKind::GivenFile(self.string(inner.next()?))
            }
            Rule::given_entity => {
                inner.next();
                inner.next(); // `entity`
                let uid = self.expr_any(inner.next()?);
                let mut attrs = None;
                let mut parents = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::record_lit => attrs = Some(self.expr_any(p)),
                        Rule::set_lit => parents = Some(self.expr_any(p)),
                        _ => {}
                    }
                }
                TestStepKind::GivenEntity {
                    uid,
                    attrs,
                    parents,
                }
            }
            Rule::given_state => {
                inner.next();
                inner.next();
                TestStepKind::GivenState(self.expr_any(inner.next()?))
            }
            Rule::given_time => {
                inner.next();
                inner.next();
                TestStepKind::GivenTime(self.expr(inner.next()?))
            }
            Rule::given_grant => {
                inner.next();
                inner.next();
                TestStepKind::GivenGrant(self.expr_any(inner.next()?))
            }
            Rule::intent_step => {
                inner.next();
                let action = self.qual_name(inner.next()?);
                inner.next(); // `by`
                let actor = self.expr(inner.next()?);
                let mut resource = None;
                let mut args = None;
                while let Some(p) = inner.next() {
                    match p.as_rule() {
                        Rule::kw_on => resource = Some(self.expr(inner.next()?)),
                        Rule::record_lit => args = Some(self.expr_any(p)),
                        _ => {}
                    }
                }
                TestStepKind::Intent {
                    action,
                    actor,
                    resource,
                    args,
                }
            }
            Rule::expect_step => {
                inner.next();
                let effect = inner.next()?;
                let decision_span = self.span(&effect);
                let decision = match effect.as_str() {
                    "allow" => Effect::Allow,
                    "review" => Effect::Review,
                    _ => Effect::Deny,
                };
                inner.next(); // `by`
                let rule = inner.next().map(|p| self.ident(p));
                TestStepKind::Expect {
                    decision,
                    decision_span,
                    rule,
                }
            }
            _ => return None,
        };
        Some(TestStep { kind, span })
    }

    // -----------------------------------------------------------------------------------------
    // Schema

    fn schema_decl(&mut self, pair: P) -> Option<SchemaDecl> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        let docs = self.docs(inner.next()?);
        let keyword = self.span(&inner.next()?);
        Some(match rule {
            Rule::entity_decl => {
                let name = self.ident(inner.next()?);
                let mut parents = Vec::new();
                let mut attrs = Vec::new();
                let mut braces = false;
                for p in inner {
                    match p.as_rule() {
                        Rule::ident_list => parents = self.ident_list(p),
                        Rule::attr_block => {
                            braces = true;
                            attrs = self.attr_decls(p);
                        }
                        _ => {}
                    }
                }
                SchemaDecl::Entity(EntityDecl {
                    docs,
                    name,
                    parents,
                    attrs,
                    braces,
                    span,
                })
            }
            Rule::enum_decl => {
                let name = self.ident(inner.next()?);
                let members = inner
                    .filter_map(|m| {
                        let mut mi = m.into_inner();
                        let docs = self.docs(mi.next()?);
                        Some(EnumMember {
                            docs,
                            name: self.ident(mi.next()?),
                        })
                    })
                    .collect();
                SchemaDecl::Enum(EnumDecl {
                    docs,
                    name,
                    members,
                    span,
                })
            }
            Rule::type_decl => {
                let name = self.ident(inner.next()?);
                let ty = self.type_expr(inner.next()?);
                SchemaDecl::Type(TypeDecl {
                    docs,
                    name,
                    ty,
                    span,
                })
            }
            Rule::action_decl => {
                let name = self.qual_name(inner.next()?);
                let mut decl = ActionDecl {
                    docs,
                    name,
                    actors: Vec::new(),
                    resources: Vec::new(),
                    args: Vec::new(),
                    args_braces: false,
                    effect: None,
                    span,
                };
                for p in inner {
                    match p.as_rule() {
                        Rule::action_by => {
                            decl.actors = self.ident_list(p.into_inner().nth(1)?);
                        }
                        Rule::action_on => {
                            decl.resources = self.ident_list(p.into_inner().nth(1)?);
                        }
                        Rule::attr_block => {
                            decl.args_braces = true;
                            decl.args = self.attr_decls(p);
                        }
                        Rule::effect_block => {
                            let span = self.span(&p);
                            let assignments = p
                                .into_inner()
                                .filter(|a| a.as_rule() == Rule::assignment)
                                .filter_map(|a| self.assignment(a))
                                .collect();
                            decl.effect = Some(EffectBlock { assignments, span });
                        }
                        _ => {}
                    }
                }
                SchemaDecl::Action(decl)
            }
            Rule::authority_decl => {
                let ty = self.ident(inner.next()?);
                let id = inner
                    .next()
                    .and_then(|tail| tail.into_inner().next())
                    .map(|s| self.string(s));
                SchemaDecl::Authority(AuthorityDecl { docs, ty, id, span })
            }
            Rule::state_decl => SchemaDecl::State(StateDecl {
                docs,
                fields: self.attr_decls(inner.next()?),
                keyword,
                span,
            }),
            _ => return None,
        })
    }

    fn assignment(&mut self, pair: P) -> Option<Assignment> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let target = self.expr_any(inner.next()?);
        let op_pair = inner.next()?;
        let op_span = self.span(&op_pair);
        let op = match op_pair.as_str() {
            "+=" => AssignOp::Add,
            "-=" => AssignOp::Sub,
            _ => AssignOp::Set,
        };
        let value = self.expr(inner.next()?);
        Some(Assignment {
            target,
            op,
            op_span,
            value,
            span,
        })
    }

    fn ident_list(&self, pair: P) -> Vec<Ident> {
        pair.into_inner().map(|p| self.ident(p)).collect()
    }

    fn attr_decls(&mut self, pair: P) -> Vec<AttrDecl> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::attr_decl)
            .filter_map(|p| self.attr_decl(p))
            .collect()
    }

    fn attr_decl(&mut self, pair: P) -> Option<AttrDecl> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let docs = self.docs(inner.next()?);
        let name = self.attr_name(inner.next()?);
        let mut optional = false;
        let mut ty = None;
        for p in inner {
            match p.as_rule() {
                Rule::optional_mark => optional = true,
                Rule::type_expr => ty = Some(self.type_expr(p)),
                _ => {}
            }
        }
        Some(AttrDecl {
            docs,
            name: Ident {
                name: name.name,
                span: name.span,
            },
            quoted: name.quoted,
            optional,
            ty: ty?,
            span,
        })
    }

    fn type_expr(&mut self, pair: P) -> TypeExpr {
        let span = self.span(&pair);
        if !self.descend(1, span) {
            let name = Ident {
                name: "Bool".to_string(),
                span,
            };
            return TypeExpr {
                kind: TypeExprKind::Named(name),
                span,
            };
        }
        let ty = self.type_expr_within(pair, span);
        self.depth -= 1;
        ty
    }

    fn type_expr_within(&mut self, pair: P, span: Span) -> TypeExpr {
        let inner = pair.into_inner().next().expect("type_expr has a child");
        let kind = match inner.as_rule() {
            Rule::set_type => {
                let element = inner.into_inner().nth(1).expect("set element type");
                TypeExprKind::Set(Box::new(self.type_expr(element)))
            }
            Rule::map_type => {
                let mut parts = inner.into_inner().skip(1);
                let key = self.type_expr(parts.next().expect("map key type"));
                let value = self.type_expr(parts.next().expect("map value type"));
                TypeExprKind::Map(Box::new(key), Box::new(value))
            }
            Rule::record_type => TypeExprKind::Record(
                inner
                    .into_inner()
                    .filter_map(|p| self.attr_decl(p))
                    .collect(),
            ),
            _ => TypeExprKind::Named(self.ident(inner)),
        };
        TypeExpr { kind, span }
    }

    // -----------------------------------------------------------------------------------------
    // Expressions

    /// Builds an expression from an `expr`, `operand` or primary pair.
    fn expr(&mut self, pair: P) -> Expr {
        self.expr_any(pair)
    }

    fn expr_any(&mut self, pair: P) -> Expr {
        let span = self.span(&pair);
        if !self.descend(1, span) {
            return Self::placeholder(span);
        }
        let expr = match pair.as_rule() {
            Rule::expr => self.flat_expr(pair, span),
            Rule::operand => self.operand(pair, span),
            _ => self.primary(pair, span),
        };
        self.depth -= 1;
        expr
    }

    /// An expression's flat run of operands and operators, built into a tree by precedence
    /// climbing.
    fn flat_expr(&mut self, pair: P, span: Span) -> Expr {
        let tokens: Vec<P> = pair.into_inner().collect();
        // Each operator may add a level to the tree.
        let levels = tokens.len() / 2;
        if !self.descend(levels, span) {
            return Self::placeholder(span);
        }
        let mut pos = 0;
        let expr = self.climb(&tokens, &mut pos, 1);
        self.depth -= levels;
        expr
    }

    fn climb(&mut self, tokens: &[P], pos: &mut usize, min_prec: u8) -> Expr {
        let mut lhs = self.expr_any(tokens[*pos].clone());
        *pos += 1;
        let mut after_relation = false;
        while let Some(token) = tokens.get(*pos) {
            let op_span = self.span(token);
            let prec = match token.as_rule() {
                Rule::or_op => 1,
                Rule::and_op => 2,
                Rule::cmp_op | Rule::kw_in | Rule::like_tail | Rule::is_tail | Rule::has_tail => 3,
                Rule::add_op => 4,
                _ => 5,
            };
            if prec < min_prec {
                break;
            }
            *pos += 1;
            if prec == 3 {
                if after_relation {
                    self.errors.push(SyntaxError {
                        code: "E0001",
                        message: "comparisons cannot be chained".to_string(),
                        span: op_span,
                        label: "second comparison".to_string(),
                        help: Some("join them with `&&`: `a < b && b < c`".to_string()),
                    });
                }
                after_relation = true;
            } else {
                after_relation = false;
            }
            lhs = match token.as_rule() {
                Rule::like_tail | Rule::is_tail | Rule::has_tail => {
                    self.relation_tail(lhs, token.clone())
                }
                rule => {
                    let op = match (rule, token.as_str()) {
                        (Rule::or_op, _) => BinaryOp::Or,
                        (Rule::and_op, _) => BinaryOp::And,
                        (Rule::kw_in, _) => BinaryOp::In,
                        (_, "==") => BinaryOp::Eq,
                        (_, "!=") => BinaryOp::Ne,
                        (_, "<=") => BinaryOp::Le,
                        (_, ">=") => BinaryOp::Ge,
                        (_, "<") => BinaryOp::Lt,
                        (_, ">") => BinaryOp::Gt,
                        (_, "+") => BinaryOp::Add,
                        (_, "-") => BinaryOp::Sub,
                        (_, "*") => BinaryOp::Mul,
                        (_, "/") => BinaryOp::Div,
                        _ => BinaryOp::Rem,
                    };
                    // Left-associative: the right operand binds only tighter operators.
                    let rhs = self.climb(tokens, pos, prec + 1);
                    let span = lhs.span.to(rhs.span);
                    Expr {
                        kind: ExprKind::Binary {
                            op,
                            op_span,
                            lhs: Box::new(lhs),
                            rhs: Box::new(rhs),
                        },
                        span,
                    }
                }
            };
        }
        lhs
    }

    /// `like`, `is` and `has`: relations written after their operand.
    fn relation_tail(&mut self, target: Expr, tail: P) -> Expr {
        let tail_span = self.span(&tail);
        let span = target.span.to(tail_span);
        let rule = tail.as_rule();
        let mut parts = tail.into_inner();
        parts.next(); // the keyword
        let target = Box::new(target);
        let kind = match rule {
            Rule::like_tail => ExprKind::Like {
                target,
                pattern: self.like_pattern(parts.next().expect("pattern")),
            },
            Rule::is_tail => {
                let ty = self.ident(parts.next().expect("type"));
                let within = parts.nth(1).map(|p| Box::new(self.expr_any(p)));
                ExprKind::Is { target, ty, within }
            }
            _ => ExprKind::Has {
                target,
                path: parts.map(|p| self.attr_name(p)).collect(),
            },
        };
        Expr { kind, span }
    }

    /// Prefix operators, a primary, and the postfix operations (`.f`, `.m()`, `[i]`) on it.
    fn operand(&mut self, pair: P, span: Span) -> Expr {
        let parts: Vec<P> = pair.into_inner().collect();
        let levels = parts.len().saturating_sub(1);
        if !self.descend(levels, span) {
            return Self::placeholder(span);
        }
        let prefixes = parts
            .iter()
            .take_while(|p| p.as_rule() == Rule::unary_op)
            .count();
        let mut ops: Vec<(UnaryOp, Span)> = parts[..prefixes]
            .iter()
            .map(|p| {
                let op = if p.as_str() == "!" {
                    UnaryOp::Not
                } else {
                    UnaryOp::Neg
                };
                (op, self.span(p))
            })
            .collect();
        let primary = parts[prefixes].clone();
        let postfixes = &parts[prefixes + 1..];
        let mut expr = match ops.last() {
            // `-9223372036854775808` is a literal, not the negation of a number too big for Int.
            // Likewise the smallest `Decimal`.
            Some(&(UnaryOp::Neg, neg_span))
                if primary.as_rule() == Rule::decimal && postfixes.is_empty() =>
            {
                ops.pop();
                let span = neg_span.to(self.span(&primary));
                Expr {
                    kind: ExprKind::Decimal(format!("-{}", primary.as_str().replace('_', ""))),
                    span,
                }
            }
            Some(&(UnaryOp::Neg, neg_span))
                if primary.as_rule() == Rule::int && postfixes.is_empty() =>
            {
                ops.pop();
                let span = neg_span.to(self.span(&primary));
                self.int_literal(&format!("-{}", primary.as_str()), span)
            }
            _ => self.expr_any(primary),
        };
        for p in postfixes {
            let span = expr.span.to(self.span(p));
            let rule = p.as_rule();
            let mut inner = p.clone().into_inner();
            let kind = match rule {
                Rule::method_call => {
                    let name = self.ident(inner.next().expect("method name"));
                    let args = self.call_args(inner.next().expect("arguments"));
                    ExprKind::Method {
                        target: Box::new(expr),
                        name,
                        args,
                    }
                }
                Rule::field_access => ExprKind::Field {
                    target: Box::new(expr),
                    name: self.ident(inner.next().expect("field name")),
                },
                _ => ExprKind::Index {
                    target: Box::new(expr),
                    index: Box::new(self.expr_any(inner.next().expect("index"))),
                },
            };
            expr = Expr { kind, span };
        }
        while let Some((op, op_span)) = ops.pop() {
            let span = op_span.to(expr.span);
            expr = Expr {
                kind: ExprKind::Unary {
                    op,
                    op_span,
                    operand: Box::new(expr),
                },
                span,
            };
        }
        self.depth -= levels;
        expr
    }

    fn int_literal(&mut self, text: &str, span: Span) -> Expr {
        let digits: String = text.chars().filter(|c| *c != '_').collect();
        let value = match digits.parse::<i64>() {
            Ok(v) => v,
            Err(_) => {
                self.errors.push(SyntaxError {
                    code: "E0005",
                    message: format!("integer literal `{text}` does not fit in `Int`"),
                    span,
                    label: "out of range".to_string(),
                    help: Some(format!(
                        "`Int` holds {} to {}; for fractions use a `Decimal` such as `1.5`",
                        i64::MIN,
                        i64::MAX
                    )),
                });
                0
            }
        };
        Expr {
            kind: ExprKind::Int(value),
            span,
        }
    }

    /// `{ a: 1 }` (a record) or `{ k => v }` (a map); `{=>}` is the empty map.
    fn brace_literal(&mut self, pair: P, span: Span) -> ExprKind {
        let mut fields = Vec::new();
        let mut entries = Vec::new();
        let mut empty_map = false;
        for entry in pair.into_inner() {
            match entry.as_rule() {
                Rule::record_field => {
                    let mut fi = entry.into_inner();
                    let name = self.attr_name(fi.next().expect("field name"));
                    let value = self.expr_any(fi.next().expect("field value"));
                    fields.push(RecordField { name, value });
                }
                Rule::map_entry => {
                    let mut ei = entry.into_inner();
                    let k = self.expr_any(ei.next().expect("key"));
                    let v = self.expr_any(ei.next().expect("value"));
                    entries.push((k, v));
                }
                _ => empty_map = true,
            }
        }
        if !fields.is_empty() && !entries.is_empty() {
            self.errors.push(SyntaxError {
                code: "E0001",
                message: "a literal cannot mix record fields (`a: 1`) and map entries (`k => v`)"
                    .to_string(),
                span,
                label: "mixed literal".to_string(),
                help: Some(
                    "use `:` throughout for a record, or `=>` throughout for a map".to_string(),
                ),
            });
        }
        if empty_map || !entries.is_empty() {
            ExprKind::Map(entries)
        } else {
            ExprKind::Record(fields)
        }
    }

    fn call_args(&mut self, pair: P) -> Vec<Expr> {
        pair.into_inner().map(|p| self.expr_any(p)).collect()
    }

    fn primary(&mut self, pair: P, span: Span) -> Expr {
        let kind = match pair.as_rule() {
            Rule::kw_true => ExprKind::Bool(true),
            Rule::kw_false => ExprKind::Bool(false),
            Rule::int => return self.int_literal(pair.as_str(), span),
            Rule::decimal => ExprKind::Decimal(pair.as_str().replace('_', "")),
            Rule::duration => ExprKind::Duration(pair.as_str().replace('_', "")),
            Rule::datetime => ExprKind::Datetime(pair.as_str()[1..].to_string()),
            Rule::string => ExprKind::Str(self.string(pair).value),
            Rule::entity_ref => {
                let mut inner = pair.into_inner();
                let ty = self.ident(inner.next().expect("type"));
                let id = self.string(inner.next().expect("id"));
                ExprKind::Entity { ty, id }
            }
            Rule::name_expr => {
                let mut inner = pair.into_inner();
                let name = self.ident(inner.next().expect("name"));
                match inner.next() {
                    None => ExprKind::Name(name),
                    Some(tail) if tail.as_rule() == Rule::entity_tail => {
                        let id = self.string(tail.into_inner().next().expect("id"));
                        ExprKind::Entity { ty: name, id }
                    }
                    Some(args) => ExprKind::Call {
                        callee: name,
                        args: self.call_args(args),
                    },
                }
            }
            Rule::paren => {
                let inner = pair.into_inner().next().expect("parenthesized expression");
                ExprKind::Paren(Box::new(self.expr_any(inner)))
            }
            Rule::set_lit => ExprKind::Set(pair.into_inner().map(|p| self.expr_any(p)).collect()),
            Rule::record_lit | Rule::brace_lit => self.brace_literal(pair, span),
            Rule::if_expr => {
                let mut inner = pair.into_inner().filter(|p| p.as_rule() == Rule::expr);
                let cond = self.expr_any(inner.next().expect("condition"));
                let then = self.expr_any(inner.next().expect("then branch"));
                let otherwise = self.expr_any(inner.next().expect("else branch"));
                ExprKind::If {
                    cond: Box::new(cond),
                    then: Box::new(then),
                    otherwise: Box::new(otherwise),
                }
            }
            Rule::quantifier => {
                let mut inner = pair.into_inner();
                let kind = if inner.next().expect("quantifier").as_str() == "any" {
                    Quantifier::Any
                } else {
                    Quantifier::All
                };
                let var = self.ident(inner.next().expect("variable"));
                inner.next(); // `in`
                let collection = self.expr_any(inner.next().expect("collection"));
                let body = self.expr_any(inner.next().expect("body"));
                ExprKind::Quantifier {
                    kind,
                    var,
                    collection: Box::new(collection),
                    body: Box::new(body),
                }
            }
            other => unreachable!("not an expression rule: {other:?}"),
        };
        Expr { kind, span }
    }
}

/// `Rule` is pest's name for grammar rules; the policy rule node is `ast::Rule`.
type Rule_ = crate::ast::Rule;
