//! Rule tests: the cases in `<rule>.test.yaml` beside each rule. A case gives a claim and
//! the findings of that rule it must produce (none = must not fire); a `todo` case is a
//! known gap, reported but never failing. A rule without a test file fails.

use std::sync::Arc;

use jiff::civil::Date;
use serde::Serialize;

use crate::claim::Claim;
use crate::codeset::CodeSets;
use crate::engine::duplicates::{Fingerprint, Tracker};
use crate::engine::{Engine, Options};
use crate::rules::compile::{Code, Diagnostic, DiagnosticLevel, RuleFile, RuleSet};
use crate::rules::schema::Span;
use crate::rules::schema::{self, RuleTestDoc};

/// The date tests are checked as of when a case does not say: fixed, so results never
/// depend on the day the suite runs.
pub const DEFAULT_AS_OF: Date = jiff::civil::date(2026, 7, 1);

/// How one case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The findings are exactly the expected ones.
    Pass,
    /// The findings differ from the expected ones.
    Fail,
    /// A known gap that still behaves as a gap.
    Todo,
    /// A known gap that now passes: remove its `todo`.
    TodoPasses,
}

/// A finding as a test compares it: line, code and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Seen {
    /// 1-based service line, `None` for a claim-level finding.
    pub line: Option<u32>,
    /// The finding's code, normalized.
    pub code: Option<String>,
    /// The rendered message; empty in an expectation that does not give one.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// The result of one case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    /// The rule under test.
    pub rule: String,
    /// The test file.
    pub file: Arc<str>,
    /// Line of the case's name in the test file.
    pub line: u32,
    /// The case's name.
    pub case: String,
    /// How it ended.
    pub outcome: Outcome,
    /// Findings the case expects.
    pub expected: Vec<Seen>,
    /// Findings the rule produced.
    pub actual: Vec<Seen>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Why the case is a known gap, when it is one.
    pub todo: Option<String>,
}

impl CaseResult {
    /// Whether an expectation of this case gives a message, so a report shows messages.
    pub fn pins_messages(&self) -> bool {
        self.expected.iter().any(|e| !e.message.is_empty())
    }
}

/// Everything a test run found.
#[derive(Debug, Default, Serialize)]
pub struct TestReport {
    /// Every case of every test file, in file order.
    pub cases: Vec<CaseResult>,
    /// Problems with test files themselves and rules without tests.
    pub problems: Vec<Diagnostic>,
}

impl TestReport {
    /// Cases that failed.
    pub fn failed(&self) -> usize {
        self.cases
            .iter()
            .filter(|c| c.outcome == Outcome::Fail)
            .count()
    }
    /// Cases that passed.
    pub fn passed(&self) -> usize {
        self.cases
            .iter()
            .filter(|c| c.outcome == Outcome::Pass)
            .count()
    }
    /// No case failed and no test file has an error: `rules test` exits 0.
    pub fn ok(&self) -> bool {
        self.failed() == 0
            && self
                .problems
                .iter()
                .all(|p| p.level != DiagnosticLevel::Error)
    }
}

/// Code sets for cases that name a fixture directory of official CMS files, compiled once
/// per directory and laid over the base code sets.
struct Fixtures {
    built: std::collections::HashMap<String, Arc<CodeSets>>,
    /// The compiled files are memory-mapped: their directories live as long as the run.
    dirs: Vec<tempfile::TempDir>,
}

impl Fixtures {
    fn get(&mut self, dir: &str) -> Result<Arc<CodeSets>, String> {
        if let Some(c) = self.built.get(dir) {
            return Ok(c.clone());
        }
        let work =
            tempfile::tempdir().map_err(|e| format!("cannot make a temporary directory: {e}"))?;
        let src = work.path().join("src");
        let out = work.path().join("out");
        let files = crate::rules::load::fixture_files(dir);
        if files.is_empty() {
            return Err(format!("code-set fixture directory `{dir}` has no files"));
        }
        std::fs::create_dir_all(&src).map_err(|e| e.to_string())?;
        for (name, bytes) in files {
            std::fs::write(src.join(name), bytes).map_err(|e| e.to_string())?;
        }
        crate::codeset::build_dir(&src, &out).map_err(|e| format!("fixture `{dir}`: {e}"))?;
        let user = CodeSets::load_dir(&out).map_err(|e| format!("fixture `{dir}`: {e}"))?;
        let base = CodeSets::builtin().map_err(|e| e.to_string())?;
        let sets = Arc::new(base.overlay(user));
        self.dirs.push(work);
        self.built.insert(dir.to_string(), sets.clone());
        Ok(sets)
    }
}

/// Run every test file against the compiled rule set.
pub fn run(set: &Arc<RuleSet>, tests: &[RuleFile], codesets: &Arc<CodeSets>) -> TestReport {
    let mut report = TestReport::default();
    let mut fixtures = Fixtures {
        built: Default::default(),
        dirs: Vec::new(),
    };
    let mut tested: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for t in tests {
        let rule_path = t.path.replace(".test.yaml", ".yaml");
        let Some(rule) = set.rules.iter().find(|r| *r.source.file == *rule_path) else {
            report.problems.push(problem(
                &t.path,
                Span::new(1, 1),
                Code::OrphanTest,
                format!("no rule file `{rule_path}` beside this test"),
                None,
            ));
            continue;
        };
        tested.insert(&rule.source.file);
        let doc: RuleTestDoc = match schema::from_yaml(&t.text) {
            Ok(d) => d,
            Err(e) => {
                report.problems.push(problem(
                    &t.path,
                    Span::new(e.line, e.column),
                    Code::Yaml,
                    e.message,
                    None,
                ));
                continue;
            }
        };
        if doc.cases.is_empty() {
            report.problems.push(problem(
                &t.path,
                Span::new(1, 1),
                Code::NoCases,
                "a test file with no cases".into(),
                None,
            ));
        }
        for case in &doc.cases {
            let as_of = match &case.as_of {
                Some(d) => match d.value.parse::<Date>() {
                    Ok(x) => x,
                    Err(_) => {
                        report.problems.push(problem(
                            &t.path,
                            Span::new(d.line, d.column),
                            Code::BadDate,
                            format!("`{}` is not a date", d.value),
                            None,
                        ));
                        continue;
                    }
                },
                None => DEFAULT_AS_OF,
            };
            let claims = match case_claims(&t.path, doc.base.as_ref(), case) {
                Ok(c) => c,
                Err(msg) => {
                    report.problems.push(problem(
                        &t.path,
                        Span::new(case.name.line, case.name.column),
                        Code::BadCase,
                        msg,
                        None,
                    ));
                    continue;
                }
            };
            let sets = match &case.codesets {
                Some(dir) => {
                    match fixtures.get(&crate::rules::compile::resolve_relative(
                        &t.path, &dir.value,
                    )) {
                        Ok(s) => s,
                        Err(msg) => {
                            report.problems.push(problem(
                                &t.path,
                                Span::new(dir.line, dir.column),
                                Code::BadFixture,
                                msg,
                                None,
                            ));
                            continue;
                        }
                    }
                }
                None => codesets.clone(),
            };
            let engine = Engine::new(
                set.clone(),
                sets,
                Options {
                    as_of,
                    payer: None,
                    preview: true,
                    per_line_notices: true,
                    redact: false,
                },
            );
            let mut actual = Vec::new();
            for c in &claims {
                for f in engine.check(c) {
                    if f.rule == rule.id {
                        actual.push(Seen {
                            line: f.line,
                            code: f.code.clone(),
                            message: f.message.clone(),
                        });
                    }
                }
            }
            let expected: Vec<Seen> = case
                .expect
                .iter()
                .map(|e| Seen {
                    line: e.line,
                    code: e.code.as_ref().map(|c| crate::claim::normalize_code(c)),
                    message: e.message.clone().unwrap_or_default(),
                })
                .collect();
            let pass = matches(&expected, &actual);
            let outcome = match (&case.todo, pass) {
                (None, true) => Outcome::Pass,
                (None, false) => Outcome::Fail,
                (Some(_), false) => Outcome::Todo,
                (Some(_), true) => Outcome::TodoPasses,
            };
            report.cases.push(CaseResult {
                rule: rule.id.to_string(),
                file: t.path.clone(),
                line: case.name.line,
                case: case.name.value.clone(),
                outcome,
                expected,
                actual,
                todo: case.todo.clone(),
            });
        }
    }
    for r in &set.rules {
        if !tested.contains(&*r.source.file) {
            report.problems.push(problem(
                &r.source.file,
                Span::new(r.source.line, 1),
                Code::UntestedRule,
                format!("rule `{}` has no test file", r.id),
                Some(format!(
                    "add `{}` with cases that fire and that do not",
                    r.source.file.replace(".yaml", ".test.yaml")
                )),
            ));
        } else if !report
            .cases
            .iter()
            .any(|c| c.rule == *r.id && !c.expected.is_empty())
            || !report
                .cases
                .iter()
                .any(|c| c.rule == *r.id && c.expected.is_empty())
        {
            report.problems.push(problem(
                &r.source.file,
                Span::new(r.source.line, 1),
                Code::OneSidedTests,
                format!(
                    "rule `{}` needs both a case that fires and one that does not",
                    r.id
                ),
                None,
            ));
        }
    }
    report
}

/// Each expected finding matches a distinct actual one (line equal; code and message equal
/// when given), and nothing is left over.
fn matches(expected: &[Seen], actual: &[Seen]) -> bool {
    if expected.len() != actual.len() {
        return false;
    }
    let mut used = vec![false; actual.len()];
    expected.iter().all(|e| {
        let hit = actual.iter().enumerate().position(|(i, a)| {
            !used.get(i).copied().unwrap_or(true)
                && a.line == e.line
                && (e.code.is_none() || a.code == e.code)
                && (e.message.is_empty() || a.message == e.message)
        });
        match hit.and_then(|i| used.get_mut(i)) {
            Some(slot) => {
                *slot = true;
                true
            }
            None => false,
        }
    })
}

/// The case's claims, read and marked as the runner marks them: a claim repeating an earlier
/// one of the case is a duplicate, as in one `check` run.
fn case_claims(
    test_path: &str,
    base: Option<&serde_json::Value>,
    case: &schema::TestCaseDoc,
) -> Result<Vec<Claim>, String> {
    let mut claims = read_case_claims(test_path, base, case)?;
    let mut repeats = Tracker::default();
    for c in &mut claims {
        let print = Fingerprint::of(c);
        repeats.mark(c, print);
    }
    Ok(claims)
}

fn read_case_claims(
    test_path: &str,
    base: Option<&serde_json::Value>,
    case: &schema::TestCaseDoc,
) -> Result<Vec<Claim>, String> {
    match (&case.claim, &case.file) {
        (Some(v), None) => {
            let mut v = match base {
                Some(b) => {
                    let mut merged = b.clone();
                    json_patch::merge(&mut merged, v);
                    merged
                }
                None => v.clone(),
            };
            if let Some(obj) = v.as_object_mut() {
                obj.entry("id")
                    .or_insert_with(|| serde_json::Value::String("TEST".into()));
            }
            let text = serde_json::to_vec(&v).map_err(|e| e.to_string())?;
            let doc = Arc::new(crate::claim::input::Bytes::Owned(text));
            crate::claim::json::split_document(doc, Some(Arc::from(test_path)))
                .map(|p| {
                    p.materialize().map_err(|e| {
                        format!(
                            "the case's claim does not read: {}{}",
                            e.message,
                            e.location.map(|l| format!(" ({l})")).unwrap_or_default()
                        )
                    })
                })
                .collect()
        }
        (None, Some(f)) => {
            let path = crate::rules::compile::resolve_relative(test_path, &f.value);
            let pending = crate::claim::input::read_bytes(
                &path,
                crate::rules::load::read_bytes(&path)
                    .ok_or_else(|| format!("claim file `{path}` not found"))?,
                None,
            )
            .map_err(|e| e.to_string())?;
            pending
                .map(|p| {
                    p.materialize()
                        .map_err(|e| format!("a claim in `{path}` does not read: {}", e.message))
                })
                .collect()
        }
        _ => Err("a case needs exactly one of `claim` or `file`".into()),
    }
}

fn problem(file: &str, at: Span, code: Code, message: String, help: Option<String>) -> Diagnostic {
    Diagnostic::error(Arc::from(file), at, code, message).with_help(help)
}
