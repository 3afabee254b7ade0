//! The names of an item that can be resolved from the syntax and the policy set's tables alone:
//! declarations, types, actions, rules, helpers, enum members, variables and locals.
//!
//! Attribute names are the exception: what `x.ring` reads depends on the type of `x`, which
//! only the checker knows; those come from [`crate::check::Recorded`].

use writ_language::ast::{
    ActionPattern, AttrName, ClauseKind, Expr, ExprKind, Ident, ItemKind, QualName, RecordField,
    SchemaDecl, TestStepKind, TypeExpr, TypeExprKind,
};

use super::symbol::{Occurrence, Role, Symbol};
use crate::check::VARIABLES;
use crate::schema::Schema;
use crate::types::{Name, primitive};
use crate::workspace::NameIndex;

pub(crate) struct Walker<'a> {
    schema: &'a Schema,
    names: &'a NameIndex,
    /// Locals in scope, innermost last: name and where it is declared.
    scope: Vec<(Name, writ_language::ast::Span)>,
    pub out: Vec<Occurrence>,
}

impl<'a> Walker<'a> {
    pub fn new(schema: &'a Schema, names: &'a NameIndex) -> Walker<'a> {
        Walker {
            schema,
            names,
            scope: Vec::new(),
            out: Vec::new(),
        }
    }

    fn push(&mut self, ident: &Ident, symbol: Symbol, role: Role) {
        self.out.push(Occurrence {
            span: ident.span,
            symbol,
            role,
            quoted: false,
        });
    }

    fn push_qual(&mut self, name: &QualName, role: Role) {
        let dotted = name.dotted();
        if role == Role::Definition || self.schema.actions.contains_key(dotted.as_str()) {
            self.out.push(Occurrence {
                span: name.span,
                symbol: Symbol::Action(Name::from(dotted)),
                role,
                quoted: false,
            });
        }
    }

    fn push_attr(&mut self, attr: &AttrName, symbol: Symbol, role: Role) {
        self.out.push(Occurrence {
            span: attr.span,
            symbol,
            role,
            quoted: attr.quoted,
        });
    }

    /// What a type name denotes, if anything.
    fn type_symbol(&self, name: &str) -> Option<Symbol> {
        let name_ref: Name = Name::from(name);
        if self.schema.entities.contains_key(name) {
            Some(Symbol::Entity(name_ref))
        } else if self.schema.enums.contains_key(name) {
            Some(Symbol::Enum(name_ref))
        } else if self.schema.aliases.contains_key(name) {
            Some(Symbol::Alias(name_ref))
        } else if primitive(name).is_some() || matches!(name, "Set" | "Map") {
            Some(Symbol::Primitive(name_ref))
        } else {
            None
        }
    }

    fn type_ref(&mut self, ident: &Ident) {
        if let Some(symbol) = self.type_symbol(&ident.name) {
            self.push(ident, symbol, Role::Reference);
        }
    }

    fn type_expr(&mut self, ty: &TypeExpr) {
        match &ty.kind {
            TypeExprKind::Named(ident) => self.type_ref(ident),
            TypeExprKind::Set(element) => self.type_expr(element),
            TypeExprKind::Map(k, v) => {
                self.type_expr(k);
                self.type_expr(v);
            }
            TypeExprKind::Record(fields) => {
                for f in fields {
                    self.type_expr(&f.ty);
                }
            }
        }
    }

    pub fn item(&mut self, kind: &ItemKind) {
        match kind {
            ItemKind::Use(u) => {
                let name = u.path.dotted();
                if writ_stdlib::prelude(&name).is_some() {
                    self.out.push(Occurrence {
                        span: u.path.span,
                        symbol: Symbol::Module(Name::from(name)),
                        role: Role::Reference,
                        quoted: false,
                    });
                }
            }
            ItemKind::Schema(s) => {
                for decl in &s.decls {
                    self.decl(decl);
                }
            }
            ItemKind::Rule(r) => {
                self.push(
                    &r.name,
                    Symbol::Rule(Name::from(r.name.name.as_str())),
                    Role::Definition,
                );
                for pattern in &r.actions {
                    if let ActionPattern::Exact(q) = pattern {
                        self.push_qual(q, Role::Reference);
                    }
                }
                for clause in &r.clauses {
                    match &clause.kind {
                        ClauseKind::When(e)
                        | ClauseKind::Unless(e)
                        | ClauseKind::Approver(e)
                        | ClauseKind::Obligation(e) => self.expr(e),
                        ClauseKind::Because(_) => {}
                    }
                }
            }
            ItemKind::Invariant(i) => {
                self.push(
                    &i.name,
                    Symbol::Rule(Name::from(i.name.name.as_str())),
                    Role::Definition,
                );
                self.expr(&i.body);
            }
            ItemKind::Function(f) => {
                self.push(
                    &f.name,
                    Symbol::Helper(Name::from(f.name.name.as_str())),
                    Role::Definition,
                );
                for p in &f.params {
                    self.type_expr(&p.ty);
                }
                self.type_expr(&f.ret);
                let depth = self.scope.len();
                for p in &f.params {
                    let local = Symbol::Local {
                        name: Name::from(p.name.name.as_str()),
                        def: p.name.span,
                    };
                    self.push(&p.name, local, Role::Definition);
                    self.scope
                        .push((Name::from(p.name.name.as_str()), p.name.span));
                }
                self.expr(&f.body);
                self.scope.truncate(depth);
            }
            ItemKind::Test(t) => {
                self.out.push(Occurrence {
                    span: t.name.span,
                    symbol: Symbol::Test(Name::from(t.name.value.as_str())),
                    role: Role::Definition,
                    quoted: true,
                });
                for step in &t.steps {
                    self.step(&step.kind);
                }
            }
            ItemKind::Broken(b) => {
                let Some(name) = &b.name else { return };
                let n = Name::from(name.name.as_str());
                let symbol = match b.keyword.as_str() {
                    "allow" | "review" | "deny" | "invariant" => Symbol::Rule(n),
                    "fn" => Symbol::Helper(n),
                    _ => return,
                };
                self.push(name, symbol, Role::Definition);
            }
        }
    }

    fn decl(&mut self, decl: &SchemaDecl) {
        match decl {
            SchemaDecl::Entity(e) => {
                let entity = Name::from(e.name.name.as_str());
                self.push(&e.name, Symbol::Entity(entity.clone()), Role::Definition);
                for parent in &e.parents {
                    self.type_ref(parent);
                }
                for a in &e.attrs {
                    let symbol = Symbol::Attribute {
                        entity: entity.clone(),
                        name: Name::from(a.name.name.as_str()),
                    };
                    self.attr_decl(a, symbol);
                }
            }
            SchemaDecl::Enum(e) => {
                let ty = Name::from(e.name.name.as_str());
                self.push(&e.name, Symbol::Enum(ty.clone()), Role::Definition);
                for m in &e.members {
                    let symbol = Symbol::EnumMember {
                        ty: ty.clone(),
                        member: Name::from(m.name.name.as_str()),
                    };
                    self.push(&m.name, symbol, Role::Definition);
                }
            }
            SchemaDecl::Type(t) => {
                self.push(
                    &t.name,
                    Symbol::Alias(Name::from(t.name.name.as_str())),
                    Role::Definition,
                );
                self.type_expr(&t.ty);
            }
            SchemaDecl::Action(a) => {
                self.push_qual(&a.name, Role::Definition);
                for t in a.actors.iter().chain(&a.resources) {
                    self.type_ref(t);
                }
                let action = Name::from(a.name.dotted());
                for arg in &a.args {
                    let symbol = Symbol::Argument {
                        action: action.clone(),
                        name: Name::from(arg.name.name.as_str()),
                    };
                    self.attr_decl(arg, symbol);
                }
                if let Some(effect) = &a.effect {
                    for assignment in &effect.assignments {
                        self.expr(&assignment.target);
                        self.expr(&assignment.value);
                    }
                }
            }
            SchemaDecl::State(s) => {
                for f in &s.fields {
                    self.attr_decl(f, Symbol::StateField(Name::from(f.name.name.as_str())));
                }
            }
            SchemaDecl::Authority(a) => self.type_ref(&a.ty),
            SchemaDecl::Broken(b, _) => {
                let Some(name) = &b.name else { return };
                let n = Name::from(name.name.as_str());
                let symbol = match b.keyword.as_str() {
                    "entity" => Symbol::Entity(n),
                    "enum" => Symbol::Enum(n),
                    "type" => Symbol::Alias(n),
                    "action" => Symbol::Action(n),
                    _ => return,
                };
                self.push(name, symbol, Role::Definition);
            }
        }
    }

    fn attr_decl(&mut self, a: &writ_language::ast::AttrDecl, symbol: Symbol) {
        self.out.push(Occurrence {
            span: a.name.span,
            symbol,
            role: Role::Definition,
            quoted: a.quoted,
        });
        self.type_expr(&a.ty);
    }

    fn step(&mut self, step: &TestStepKind) {
        match step {
            TestStepKind::GivenFile(_) => {}
            TestStepKind::GivenEntity {
                uid,
                attrs,
                parents,
            } => {
                self.expr(uid);
                let entity = match &uid.unparen().kind {
                    ExprKind::Entity { ty, .. } => self
                        .schema
                        .entities
                        .get(ty.name.as_str())
                        .map(|info| info.name.clone()),
                    _ => None,
                };
                if let Some(attrs) = attrs {
                    self.record(attrs, |walker, name| {
                        let entity = entity.as_ref()?;
                        walker
                            .schema
                            .entities
                            .get(entity)
                            .filter(|info| info.attrs.fields.contains_key(name))
                            .map(|_| Symbol::Attribute {
                                entity: entity.clone(),
                                name: Name::from(name),
                            })
                    });
                }
                if let Some(parents) = parents {
                    self.expr(parents);
                }
            }
            TestStepKind::GivenState(e) => self.record(e, |walker, name| {
                walker
                    .schema
                    .state
                    .as_ref()
                    .filter(|state| state.ty.fields.contains_key(name))
                    .map(|_| Symbol::StateField(Name::from(name)))
            }),
            TestStepKind::GivenTime(e) | TestStepKind::GivenGrant(e) => self.expr(e),
            TestStepKind::Intent {
                action,
                actor,
                resource,
                args,
            } => {
                self.push_qual(action, Role::Reference);
                self.expr(actor);
                if let Some(resource) = resource {
                    self.expr(resource);
                }
                let dotted = Name::from(action.dotted());
                if let Some(args) = args {
                    self.record(args, |walker, name| {
                        walker
                            .schema
                            .actions
                            .get(&dotted)
                            .filter(|info| info.args.fields.contains_key(name))
                            .map(|_| Symbol::Argument {
                                action: dotted.clone(),
                                name: Name::from(name),
                            })
                    });
                }
            }
            TestStepKind::Expect { rule, .. } => {
                if let Some(rule) = rule
                    && self.names.rules.contains_key(rule.name.as_str())
                {
                    self.push(
                        rule,
                        Symbol::Rule(Name::from(rule.name.as_str())),
                        Role::Reference,
                    );
                }
            }
        }
    }

    /// A record literal whose field names denote declared names (a test entity's attributes,
    /// an intent's arguments); anything else is an ordinary expression.
    fn record(&mut self, e: &Expr, field: impl Fn(&Self, &str) -> Option<Symbol>) {
        let ExprKind::Record(fields) = &e.unparen().kind else {
            self.expr(e);
            return;
        };
        for RecordField { name, value } in fields {
            if let Some(symbol) = field(self, &name.name) {
                self.push_attr(name, symbol, Role::Reference);
            }
            self.expr(value);
        }
    }

    fn local(&self, name: &str) -> Option<&(Name, writ_language::ast::Span)> {
        self.scope.iter().rev().find(|(n, _)| n.as_ref() == name)
    }

    fn name(&mut self, ident: &Ident) {
        let name = ident.name.as_str();
        let symbol = if let Some((n, def)) = self.local(name) {
            Symbol::Local {
                name: n.clone(),
                def: *def,
            }
        } else if VARIABLES.contains(&name) {
            Symbol::Variable(Name::from(name))
        } else if self.names.helpers.contains_key(name) {
            Symbol::Helper(Name::from(name))
        } else if let Some(symbol) = self.type_symbol(name) {
            symbol
        } else {
            return;
        };
        self.push(ident, symbol, Role::Reference);
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::Decimal(_)
            | ExprKind::Duration(_)
            | ExprKind::Datetime(_)
            | ExprKind::Str(_) => {}
            ExprKind::Entity { ty, .. } => self.type_ref(ty),
            ExprKind::Name(ident) => self.name(ident),
            ExprKind::Field { target, name } => {
                // `Sensitivity.secret`, unless a local hides the enum (as the checker decides).
                if let ExprKind::Name(enum_name) = &target.kind
                    && self.local(&enum_name.name).is_none()
                    && let Some(info) = self.schema.enums.get(enum_name.name.as_str())
                {
                    self.push(enum_name, Symbol::Enum(info.name.clone()), Role::Reference);
                    if let Some(member) = info.members.iter().find(|m| m.as_ref() == name.name) {
                        let symbol = Symbol::EnumMember {
                            ty: info.name.clone(),
                            member: member.clone(),
                        };
                        self.push(name, symbol, Role::Reference);
                    }
                    return;
                }
                self.expr(target);
            }
            ExprKind::Index { target, index } => {
                self.expr(target);
                self.expr(index);
            }
            ExprKind::Call { callee, args } => {
                let name = callee.name.as_str();
                let symbol = if self.names.helpers.contains_key(name) {
                    Some(Symbol::Helper(Name::from(name)))
                } else if name == crate::check::DELEGATED
                    || writ_stdlib::lookup(name, writ_stdlib::Kind::Function)
                        .next()
                        .is_some()
                {
                    Some(Symbol::Builtin {
                        name: Name::from(name),
                        method: false,
                    })
                } else {
                    None
                };
                if let Some(symbol) = symbol {
                    self.push(callee, symbol, Role::Reference);
                }
                for a in args {
                    self.expr(a);
                }
            }
            ExprKind::Method { target, name, args } => {
                self.expr(target);
                if writ_stdlib::lookup(&name.name, writ_stdlib::Kind::Method)
                    .next()
                    .is_some()
                {
                    let symbol = Symbol::Builtin {
                        name: Name::from(name.name.as_str()),
                        method: true,
                    };
                    self.push(name, symbol, Role::Reference);
                }
                for a in args {
                    self.expr(a);
                }
            }
            ExprKind::Unary { operand, .. } => self.expr(operand),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            // Attribute names after `has` are resolved by the checker.
            ExprKind::Has { target, .. } | ExprKind::Like { target, .. } => self.expr(target),
            ExprKind::Is { target, ty, within } => {
                self.expr(target);
                self.type_ref(ty);
                if let Some(w) = within {
                    self.expr(w);
                }
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                self.expr(cond);
                self.expr(then);
                self.expr(otherwise);
            }
            ExprKind::Quantifier {
                var,
                collection,
                body,
                ..
            } => {
                self.expr(collection);
                let name = Name::from(var.name.as_str());
                let local = Symbol::Local {
                    name: name.clone(),
                    def: var.span,
                };
                self.push(var, local, Role::Definition);
                self.scope.push((name, var.span));
                self.expr(body);
                self.scope.pop();
            }
            ExprKind::Set(elements) => {
                for el in elements {
                    self.expr(el);
                }
            }
            ExprKind::Record(fields) => {
                for f in fields {
                    self.expr(&f.value);
                }
            }
            ExprKind::Map(entries) => {
                for (k, v) in entries {
                    self.expr(k);
                    self.expr(v);
                }
            }
            ExprKind::Paren(inner) => self.expr(inner),
        }
    }
}
