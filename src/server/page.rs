//! The review page (`GET /`): static HTML, CSS and JavaScript compiled into the binary, so
//! that nothing needs building or installing to run it. It reads the API like any client.

use axum::http::{HeaderName, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::error::ApiError;

const INDEX: &str = include_str!("page/index.html");
const SCRIPT: &str = include_str!("page/review.js");
const STYLE: &str = include_str!("page/review.css");
const OPENAPI: &str = include_str!("../../docs/openapi.json");

/// The page shows text that clients sent (intents, snapshots); it inserts it as text, never as
/// markup, and the policy below forbids inline scripts should that ever slip.
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
                      connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; \
                      frame-ancestors 'none'";

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let headers: [(HeaderName, &'static str); 4] = [
        (header::CONTENT_TYPE, content_type),
        (header::CONTENT_SECURITY_POLICY, POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::CACHE_CONTROL, "no-cache"),
    ];
    (headers, body).into_response()
}

pub async fn index() -> Response {
    asset("text/html; charset=utf-8", INDEX)
}

pub async fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

pub async fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}

pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

pub async fn not_found(uri: Uri) -> Response {
    let path = uri.path();
    let shown: String = path.chars().take(100).collect();
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("no endpoint at `{shown}`; the API is described at `/openapi.json`"),
    )
    .into_response()
}

pub async fn method_not_allowed(method: axum::http::Method, uri: Uri) -> Response {
    let shown: String = uri.path().chars().take(100).collect();
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("`{method}` is not allowed on `{shown}`; the `allow` header lists what is"),
    )
    .into_response()
}
