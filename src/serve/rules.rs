//! `GET /v1/rules` (every loaded rule, briefly) and `GET /v1/rules/{id}` (its docs,
//! conditions, CARC and examples), from the rule set in use.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::error::{ApiError, bad_parameters};
use super::state;
use crate::rules::{Rule, load as files};

/// A rule in brief.
fn brief(r: &Rule) -> Value {
    json!({
        "id": &*r.id,
        "name": r.name,
        "title": r.title,
        "severity": r.severity.as_str(),
        "category": r.category.as_str(),
        "carc": r.carc.as_deref(),
        "rarc": r.rarc.as_deref(),
        "pack": &*r.pack,
        "status": format!("{:?}", r.status).to_lowercase(),
        "docs_url": format!("/v1/rules/{}", r.id),
    })
}

/// Every loaded rule, in rule order.
pub async fn list(State(s): State<Arc<state::State>>) -> Json<Value> {
    let loaded = s.loaded();
    let rules: Vec<Value> = loaded.rules.rules.iter().map(brief).collect();
    Json(json!({"rule_set_generation": loaded.generation, "rules": rules}))
}

/// One rule by id (any case) or name.
pub async fn one(
    State(s): State<Arc<state::State>>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<Value>, ApiError> {
    let Path(id) = id.map_err(|_| bad_parameters("path"))?;
    let loaded = s.loaded();
    let set = &loaded.rules;
    let r = set.find(&id).map_err(|hint| {
        let hint = hint.map(|h| format!("; {h}")).unwrap_or_default();
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown-rule",
            format!("no rule with this id or name{hint}"),
        )
    })?;
    let examples = files::examples_of(&r.source.file).map(|(_, text)| text);
    let mut v = brief(r);
    if let Value::Object(m) = &mut v {
        m.insert("category_description".into(), json!(r.category.describe()));
        m.insert("each".into(), json!(r.each.name()));
        m.insert(
            "effective_from".into(),
            json!(r.effective_from.map(|d| d.to_string())),
        );
        m.insert(
            "effective_to".into(),
            json!(r.effective_to.map(|d| d.to_string())),
        );
        m.insert(
            "source".into(),
            json!({"file": &*r.source.file, "line": r.source.line}),
        );
        m.insert("docs".into(), json!(r.docs));
        m.insert("conditions".into(), json!(r.when_text));
        m.insert("examples".into(), json!(examples));
    }
    Ok(Json(v))
}
