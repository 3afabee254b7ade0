//! The decision's wire format, serialized straight from the decision.
//!
//! A server writes one of these for every request: building a `serde_json::Value` tree first
//! (maps of owned strings, then a second walk to write them) cost more than deciding did.
//! [`Decision::to_json`] is this same serialization read back into a `Value`, so the two can
//! never disagree. Members come in the order written here.

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use writ_language::ast::Span;
use writ_stdlib::Value;

use crate::chain::ChainOutcome;
use crate::decision::{ClauseOutcome, ClauseReport, Decision, Reason, Source};
use crate::json::ValidationError;
use crate::policy::{PolicySet, SourceText};

/// A decision with the policy set it was made on, ready to serialize.
pub struct Wire<'a> {
    pub decision: &'a Decision,
    pub set: &'a PolicySet,
    pub summary: &'a str,
}

impl Serialize for Wire<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (d, set) = (self.decision, self.set);
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("decision", d.outcome.as_str())?;
        map.serialize_entry("summary", self.summary)?;
        map.serialize_entry(
            "reasons",
            &Each(&d.reasons, |reason| ReasonWire { set, reason }),
        )?;
        map.serialize_entry("approvers", &Each(&d.approvers, Plain))?;
        map.serialize_entry("obligations", &d.obligations)?;
        map.serialize_entry("errors", &Each(&d.errors, |e| ErrorWire { set, error: e }))?;
        map.serialize_entry("policy_hash", &d.policy_hash)?;
        map.serialize_entry("intent_hash", &d.intent_hash)?;
        map.serialize_entry("snapshot_hash", &d.snapshot_hash)?;
        if !d.invariants.is_empty() {
            let invariants = Each(&d.invariants, |report| InvariantWire { set, report });
            map.serialize_entry("invariants", &invariants)?;
        }
        if !d.nearest.is_empty() {
            map.serialize_entry("nearest", &Each(&d.nearest, |near| NearWire { set, near }))?;
        }
        if let Some(chain) = &d.delegation {
            map.serialize_entry("delegation", &ChainWire(chain))?;
        }
        if !d.validation.is_empty() {
            map.serialize_entry("validation", &Each(&d.validation, validation_wire))?;
        }
        map.end()
    }
}

/// A slice serialized as a sequence, each item through `wrap`.
struct Each<'a, T, F>(&'a [T], F);

impl<'a, T, F, W> Serialize for Each<'a, T, F>
where
    F: Fn(&'a T) -> W,
    W: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for item in self.0 {
            seq.serialize_element(&(self.1)(item))?;
        }
        seq.end()
    }
}

fn validation_wire(v: &ValidationError) -> Pairs<'_, 2> {
    Pairs([("path", v.path.as_str()), ("message", v.message.as_str())])
}

/// An object of string members.
struct Pairs<'a, const N: usize>([(&'static str, &'a str); N]);

impl<const N: usize> Serialize for Pairs<'_, N> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(N))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// A value as explanations show it: strings as they are, everything else in Writ syntax.
#[derive(Clone, Copy)]
struct Plain<'a>(&'a Value);

impl Serialize for Plain<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::String(text) => s.serialize_str(text),
            other => s.collect_str(other),
        }
    }
}

/// Where a rule is declared: the members every reason and near miss starts with.
fn rule_header<M: SerializeMap>(map: &mut M, set: &PolicySet, rule: usize) -> Result<(), M::Error> {
    let located = &set.rules[rule];
    let source = &set.sources[located.source];
    let (line, column) =
        source.line_column((located.offset + located.item.name_span.start) as usize);
    map.serialize_entry("rule", located.item.name.as_ref())?;
    map.serialize_entry("effect", located.item.effect.as_str())?;
    map.serialize_entry("because", &located.item.because)?;
    map.serialize_entry("file", source.path.as_ref())?;
    map.serialize_entry("line", &line)?;
    map.serialize_entry("column", &column)
}

struct ReasonWire<'a> {
    set: &'a PolicySet,
    reason: &'a Reason,
}

impl Serialize for ReasonWire<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (set, rule) = (self.set, self.reason.rule);
        let mut map = s.serialize_map(None)?;
        rule_header(&mut map, set, rule)?;
        let clauses = Each(&self.reason.clauses, |clause| ClauseWire {
            set,
            rule,
            clause,
        });
        map.serialize_entry("clauses", &clauses)?;
        map.end()
    }
}

struct NearWire<'a> {
    set: &'a PolicySet,
    near: &'a crate::decision::NearMiss,
}

impl Serialize for NearWire<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (set, rule) = (self.set, self.near.rule);
        let mut map = s.serialize_map(None)?;
        rule_header(&mut map, set, rule)?;
        map.serialize_entry("passed", &self.near.passed)?;
        map.serialize_entry("clauses", &set.rules[rule].item.conditions.len())?;
        let failed = ClauseWire {
            set,
            rule,
            clause: &self.near.failed,
        };
        map.serialize_entry("failed", &failed)?;
        map.end()
    }
}

struct ClauseWire<'a> {
    set: &'a PolicySet,
    rule: usize,
    clause: &'a ClauseReport,
}

impl Serialize for ClauseWire<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let located = &self.set.rules[self.rule];
        let source = &self.set.sources[located.source];
        let condition = &located.item.conditions[self.clause.index];
        let (line, column) =
            source.line_column((located.offset + condition.expr.span.start) as usize);
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("kind", if condition.negated { "unless" } else { "when" })?;
        map.serialize_entry("source", source.slice(located.offset, condition.expr.span))?;
        map.serialize_entry("line", &line)?;
        map.serialize_entry("column", &column)?;
        map.serialize_entry(
            "values",
            &Values(source, located.offset, &self.clause.values),
        )?;
        match &self.clause.outcome {
            ClauseOutcome::Value(v) => map.serialize_entry("value", v)?,
            ClauseOutcome::Error(e) => {
                map.serialize_entry("value", &())?;
                map.serialize_entry("error", e)?;
            }
        }
        map.end()
    }
}

/// The values a clause or invariant compared: `[{"expr": ..., "value": ...}]`.
struct Values<'a>(&'a SourceText, u32, &'a [(Span, Value)]);

impl Serialize for Values<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Values(source, offset, values) = *self;
        let mut seq = s.serialize_seq(Some(values.len()))?;
        for (span, value) in values {
            seq.serialize_element(&ExprValue(source.slice(offset, *span), value))?;
        }
        seq.end()
    }
}

struct ExprValue<'a>(&'a str, &'a Value);

impl Serialize for ExprValue<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("expr", self.0)?;
        map.serialize_entry("value", &Shown(self.1))?;
        map.end()
    }
}

/// A value in Writ syntax, written without an intermediate `String`.
struct Shown<'a>(&'a Value);

impl Serialize for Shown<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
}

struct InvariantWire<'a> {
    set: &'a PolicySet,
    report: &'a crate::decision::InvariantReport,
}

impl Serialize for InvariantWire<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let located = &self.set.invariants[self.report.invariant];
        let source = &self.set.sources[located.source];
        let (line, column) =
            source.line_column((located.offset + located.item.name_span.start) as usize);
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("name", located.item.name.as_ref())?;
        map.serialize_entry("description", &located.item.description)?;
        map.serialize_entry("holds", &self.report.holds)?;
        map.serialize_entry("file", source.path.as_ref())?;
        map.serialize_entry("line", &line)?;
        map.serialize_entry("column", &column)?;
        map.serialize_entry(
            "values",
            &Values(source, located.offset, &self.report.values),
        )?;
        map.end()
    }
}

struct ErrorWire<'a> {
    set: &'a PolicySet,
    error: &'a crate::decision::RuleError,
}

impl Serialize for ErrorWire<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let set = self.set;
        let (name, source, offset) = match self.error.source {
            Source::Rule(i) => (
                set.rules[i].item.name.as_ref(),
                set.rules[i].source,
                set.rules[i].offset,
            ),
            Source::Invariant(i) => (
                set.invariants[i].item.name.as_ref(),
                set.invariants[i].source,
                set.invariants[i].offset,
            ),
        };
        let source = &set.sources[source];
        let span = self.error.error.span;
        let (line, column) = source.line_column((offset + span.start) as usize);
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("rule", name)?;
        map.serialize_entry("message", &self.error.error.message)?;
        map.serialize_entry("source", source.slice(offset, span))?;
        map.serialize_entry("file", source.path.as_ref())?;
        map.serialize_entry("line", &line)?;
        map.serialize_entry("column", &column)?;
        map.end()
    }
}

struct ChainWire<'a>(&'a ChainOutcome);

impl Serialize for ChainWire<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let chain = self.0;
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("valid", &chain.valid())?;
        map.serialize_entry("chain", &Each(&chain.links, LinkWire))?;
        map.serialize_entry("broken", &chain.broken.as_ref().map(|b| b.to_string()))?;
        map.end()
    }
}

#[derive(Clone, Copy)]
struct LinkWire<'a>(&'a crate::chain::Link);

impl Serialize for LinkWire<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let link = self.0;
        let mut map = s.serialize_map(Some(6))?;
        map.serialize_entry("grant", &link.grant)?;
        map.serialize_entry("issuer", &link.issuer.to_string())?;
        map.serialize_entry("holder", &link.holder.to_string())?;
        map.serialize_entry("capability", &link.capability)?;
        let scope = link
            .scope
            .as_ref()
            .map(|scope| scope.iter().map(ToString::to_string).collect::<Vec<_>>());
        map.serialize_entry("scope", &scope)?;
        map.serialize_entry("expires", &link.expires.map(|e| e.to_string()))?;
        map.end()
    }
}
