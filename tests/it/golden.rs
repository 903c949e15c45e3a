//! Behaviour pinned byte for byte: every finding (message, help, path, location) on the
//! corpus, the examples, synthetic claims, and every case of the shipped rule tests. A
//! refactor leaves these snapshots untouched; a change of behaviour shows up here as a diff.

use crate::util::{cli, stdout};

/// Findings of `check --format ndjson` on one file, as of the suite's fixed date.
fn findings(path: &str) -> String {
    let o = cli(&[
        "check",
        path,
        "--format",
        "ndjson",
        "--as-of",
        "2026-07-01",
        "--fail-on",
        "never",
    ]);
    assert_eq!(o.status.code(), Some(0), "{path}");
    // The begin record names the input path, which differs for temporary files.
    stdout(&o)
        .lines()
        .filter(|l| !l.starts_with(r#"{"type":"begin""#))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn corpus_files() -> Vec<String> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut files = Vec::new();
    for dir in ["tests/fixtures/x12", "tests/fixtures/fhir"] {
        let mut v: Vec<String> = std::fs::read_dir(format!("{root}/{dir}"))
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".edi") || n.ends_with(".json"))
            .map(|n| format!("{dir}/{n}"))
            .collect();
        v.sort();
        files.extend(v);
    }
    files.push("examples/claims.json".into());
    files
}

#[test]
fn corpus_findings_are_unchanged() {
    let mut out = String::new();
    for f in corpus_files() {
        out.push_str(&format!("## {f}\n"));
        out.push_str(&findings(&f));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn synthetic_findings_are_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let nd = dir.path().join("claims.ndjson");
    let x12 = dir.path().join("claims.x12");
    let mut buf = Vec::new();
    claimscrub::synth::ndjson(120, &mut buf).unwrap();
    std::fs::write(&nd, &buf).unwrap();
    buf.clear();
    claimscrub::synth::x12_837p(50, &mut buf).unwrap();
    std::fs::write(&x12, &buf).unwrap();
    let mut out = String::from("## ndjson\n");
    out.push_str(&findings(&nd.to_string_lossy()));
    out.push_str("## x12\n");
    out.push_str(&findings(&x12.to_string_lossy()));
    insta::assert_snapshot!(out);
}

#[test]
fn rule_test_findings_are_unchanged() {
    let o = cli(&["rules", "test", "rules", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&o));
}
