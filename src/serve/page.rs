//! The page at `/`: plain HTML, CSS and JavaScript embedded in the binary (no CDN, works
//! offline), over `/v1/quick` and `/v1/codes`.

use axum::http::header;
use axum::response::IntoResponse;

/// Serve one embedded asset.
fn asset(kind: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
}

/// `GET /`.
pub async fn index() -> impl IntoResponse {
    asset("text/html; charset=utf-8", include_str!("page/index.html"))
}

/// `GET /page.js`.
pub async fn script() -> impl IntoResponse {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("page/page.js"),
    )
}

/// `GET /page.css`.
pub async fn style() -> impl IntoResponse {
    asset("text/css; charset=utf-8", include_str!("page/page.css"))
}
