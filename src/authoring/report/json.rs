//! `--format json`: `{"diagnostics": [...]}` for lint, the whole test report for tests.

use serde_json::json;

use super::Emitter;
use crate::authoring::testing::TestReport;
use crate::rules::diagnostic::Diagnostic;

/// The JSON emitter.
pub struct Json;

impl Emitter for Json {
    fn diagnostics(&self, diags: &[Diagnostic], _suite: &str) -> String {
        pretty(&json!({ "diagnostics": diags }))
    }

    fn tests(&self, r: &TestReport) -> String {
        pretty(r)
    }
}

/// Pretty JSON and a newline.
fn pretty<T: serde::Serialize + ?Sized>(value: &T) -> String {
    format!(
        "{}\n",
        serde_json::to_string_pretty(value).unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixed_lists() {
        super::super::fixture::assert_renders!(super::Json);
    }
}
