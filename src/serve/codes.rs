//! `GET /v1/codes/{code}` (what `codes lookup --json` says: validity, notes, billable children
//! with titles, seventh characters, did-you-mean) and `GET /v1/codes?prefix=` (completion).

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use jiff::civil::Date;
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::{ApiError, bad_parameters};
use super::state;
use crate::claim::limits::MAX_CODE_LEN;
use crate::codeset::System;
use crate::codeset::describe::{self, Resolved};

/// Completions returned when `limit` is not given.
const DEFAULT_LIMIT: usize = 20;

/// Systems completion searches when none is named: the ones coders type on a claim.
const COMPLETED: [System; 3] = [System::Icd10Cm, System::Hcpcs, System::Cpt];

/// `?date=&system=` of a lookup.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupParams {
    date: Option<String>,
    system: Option<String>,
}

/// `?prefix=&system=&limit=&date=` of a completion.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompleteParams {
    prefix: Option<String>,
    system: Option<String>,
    limit: Option<usize>,
    date: Option<String>,
}

/// The date parameter, today when absent.
fn date_of(d: Option<&str>) -> Result<Date, ApiError> {
    match d {
        None => Ok(jiff::Zoned::now().date()),
        Some(d) => d
            .parse()
            .map_err(|_| ApiError::bad_request("bad-parameter", "`date` is YYYY-MM-DD")),
    }
}

/// The system parameter.
fn system_of(s: Option<&str>) -> Result<Option<System>, ApiError> {
    s.map(describe::system_named)
        .transpose()
        .map_err(|e| ApiError::bad_request("unknown-code-system", e.to_string()))
}

/// A code or prefix within the code length limit.
fn bounded<'a>(what: &str, s: &'a str) -> Result<&'a str, ApiError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(ApiError::bad_request(
            "bad-parameter",
            format!("`{what}` is empty"),
        ));
    }
    if s.chars().count() > MAX_CODE_LEN {
        return Err(ApiError::bad_request(
            "bad-parameter",
            format!("`{what}` is over {MAX_CODE_LEN} characters"),
        ));
    }
    Ok(s)
}

/// Look a code up: `{"results": [...]}`, one entry per system it is looked up in.
pub async fn lookup(
    State(s): State<Arc<state::State>>,
    code: Result<Path<String>, PathRejection>,
    params: Result<Query<LookupParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Path(code) = code.map_err(|_| bad_parameters("path"))?;
    let Query(p) = params.map_err(|_| bad_parameters("query"))?;
    let code = bounded("code", &code)?.to_string();
    let date = date_of(p.date.as_deref())?;
    let system = system_of(p.system.as_deref())?;
    let results = tokio::task::spawn_blocking(move || -> Result<Vec<Value>, ApiError> {
        match describe::resolve(&s.codesets, &code, system) {
            Resolved::Icd9 => Ok(vec![describe::icd9_json(&code)]),
            Resolved::Systems(v) => v
                .into_iter()
                .map(|sys| {
                    describe::describe(&s.codesets, sys, &code, date)
                        .map(|d| d.to_json())
                        .map_err(|e| {
                            ApiError::new(
                                StatusCode::NOT_FOUND,
                                "code-set-not-loaded",
                                e.to_string(),
                            )
                        })
                })
                .collect(),
        }
    })
    .await
    .map_err(|_| ApiError::internal())??;
    Ok(Json(json!({ "results": results })))
}

/// Complete a prefix: `{"completions": [...]}`, shortest codes first.
pub async fn complete(
    State(s): State<Arc<state::State>>,
    params: Result<Query<CompleteParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(p) = params.map_err(|_| bad_parameters("query"))?;
    let prefix = bounded("prefix", p.prefix.as_deref().unwrap_or_default())?.to_string();
    let limit = p.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=describe::MAX_COMPLETIONS).contains(&limit) {
        return Err(ApiError::bad_request(
            "bad-parameter",
            format!("`limit` is 1 to {}", describe::MAX_COMPLETIONS),
        ));
    }
    let date = date_of(p.date.as_deref())?;
    let systems = match system_of(p.system.as_deref())? {
        Some(sys) if s.codesets.get(sys).is_none() => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "code-set-not-loaded",
                describe::NotLoaded(sys).to_string(),
            ));
        }
        Some(sys) => vec![sys],
        None => COMPLETED.to_vec(),
    };
    let out = tokio::task::spawn_blocking(move || {
        let mut all: Vec<Value> = Vec::new();
        for sys in systems {
            if let Some(set) = s.codesets.get(sys) {
                for c in describe::complete(set, &prefix, date, limit) {
                    all.push(json!({"system": sys.name(), "code": c.code, "display_code": c.display_code, "title": c.title, "billable": c.billable}));
                }
            }
        }
        let len = |v: &Value| v["code"].as_str().map_or(0, str::len);
        all.sort_by(|a, b| {
            len(a)
                .cmp(&len(b))
                .then_with(|| a["code"].as_str().cmp(&b["code"].as_str()))
        });
        all.truncate(limit);
        all
    })
    .await
    .map_err(|_| ApiError::internal())?;
    Ok(Json(json!({ "completions": out })))
}
