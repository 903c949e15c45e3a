//! Request limits: body size (413), header count and size (431) and time (408), each
//! answered with the JSON error of [`super::error`].

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;

/// Bounds on one request.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes of a request body; a larger one is refused with 413.
    pub body_bytes: usize,
    /// Headers of a request; more is refused with 431.
    pub headers: usize,
    /// Bytes of all header names and values together; more is refused with 431.
    pub header_bytes: usize,
    /// Time from the request's headers to its response; past it the answer is 408.
    pub timeout: Duration,
}

impl Default for Limits {
    /// 4 MiB bodies (a few thousand claims of JSON), 64 headers, 16 KiB of headers, 30 s.
    fn default() -> Self {
        Limits {
            body_bytes: 4 << 20,
            headers: 64,
            header_bytes: 16 << 10,
            timeout: Duration::from_secs(30),
        }
    }
}

/// Refuse requests past the header limits, and answer 408 when the rest of the request
/// (reading its body, checking it) takes longer than the timeout.
pub async fn enforce(
    State(s): State<std::sync::Arc<super::state::State>>,
    req: Request,
    next: Next,
) -> Response {
    let limits = s.limits;
    let h = req.headers();
    let bytes: usize = h
        .iter()
        .map(|(k, v)| k.as_str().len() + v.as_bytes().len())
        .sum();
    if h.len() > limits.headers || bytes > limits.header_bytes {
        return ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers-too-large",
            format!(
                "at most {} headers and {} bytes of headers",
                limits.headers, limits.header_bytes
            ),
        )
        .into_response();
    }
    match tokio::time::timeout(limits.timeout, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            format!(
                "the request took longer than {} s",
                limits.timeout.as_secs_f64()
            ),
        )
        .into_response(),
    }
}

/// The error of a body that could not be read: 413 past the size limit, else 400.
pub fn body_error(e: &axum::extract::rejection::BytesRejection, limits: Limits) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body-too-large",
            format!("the request body is over {} bytes", limits.body_bytes),
        )
    } else {
        ApiError::bad_request("bad-body", "the request body could not be read")
    }
}
