//! `GET /v1/openapi.json`: the OpenAPI 3 document of this API, kept in the repository at
//! `docs/openapi.json` and embedded in the binary.

use axum::http::header;
use axum::response::IntoResponse;

/// The document's text.
pub const OPENAPI: &str = include_str!("../../docs/openapi.json");

/// Serve the document.
pub async fn get() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}
