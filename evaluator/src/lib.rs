//! The Writ evaluator: a compiled policy set, an intent and a snapshot in; a decision that
//! explains itself out.
//!
//! Semantics (see the design of decisions in `docs/language.md`):
//!
//! - **Default deny.** Without a matching `allow` rule the answer is `deny`.
//! - **Precedence.** Any matching `deny` decides; otherwise any matching `review`; otherwise a
//!   matching `allow`.
//! - **Fail closed.** A `deny` or `review` rule whose evaluation fails counts as matching; an
//!   `allow` rule that fails grants nothing. Failures are reported in the decision.
//! - **Invalid input is a decision.** An intent or snapshot that does not conform to the
//!   schema is denied, with each mistake's JSON path.
//! - **Transitions.** An action with an `effect` must leave every `invariant` holding on `next`.
//! - **Purity.** No I/O, no clock: a decision is a function of its inputs, and carries the
//!   hashes of exactly those inputs.
//!
//! A [`PolicySet`] is built once from the compiler's output and is `Send + Sync`.

mod chain;
mod decide;
mod decision;
mod eval;
mod hash;
mod index;
mod input;
mod json;
mod policy;
mod testing;
mod wire;

pub use chain::{Break, Capability, ChainOutcome, Link};
pub use decide::{Coverage, RuleCoverage, decide, decide_with};
pub use decision::{
    ClauseOutcome, ClauseReport, Decision, InvariantReport, NearMiss, Outcome, Reason, RuleError,
    Source,
};
pub use eval::EvalError;
pub use hash::{canonical_hash, hex};
pub use input::{Entity, Grant, Intent, Snapshot};
pub use json::{ValidationError, parse_uid, value_json};
pub use policy::{Located, PolicySet, SourceText};
pub use testing::{FixtureLoader, TestOutcome, run_tests};

use serde_json::Value as Json;

use crate::json::{Path, Reader};

impl PolicySet {
    /// Reads a request (`{"intent": ..., "snapshot": ...}`).
    pub fn parse_request(&self, json: &Json) -> Result<(Intent, Snapshot), Vec<ValidationError>> {
        let mut reader = Reader {
            schema: &self.schema,
            errors: Vec::new(),
        };
        let root = Path::root("");
        let Some(map) = json.as_object() else {
            return Err(vec![ValidationError {
                path: "$".to_string(),
                message: format!(
                    "expected an object with `intent` and `snapshot`, found {}",
                    json::describe(json)
                ),
            }]);
        };
        for key in map.keys() {
            if key != "intent" && key != "snapshot" {
                reader.error(
                    &root.field(key),
                    format!("unknown field `{key}`; a request has `intent` and `snapshot`"),
                );
            }
        }
        let intent = match map.get("intent") {
            Some(intent) => self.read_intent(intent, &Path::root("intent"), &mut reader),
            None => {
                reader.error(
                    &Path::root("intent"),
                    "missing required field: the proposed action",
                );
                None
            }
        };
        let empty = Json::Object(Default::default());
        let snapshot = self.read_snapshot(
            map.get("snapshot").unwrap_or(&empty),
            &Path::root("snapshot"),
            &mut reader,
        );
        match (intent, snapshot) {
            (Some(intent), Some(snapshot)) if reader.errors.is_empty() => Ok((intent, snapshot)),
            _ => Err(reader.errors),
        }
    }

    /// Reads an intent on its own.
    pub fn parse_intent(&self, json: &Json) -> Result<Intent, Vec<ValidationError>> {
        let mut reader = Reader {
            schema: &self.schema,
            errors: Vec::new(),
        };
        match self.read_intent(json, &Path::root("intent"), &mut reader) {
            Some(intent) if reader.errors.is_empty() => Ok(intent),
            _ => Err(reader.errors),
        }
    }

    /// Reads a snapshot on its own.
    pub fn parse_snapshot(&self, json: &Json) -> Result<Snapshot, Vec<ValidationError>> {
        let mut reader = Reader {
            schema: &self.schema,
            errors: Vec::new(),
        };
        match self.read_snapshot(json, &Path::root("snapshot"), &mut reader) {
            Some(snapshot) if reader.errors.is_empty() => Ok(snapshot),
            _ => Err(reader.errors),
        }
    }

    /// Decides a request given as JSON. Input that does not conform to the schema is a
    /// `deny` carrying the validation errors, never a failure.
    pub fn decide_json(&self, request: &Json) -> Decision {
        match self.parse_request(request) {
            Ok((intent, snapshot)) => decide(self, &intent, &snapshot),
            Err(errors) => {
                let hash_of = |key: &str| request.get(key).map(canonical_hash).unwrap_or_default();
                Decision::invalid(self, errors, hash_of("intent"), hash_of("snapshot"))
            }
        }
    }
}
