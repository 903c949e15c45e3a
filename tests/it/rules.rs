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

/// A pack kept under a `rules/` folder of its own, laid out as a built-in pack is, tests
/// against its own fixture: the built-in file of the same path must not stand in for it.
#[test]
fn a_pack_on_disk_reads_its_own_fixture_not_the_built_in_one() {
    let root = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let pack = root.path().join("rules/ncci");
    let fixture = pack.join("fixtures/ncci");
    let write = |p: std::path::PathBuf, text: &str| {
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
    };
    let shipped = |name: &str| {
        std::fs::read_to_string(format!("{}/rules/ncci/{name}", env!("CARGO_MANIFEST_DIR")))
            .unwrap_or_else(|e| panic!("{e}"))
    };
    write(pack.join("pack.yaml"), &shipped("pack.yaml"));
    write(pack.join("ptp-bundled.yaml"), &shipped("ptp-bundled.yaml"));
    // A pair the built-in fixture does not have.
    write(
        fixture.join("ccipra-v322r0-f1.txt"),
        "Column 1\tColumn 2\t*\tEffective Date\tDeletion Date\tModifier\tRationale\n\
         99215\t99211\t\t20150101\t*\t0\tMutually exclusive procedures\n",
    );
    write(
        pack.join("ptp-bundled.test.yaml"),
        r#"base:
  id: T1
  type: professional
  submission_date: "2026-06-20"
  payer: { id: "00435", plan: CI }
  patient: { member_id: M1, date_of_birth: "1961-04-12", sex: F }
  billing_provider: { npi: "1234567893", tax_id: "123456789" }
  place_of_service: "11"
  diagnoses: [ { code: E119, role: principal } ]
  total_charge: 200
  lines:
    - { procedure: "99215", units: 1, charge: 150, from: "2026-06-02", diagnosis_pointers: [1] }
    - { procedure: "99211", units: 1, charge: 50, from: "2026-06-02", diagnosis_pointers: [1] }
cases:
  - name: fires on the pair only this fixture has
    claim: {}
    codesets: fixtures/ncci
    expect:
      - { line: 2, code: "99211" }
  - name: silent on different dates
    claim:
      lines: [ { procedure: "99215", units: 1, charge: 150, from: "2026-06-02", diagnosis_pointers: [1] }, { procedure: "99211", units: 1, charge: 50, from: "2026-06-03", diagnosis_pointers: [1] } ]
    codesets: fixtures/ncci
    expect: []
"#,
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_claimscrub"))
        .args(["rules", "test", "rules"])
        .current_dir(root.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let (stdout, stderr) = (util::stdout(&out), util::stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        format!("{stdout}{stderr}").contains("2 passed, 0 failed"),
        "{stdout}{stderr}"
    );
}
