//! `--format sarif`: SARIF 2.1.0, so rule problems show in code-scanning tools. A failed test
//! case is a `test-failed` result at the case.

use serde_json::json;

use super::{Emitter, expected_actual};
use crate::authoring::testing::{Outcome, TestReport};
use crate::rules::diagnostic::{Code, Diagnostic, DiagnosticLevel};
use crate::rules::schema::Span;

/// The SARIF emitter.
pub struct Sarif;

impl Emitter for Sarif {
    fn diagnostics(&self, diags: &[Diagnostic], _suite: &str) -> String {
        let results: Vec<_> = diags
            .iter()
            .map(|d| {
                json!({
                    "ruleId": d.code,
                    "level": if d.level == DiagnosticLevel::Error { "error" } else { "warning" },
                    "message": { "text": match &d.help { Some(h) => format!("{} ({h})", d.message), None => d.message.clone() } },
                    "locations": [{ "physicalLocation": {
                        "artifactLocation": { "uri": &*d.file },
                        "region": { "startLine": d.line.max(1), "startColumn": d.column.max(1) },
                    }}],
                })
            })
            .collect();
        let doc = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{ "tool": { "driver": { "name": "claimscrub-rules", "version": env!("CARGO_PKG_VERSION") } }, "results": results }],
        });
        format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        )
    }

    fn tests(&self, r: &TestReport) -> String {
        let mut diags = r.problems.clone();
        for c in r.cases.iter().filter(|c| c.outcome == Outcome::Fail) {
            let (expected, actual) = expected_actual(c);
            diags.push(Diagnostic::error(
                c.file.clone(),
                Span::new(c.line, 1),
                Code::TestFailed,
                format!(
                    "{} case `{}` expected {} but got {}",
                    c.rule, c.case, expected, actual
                ),
            ));
        }
        self.diagnostics(&diags, "test")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixed_lists() {
        super::super::fixture::assert_renders!(super::Sarif);
    }
}
