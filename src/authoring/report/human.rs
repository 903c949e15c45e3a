//! `--format human`: one line per diagnostic or per failed and todo case, then a count.

use std::fmt::Write as _;

use super::{Emitter, expected_actual};
use crate::authoring::testing::{Outcome, TestReport};
use crate::rules::diagnostic::Diagnostic;

/// The human emitter.
pub struct Human;

impl Emitter for Human {
    fn diagnostics(&self, diags: &[Diagnostic], _suite: &str) -> String {
        let mut out = String::new();
        for d in diags {
            let _ = writeln!(out, "{d}");
        }
        out
    }

    fn tests(&self, r: &TestReport) -> String {
        let mut out = String::new();
        for c in &r.cases {
            match c.outcome {
                Outcome::Pass => {}
                Outcome::Fail => {
                    let (expected, actual) = expected_actual(c);
                    let _ = writeln!(
                        out,
                        "FAIL {} {}:{} `{}`\n  expected: {}\n  actual:   {}",
                        c.rule, c.file, c.line, c.case, expected, actual
                    );
                }
                Outcome::Todo => {
                    let _ = writeln!(
                        out,
                        "todo {} {}:{} `{}`: {}",
                        c.rule,
                        c.file,
                        c.line,
                        c.case,
                        c.todo.as_deref().unwrap_or("")
                    );
                }
                Outcome::TodoPasses => {
                    let _ = writeln!(
                        out,
                        "todo passes {} {}:{} `{}`: remove `todo`",
                        c.rule, c.file, c.line, c.case
                    );
                }
            }
        }
        out.push_str(&self.diagnostics(&r.problems, "test"));
        let todo = r
            .cases
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Todo | Outcome::TodoPasses))
            .count();
        let _ = writeln!(
            out,
            "rules: {} passed, {} failed, {todo} todo, {} problems",
            r.passed(),
            r.failed(),
            r.problems.len()
        );
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixed_lists() {
        super::super::fixture::assert_renders!(super::Human);
    }
}
