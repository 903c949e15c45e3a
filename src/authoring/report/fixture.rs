//! A fixed list of rule diagnostics and rule-test results for the authoring emitter
//! snapshots, built by hand so a rule change never churns them.

use std::sync::Arc;

use super::Emitter;
use crate::authoring::testing::{CaseResult, Outcome, Seen, TestReport};
use crate::rules::diagnostic::{Code, Diagnostic};
use crate::rules::schema::Span;

/// Diagnostics of every level, with and without help, with text that needs escaping.
pub fn diagnostics() -> Vec<Diagnostic> {
    vec![
        Diagnostic::error(
            Arc::from("rules/demo/bad.yaml"),
            Span::new(4, 7),
            Code::UnknownField,
            "unknown field `claim.pateint` in <when> & \"then\"".into(),
        )
        .with_help(Some("did you mean `claim.patient`?".into())),
        Diagnostic::warning(
            Arc::from("rules/demo/odd.yaml"),
            Span::new(0, 0),
            Code::UntestedRule,
            "100% of the message\non two lines".into(),
        ),
    ]
}

fn seen(line: Option<u32>, code: Option<&str>, message: &str) -> Seen {
    Seen {
        line,
        code: code.map(String::from),
        message: message.into(),
    }
}

fn case(outcome: Outcome, name: &str, expected: Vec<Seen>, actual: Vec<Seen>) -> CaseResult {
    CaseResult {
        rule: "DEM001".into(),
        file: Arc::from("rules/demo/dem001.test.yaml"),
        line: 3,
        case: name.into(),
        outcome,
        expected,
        actual,
        todo: matches!(outcome, Outcome::Todo | Outcome::TodoPasses)
            .then(|| "modifier 59 is not read yet".into()),
    }
}

/// A test run with a case of each outcome and a problem with a test file.
pub fn test_report() -> TestReport {
    let fired = || vec![seen(Some(2), Some("99213"), "code `99213` is bundled")];
    TestReport {
        cases: vec![
            case(Outcome::Pass, "fires on line 2", fired(), fired()),
            case(
                Outcome::Fail,
                "does not fire on <modifier> & \"59\"",
                Vec::new(),
                vec![
                    seen(Some(2), Some("99213"), "code `99213` is bundled"),
                    seen(None, None, "claim-level"),
                ],
            ),
            case(
                Outcome::Fail,
                "gives the wrong message",
                vec![seen(
                    Some(2),
                    Some("99213"),
                    "code `99213` is \"unbundled\"",
                )],
                fired(),
            ),
            case(Outcome::Todo, "known gap", fired(), Vec::new()),
            case(
                Outcome::TodoPasses,
                "gap now closed",
                Vec::new(),
                Vec::new(),
            ),
        ],
        problems: vec![
            Diagnostic::error(
                Arc::from("rules/demo/dem002.yaml"),
                Span::new(1, 1),
                Code::UntestedRule,
                "rule `DEM002` has no test file".into(),
            )
            .with_help(Some("add `rules/demo/dem002.test.yaml`".into())),
        ],
    }
}

/// Everything an emitter renders for the fixed lists: lint diagnostics, an empty lint run
/// and the test run, each under a heading.
pub fn render(emitter: &dyn Emitter) -> String {
    format!(
        "== lint ==\n{}== lint, nothing found ==\n{}== test ==\n{}",
        emitter.diagnostics(&diagnostics(), "lint"),
        emitter.diagnostics(&[], "lint"),
        emitter.tests(&test_report())
    )
}

/// Snapshot an emitter's rendering, the crate version filtered out.
macro_rules! assert_renders {
    ($emitter:expr) => {
        insta::with_settings!({ filters => vec![(env!("CARGO_PKG_VERSION"), "[version]")] }, {
            insta::assert_snapshot!(crate::authoring::report::fixture::render(&$emitter));
        })
    };
}
pub(crate) use assert_renders;
