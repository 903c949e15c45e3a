//! `--format github`: GitHub Actions workflow commands (`::error file=…,line=…::…`), so
//! problems show as annotations on the pull request.

use std::fmt::Write as _;

use super::{Emitter, expected_actual};
use crate::authoring::testing::{Outcome, TestReport};
use crate::rules::diagnostic::{Diagnostic, DiagnosticLevel};

/// The GitHub Actions emitter.
pub struct Github;

/// Escape a workflow command's message (the text after `::`).
fn escape(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value (`file=`, `title=`): as a message, and also `:` and `,`, which
/// would otherwise end the property list or the property.
fn property(s: &str) -> String {
    escape(s).replace(':', "%3A").replace(',', "%2C")
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
                property(&d.file),
                d.line,
                d.column,
                property(d.code.as_str()),
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
                property(&c.file),
                c.line,
                property(&c.rule),
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
    use super::*;

    #[test]
    fn fixed_lists() {
        super::super::fixture::assert_renders!(super::Github);
    }

    #[test]
    fn properties_escape_colon_and_comma() {
        let d = Diagnostic::error(
            "C:/rules/a,b%.yaml".into(),
            crate::rules::schema::Span::new(3, 1),
            crate::rules::diagnostic::Code::BadId,
            "id `a:b,c`\r\n".into(),
        );
        assert_eq!(
            Github.diagnostics(&[d], "lint"),
            "::error file=C%3A/rules/a%2Cb%25.yaml,line=3,col=1,title=bad-id::id `a:b,c`%0D%0A\n"
        );
    }
}
