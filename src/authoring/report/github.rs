//! `--format github`: GitHub Actions workflow commands (`::error file=…,line=…::…`), so
//! problems show as annotations on the pull request.

use std::fmt::Write as _;

use super::{Emitter, expected_actual};
use crate::authoring::testing::{Outcome, TestReport};
use crate::rules::diagnostic::{Diagnostic, DiagnosticLevel};

/// The GitHub Actions emitter.
pub struct Github;

/// Escape a workflow-command value.
fn escape(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

impl Emitter for Github {
    fn diagnostics(&self, diags: &[Diagnostic], _suite: &str) -> String {
        let mut out = String::new();
        for d in diags {
            let level = if d.level == DiagnosticLevel::Error {
                "error"
            } else {
                "warning"
            };
            let help = d
                .help
                .as_deref()
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "::{level} file={},line={},col={},title={}::{}{}",
                d.file,
                d.line,
                d.column,
                d.code,
                escape(&d.message),
                escape(&help)
            );
        }
        out
    }

    fn tests(&self, r: &TestReport) -> String {
        let mut out = String::new();
        for c in r.cases.iter().filter(|c| c.outcome == Outcome::Fail) {
            let (expected, actual) = expected_actual(c);
            let _ = writeln!(
                out,
                "::error file={},line={},title={}::case `{}` expected {} but got {}",
                c.file,
                c.line,
                c.rule,
                escape(&c.case),
                escape(&expected),
                escape(&actual)
            );
        }
        out.push_str(&self.diagnostics(&r.problems, "test"));
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixed_lists() {
        super::super::fixture::assert_renders!(super::Github);
    }
}
