//! `POST /v1/decide` and `POST /v1/decide/batch`.
//!
//! Which mistakes are the client's (400) and which are decisions (200):
//!
//! - The envelope is the API's own contract: a JSON object with `intent` (an object) and
//!   optionally `snapshot` (an object), or for a batch `{"requests": [...]}`. Anything else
//!   is a 400 naming the JSON path, and nothing is logged.
//! - What is inside `intent` and `snapshot` is checked against the policy set's schema, and a
//!   mismatch is a `deny` carrying each mistake's path under `validation` (the language's
//!   "invalid input is a decision"), answered 200 and logged like any other decision: an agent
//!   that sends malformed intents is something an auditor wants to see.

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value as Json, json};
use writ_evaluator::Outcome;

use super::body::{one_line, read_json};
use super::clock;
use super::error::{ApiError, describe};
use super::hierarchy;
use super::policies::Loaded;
use super::state::Shared;
use crate::decision_log::writer::Record;

/// Batches yield to other requests (and to the time limit) this often.
const YIELD_EVERY: usize = 32;

pub async fn decide(State(state): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    let started = Instant::now();
    let response = single(&state, &headers, body)
        .await
        .unwrap_or_else(IntoResponse::into_response);
    state.metrics.decide_latency.observe(started.elapsed());
    response
}

pub async fn batch(State(state): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    let started = Instant::now();
    let response = many(&state, &headers, body)
        .await
        .unwrap_or_else(IntoResponse::into_response);
    state.metrics.batch_latency.observe(started.elapsed());
    response
}

async fn single(state: &Shared, headers: &HeaderMap, body: Body) -> Result<Response, ApiError> {
    log_writable(state)?;
    let (json, bytes) = read_json(headers, body, state.limits.max_body).await?;
    check_request(&json, "$")?;
    hierarchy::check(&json, "$", hierarchy::MAX_MEMBERSHIPS)?;
    let loaded = state.policies.current();
    let (outcome, record) = make(&loaded, &json, one_line(&bytes, &json))?;
    let decision = record.decision.clone();
    let seq = state.log.append(vec![record]).await.map_err(log_failed)?;
    state.metrics.decided(outcome);
    Ok(answer(decision, seq))
}

async fn many(state: &Shared, headers: &HeaderMap, body: Body) -> Result<Response, ApiError> {
    log_writable(state)?;
    let (json, _) = read_json(headers, body, state.limits.max_body).await?;
    let requests = check_batch(&json, state.limits.max_batch)?;
    for (i, request) in requests.iter().enumerate() {
        let path = format!("$.requests[{i}]");
        check_request(request, &path)?;
        hierarchy::check(request, &path, hierarchy::MAX_MEMBERSHIPS)?;
    }
    let loaded = state.policies.current();
    let mut outcomes = Vec::with_capacity(requests.len());
    let mut records = Vec::with_capacity(requests.len());
    let mut out = Vec::with_capacity(requests.len() * 1024 + 16);
    out.extend_from_slice(b"{\"decisions\":[");
    for (i, request) in requests.iter().enumerate() {
        if i % YIELD_EVERY == YIELD_EVERY - 1 {
            tokio::task::yield_now().await;
        }
        let line = Bytes::from(serde_json::to_vec(request).unwrap_or_default());
        let (outcome, record) = make(&loaded, request, line)?;
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&record.decision);
        outcomes.push(outcome);
        records.push(record);
    }
    out.extend_from_slice(b"]}");
    let seq = state.log.append(records).await.map_err(log_failed)?;
    for outcome in outcomes {
        state.metrics.decided(outcome);
    }
    Ok(answer(Bytes::from(out), seq))
}

/// The decision JSON, with the log's sequence number of the (first) entry in a header.
fn answer(body: Bytes, seq: u64) -> Response {
    let mut response = ([(header::CONTENT_TYPE, "application/json")], body).into_response();
    response
        .headers_mut()
        .insert("writ-decision-seq", HeaderValue::from(seq));
    response
}

/// Decides one request and prepares its log record.
fn make(
    loaded: &Loaded,
    request: &Json,
    request_line: Bytes,
) -> Result<(Outcome, Record), ApiError> {
    // The evaluator does not panic on any input (its property tests say so); should it ever,
    // the client gets a 500 that says so instead of a dropped connection.
    let decided = std::panic::catch_unwind(AssertUnwindSafe(|| {
        let decision = loaded.set.decide_json(request);
        let summary = decision.summary(&loaded.set);
        let json = decision.to_json_bytes(&loaded.set, &summary);
        (decision.outcome, summary, json)
    }));
    let Ok((outcome, summary, json)) = decided else {
        return Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error: deciding this request panicked; this is a bug in Writ, please \
             report it with the request",
        ));
    };
    let intent = request.get("intent");
    let field = |key: &str| {
        intent
            .and_then(|i| i.get(key))
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let record = Record {
        time_ms: clock::now_ms(),
        policy_hash: loaded.hash.clone(),
        request: request_line,
        decision: Bytes::from(json),
        outcome: outcome.as_str(),
        action: field("action"),
        actor: field("actor"),
        resource: field("resource"),
        summary,
    };
    Ok((outcome, record))
}

fn log_writable(state: &Shared) -> Result<(), ApiError> {
    match state.log.status.failed() {
        None => Ok(()),
        Some(why) => Err(log_failed(why.to_string())),
    }
}

fn log_failed(why: String) -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        format!(
            "the decision log cannot be written ({why}); decisions are refused until the \
             server is restarted with a writable log"
        ),
    )
}

/// The envelope of one request: an object with `intent` (an object) and optionally
/// `snapshot` (an object). What they hold is the schema's business, not this check's.
pub fn check_request(json: &Json, path: &str) -> Result<(), ApiError> {
    let Some(map) = json.as_object() else {
        return Err(ApiError::at(
            path,
            format!(
                "expected a request object `{{\"intent\": ..., \"snapshot\": ...}}` at `{path}`, \
                 found {}",
                describe(json)
            ),
        ));
    };
    if let Some(key) = map.keys().find(|k| *k != "intent" && *k != "snapshot") {
        return Err(ApiError::at(
            &field_path(path, key),
            format!(
                "unknown field `{}` at `{path}`: a request has `intent` and `snapshot`",
                shorten(key)
            ),
        ));
    }
    let intent_path = field_path(path, "intent");
    match map.get("intent") {
        None => {
            return Err(ApiError::at(
                &intent_path,
                format!("missing field `intent` at `{path}`: the proposed action"),
            ));
        }
        Some(intent) if !intent.is_object() => {
            return Err(ApiError::at(
                &intent_path,
                format!(
                    "expected an intent object at `{intent_path}`, found {}",
                    describe(intent)
                ),
            ));
        }
        Some(_) => {}
    }
    if let Some(snapshot) = map.get("snapshot")
        && !snapshot.is_object()
    {
        let snapshot_path = field_path(path, "snapshot");
        return Err(ApiError::at(
            &snapshot_path,
            format!(
                "expected a snapshot object at `{snapshot_path}`, found {}",
                describe(snapshot)
            ),
        ));
    }
    Ok(())
}

/// The envelope of a batch: `{"requests": [...]}` with at most `max` requests.
pub fn check_batch(json: &Json, max: usize) -> Result<&Vec<Json>, ApiError> {
    let Some(map) = json.as_object() else {
        return Err(ApiError::at(
            "$",
            format!(
                "expected a batch object `{{\"requests\": [...]}}` at `$`, found {}",
                describe(json)
            ),
        ));
    };
    if let Some(key) = map.keys().find(|k| *k != "requests") {
        return Err(ApiError::at(
            &field_path("$", key),
            format!(
                "unknown field `{}` at `$`: a batch has only `requests`",
                shorten(key)
            ),
        ));
    }
    let requests = match map.get("requests") {
        None => {
            return Err(ApiError::at(
                "$.requests",
                "missing field `requests` at `$`: the array of requests to decide",
            ));
        }
        Some(Json::Array(requests)) => requests,
        Some(other) => {
            return Err(ApiError::at(
                "$.requests",
                format!(
                    "expected an array of requests at `$.requests`, found {}",
                    describe(other)
                ),
            ));
        }
    };
    if requests.len() > max {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the batch has {} requests; the limit is {max} (`--max-batch`)",
                requests.len()
            ),
        )
        .with("limit", json!(max)));
    }
    Ok(requests)
}

/// `$.intent`, or `$["odd key"]` for a key that is not an identifier (as the evaluator writes
/// validation paths).
fn field_path(path: &str, key: &str) -> String {
    let identifier = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if identifier {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", Json::String(shorten(key)))
    }
}

/// Client text quoted in a message, cut to a readable length.
fn shorten(text: &str) -> String {
    const MAX: usize = 64;
    match text.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(json: &str) -> (String, String) {
        let e = check_request(&serde_json::from_str(json).unwrap(), "$").unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        let debug = format!("{e:?}");
        (e.message, debug)
    }

    #[test]
    fn the_envelope_is_checked_and_its_mistakes_name_the_path() {
        assert!(check_request(&json!({"intent": {}}), "$").is_ok());
        assert!(check_request(&json!({"intent": {}, "snapshot": {}}), "$").is_ok());
        let (m, _) = message("[]");
        assert!(m.contains("at `$`, found an array"), "{m}");
        let (m, debug) = message(r#"{"intent": {}, "extra": 1}"#);
        assert!(m.starts_with("unknown field `extra` at `$`"), "{m}");
        assert!(debug.contains("$.extra"), "{debug}");
        let (m, debug) = message(r#"{"intent": {}, "odd key": 1}"#);
        assert!(m.contains("`odd key`"), "{m}");
        assert!(debug.contains(r#"$[\"odd key\"]"#), "{debug}");
        let (m, _) = message(r#"{"snapshot": {}}"#);
        assert!(m.starts_with("missing field `intent`"), "{m}");
        let (m, _) = message(r#"{"intent": "fs.read"}"#);
        assert!(m.contains("at `$.intent`, found a string"), "{m}");
        let (m, _) = message(r#"{"intent": {}, "snapshot": null}"#);
        assert!(m.contains("at `$.snapshot`, found `null`"), "{m}");
    }

    #[test]
    fn batches_must_be_an_object_with_a_bounded_array() {
        assert!(check_batch(&json!({"requests": []}), 2).is_ok());
        let e = check_batch(&json!({"requests": [1, 2, 3]}), 2).unwrap_err();
        assert_eq!(e.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(
            check_batch(&json!({"requests": {}}), 2)
                .unwrap_err()
                .message
                .contains("found an object")
        );
        assert!(
            check_batch(&json!({}), 2)
                .unwrap_err()
                .message
                .starts_with("missing field `requests`")
        );
        assert!(check_batch(&json!([]), 2).is_err());
        assert!(check_batch(&json!({"requests": [], "x": 1}), 2).is_err());
    }

    #[test]
    fn long_keys_are_shortened() {
        let key = "k".repeat(200);
        let shown = shorten(&key);
        assert_eq!(shown.chars().count(), 65);
        assert!(shown.ends_with('…'));
    }
}
