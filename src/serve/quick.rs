//! `POST /v1/quick`: a code combination, no claim; the findings `check --format json` would
//! give the claim it stands for, and their summary.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::limits::body_error;
use super::state;
use crate::claim::json::decode;
use crate::claim::quick::Quick;
use crate::engine::quick::{self, QuickCheckError};
use crate::outcome::Outcome;
use crate::report::{FindingRecord, Summary};

/// Check the combination in the body.
pub async fn post(
    State(s): State<Arc<state::State>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| body_error(&e, s.limits))?;
    let q: Quick = decode(&body).map_err(|e| ApiError::bad_request("bad-json", e.message))?;
    let answer = tokio::task::spawn_blocking(move || answer(&s, &q))
        .await
        .map_err(|_| ApiError::internal())??;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        answer,
    )
        .into_response())
}

/// The response body for `q`, on the current rules.
fn answer(s: &state::State, q: &Quick) -> Result<Vec<u8>, ApiError> {
    let loaded = s.loaded();
    let engine = s.engine(&loaded, None);
    let today = engine.options.as_of;
    let result = quick::check(&engine, q, today).map_err(|e| {
        let code = match e {
            QuickCheckError::Quick(_) => "bad-combination",
            QuickCheckError::Payer(_) => "unknown-payer",
        };
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, e.to_string())
    })?;
    let mut summary = Summary::default();
    summary.add(&result);
    let Outcome::Checked(c) = &result.outcome else {
        return Err(ApiError::internal());
    };
    s.metrics.findings(c.findings.iter());
    let findings: Vec<FindingRecord<'_>> = c.findings.iter().map(FindingRecord::from).collect();
    serde_json::to_vec(&serde_json::json!({
        "findings": findings,
        "summary": summary,
        "rule_set_generation": loaded.generation,
    }))
    .map_err(|_| ApiError::internal())
}
