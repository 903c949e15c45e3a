//! `POST /v1/check`: claims in any format claimscrub reads (our JSON, NDJSON, X12 837, FHIR),
//! detected or named by `?format=`; the answer is the document `check --format json` writes.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::error::{ApiError, bad_parameters};
use super::limits::body_error;
use super::state;
use crate::claim::input::{self, InputFormat};
use crate::engine::ForcedPayer;
use crate::engine::run::{self, CHUNK};
use crate::outcome::Outcome;
use crate::report::{Emitter, RunMeta, Summary, json::Json};

/// The name claims of a request are reported under (`file` in the report).
const INPUT_NAME: &str = "request";

/// `?format=` and `?payer=`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    format: Option<String>,
    payer: Option<String>,
}

/// Check the claims in the body.
pub async fn post(
    State(s): State<Arc<state::State>>,
    params: Result<Query<Params>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params.map_err(|_| bad_parameters("query"))?;
    let body = body.map_err(|e| body_error(&e, s.limits))?;
    let format = match params.format.as_deref() {
        None => None,
        Some("json") => Some(InputFormat::Json),
        Some("ndjson") => Some(InputFormat::Ndjson),
        Some("x12") => Some(InputFormat::X12),
        Some("fhir") => Some(InputFormat::Fhir),
        Some(_) => {
            return Err(ApiError::bad_request(
                "bad-parameter",
                "`format` is one of json, ndjson, x12, fhir",
            ));
        }
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "empty-body",
            "the request body is empty: send claims (JSON, NDJSON, X12 837 or FHIR)",
        ));
    }
    let doc = tokio::task::spawn_blocking(move || report(&s, body.to_vec(), format, params.payer))
        .await
        .map_err(|_| ApiError::internal())??;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        doc,
    )
        .into_response())
}

/// The `check --format json` document of these claims, on the current rules.
fn report(
    s: &state::State,
    body: Vec<u8>,
    format: Option<InputFormat>,
    payer: Option<String>,
) -> Result<Vec<u8>, ApiError> {
    let loaded = s.loaded();
    let payer = match payer {
        Some(p) => Some(ForcedPayer::resolve(&loaded.rules, &p).map_err(|e| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown-payer",
                e.to_string(),
            )
        })?),
        None => None,
    };
    let engine = s.engine(&loaded, payer);
    let claims = input::read_bytes(INPUT_NAME, body, format).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unreadable-input",
            e.to_string(),
        )
    })?;
    let mut out = Vec::new();
    let mut summary = Summary::default();
    let mut failed = false;
    {
        let mut emitter = Json::new(Box::new(&mut out));
        failed |= emitter
            .begin(&RunMeta {
                tool: "claimscrub",
                version: env!("CARGO_PKG_VERSION"),
                schema: 1,
                inputs: vec![INPUT_NAME.to_string()],
                rules: loaded.rules.rules.len(),
            })
            .is_err();
        run::run(&engine, claims, CHUNK, |r| {
            summary.add(&r);
            if let Outcome::Checked(c) = &r.outcome {
                s.metrics.findings(c.findings.iter());
            }
            failed |= emitter.claim(&r).is_err();
        });
        failed |= emitter.finish(&summary).is_err();
    }
    if failed {
        return Err(ApiError::internal());
    }
    Ok(out)
}
