//! The route table: every endpoint, the limits and the access log around them, and JSON
//! answers for unknown paths and methods.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::{get, post};

use super::error::ApiError;
use super::limits::{self, Limits};
use super::state::State;
use super::{access, check, codes, health, metrics, openapi, page, quick, rules};

/// The application.
pub fn router(state: Arc<State>, limits: Limits) -> Router {
    Router::new()
        .route("/", get(page::index))
        .route("/page.js", get(page::script))
        .route("/page.css", get(page::style))
        .route("/healthz", get(health::get))
        .route("/metrics", get(metrics::get))
        .route("/v1/openapi.json", get(openapi::get))
        .route("/v1/quick", post(quick::post))
        .route("/v1/check", post(check::post))
        .route("/v1/codes", get(codes::complete))
        .route("/v1/codes/{code}", get(codes::lookup))
        .route("/v1/rules", get(rules::list))
        .route("/v1/rules/{id}", get(rules::one))
        .fallback(not_found)
        .method_not_allowed_fallback(not_allowed)
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            limits::enforce,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            access::observe,
        ))
        .with_state(state)
}

/// No endpoint at this path.
async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "no endpoint at this path: see /v1/openapi.json",
    )
}

/// The path exists but not for this method.
async fn not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "this endpoint does not take this method: see /v1/openapi.json",
    )
}
