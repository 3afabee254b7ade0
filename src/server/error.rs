//! Error responses: a status and a JSON body `{"error": "...", ...}` whose message reads like
//! the command's own errors (lowercase, what was expected, the client's input in backticks).

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value as Json, json};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// More members of the body: `path`, `line`, `column`, `limit`.
    extra: Vec<(&'static str, Json)>,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            extra: Vec::new(),
            headers: Vec::new(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// A 400 about the JSON at `path` (`$.requests[2].intent`).
    pub fn at(path: &str, message: impl Into<String>) -> ApiError {
        ApiError::bad_request(message).with("path", json!(path))
    }

    pub fn with(mut self, key: &'static str, value: Json) -> ApiError {
        self.extra.push((key, value));
        self
    }

    pub fn with_header(mut self, name: HeaderName, value: &'static str) -> ApiError {
        self.headers.push((name, HeaderValue::from_static(value)));
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": self.message });
        for (key, value) in self.extra {
            body[key] = value;
        }
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response();
        for (name, value) in self.headers {
            response.headers_mut().append(name, value);
        }
        response
    }
}

/// How JSON values are named in messages.
pub fn describe(json: &Json) -> &'static str {
    match json {
        Json::Null => "`null`",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}
