//! What every request goes through before its handler: counting, the token, the time limit
//! and the bound on concurrent requests.

use std::sync::atomic::Ordering;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::state::Shared;

/// Counts every answer by status, and the requests in flight.
pub async fn count(State(state): State<Shared>, request: Request, next: Next) -> Response {
    // A client that disconnects drops this future mid-way: the guard still counts it out.
    struct InFlight<'a>(&'a std::sync::atomic::AtomicI64);
    impl Drop for InFlight<'_> {
        fn drop(&mut self) {
            self.0.fetch_sub(1, Ordering::Relaxed);
        }
    }
    state.metrics.in_flight.fetch_add(1, Ordering::Relaxed);
    let _in_flight = InFlight(&state.metrics.in_flight);
    let response = next.run(request).await;
    state.metrics.responded(response.status().as_u16());
    response
}

/// With `--token-file`, a request without the token gets a 401 before anything else runs.
pub async fn authenticate(State(state): State<Shared>, request: Request, next: Next) -> Response {
    if let Some(token) = &state.token {
        let header = request
            .headers()
            .get(header::AUTHORIZATION)
            .map(|v| v.as_bytes());
        if let Err(why) = token.check(header) {
            // Both challenges: programs read the first, browsers prompt for the second.
            return ApiError::new(StatusCode::UNAUTHORIZED, why)
                .with_header(header::WWW_AUTHENTICATE, "Bearer realm=\"writ\"")
                .with_header(
                    header::WWW_AUTHENTICATE,
                    "Basic realm=\"writ\", charset=\"UTF-8\"",
                )
                .into_response();
        }
    }
    next.run(request).await
}

/// The time limit covers waiting for a slot, reading the body and deciding. A request that
/// runs out of time is dropped where it stands (between decisions of a batch at the latest,
/// since batches yield between decisions) and answered 408; nothing of it is logged, since
/// entries are queued only once every decision of the request is made.
pub async fn limit(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let timeout = state.limits.timeout;
    let run = async {
        // The semaphore is never closed, so acquiring only fails if it were; answer as busy.
        let Ok(_permit) = state.concurrency.acquire().await else {
            return ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the server is shutting down",
            )
            .into_response();
        };
        next.run(request).await
    };
    match tokio::time::timeout(timeout, run).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "the request was not answered within the time limit of {} ms \
                 (`--timeout-ms`): its body arrived too slowly, or the server is overloaded",
                timeout.as_millis()
            ),
        )
        .into_response(),
    }
}
