//! Checking one item against the schema.
//!
//! A rule is checked once per *environment*: each (actor type, action, resource type) its
//! action patterns admit, as Cedar's validator does. Inside one environment the types of
//! `actor`, `resource` and `args` are exact, `is` and `has` often have a known outcome, and a
//! rule whose conditions are false in every environment can never match.

mod calls;

pub use calls::DELEGATED;
mod expr;
mod facts;
mod items;
mod record;

pub use expr::VARIABLES;
pub use record::Recorded;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use writ_language::ast::{ItemKind, Span};
use writ_stdlib::BuiltinId;

use crate::db::SourceFile;
use crate::diagnostic::{Anchor, Diagnostic, Loc};
use crate::items::{ItemKey, ItemNode, ItemSyntax};
use crate::schema::{Schema, schema};
use crate::types::{Name, Ty};
use crate::workspace::{HelperSig, NameIndex, helper_signatures, name_index};

/// Codes for mistakes that do not depend on the environment: reported even in dead code.
const NAME_CODES: &[&str] = &[
    "E0006", "E0007", "E0008", "E0101", "E0102", "E0103", "E0104", "E0106", "E0119", "E0122",
    "E0215", "E0226",
];

/// What checking an item found.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ItemCheck {
    pub diagnostics: Vec<Diagnostic>,
    /// The built-ins each call resolved to, by the call's (item-relative) span: one, or one
    /// per receiver type when environments give the receiver different types.
    pub calls: BTreeMap<(u32, u32), BTreeSet<BuiltinId>>,
    /// Helper functions the item calls.
    pub helpers_called: BTreeSet<Name>,
    /// For a rule: the environments in which it may match (its conditions are not statically
    /// false there), so that evaluation can skip it for intents of other types.
    pub live: Vec<Target>,
}

/// An (action, actor type, resource type) a rule may apply to; `None` stands for any type.
#[derive(Clone, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct Target {
    pub action: Name,
    pub actor: Option<Name>,
    pub resource: Option<Name>,
}

impl ItemCheck {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.is_error())
    }
}

#[salsa::tracked(returns(ref))]
pub fn check_item<'db>(db: &'db dyn salsa::Database, item: ItemNode<'db>) -> Arc<ItemCheck> {
    let (check, _) = check_tree(
        db,
        item.file(db),
        item.key(db).clone(),
        item.syntax(db),
        false,
    );
    Arc::new(check)
}

/// Checks an item's tree against the policy set. The tree need not be one of the database's
/// items: an editor checks a copy of the item being typed in. With `record`, also returns what
/// editors ask about (each expression's type, what each attribute name means).
pub fn check_tree(
    db: &dyn salsa::Database,
    file: SourceFile,
    key: ItemKey,
    syntax: &ItemSyntax,
    record: bool,
) -> (ItemCheck, Option<Recorded>) {
    let schema = schema(db);
    let helpers = helper_signatures(db);
    let names = name_index(db);
    let mut checker = Checker {
        schema,
        helpers,
        names,
        file,
        key,
        diagnostics: Vec::new(),
        all_env_only: Vec::new(),
        calls: BTreeMap::new(),
        helpers_called: BTreeSet::new(),
        rule_actions: Vec::new(),
        live: Vec::new(),
        dead: 0,
        recorded: record.then(Box::default),
    };
    match &syntax.kind {
        ItemKind::Rule(rule) => checker.rule(rule),
        ItemKind::Invariant(inv) => checker.invariant(inv),
        ItemKind::Function(f) => checker.function(f),
        ItemKind::Test(t) => checker.test(t),
        ItemKind::Use(u) => checker.use_item(u),
        ItemKind::Schema(s) => checker.effects(s),
        // Its syntax error is all there is to say.
        ItemKind::Broken(_) => {}
    }
    // A rule has merged these across its environments already; anything else is checked in one
    // environment, where they simply hold.
    for d in std::mem::take(&mut checker.all_env_only) {
        checker.report(d);
    }
    let check = ItemCheck {
        diagnostics: checker.diagnostics,
        calls: checker.calls,
        helpers_called: checker.helpers_called,
        live: checker.live,
    };
    (check, checker.recorded.map(|r| *r))
}

/// Where a piece of code sits, which decides the variables it may read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Context {
    Rule,
    Invariant,
    Helper,
    Effect,
    Test,
}

/// The types of the built-in variables in one environment.
#[derive(Clone, Debug)]
pub(crate) struct Env {
    pub context: Context,
    /// The action and the actor's and resource's declared types, when checking for an action.
    pub target: Option<Target>,
    /// The action, when the code runs for one.
    pub action: Option<Name>,
    /// Whether the same code is also checked for other actions or types, so that messages
    /// should not name this environment's.
    pub shared: bool,
    pub actor: Ty,
    pub resource: Ty,
    pub args: Option<Ty>,
}

impl Env {
    pub fn plain(context: Context) -> Env {
        Env {
            context,
            target: None,
            action: None,
            shared: false,
            actor: Ty::AnyEntity,
            resource: Ty::AnyEntity,
            args: None,
        }
    }
}

/// Local variables: helper parameters and quantifier variables, innermost last.
#[derive(Default)]
pub(crate) struct Scope {
    locals: Vec<(Name, Ty)>,
}

impl Scope {
    pub fn push(&mut self, name: Name, ty: Ty) {
        self.locals.push((name, ty));
    }

    pub fn pop(&mut self) {
        self.locals.pop();
    }

    pub fn lookup(&self, name: &str) -> Option<Ty> {
        self.locals
            .iter()
            .rev()
            .find(|(n, _)| n.as_ref() == name)
            .map(|(_, t)| t.clone())
    }

    pub fn names(&self) -> impl Iterator<Item = String> + '_ {
        self.locals.iter().map(|(n, _)| n.to_string())
    }
}

pub(crate) struct Checker<'a> {
    pub schema: &'a Schema,
    pub helpers: &'a BTreeMap<Name, HelperSig>,
    pub names: &'a NameIndex,
    pub file: SourceFile,
    pub key: ItemKey,
    pub diagnostics: Vec<Diagnostic>,
    /// Diagnostics that hold only if they hold in every environment the item is checked in.
    pub all_env_only: Vec<Diagnostic>,
    pub calls: BTreeMap<(u32, u32), BTreeSet<BuiltinId>>,
    pub helpers_called: BTreeSet<Name>,
    /// The actions the rule being checked is `on`.
    pub rule_actions: Vec<Name>,
    pub live: Vec<Target>,
    /// Above zero while checking code that cannot run in the current environment.
    pub dead: u32,
    /// What editors ask about, when [`check_tree`] is asked to record it.
    pub recorded: Option<Box<Recorded>>,
}

impl Checker<'_> {
    pub(crate) fn loc(&self, span: Span) -> Loc {
        Loc {
            file: self.file,
            anchor: Anchor::Item(self.key.clone()),
            span,
        }
    }

    pub(crate) fn report(&mut self, diagnostic: Diagnostic) {
        if self.dead > 0 && !NAME_CODES.contains(&diagnostic.code) {
            return;
        }
        if !self.diagnostics.contains(&diagnostic) {
            self.diagnostics.push(diagnostic);
        }
    }

    /// Checks code that cannot run in this environment (the right of `false && ...`, an `if`
    /// branch not taken). Its types may not fit here, so only mistakes that hold everywhere are
    /// reported: unknown names, functions, types, enum members and bad literals. It is still
    /// checked, so that everything that reaches lowering resolves.
    pub(crate) fn dead<T>(&mut self, check: impl FnOnce(&mut Self) -> T) -> T {
        self.dead += 1;
        let result = check(self);
        self.dead -= 1;
        result
    }
}
