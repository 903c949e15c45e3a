//! One log line a request (method, route template, status, time) and its metrics. The
//! route template (`/v1/codes/{code}`) is logged, never the path or query: they carry codes.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::state;

/// Log and count the request once its response is ready.
pub async fn observe(State(s): State<Arc<state::State>>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().as_str().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |m| m.as_str())
        .to_string();
    let resp = next.run(req).await;
    let took = start.elapsed();
    let status = resp.status().as_u16();
    s.metrics.request(&route, &method, status, took);
    eprintln!(
        "claimscrub serve: {method} {route} {status} {:.3}ms",
        took.as_secs_f64() * 1000.0
    );
    resp
}
