//! The command line: every output format pinned by a snapshot; exit codes; thread-count
//! independence.

use crate::util::{cli, stderr, stdout};

fn check(format: &str) -> String {
    let o = cli(&[
        "check",
        "examples/claims.json",
        "--as-of",
        "2026-07-01",
        "--format",
        format,
    ]);
    assert!(o.status.code().is_some_and(|c| c <= 1), "{}", stderr(&o));
    stdout(&o).replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}

#[test]
fn human_output() {
    insta::assert_snapshot!(check("human"));
}

#[test]
fn json_output() {
    insta::assert_snapshot!(check("json"));
}

#[test]
fn ndjson_output() {
    insta::assert_snapshot!(check("ndjson"));
}

#[test]
fn csv_output() {
    insta::assert_snapshot!(check("csv"));
}

#[test]
fn sarif_output() {
    insta::assert_snapshot!(check("sarif"));
}

#[test]
fn exit_codes() {
    let o = cli(&[
        "check",
        "examples/claims.json",
        "--as-of",
        "2026-07-01",
        "--fail-on",
        "never",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let o = cli(&["check", "examples/claims.json", "--as-of", "2026-07-01"]);
    assert_eq!(o.status.code(), Some(1));
    let o = cli(&["check", "does/not/exist.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does/not/exist.json"), "{}", stderr(&o));
    let o = cli(&["check", "--format", "bogus", "examples/claims.json"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn output_is_identical_with_one_and_two_threads() {
    let run = |threads: &str| {
        let o = cli(&[
            "check",
            "examples/claims.json",
            "--as-of",
            "2026-07-01",
            "--format",
            "ndjson",
            "--threads",
            threads,
        ]);
        stdout(&o)
    };
    let one = run("1");
    assert!(one.contains("\"type\":\"finding\""));
    assert_eq!(one, run("2"));
}

fn check_file(path: &str, format: &str) -> String {
    let o = cli(&["check", path, "--as-of", "2026-07-01", "--format", format]);
    assert!(o.status.code().is_some_and(|c| c <= 1), "{}", stderr(&o));
    stdout(&o).replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}

#[test]
fn x12_professional_findings() {
    insta::assert_snapshot!(check_file(
        "tests/fixtures/x12/badx12-X222-ambulance.edi",
        "human"
    ));
}

#[test]
fn x12_institutional_findings() {
    insta::assert_snapshot!(check_file(
        "tests/fixtures/x12/openx12-sample-837i.edi",
        "json"
    ));
}

#[test]
fn fhir_bundle_findings() {
    insta::assert_snapshot!(check_file("tests/fixtures/fhir/bundle.json", "human"));
}
