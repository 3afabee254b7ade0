//! Calls: built-in functions and methods (from the stdlib's one table) and helper functions.

use writ_language::ast::{Expr, ExprKind, Ident, Span};
use writ_stdlib::{Builtin, BuiltinId, Kind, SigType, Value};

use super::expr::{Typed, backticked, mismatch_help};
use super::facts::Facts;
use super::{Checker, Env, Scope};
use crate::diagnostic::Diagnostic;
use crate::suggest::closest;
use crate::types::{BOOL, Ty, assignable};

/// Bindings of a signature's type variables `T`, `K`, `V`.
#[derive(Default)]
struct Bindings([Option<Ty>; 3]);

impl Bindings {
    fn slot(sig: &SigType) -> Option<usize> {
        match sig {
            SigType::T => Some(0),
            SigType::K => Some(1),
            SigType::V => Some(2),
            _ => None,
        }
    }
}

fn unify(sig: &SigType, ty: &Ty, b: &mut Bindings) -> bool {
    if matches!(ty, Ty::Error) {
        return true;
    }
    if let Some(slot) = Bindings::slot(sig) {
        return match &b.0[slot] {
            None => {
                b.0[slot] = Some(ty.strip_truth());
                true
            }
            // An entity of one type never equals one of another: `Set<Workspace>.contains(file)`
            // is a mistake, not a question.
            Some(Ty::Entity(a)) if matches!(ty, Ty::Entity(b) if a != b) => false,
            Some(bound) => match crate::types::join(bound, ty) {
                Some(j) => {
                    b.0[slot] = Some(j);
                    true
                }
                None => false,
            },
        };
    }
    match (sig, ty) {
        (SigType::Set(e), Ty::Set(t)) => unify(e, t, b),
        (SigType::Set(_), Ty::Never) => true,
        (SigType::Map(k, v), Ty::Map(kt, vt)) => unify(k, kt, b) && unify(v, vt, b),
        _ => assignable(ty, &instantiate(sig, &Bindings::default())),
    }
}

fn instantiate(sig: &SigType, b: &Bindings) -> Ty {
    match sig {
        SigType::Bool => BOOL,
        SigType::Int => Ty::Int,
        SigType::Decimal => Ty::Decimal,
        SigType::String => Ty::String,
        SigType::Datetime => Ty::Datetime,
        SigType::Duration => Ty::Duration,
        SigType::IpAddr => Ty::IpAddr,
        SigType::Set(e) => Ty::set(instantiate(e, b)),
        SigType::Map(k, v) => Ty::map(instantiate(k, b), instantiate(v, b)),
        var => Bindings::slot(var)
            .and_then(|s| b.0[s].clone())
            .unwrap_or(Ty::Never),
    }
}

/// The built-in that asks whether the actor holds a valid chain of delegated authority for
/// the intent. It reads the request, so it is not in the stdlib's table of pure functions.
pub const DELEGATED: &str = "delegated";

/// Built-ins whose string argument is a literal of another type: a bad literal is an error
/// now, not a failed decision later.
const LITERAL_PARSERS: &[&str] = &["decimal", "datetime", "duration", "ip"];

impl Checker<'_> {
    pub(crate) fn call(
        &mut self,
        whole: &Expr,
        callee: &Ident,
        args: &[Expr],
        env: &Env,
        scope: &mut Scope,
        facts: &Facts,
    ) -> Typed {
        let arg_types: Vec<Ty> = args
            .iter()
            .map(|a| self.expr(a, env, scope, facts).ty)
            .collect();
        let name = callee.name.as_str();
        if name == DELEGATED {
            return Typed::of(self.delegated(whole, args, &arg_types, env));
        }
        if let Some(sig) = self.helpers.get(name).cloned() {
            self.helpers_called.insert(sig.name.clone());
            if args.len() != sig.params.len() {
                self.report(
                    Diagnostic::error(
                        "E0207",
                        format!(
                            "`{name}` takes {} argument{}, but {} {} given",
                            sig.params.len(),
                            plural(sig.params.len()),
                            args.len(),
                            if args.len() == 1 { "was" } else { "were" }
                        ),
                        self.loc(whole.span),
                        "wrong number of arguments",
                    )
                    .with_label(sig.origin.loc(), "defined here")
                    .with_help(format!("its signature is `{}`", helper_signature(&sig))),
                );
                return Typed::of(sig.ret.clone());
            }
            for ((arg, ty), (param, expected)) in args.iter().zip(&arg_types).zip(&sig.params) {
                if !assignable(ty, expected) {
                    self.report(mismatch_help(
                        Diagnostic::error(
                            "E0201",
                            format!("the parameter `{param}` of `{name}` is `{expected}`, but this is `{ty}`"),
                            self.loc(arg.span),
                            format!("expected `{expected}`, found `{ty}`"),
                        ),
                        ty,
                        expected,
                    ));
                }
            }
            return Typed::of(sig.ret.clone());
        }
        let candidates: Vec<(BuiltinId, &'static Builtin)> =
            writ_stdlib::lookup(name, Kind::Function).collect();
        if candidates.is_empty() && self.names.helpers.contains_key(name) {
            // A helper whose definition has a syntax error: that error is the one to fix.
            return Typed::of(Ty::Error);
        }
        if candidates.is_empty() {
            let helper_names = self.helpers.keys().map(|n| n.as_ref());
            let functions = writ_stdlib::all()
                .filter(|(_, b)| b.kind == Kind::Function)
                .map(|(_, b)| b.name);
            let all: Vec<&str> = helper_names.chain(functions).collect();
            let mut d = Diagnostic::error(
                "E0106",
                format!("unknown function `{name}`"),
                self.loc(callee.span),
                "not a built-in or helper function",
            );
            if writ_stdlib::lookup(name, Kind::Method).next().is_some() {
                d = d.with_help(format!("`{name}` is a method: write `value.{name}(...)`"));
            } else if let Some(s) = closest(name, all) {
                d = d.with_suggestion(s);
            }
            self.report(d);
            return Typed::of(Ty::Error);
        }
        let ty = self.resolve_overload(whole, name, &candidates, &arg_types, args, None);
        if LITERAL_PARSERS.contains(&name) {
            self.check_constant_argument(name, args);
        }
        Typed::of(ty)
    }

    /// `delegated()`: a chain to any declared root authority; `delegated(root)`: a chain that
    /// starts at that entity (`delegated(resource.owner)`), declared as an authority or not.
    fn delegated(&mut self, whole: &Expr, args: &[Expr], arg_types: &[Ty], env: &Env) -> Ty {
        if args.len() > 1 {
            self.report(
                Diagnostic::error(
                    "E0207",
                    format!("`{DELEGATED}` takes at most one argument, but {} were given", args.len()),
                    self.loc(whole.span),
                    "wrong number of arguments",
                )
                .with_help("write `delegated()` for any root authority, or `delegated(root)` for chains starting at `root`"),
            );
        }
        if let (Some(arg), Some(ty)) = (args.first(), arg_types.first())
            && !ty.is_entity()
            && !ty.is_error()
        {
            self.report(Diagnostic::error(
                "E0201",
                format!("the root of a delegation chain is an entity, but this is `{ty}`"),
                self.loc(arg.span),
                format!("expected an entity, found `{ty}`"),
            ));
        }
        if env.context != super::Context::Rule {
            self.report(
                Diagnostic::error(
                    "E0122",
                    format!("`{DELEGATED}()` is only available in rules"),
                    self.loc(whole.span),
                    "not available here",
                )
                .with_help("it checks the intent a rule decides on"),
            );
            return Ty::Error;
        }
        if args.is_empty() && self.schema.authorities.is_empty() {
            self.report(
                Diagnostic::error(
                    "E0234",
                    format!("`{DELEGATED}()` needs a root authority, and the schema declares none"),
                    self.loc(whole.span),
                    "no chain can start anywhere",
                )
                .with_help("declare where chains start (`authority User` in a `schema` block), or name the root: `delegated(resource.owner)`"),
            );
        }
        BOOL
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn method(
        &mut self,
        whole: &Expr,
        receiver: Ty,
        receiver_span: Span,
        name: &Ident,
        args: &[Expr],
        env: &Env,
        scope: &mut Scope,
        facts: &Facts,
    ) -> Typed {
        let mut arg_types = vec![receiver.clone()];
        arg_types.extend(args.iter().map(|a| self.expr(a, env, scope, facts).ty));
        let candidates: Vec<(BuiltinId, &'static Builtin)> =
            writ_stdlib::lookup(&name.name, Kind::Method).collect();
        if receiver.is_error() {
            return Typed::of(Ty::Error);
        }
        if candidates.is_empty() {
            let applicable: Vec<&str> = writ_stdlib::all()
                .filter(|(_, b)| b.kind == Kind::Method)
                .filter(|(_, b)| {
                    b.params
                        .first()
                        .is_some_and(|r| unify(r, &receiver, &mut Bindings::default()))
                })
                .map(|(_, b)| b.name)
                .collect();
            let mut d = Diagnostic::error(
                "E0107",
                format!("`{receiver}` has no method `{}`", name.name),
                self.loc(name.span),
                "unknown method",
            );
            if let Some(s) = closest(&name.name, applicable.iter().copied()) {
                d = d.with_suggestion(s);
            } else if self.helpers.contains_key(name.name.as_str())
                || writ_stdlib::lookup(&name.name, Kind::Function)
                    .next()
                    .is_some()
            {
                d = d.with_help(format!("`{0}` is a function: write `{0}(...)`", name.name));
            } else if !applicable.is_empty() {
                let mut names: Vec<String> = applicable.iter().map(|s| s.to_string()).collect();
                names.dedup();
                d = d.with_help(format!("methods of `{receiver}`: {}", backticked(&names)));
            }
            self.report(d);
            return Typed::of(Ty::Error);
        }
        let ty = self.resolve_overload(
            whole,
            &name.name,
            &candidates,
            &arg_types,
            args,
            Some(receiver_span),
        );
        if name.name == "matches"
            && let Some(ExprKind::Str(pattern)) = args.first().map(|a| &a.unparen().kind)
            && let Err(e) = writ_stdlib::validate_regex(pattern)
        {
            self.report(Diagnostic::error(
                "E0215",
                format!("{e}"),
                self.loc(args[0].span),
                "not a valid pattern",
            ));
        }
        Typed::of(ty)
    }

    /// Picks the overload whose parameters fit, records it for lowering, and reports why none
    /// fits otherwise. For methods, `types[0]` is the receiver.
    fn resolve_overload(
        &mut self,
        whole: &Expr,
        name: &str,
        candidates: &[(BuiltinId, &'static Builtin)],
        types: &[Ty],
        args: &[Expr],
        receiver_span: Option<Span>,
    ) -> Ty {
        let is_method = receiver_span.is_some();
        for (id, builtin) in candidates {
            let mut b = Bindings::default();
            if builtin.params.len() == types.len()
                && builtin
                    .params
                    .iter()
                    .zip(types)
                    .all(|(p, t)| unify(p, t, &mut b))
            {
                self.calls
                    .entry((whole.span.start, whole.span.end))
                    .or_default()
                    .insert(*id);
                return instantiate(&builtin.ret, &b);
            }
        }
        // Nothing fits: say what was wrong with the closest candidate.
        let receiver_fits: Vec<&(BuiltinId, &'static Builtin)> = candidates
            .iter()
            .filter(|(_, b)| {
                !is_method
                    || b.params
                        .first()
                        .is_some_and(|r| unify(r, &types[0], &mut Bindings::default()))
            })
            .collect();
        if receiver_fits.is_empty() {
            let receivers: Vec<String> = candidates
                .iter()
                .filter_map(|(_, b)| b.params.first().map(|r| r.to_string()))
                .collect();
            self.report(
                Diagnostic::error(
                    "E0107",
                    format!("`{}` has no method `{name}`", types[0]),
                    self.loc(receiver_span.unwrap_or(whole.span)),
                    format!("this is `{}`", types[0]),
                )
                .with_help(format!(
                    "`{name}` is a method of {}",
                    backticked(&receivers)
                )),
            );
            return Ty::Error;
        }
        let skip = usize::from(is_method);
        let (_, builtin) = receiver_fits[0];
        if builtin.params.len() != types.len() {
            let expected = builtin.params.len() - skip;
            let found = types.len() - skip;
            self.report(
                Diagnostic::error(
                    "E0207",
                    format!(
                        "`{name}` takes {expected} argument{}, but {found} {} given",
                        plural(expected),
                        if found == 1 { "was" } else { "were" }
                    ),
                    self.loc(whole.span),
                    "wrong number of arguments",
                )
                .with_help(format!("its signature is `{}`", builtin.signature())),
            );
            return Ty::Error;
        }
        let mut b = Bindings::default();
        for (i, (p, t)) in builtin.params.iter().zip(types).enumerate() {
            if !unify(p, t, &mut b) {
                let expected = instantiate(p, &b);
                let span = if i < skip {
                    receiver_span.unwrap_or(whole.span)
                } else {
                    args[i - skip].span
                };
                let mut d = Diagnostic::error(
                    "E0201",
                    format!("`{name}` expects `{expected}` here, but this is `{t}`"),
                    self.loc(span),
                    format!("expected `{expected}`, found `{t}`"),
                )
                .with_help(format!("its signature is `{}`", builtin.signature()));
                if candidates.len() > 1 {
                    let sigs: Vec<String> = candidates.iter().map(|(_, b)| b.signature()).collect();
                    d = d.with_note(format!("`{name}` has these forms: {}", backticked(&sigs)));
                }
                self.report(mismatch_help(d, t, &expected));
                return Ty::Error;
            }
        }
        Ty::Error
    }

    /// `ip("10.0.0.300")`: evaluates the constructor on its literal argument now.
    fn check_constant_argument(&mut self, name: &str, args: &[Expr]) {
        let Some(arg) = args.first() else { return };
        let ExprKind::Str(text) = &arg.unparen().kind else {
            return;
        };
        if let Some((_, builtin)) = writ_stdlib::lookup(name, Kind::Function).next()
            && let Err(e) = (builtin.eval)(&[Value::from(text.as_str())])
        {
            self.report(Diagnostic::error(
                "E0215",
                format!("{e}"),
                self.loc(arg.span),
                format!("not a valid argument for `{name}`"),
            ));
        }
    }
}

/// `in_workspace(path: String, workspace: Workspace) -> Bool`
fn helper_signature(sig: &crate::workspace::HelperSig) -> String {
    let params: Vec<String> = sig
        .params
        .iter()
        .map(|(n, t)| format!("{n}: {t}"))
        .collect();
    format!("{}({}) -> {}", sig.name, params.join(", "), sig.ret)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
