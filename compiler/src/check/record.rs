//! What the checker notes for editors, when asked to: the type of each expression and what each
//! attribute name means.
//!
//! Only the checker knows that `actor.ring` reads the `ring` of `Agent`: the type of `actor`
//! depends on the rule's actions. Rather than repeat type inference, the IDE runs the checker
//! again with a [`Recorded`] attached (`check_tree(.., record: true)`). The normal
//! `check_item` query never records, so checking costs nothing more.

use std::collections::{BTreeMap, BTreeSet};

use writ_language::ast::{Expr, Span};

use super::facts::path_of;
use super::{Checker, Env};
use crate::ide::Symbol;
use crate::types::{Name, Ty};

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Recorded {
    /// Each expression's type by its item-relative span: one per environment the item was
    /// checked in where it differed (a rule on two actions may see two actor types).
    pub types: BTreeMap<Span, Vec<Ty>>,
    /// The same, in environments where the expression cannot run (the right of `actor is User
    /// && ...` when the actor is an `Agent`): what it is only when it is nothing else.
    pub dead_types: BTreeMap<Span, Vec<Ty>>,
    /// Attribute, argument and state-field names, resolved through the type they are read
    /// from: `(span of the name, what it names, whether it was written as a string)`.
    pub fields: BTreeSet<(Span, Symbol, bool)>,
    /// The same, in code that cannot run in the environment: used for a name only where it is
    /// dead in every environment (so that renaming still reaches it).
    pub dead_fields: BTreeSet<(Span, Symbol, bool)>,
}

impl Checker<'_> {
    pub(crate) fn note_type(&mut self, span: Span, ty: &Ty) {
        let dead = self.dead > 0;
        if let Some(recorded) = &mut self.recorded {
            let types = if dead {
                &mut recorded.dead_types
            } else {
                &mut recorded.types
            };
            let types = types.entry(span).or_default();
            let ty = ty.strip_truth();
            if !types.contains(&ty) {
                types.push(ty);
            }
        }
    }

    /// `target.name` (or `target has name`, `target["name"]`) where `target` has type `ty`.
    pub(crate) fn note_field(
        &mut self,
        name: &str,
        span: Span,
        quoted: bool,
        ty: &Ty,
        target: Option<&Expr>,
        env: &Env,
    ) {
        if self.recorded.is_none() {
            return;
        }
        let dead = self.dead > 0;
        let name: Name = Name::from(name);
        let root = target.and_then(path_of);
        let symbol = match ty {
            Ty::Entity(entity) => self
                .schema
                .entities
                .get(entity)
                .filter(|info| info.attrs.fields.contains_key(&name))
                .map(|_| Symbol::Attribute {
                    entity: entity.clone(),
                    name,
                }),
            Ty::Record(_) => match root.as_deref() {
                // `args.x` reads the argument of the action being checked.
                Some([var]) if var.as_ref() == "args" => env
                    .action
                    .as_ref()
                    .filter(|action| {
                        self.schema
                            .actions
                            .get(*action)
                            .is_some_and(|info| info.args.fields.contains_key(&name))
                    })
                    .map(|action| Symbol::Argument {
                        action: action.clone(),
                        name,
                    }),
                Some([var]) if matches!(var.as_ref(), "state" | "next") => self
                    .schema
                    .state
                    .as_ref()
                    .filter(|state| state.ty.fields.contains_key(&name))
                    .map(|_| Symbol::StateField(name)),
                _ => None,
            },
            _ => None,
        };
        if let (Some(symbol), Some(recorded)) = (symbol, &mut self.recorded) {
            let fields = if dead {
                &mut recorded.dead_fields
            } else {
                &mut recorded.fields
            };
            fields.insert((span, symbol, quoted));
        }
    }
}

impl Recorded {
    /// What each attribute name resolves to where its code runs, or, for code that runs
    /// nowhere, in the environments it was checked in.
    pub fn all_fields(&mut self) -> BTreeSet<(Span, Symbol, bool)> {
        let mut fields = std::mem::take(&mut self.fields);
        let live: BTreeSet<Span> = fields.iter().map(|(span, _, _)| *span).collect();
        for field in std::mem::take(&mut self.dead_fields) {
            if !live.contains(&field.0) {
                fields.insert(field);
            }
        }
        fields
    }

    /// The types of expressions, falling back on what they are in dead code where they run
    /// nowhere.
    pub fn all_types(mut self) -> BTreeMap<Span, Vec<Ty>> {
        for (span, types) in std::mem::take(&mut self.dead_types) {
            self.types.entry(span).or_insert(types);
        }
        self.types
    }
}
