//! The one error shape every endpoint answers with: `{"error": {"status", "code", "message"}}`
//! and a 4xx (5xx only for a fault of the server), never a value from the request.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error response.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable, machine-readable reason (`bad-json`, `unknown-code-system`…).
    pub code: &'static str,
    /// What was wrong and what is expected, for people.
    pub message: String,
}

impl ApiError {
    /// A 400 with this code and message.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// An error with any status.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// A 500 for a failure of the server itself (a worker that did not finish).
    pub fn internal() -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the check did not finish; try again",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": {
            "status": self.status.as_u16(),
            "code": self.code,
            "message": self.message,
        }});
        (self.status, axum::Json(body)).into_response()
    }
}

/// The JSON error of a `Query` or `Path` extractor that refused the request; axum's own text
/// quotes the input, so only the kind is kept.
pub fn bad_parameters(what: &str) -> ApiError {
    ApiError::bad_request(
        "bad-parameter",
        format!("the {what} parameters are malformed: see /v1/openapi.json"),
    )
}
