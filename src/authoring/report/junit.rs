//! `--format junit`: one JUnit XML test suite, for CI test-result views. Errors and failed
//! cases are `<failure>`s and counted in `failures`; warnings are not failures, so they pass
//! with the warning in `<system-out>`. Every test case names its `file` and `line`.

use std::fmt::Write as _;

use super::{Emitter, expected_actual};
use crate::authoring::testing::{Outcome, TestReport};
use crate::rules::diagnostic::{Diagnostic, DiagnosticLevel};

/// The JUnit XML emitter.
pub struct Junit;

/// Escape XML attribute text; line breaks as character references, which attribute-value
/// normalization would otherwise turn into spaces.
fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
}

/// What a test case holds besides its name.
enum Body {
    Pass,
    Failure(String),
    Skipped(String),
    /// A warning: the case passes, the text goes to `<system-out>`.
    Output(String),
}

fn testcase(out: &mut String, name: &str, classname: &str, file: &str, line: u32, body: Body) {
    let _ = write!(
        out,
        "  <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{line}\"",
        xml(name),
        xml(classname),
        xml(file)
    );
    let _ = match body {
        Body::Pass => writeln!(out, "/>"),
        Body::Failure(m) => writeln!(out, "><failure message=\"{}\"/></testcase>", xml(&m)),
        Body::Skipped(m) => writeln!(out, "><skipped message=\"{}\"/></testcase>", xml(&m)),
        Body::Output(m) => writeln!(out, "><system-out>{}</system-out></testcase>", xml(&m)),
    };
}

fn is_error(d: &Diagnostic) -> bool {
    d.level == DiagnosticLevel::Error
}

/// A diagnostic as a test case: a failure when it is an error, a passing case with the
/// warning as output otherwise.
fn diagnostic(out: &mut String, name: &str, d: &Diagnostic) {
    let body = if is_error(d) {
        Body::Failure(d.message.clone())
    } else {
        let help = d
            .help
            .as_deref()
            .map(|h| format!("\nhelp: {h}"))
            .unwrap_or_default();
        Body::Output(format!("warning[{}]: {}{help}", d.code, d.message))
    };
    testcase(out, name, &d.file, &d.file, d.line, body);
}

impl Emitter for Junit {
    fn diagnostics(&self, diags: &[Diagnostic], suite: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        let failures = diags.iter().filter(|d| is_error(d)).count();
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
            let name = format!("{}:{}:{} {}", d.file, d.line, d.column, d.code);
            diagnostic(&mut out, &name, d);
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
            r.failed() + r.problems.iter().filter(|p| is_error(p)).count(),
            r.cases
                .iter()
                .filter(|c| c.outcome == Outcome::Todo)
                .count()
        );
        for c in &r.cases {
            let body = match c.outcome {
                Outcome::Pass | Outcome::TodoPasses => Body::Pass,
                Outcome::Todo => Body::Skipped(c.todo.clone().unwrap_or_default()),
                Outcome::Fail => {
                    let (expected, actual) = expected_actual(c);
                    Body::Failure(format!("expected {expected} but got {actual}"))
                }
            };
            testcase(&mut out, &c.case, &c.rule, &c.file, c.line, body);
        }
        for p in &r.problems {
            diagnostic(&mut out, p.code.as_str(), p);
        }
        let _ = writeln!(out, "</testsuite>");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Emitter, fixture};
    use super::Junit;
    use crate::rules::diagnostic::{Code, Diagnostic};
    use crate::rules::schema::Span;

    #[test]
    fn fixed_lists() {
        super::super::fixture::assert_renders!(super::Junit);
    }

    /// The `failures` attribute of the suite, and the `<failure>` elements it holds.
    fn counts(xml: &str) -> (usize, usize) {
        let attr = xml
            .split("failures=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(usize::MAX);
        (attr, xml.matches("<failure ").count())
    }

    #[test]
    fn failures_count_the_failure_elements_and_warnings_are_not_failures() {
        let (lint, test) = (fixture::diagnostics(), fixture::test_report());
        let (a, n) = counts(&Junit.diagnostics(&lint, "lint"));
        assert_eq!((a, n), (1, 1));
        let mut report = test;
        report.problems.push(Diagnostic::warning(
            "rules/demo/dem003.yaml".into(),
            Span::new(2, 1),
            Code::OneSidedTests,
            "rule `DEM003` has no case that does not fire".into(),
        ));
        let xml = Junit.tests(&report);
        let (a, n) = counts(&xml);
        assert_eq!((a, n), (3, 3), "{xml}");
        assert!(
            xml.contains(
                "file=\"rules/demo/dem003.yaml\" line=\"2\"><system-out>warning[one-sided-tests]"
            ),
            "{xml}"
        );
    }
}
