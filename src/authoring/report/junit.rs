//! `--format junit`: one JUnit XML test suite, for CI test-result views.

use std::fmt::Write as _;

use super::{Emitter, expected_actual};
use crate::authoring::testing::{Outcome, TestReport};
use crate::rules::diagnostic::{Diagnostic, DiagnosticLevel};

/// The JUnit XML emitter.
pub struct Junit;

/// Escape XML attribute text.
fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Emitter for Junit {
    fn diagnostics(&self, diags: &[Diagnostic], suite: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        let failures = diags
            .iter()
            .filter(|d| d.level == DiagnosticLevel::Error)
            .count();
        let _ = writeln!(
            out,
            "<testsuite name=\"claimscrub-rules-{suite}\" tests=\"{}\" failures=\"{failures}\">",
            diags.len().max(1)
        );
        if diags.is_empty() {
            let _ = writeln!(
                out,
                "  <testcase name=\"{suite}\" classname=\"claimscrub\"/>"
            );
        }
        for d in diags {
            let _ = writeln!(
                out,
                "  <testcase name=\"{}:{}:{} {}\" classname=\"{}\">",
                xml(&d.file),
                d.line,
                d.column,
                d.code,
                xml(&d.file)
            );
            let _ = writeln!(out, "    <failure message=\"{}\"/>", xml(&d.message));
            let _ = writeln!(out, "  </testcase>");
        }
        let _ = writeln!(out, "</testsuite>");
        out
    }

    fn tests(&self, r: &TestReport) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        let _ = writeln!(
            out,
            "<testsuite name=\"claimscrub-rules-test\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">",
            r.cases.len() + r.problems.len(),
            r.failed() + r.problems.len(),
            r.cases
                .iter()
                .filter(|c| c.outcome == Outcome::Todo)
                .count()
        );
        for c in &r.cases {
            let _ = write!(
                out,
                "  <testcase name=\"{}\" classname=\"{}\"",
                xml(&c.case),
                xml(&c.rule)
            );
            match c.outcome {
                Outcome::Pass | Outcome::TodoPasses => {
                    let _ = writeln!(out, "/>");
                }
                Outcome::Todo => {
                    let _ = writeln!(
                        out,
                        "><skipped message=\"{}\"/></testcase>",
                        xml(c.todo.as_deref().unwrap_or(""))
                    );
                }
                Outcome::Fail => {
                    let (expected, actual) = expected_actual(c);
                    let _ = writeln!(
                        out,
                        "><failure message=\"expected {} but got {}\"/></testcase>",
                        xml(&expected),
                        xml(&actual)
                    );
                }
            }
        }
        for p in &r.problems {
            let _ = writeln!(
                out,
                "  <testcase name=\"{}\" classname=\"{}\"><failure message=\"{}\"/></testcase>",
                p.code,
                xml(&p.file),
                xml(&p.message)
            );
        }
        let _ = writeln!(out, "</testsuite>");
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixed_lists() {
        super::super::fixture::assert_renders!(super::Junit);
    }
}
