//! The shipped rules: they compile without diagnostics and every rule's test cases pass.

use std::sync::Arc;

use claimscrub::authoring::testing::{self, Outcome};
use claimscrub::rules::compile::load;
use claimscrub::rules::load as files;

use crate::util;

#[test]
fn shipped_rules_compile_cleanly() {
    let (set, diags) = load(
        &files::builtin_files(),
        &files::read_list,
        &util::codesets(),
    );
    assert!(set.is_some(), "{diags:#?}");
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn shipped_rule_tests_pass() {
    let sets = util::codesets();
    let (set, diags) = load(&files::builtin_files(), &files::read_list, &sets);
    let Some(set) = set else { panic!("{diags:#?}") };
    let report = testing::run(&Arc::new(set), &files::builtin_tests(), &sets);
    let failures: Vec<String> = report
        .cases
        .iter()
        .filter(|c| c.outcome == Outcome::Fail)
        .map(|c| {
            format!(
                "{} {} `{}`: expected {:?}, got {:?}",
                c.rule, c.file, c.case, c.expected, c.actual
            )
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(report.problems.is_empty(), "{:#?}", report.problems);
    assert!(
        report.cases.len()
            >= 2 * report
                .cases
                .iter()
                .map(|c| &c.rule)
                .collect::<std::collections::HashSet<_>>()
                .len()
    );
}

/// An expected `message:` is compared: the right one passes, a wrong one fails the case and
/// the report carries both messages.
#[test]
fn a_wrong_expected_message_fails_the_case() {
    let sets = util::codesets();
    let rules: Vec<_> = files::builtin_files()
        .into_iter()
        .filter(|f| f.path.ends_with("/bill-type-missing.yaml"))
        .collect();
    let mut tests: Vec<_> = files::builtin_tests()
        .into_iter()
        .filter(|f| f.path.ends_with("/bill-type-missing.test.yaml"))
        .collect();
    assert_eq!((rules.len(), tests.len()), (1, 1));
    let (set, diags) = load(&rules, &files::read_list, &sets);
    let Some(set) = set else { panic!("{diags:#?}") };
    let set = Arc::new(set);
    let right = "the institutional claim has no type of bill";
    assert!(tests[0].text.contains(right));
    assert!(testing::run(&set, &tests, &sets).ok());

    let wrong = "the institutional claim has no bill type";
    tests[0].text = tests[0].text.replace(right, wrong);
    let report = testing::run(&set, &tests, &sets);
    assert!(!report.ok());
    let failed: Vec<_> = report
        .cases
        .iter()
        .filter(|c| c.outcome == Outcome::Fail)
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].expected[0].message, wrong);
    assert_eq!(failed[0].actual[0].message, right);
}

#[test]
fn committed_schemas_are_current() {
    for (name, text) in claimscrub::schemas::all() {
        let path = format!("{}/schemas/{name}", env!("CARGO_MANIFEST_DIR"));
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == text,
            "`schemas/{name}` is stale: run `cargo run -- rules schema --out schemas`"
        );
    }
}

#[test]
fn committed_rule_docs_are_current() {
    let (set, diags) = load(
        &files::builtin_files(),
        &files::read_list,
        &util::codesets(),
    );
    let Some(set) = set else { panic!("{diags:#?}") };
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md"))
        .unwrap_or_default();
    assert!(
        committed == claimscrub::authoring::docs::markdown(&set),
        "`docs/rules.md` is stale: run `cargo run -- rules docs --out docs`"
    );
}
