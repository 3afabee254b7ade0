//! The API's routes, and the layers every request passes through (outermost first): counting,
//! the token, the time limit and the concurrency bound.

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};

use super::state::Shared;
use super::{decide, decisions, guard, info, page};

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/", get(page::index))
        .route("/review.js", get(page::script))
        .route("/review.css", get(page::style))
        .route("/openapi.json", get(page::openapi))
        .route("/v1/decide", post(decide::decide))
        .route("/v1/decide/batch", post(decide::batch))
        .route("/v1/policies", get(info::policies))
        .route("/v1/decisions", get(decisions::list))
        .route("/v1/decisions/{seq}", get(decisions::detail))
        .route("/healthz", get(info::healthz))
        .route("/metrics", get(info::metrics))
        .fallback(page::not_found)
        .method_not_allowed_fallback(page::method_not_allowed)
        .layer(from_fn_with_state(state.clone(), guard::limit))
        .layer(from_fn_with_state(state.clone(), guard::authenticate))
        .layer(from_fn_with_state(state.clone(), guard::count))
        .with_state(state)
}
