//! Lint checks on a compiled rule set, beyond what compiling already refuses: documentation
//! and denial codes a biller needs.

use super::compile::{Diagnostic, DiagnosticLevel, RuleSet};
use crate::finding::Severity;

/// Warnings about rules that compile but are not fit to ship.
pub fn lint(set: &RuleSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for r in &set.rules {
        let mut warn = |code: &'static str, message: String, help: Option<String>| {
            out.push(Diagnostic {
                file: r.source.file.clone(),
                line: r.source.line,
                column: 1,
                level: DiagnosticLevel::Warning,
                code,
                message,
                help,
            });
        };
        if r.docs.trim().is_empty() {
            warn(
                "missing-docs",
                format!("rule `{}` has no docs", r.id),
                Some(
                    "add `docs:` with What it checks / Why it matters / Example / Fix / References"
                        .into(),
                ),
            );
        }
        if r.carc.is_none() && r.severity != Severity::Info {
            warn(
                "missing-carc",
                format!("rule `{}` expects a denial but names no CARC", r.id),
                Some("add `carc:` with group and code, e.g. `CO-16`".into()),
            );
        }
    }
    out
}
