//! The frozen policy set: compiled IR, indexed for evaluation, shareable across threads.

use std::collections::HashMap;
use std::sync::Arc;

use writ_compiler::ir::{self, Item};
use writ_compiler::schema::Schema;
use writ_compiler::{Compiled, Source};
use writ_language::ast::Span;

use crate::hash::texts_hash;

/// An IR item with where it came from.
#[derive(Clone, Debug)]
pub struct Located<T> {
    pub item: T,
    /// Index into the policy set's sources.
    pub source: usize,
    /// The item's offset in its file; the IR's spans are relative to it.
    pub offset: u32,
}

/// A rule that may apply to an action, for intents whose actor and resource have these types.
#[derive(Clone, Debug)]
pub(crate) struct Candidate {
    pub rule: usize,
    pub actor: Option<Arc<str>>,
    pub resource: Option<Arc<str>>,
}

/// A file of the policy set, with a line index for positions.
#[derive(Clone, Debug)]
pub struct SourceText {
    pub path: Arc<str>,
    pub text: Arc<str>,
    line_starts: Vec<usize>,
}

impl SourceText {
    fn new(source: &Source) -> SourceText {
        let line_starts = std::iter::once(0)
            .chain(source.text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceText {
            path: source.path.clone(),
            text: source.text.clone(),
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |t| t.chars().count());
        (line + 1, column + 1)
    }

    /// The text of an item-relative span.
    pub fn slice(&self, offset: u32, span: Span) -> &str {
        let span = span.shift(offset);
        self.text.get(span.range()).unwrap_or("")
    }
}

/// A compiled policy set, ready to decide. Immutable and `Send + Sync`: build it once, share it
/// between threads, swap it atomically to reload.
#[derive(Debug)]
pub struct PolicySet {
    pub(crate) schema: Arc<Schema>,
    pub(crate) rules: Vec<Located<Arc<ir::Rule>>>,
    /// For each action, the rules that may apply to it, in source order, each with the actor
    /// and resource types it is limited to (`None`: any).
    pub(crate) by_action: HashMap<Arc<str>, Vec<Candidate>>,
    pub(crate) helpers: HashMap<Arc<str>, Arc<ir::Helper>>,
    pub(crate) invariants: Vec<Located<Arc<ir::Invariant>>>,
    pub(crate) effects: HashMap<Arc<str>, Located<ir::ActionEffect>>,
    pub(crate) tests: Vec<Located<Arc<ir::TestCase>>>,
    pub(crate) sources: Vec<SourceText>,
    pub(crate) hash: String,
}

impl PolicySet {
    pub fn new(compiled: Compiled) -> PolicySet {
        let mut set = PolicySet {
            schema: compiled.schema,
            rules: Vec::new(),
            by_action: HashMap::new(),
            helpers: HashMap::new(),
            invariants: Vec::new(),
            effects: HashMap::new(),
            tests: Vec::new(),
            sources: compiled.sources.iter().map(SourceText::new).collect(),
            hash: String::new(),
        };
        // The hash covers every file by path and text, in path order, so it does not depend on
        // the order files were loaded in.
        let mut named: Vec<(&str, &str)> = compiled
            .sources
            .iter()
            .map(|s| (s.path.as_ref(), s.text.as_ref()))
            .collect();
        named.sort();
        set.hash = texts_hash(named);
        for compiled_item in compiled.items {
            let (source, offset) = (compiled_item.source, compiled_item.offset);
            match compiled_item.ir {
                Item::Rule(rule) => {
                    let index = set.rules.len();
                    for target in &rule.targets {
                        set.by_action
                            .entry(target.action.clone())
                            .or_default()
                            .push(Candidate {
                                rule: index,
                                actor: target.actor.clone(),
                                resource: target.resource.clone(),
                            });
                    }
                    set.rules.push(Located {
                        item: rule,
                        source,
                        offset,
                    });
                }
                Item::Invariant(inv) => set.invariants.push(Located {
                    item: inv,
                    source,
                    offset,
                }),
                Item::Helper(helper) => {
                    set.helpers.insert(helper.name.clone(), helper);
                }
                Item::Effects(effects) => {
                    for effect in effects.iter() {
                        set.effects.insert(
                            effect.action.clone(),
                            Located {
                                item: effect.clone(),
                                source,
                                offset,
                            },
                        );
                    }
                }
                Item::Test(test) => set.tests.push(Located {
                    item: test,
                    source,
                    offset,
                }),
            }
        }
        set
    }

    /// SHA-256 over every file of the set, by path and text.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    pub fn sources(&self) -> &[SourceText] {
        &self.sources
    }

    pub fn rules(&self) -> impl Iterator<Item = &Located<Arc<ir::Rule>>> {
        self.rules.iter()
    }

    pub fn tests(&self) -> &[Located<Arc<ir::TestCase>>] {
        &self.tests
    }

    /// The rules that may apply to an intent, by its action and the types of its actor and
    /// resource: a decision touches only these.
    pub(crate) fn rules_for<'a>(
        &'a self,
        intent: &'a crate::input::Intent,
    ) -> impl Iterator<Item = usize> + 'a {
        let fits = |limit: &Option<Arc<str>>, uid: Option<&writ_stdlib::EntityUid>| {
            limit
                .as_ref()
                .is_none_or(|ty| uid.is_some_and(|u| u.ty.as_ref() == ty.as_ref()))
        };
        self.by_action
            .get(&intent.action)
            .map_or(&[][..], |v| v.as_slice())
            .iter()
            .filter(move |c| {
                fits(&c.actor, Some(&intent.actor)) && fits(&c.resource, intent.resource.as_ref())
            })
            .map(|c| c.rule)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_policy_set_is_shareable() {
        fn shareable<T: Send + Sync>() {}
        shareable::<super::PolicySet>();
    }
}
