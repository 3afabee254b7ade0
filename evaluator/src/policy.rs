//! The frozen policy set: compiled IR, indexed for evaluation, shareable across threads.

use std::collections::HashMap;
use std::sync::Arc;

use writ_compiler::ir::{self, Item};
use writ_compiler::schema::Schema;
use writ_compiler::{Compiled, Source};
use writ_language::ast::Span;

use crate::hash::texts_hash;
use crate::index::{ActionRules, Candidate};

/// An IR item with where it came from.
#[derive(Clone, Debug)]
pub struct Located<T> {
    pub item: T,
    /// Index into the policy set's sources.
    pub source: usize,
    /// The item's offset in its file; the IR's spans are relative to it.
    pub offset: u32,
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
    /// and resource types it is limited to, indexed by the literal constraints of their first
    /// clause (`index.rs`).
    pub(crate) by_action: HashMap<Arc<str>, ActionRules>,
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
                            .push(
                                Candidate {
                                    rule: index,
                                    actor: target.actor.clone(),
                                    resource: target.resource.clone(),
                                },
                                &rule.conditions,
                            );
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

    /// The rules (by index, as [`PolicySet::rules`] lists them) that a decision on `intent`
    /// against `snapshot` evaluates, in source order: the rule index at work.
    pub fn candidate_rules(
        &self,
        intent: &crate::input::Intent,
        snapshot: &crate::input::Snapshot,
    ) -> Vec<usize> {
        let mut out = Vec::new();
        self.candidates(intent, snapshot, true, &mut out);
        out
    }

    /// The rules a decision on `intent` must evaluate, in source order: those of its action
    /// that fit its actor and resource types and, with `use_gates`, whose first clause's literal
    /// constraints the actor and resource can meet. A decision touches only these.
    pub(crate) fn candidates(
        &self,
        intent: &crate::input::Intent,
        snapshot: &crate::input::Snapshot,
        use_gates: bool,
        out: &mut Vec<usize>,
    ) {
        if let Some(rules) = self.by_action.get(&intent.action) {
            rules.candidates(intent, snapshot, use_gates, out);
        }
    }

    /// Up to `limit` allow rules of the intent's action and types that are not in `evaluated`
    /// (sorted), in source order: those the index left out, each false at its first clause.
    pub(crate) fn skipped_allow_rules(
        &self,
        intent: &crate::input::Intent,
        evaluated: &[usize],
        limit: usize,
    ) -> Vec<usize> {
        let is_allow =
            |rule: usize| self.rules[rule].item.effect == writ_language::ast::Effect::Allow;
        self.by_action
            .get(&intent.action)
            .map_or_else(Vec::new, |rules| {
                rules
                    .skipped(intent, evaluated, is_allow)
                    .take(limit)
                    .collect()
            })
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
