//! `--format sarif`: SARIF 2.1.0, so rule problems show in code-scanning tools. A failed test
//! case is a `test-failed` result at the case.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::{Emitter, expected_actual};
use crate::authoring::testing::{Outcome, TestReport};
use crate::rules::diagnostic::{Code, Diagnostic, DiagnosticLevel};
use crate::rules::schema::Span;

/// The SARIF emitter.
pub struct Sarif;

/// A diagnostic code's entry in `tool.driver.rules`. A code's doc is one line of text, so
/// there is no Markdown help.
fn rule(c: Code) -> Value {
    json!({
        "id": c.as_str(),
        "shortDescription": { "text": c.explain() },
        "fullDescription": { "text": c.explain() },
        "help": { "text": format!("{} `claimscrub rules lint --explain {c}` prints this.", c.explain()) },
    })
}

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
        // Every code used, in name order, described by its `--explain` line.
        let codes: BTreeSet<Code> = diags.iter().map(|d| d.code).collect();
        let rules: Vec<_> = codes.into_iter().map(rule).collect();
        let doc = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{ "tool": { "driver": { "name": "claimscrub-rules", "version": env!("CARGO_PKG_VERSION"), "rules": rules } }, "results": results }],
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
    use super::super::{Emitter, fixture};

    #[test]
    fn every_result_code_is_described() {
        for text in [
            super::Sarif.diagnostics(&fixture::diagnostics(), "lint"),
            super::Sarif.tests(&fixture::test_report()),
        ] {
            let doc: serde_json::Value = match serde_json::from_str(&text) {
                Ok(v) => v,
                Err(e) => panic!("{e}"),
            };
            let run = &doc["runs"][0];
            let rules = run["tool"]["driver"]["rules"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for r in run["results"].as_array().into_iter().flatten() {
                let d = rules.iter().find(|d| d["id"] == r["ruleId"]);
                let Some(d) = d else {
                    panic!("{} is not described", r["ruleId"])
                };
                for key in ["shortDescription", "fullDescription", "help"] {
                    assert!(d[key]["text"].is_string(), "{key} of {d}");
                }
            }
            assert!(!rules.is_empty());
        }
    }

    #[test]
    fn fixed_lists() {
        super::super::fixture::assert_renders!(super::Sarif);
    }
}
