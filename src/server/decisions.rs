//! `GET /v1/decisions` and `GET /v1/decisions/{seq}`: the recent decisions the review page
//! lists, and one of them with its explanation.

use std::panic::AssertUnwindSafe;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value as Json, json};

use super::error::ApiError;
use super::state::Shared;
use crate::decision_log::recent::Filter;

const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1000;

pub async fn list(State(state): State<Shared>, RawQuery(query): RawQuery) -> Response {
    let filter = match parse_filter(query.as_deref().unwrap_or("")) {
        Ok(filter) => filter,
        Err(e) => return e.into_response(),
    };
    let decisions: Vec<Json> = state
        .recent
        .query(&filter)
        .iter()
        .map(|e| {
            json!({
                "seq": e.seq,
                "time": e.time,
                "decision": e.outcome,
                "action": e.action,
                "actor": e.actor,
                "resource": e.resource,
                "summary": e.summary,
                "policy_hash": e.policy_hash.as_ref(),
            })
        })
        .collect();
    let body = json!({
        "decisions": decisions,
        "kept": state.recent.len(),
        "capacity": state.recent.capacity(),
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn parse_filter(query: &str) -> Result<Filter, ApiError> {
    let mut filter = Filter {
        limit: DEFAULT_LIMIT,
        ..Filter::default()
    };
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let number = |max: u64| -> Result<u64, ApiError> {
            value
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "`{key}={value}`: expected a whole number from 1 to {max}"
                    ))
                })
        };
        let text = || (!value.is_empty()).then(|| value.to_string());
        match key.as_ref() {
            "outcome" => {
                if !value.is_empty() && !matches!(value.as_ref(), "allow" | "review" | "deny") {
                    return Err(ApiError::bad_request(format!(
                        "`outcome={value}`: expected `allow`, `review` or `deny`"
                    )));
                }
                filter.outcome = text();
            }
            "action" => filter.action = text(),
            "actor" => filter.actor = text(),
            "limit" => filter.limit = number(MAX_LIMIT as u64)? as usize,
            "before" => filter.before = Some(number(u64::MAX)?),
            _ => {
                return Err(ApiError::bad_request(format!(
                    "unknown query parameter `{key}`: expected `outcome`, `action`, `actor`, \
                     `limit` or `before`"
                )));
            }
        }
    }
    Ok(filter)
}

/// The whole entry as logged, and its explanation as `writ eval --format text` prints it
/// (annotated policy source with the clauses' values), when the policy set it was decided
/// with is still in memory: decisions are deterministic, so deciding the logged request again
/// with that set gives the same explanation.
pub async fn detail(
    State(state): State<Shared>,
    seq: Result<Path<String>, PathRejection>,
) -> Response {
    let seq = match seq {
        Ok(Path(seq)) => seq,
        Err(e) => return ApiError::bad_request(format!("{e}")).into_response(),
    };
    let Some(number) = seq.parse::<u64>().ok().filter(|&n| n > 0) else {
        return ApiError::bad_request(format!(
            "`{seq}` is not a decision sequence number: expected a positive whole number"
        ))
        .into_response();
    };
    let Some(entry) = state.recent.get(number) else {
        return ApiError::new(
            StatusCode::NOT_FOUND,
            format!(
                "decision {number} is not among the {} most recent decisions kept in memory \
                 (`--recent`); the log file has every decision",
                state.recent.capacity()
            ),
        )
        .into_response();
    };
    let Ok(mut body) = serde_json::from_slice::<Json>(&entry.line) else {
        return ApiError::new(
            StatusCode::NOT_FOUND,
            format!("decision {number} could not be read back from the log"),
        )
        .into_response();
    };
    match state.policies.by_hash(&entry.policy_hash) {
        Some(loaded) => {
            let rendered = std::panic::catch_unwind(AssertUnwindSafe(|| {
                let decision = loaded.set.decide_json(&body["request"]);
                decision.render_text(&loaded.set, false)
            }));
            body["explanation"] = rendered.map_or(Json::Null, Json::String);
        }
        None => {
            body["explanation"] = Json::Null;
            body["explanation_unavailable"] = json!(format!(
                "the policy set this decision was made with ({}) is no longer in memory",
                entry.policy_hash
            ));
        }
    }
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_read_from_the_query_and_mistakes_named() {
        let f =
            parse_filter("outcome=deny&action=fs.&actor=Agent%3A%3A%22coder%22&limit=5&before=9")
                .unwrap();
        assert_eq!(f.outcome.as_deref(), Some("deny"));
        assert_eq!(f.action.as_deref(), Some("fs."));
        assert_eq!(f.actor.as_deref(), Some("Agent::\"coder\""));
        assert_eq!((f.limit, f.before), (5, Some(9)));
        let f = parse_filter("outcome=&action=").unwrap();
        assert!(f.outcome.is_none() && f.action.is_none());
        assert_eq!(f.limit, DEFAULT_LIMIT);
        for bad in [
            "outcome=maybe",
            "limit=0",
            "limit=5000",
            "limit=x",
            "before=-1",
            "sort=seq",
        ] {
            assert!(parse_filter(bad).is_err(), "{bad}");
        }
    }
}
