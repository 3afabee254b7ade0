//! Reading a JSON request body: the content type, the size limit (413), the JSON itself (400
//! with the line and column of the mistake).

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::{Value as Json, json};

use super::error::ApiError;

/// Reads the body as JSON. Returns the parsed value and the body's bytes.
pub async fn read_json(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<(Json, Bytes), ApiError> {
    check_content_type(headers)?;
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is larger than the limit of {limit} bytes (`--max-body-bytes`)"),
        )
        .with("limit", json!(limit))
    };
    // A declared length over the limit is refused before reading a byte of it.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let bytes = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<LengthLimitError>() => return Err(too_large()),
        Err(e) => {
            // hyper's message is general ("error reading a body"); its cause says what
            // happened (the client went away before sending all it declared, say).
            let mut message = format!("could not read the request body: {e}");
            let mut cause = e.source();
            while let Some(c) = cause {
                message.push_str(&format!(": {c}"));
                cause = c.source();
            }
            return Err(ApiError::bad_request(message));
        }
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "the body is empty: expected a JSON object",
        ));
    }
    match serde_json::from_slice(&bytes) {
        Ok(json) => Ok((json, bytes)),
        Err(e) => {
            // serde_json ends its messages with the position; it goes in its own fields.
            let message = e.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(m, _)| m);
            Err(ApiError::bad_request(format!(
                "the body is not valid JSON: {message} at line {}, column {}",
                e.line(),
                e.column()
            ))
            .with("line", json!(e.line()))
            .with("column", json!(e.column())))
        }
    }
}

/// JSON, or no content type at all (some HTTP libraries send none). Anything else is a mistake
/// worth naming before the body is read: a form (what `curl -d` sends unless told otherwise)
/// would otherwise surface as a confusing JSON error, or worse, parse.
fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let text = value.to_str().unwrap_or("");
    let essence = text
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") {
        return Ok(());
    }
    let shown = String::from_utf8_lossy(value.as_bytes());
    Err(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        format!("expected `content-type: application/json`, found `{shown}`"),
    ))
}

/// The body as the log records it: JSON on one line. Sent as one line already (as clients
/// that serialize JSON do), it is kept byte for byte; otherwise it is re-serialized.
pub fn one_line(bytes: &Bytes, json: &Json) -> Bytes {
    let trimmed = bytes.trim_ascii();
    if !trimmed.iter().any(|&b| b == b'\n' || b == b'\r') {
        return bytes.slice_ref(trimmed);
    }
    Bytes::from(serde_json::to_vec(json).unwrap_or_default())
}
