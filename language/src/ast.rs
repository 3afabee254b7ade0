//! The syntax tree.
//!
//! Every node carries a [`Span`]. Spans inside an [`Item`] are relative to the item's `offset`:
//! editing one item leaves the trees of every other item in the file equal to what they were,
//! which is what lets the compiler re-check only the item that changed. Add `Item::offset`
//! (see [`Span::shift`]) to get a position in the file.

use std::fmt;

/// A half-open byte range.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Span {
        Span { start, end }
    }

    pub fn shift(self, offset: u32) -> Span {
        Span::new(self.start + offset, self.end + offset)
    }

    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn len(self) -> u32 {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset <= self.end
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A name as written, with where it was written.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A dotted name such as `fs.write` or `std.agents`.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct QualName {
    pub parts: Vec<Ident>,
    pub span: Span,
}

impl QualName {
    pub fn dotted(&self) -> String {
        let names: Vec<&str> = self.parts.iter().map(|p| p.name.as_str()).collect();
        names.join(".")
    }
}

impl fmt::Display for QualName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.dotted())
    }
}

/// A string literal: `value` is unescaped, `span` covers the quotes.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct StrLit {
    pub value: String,
    pub span: Span,
}

/// `///` lines before a declaration, without the slashes; one entry per line.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct Docs {
    pub lines: Vec<String>,
}

impl Docs {
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The lines joined as Markdown, with the one leading space of `/// text` removed.
    pub fn text(&self) -> String {
        let lines: Vec<&str> = self
            .lines
            .iter()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect();
        lines.join("\n")
    }
}

/// One file: its items in source order, and its comments for the formatter.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct SourceFile {
    pub items: Vec<Item>,
    /// Plain `//` comments, with absolute spans.
    pub comments: Vec<Comment>,
    pub errors: Vec<crate::SyntaxError>,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Item {
    /// Where the item starts in the file; every span inside it is relative to this.
    pub offset: u32,
    pub kind: ItemKind,
    /// The whole item, relative (so `span.start` is 0 unless leading trivia was skipped).
    pub span: Span,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum ItemKind {
    Use(Use),
    Schema(Schema),
    Rule(Rule),
    Invariant(Invariant),
    Function(Function),
    Test(Test),
    /// An item with a syntax error: only its keyword and name are known. Keeping the name lets
    /// the rest of the policy set refer to it without a cascade of unknown-name errors.
    Broken(Broken),
}

/// What could be read of an item or declaration that did not parse.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Broken {
    /// `allow`, `fn`, `entity`, ...
    pub keyword: String,
    /// For a test, the test's name without quotes; for an action, its dotted name.
    pub name: Option<Ident>,
}

impl ItemKind {
    /// The name that identifies the item among its kind, when it has one.
    pub fn name(&self) -> Option<&str> {
        match self {
            ItemKind::Use(u) => Some(u.path.parts.last().map_or("", |p| p.name.as_str())),
            ItemKind::Schema(_) => None,
            ItemKind::Rule(r) => Some(&r.name.name),
            ItemKind::Invariant(i) => Some(&i.name.name),
            ItemKind::Function(f) => Some(&f.name.name),
            ItemKind::Test(t) => Some(&t.name.value),
            ItemKind::Broken(b) => b.name.as_ref().map(|n| n.name.as_str()),
        }
    }

    pub fn kind_name(&self) -> &'static str {
        match self {
            ItemKind::Use(_) => "use",
            ItemKind::Schema(_) => "schema",
            ItemKind::Rule(_) => "rule",
            ItemKind::Invariant(_) => "invariant",
            ItemKind::Function(_) => "function",
            ItemKind::Test(_) => "test",
            ItemKind::Broken(b) => match b.keyword.as_str() {
                "allow" | "review" | "deny" => "rule",
                "fn" => "function",
                "invariant" => "invariant",
                "test" => "test",
                "use" => "use",
                _ => "schema",
            },
        }
    }
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Use {
    pub docs: Docs,
    pub path: QualName,
}

// ---------------------------------------------------------------------------------------------
// Schema

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Schema {
    pub docs: Docs,
    pub decls: Vec<SchemaDecl>,
    /// Span of the `schema` keyword.
    pub keyword: Span,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum SchemaDecl {
    Entity(EntityDecl),
    Enum(EnumDecl),
    Type(TypeDecl),
    Action(ActionDecl),
    State(StateDecl),
    Authority(AuthorityDecl),
    /// A declaration with a syntax error; see [`Broken`].
    Broken(Broken, Span),
}

impl SchemaDecl {
    pub fn span(&self) -> Span {
        match self {
            SchemaDecl::Entity(d) => d.span,
            SchemaDecl::Enum(d) => d.span,
            SchemaDecl::Type(d) => d.span,
            SchemaDecl::Action(d) => d.span,
            SchemaDecl::State(d) => d.span,
            SchemaDecl::Authority(d) => d.span,
            SchemaDecl::Broken(_, span) => *span,
        }
    }
}

/// `entity File in [Workspace, Folder] { path: String, owner?: User }`
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct EntityDecl {
    pub docs: Docs,
    pub name: Ident,
    pub parents: Vec<Ident>,
    pub attrs: Vec<AttrDecl>,
    /// Whether the attributes were written in braces (`entity A {}` and `entity A` differ only in
    /// form, but the formatter keeps what was written).
    pub braces: bool,
    pub span: Span,
}

/// `enum Sensitivity { public, internal, secret }`
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct EnumDecl {
    pub docs: Docs,
    pub name: Ident,
    pub members: Vec<EnumMember>,
    pub span: Span,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct EnumMember {
    pub docs: Docs,
    pub name: Ident,
}

/// `type Address = { street: String, zip?: String }`
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct TypeDecl {
    pub docs: Docs,
    pub name: Ident,
    pub ty: TypeExpr,
    pub span: Span,
}

/// `action payment.transfer by Agent on Account { amount: Decimal } effect { ... }`
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct ActionDecl {
    pub docs: Docs,
    pub name: QualName,
    /// Actor types (`by`); empty means any entity may propose the action.
    pub actors: Vec<Ident>,
    /// Resource types (`on`); empty means the action has no typed resource.
    pub resources: Vec<Ident>,
    pub args: Vec<AttrDecl>,
    pub args_braces: bool,
    pub effect: Option<EffectBlock>,
    pub span: Span,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct EffectBlock {
    pub assignments: Vec<Assignment>,
    pub span: Span,
}

/// `state.spent[actor] += args.amount`
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Assignment {
    pub target: Expr,
    pub op: AssignOp,
    pub op_span: Span,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum AssignOp {
    Set,
    Add,
    Sub,
}

impl AssignOp {
    pub fn as_str(self) -> &'static str {
        match self {
            AssignOp::Set => "=",
            AssignOp::Add => "+=",
            AssignOp::Sub => "-=",
        }
    }
}

/// `state { budget: Map<Agent, Decimal>, phase: Phase }`
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct StateDecl {
    pub docs: Docs,
    pub fields: Vec<AttrDecl>,
    pub keyword: Span,
    pub span: Span,
}

/// `authority User` or `authority Org::"acme"`: where delegation chains must start.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct AuthorityDecl {
    pub docs: Docs,
    pub ty: Ident,
    /// A single entity of the type; `None` makes every entity of the type a root.
    pub id: Option<StrLit>,
    pub span: Span,
}

/// `name?: Type` inside an entity, record type, action or state.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct AttrDecl {
    pub docs: Docs,
    pub name: Ident,
    /// The name was written as a string literal (needed for names that are not identifiers).
    pub quoted: bool,
    pub optional: bool,
    pub ty: TypeExpr,
    pub span: Span,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct TypeExpr {
    pub kind: TypeExprKind,
    pub span: Span,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum TypeExprKind {
    /// A built-in type (`Int`), an entity type, an enum or a `type` alias.
    Named(Ident),
    Set(Box<TypeExpr>),
    Map(Box<TypeExpr>, Box<TypeExpr>),
    Record(Vec<AttrDecl>),
}

// ---------------------------------------------------------------------------------------------
// Rules

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum Effect {
    Allow,
    Review,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "allow",
            Effect::Review => "review",
            Effect::Deny => "deny",
        }
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `deny destructive_shell on shell.exec when ... because "..."`
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Rule {
    pub docs: Docs,
    pub effect: Effect,
    pub effect_span: Span,
    pub name: Ident,
    pub actions: Vec<ActionPattern>,
    /// Whether the patterns were written as a bracketed list.
    pub actions_bracketed: bool,
    pub clauses: Vec<Clause>,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum ActionPattern {
    /// `fs.write`
    Exact(QualName),
    /// `fs.*`: every action whose name starts with `fs.`.
    Prefix(QualName, Span),
    /// `*`
    Any(Span),
}

impl ActionPattern {
    pub fn span(&self) -> Span {
        match self {
            ActionPattern::Exact(q) => q.span,
            ActionPattern::Prefix(_, s) | ActionPattern::Any(s) => *s,
        }
    }

    pub fn matches(&self, action: &str) -> bool {
        match self {
            ActionPattern::Exact(q) => q.dotted() == action,
            ActionPattern::Prefix(q, _) => {
                let prefix = q.dotted();
                action.len() > prefix.len()
                    && action.starts_with(&prefix)
                    && action.as_bytes()[prefix.len()] == b'.'
            }
            ActionPattern::Any(_) => true,
        }
    }
}

impl fmt::Display for ActionPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionPattern::Exact(q) => write!(f, "{q}"),
            ActionPattern::Prefix(q, _) => write!(f, "{q}.*"),
            ActionPattern::Any(_) => f.write_str("*"),
        }
    }
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Clause {
    pub kind: ClauseKind,
    pub keyword: Span,
    pub span: Span,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum ClauseKind {
    When(Expr),
    Unless(Expr),
    Because(StrLit),
    Approver(Expr),
    Obligation(Expr),
}

impl ClauseKind {
    pub fn keyword(&self) -> &'static str {
        match self {
            ClauseKind::When(_) => "when",
            ClauseKind::Unless(_) => "unless",
            ClauseKind::Because(_) => "because",
            ClauseKind::Approver(_) => "approver",
            ClauseKind::Obligation(_) => "obligation",
        }
    }
}

/// `invariant within_budget "an agent never spends past its budget" { ... }`
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Invariant {
    pub docs: Docs,
    pub name: Ident,
    pub description: Option<StrLit>,
    pub body: Expr,
}

/// `fn is_owner(a: Agent, f: File) -> Bool { f in a.owner.workspaces }`
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Function {
    pub docs: Docs,
    pub name: Ident,
    pub params: Vec<Param>,
    pub ret: TypeExpr,
    pub body: Expr,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Param {
    pub name: Ident,
    pub ty: TypeExpr,
    pub span: Span,
}

// ---------------------------------------------------------------------------------------------
// Tests

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Test {
    pub docs: Docs,
    pub name: StrLit,
    pub steps: Vec<TestStep>,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct TestStep {
    pub kind: TestStepKind,
    pub span: Span,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum TestStepKind {
    /// `given "fixtures/base.json"`: a snapshot file, relative to the policy file.
    GivenFile(StrLit),
    /// `given entity Agent::"coder" { ring: 1 } in [Team::"core"]`
    GivenEntity {
        uid: Expr,
        attrs: Option<Expr>,
        parents: Option<Expr>,
    },
    /// `given state { phase: "deploy" }`
    GivenState(Expr),
    /// `given time @2026-01-01T00:00:00Z`
    GivenTime(Expr),
    /// `given grant { ... }`
    GivenGrant(Expr),
    /// `intent fs.write by Agent::"coder" on File::"a.rs" { bytes: 10 }`
    Intent {
        action: QualName,
        actor: Expr,
        resource: Option<Expr>,
        args: Option<Expr>,
    },
    /// `expect deny by destructive_shell`
    Expect {
        decision: Effect,
        decision_span: Span,
        rule: Option<Ident>,
    },
}

// ---------------------------------------------------------------------------------------------
// Expressions

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum ExprKind {
    Bool(bool),
    Int(i64),
    /// The literal's text (`1000.00`), checked by the compiler.
    Decimal(String),
    /// The literal's text (`1h30m`), checked by the compiler.
    Duration(String),
    /// The literal's text after the `@` (`2026-01-01T00:00:00Z`), checked by the compiler.
    Datetime(String),
    Str(String),
    /// `User::"alice"`
    Entity {
        ty: Ident,
        id: StrLit,
    },
    /// A variable (`actor`, `args`, a parameter), an enum's name, or a helper's name.
    Name(Ident),
    /// `target.name`
    Field {
        target: Box<Expr>,
        name: Ident,
    },
    /// `target[index]`
    Index {
        target: Box<Expr>,
        index: Box<Expr>,
    },
    /// `name(args)`: a built-in function or a helper.
    Call {
        callee: Ident,
        args: Vec<Expr>,
    },
    /// `target.name(args)`
    Method {
        target: Box<Expr>,
        name: Ident,
        args: Vec<Expr>,
    },
    Unary {
        op: UnaryOp,
        op_span: Span,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        op_span: Span,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `target has a.b`
    Has {
        target: Box<Expr>,
        path: Vec<AttrName>,
    },
    /// `target like "pat*"`
    Like {
        target: Box<Expr>,
        pattern: LikePattern,
    },
    /// `target is Type` or `target is Type in container`
    Is {
        target: Box<Expr>,
        ty: Ident,
        within: Option<Box<Expr>>,
    },
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// `any x in coll: body` / `all x in coll: body`
    Quantifier {
        kind: Quantifier,
        var: Ident,
        collection: Box<Expr>,
        body: Box<Expr>,
    },
    Set(Vec<Expr>),
    Record(Vec<RecordField>),
    Map(Vec<(Expr, Expr)>),
    /// Parentheses as written, kept so the formatter preserves them.
    Paren(Box<Expr>),
}

impl Expr {
    /// The expression without surrounding parentheses.
    pub fn unparen(&self) -> &Expr {
        let mut e = self;
        while let ExprKind::Paren(inner) = &e.kind {
            e = inner;
        }
        e
    }
}

/// The pattern of `like`: an unescaped `*` is a wildcard, `\*` a literal star.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct LikePattern {
    pub parts: Vec<LikePart>,
    pub span: Span,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum LikePart {
    /// Text matched as is (escapes already processed; may contain `*`).
    Literal(String),
    Wildcard,
}

/// An attribute name in `has` or a record literal: an identifier or a string.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct AttrName {
    pub name: String,
    pub quoted: bool,
    pub span: Span,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct RecordField {
    pub name: AttrName,
    pub value: Expr,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Quantifier {
    Any,
    All,
}

impl Quantifier {
    pub fn as_str(self) -> &'static str {
        match self {
            Quantifier::Any => "any",
            Quantifier::All => "all",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum UnaryOp {
    Not,
    Neg,
}

impl UnaryOp {
    pub fn as_str(self) -> &'static str {
        match self {
            UnaryOp::Not => "!",
            UnaryOp::Neg => "-",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl BinaryOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Or => "||",
            BinaryOp::And => "&&",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
        }
    }

    /// Binding strength: higher binds tighter. Relations (`==`, `in`, ...) don't chain.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge
            | BinaryOp::In => 3,
            BinaryOp::Add | BinaryOp::Sub => 4,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => 5,
        }
    }
}

impl fmt::Display for BinaryOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
