//! `GET /healthz`: up, which rule set is in use, and whether the last reload failed (the
//! server then keeps the last good rules and says `degraded`).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::state;

/// The health document.
pub async fn get(State(s): State<Arc<state::State>>) -> Json<Value> {
    let loaded = s.loaded();
    let r = s.reload_status();
    let codesets: Vec<Value> = s
        .codesets
        .info()
        .iter()
        .map(|i| json!({"name": i.name, "release": i.release}))
        .collect();
    Json(json!({
        "status": if r.error.is_some() { "degraded" } else { "ok" },
        "version": env!("CARGO_PKG_VERSION"),
        "rule_set": {
            "generation": loaded.generation,
            "rules": loaded.rules.rules.len(),
            "watched_dirs": s.source.dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>(),
            "reloads": r.reloads,
            "reload_failures": r.failures,
            "last_reload_error": r.error,
        },
        "codesets": codesets,
    }))
}
