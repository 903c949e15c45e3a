//! Output of `rules lint` and `rules test`: one file per format behind the small [`Emitter`]
//! trait, each listed once in [`FORMATS`].

#[cfg(test)]
mod fixture;
mod github;
mod human;
mod json;
mod junit;
mod sarif;

use super::testing::{CaseResult, Seen, TestReport};
use crate::rules::diagnostic::Diagnostic;

/// Renders rule diagnostics and rule-test results in one format.
pub trait Emitter: Sync {
    /// Problems with rule files; `suite` names the command (`lint` or `test`).
    fn diagnostics(&self, diags: &[Diagnostic], suite: &str) -> String;
    /// The results of a `rules test` run.
    fn tests(&self, report: &TestReport) -> String;
}

/// An output format of `rules lint` and `rules test`: a row of [`FORMATS`].
pub type Format = crate::format::Format<Authoring>;

/// The table of `rules lint` and `rules test`'s formats.
pub enum Authoring {}

impl crate::format::Formats for Authoring {
    type Emitter = &'static dyn Emitter;
    const ALL: &'static [Format] = FORMATS;
}

/// Every output format of `rules lint` and `rules test`, in `--format` order. Adding a format
/// is its emitter file plus one row here.
pub const FORMATS: &[Format] = &[
    Format::people("human", &human::Human),
    Format::machine("json", &json::Json),
    Format::machine("junit", &junit::Junit),
    Format::machine("sarif", &sarif::Sarif),
    Format::machine("github", &github::Github),
];

/// A case's expected and actual findings as a failed case shows them:
/// `line 2 code 99213; line - code -`, each with its message when the case pins messages.
fn expected_actual(c: &CaseResult) -> (String, String) {
    let messages = c.pins_messages();
    (
        seen_list(&c.expected, messages),
        seen_list(&c.actual, messages),
    )
}

fn seen_list(v: &[Seen], messages: bool) -> String {
    if v.is_empty() {
        return "no finding".into();
    }
    v.iter()
        .map(|s| {
            let mut one = format!(
                "line {} code {}",
                s.line.map_or("-".into(), |l| l.to_string()),
                s.code.as_deref().unwrap_or("-")
            );
            if messages && !s.message.is_empty() {
                one.push_str(&format!(" message {:?}", s.message));
            }
            one
        })
        .collect::<Vec<_>>()
        .join("; ")
}
