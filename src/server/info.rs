//! `GET /healthz`, `GET /v1/policies` and `GET /metrics`.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value as Json, json};

use super::metrics::Gauges;
use super::state::Shared;

fn json_response(status: StatusCode, body: &Json) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// 200 while decisions are being made and logged; 503 once the log cannot be written, since
/// the server then refuses to decide.
pub async fn healthz(State(state): State<Shared>) -> Response {
    let loaded = state.policies.current();
    let status = &state.log.status;
    let head = status.head();
    let failed = status.failed();
    let body = json!({
        "status": if failed.is_some() { "failing" } else { "ok" },
        "policy_hash": loaded.hash.as_ref(),
        "reload_error": state.policies.last_error().is_some(),
        "decision_log": {
            "path": status.path.as_ref().map(|p| p.display().to_string()),
            "head": { "seq": head.seq, "hash": head.hash },
            "sync_interval_ms": status.sync_interval.as_millis() as u64,
            "failed": failed,
        },
    });
    let code = if failed.is_some() {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    json_response(code, &body)
}

/// The served set: its files and rules, its hash, and why the last reload failed, if it did.
pub async fn policies(State(state): State<Shared>) -> Response {
    let loaded = state.policies.current();
    let set = &loaded.set;
    let files: Vec<Json> = set
        .sources()
        .iter()
        .map(|s| json!({ "path": s.path.as_ref(), "prelude": s.path.starts_with('<') }))
        .collect();
    let rules: Vec<Json> = set
        .rules()
        .map(|rule| {
            let source = &set.sources()[rule.source];
            let (line, column) =
                source.line_column((rule.offset + rule.item.name_span.start) as usize);
            json!({
                "name": rule.item.name.as_ref(),
                "effect": rule.item.effect.as_str(),
                "because": rule.item.because,
                "file": source.path.as_ref(),
                "line": line,
                "column": column,
            })
        })
        .collect();
    let error = state.policies.last_error().map(|e| {
        json!({
            "at": e.at,
            "message": e.message,
            "diagnostics": e.diagnostics["diagnostics"],
        })
    });
    let watching = state.policies.watching();
    let body = json!({
        "path": state.policies.path.display().to_string(),
        "policy_hash": loaded.hash.as_ref(),
        "loaded_at": loaded.loaded_at,
        "watching": watching.is_ok(),
        "watch_error": watching.err(),
        "files": files,
        "rules": rules,
        "last_reload_error": error,
    });
    json_response(StatusCode::OK, &body)
}

pub async fn metrics(State(state): State<Shared>) -> Response {
    let loaded = state.policies.current();
    let status = &state.log.status;
    let text = state.metrics.render(&Gauges {
        policy_hash: &loaded.hash,
        rules: loaded.set.rules().count(),
        reload_error: state.policies.last_error().is_some(),
        log_written: status.written.load(std::sync::atomic::Ordering::Relaxed),
        log_syncs: status.syncs.load(std::sync::atomic::Ordering::Relaxed),
        log_failed: status.failed().is_some(),
        recent: state.recent.len(),
    });
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}
