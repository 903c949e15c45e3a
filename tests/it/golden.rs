//! Behaviour pinned byte for byte: every finding (message, help, path, location) on the
//! corpus, the examples, synthetic claims, and every case of the shipped rule tests. A
//! refactor leaves these snapshots untouched; a change of behaviour shows up here as a diff.

use crate::util::{check_ndjson, cli, stdout};

/// Findings of `check --format ndjson` on one file, as of the suite's fixed date.
fn findings(path: &str) -> String {
    let o = check_ndjson(path, &[]);
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
    let mut out = String::new();
    for (name, kind, format, n) in [
        ("ndjson", "mixed", "ndjson", "120"),
        ("x12", "mixed", "x12", "50"),
    ] {
        let path = dir.path().join(format!("claims.{name}"));
        let o = cli(&[
            "gen",
            "--claims",
            n,
            "--seed",
            "13",
            "--kind",
            kind,
            "--error-rate",
            "0.25",
            "--format",
            format,
            "-o",
            &path.to_string_lossy(),
        ]);
        assert_eq!(o.status.code(), Some(0));
        out.push_str(&format!("## {name}\n"));
        out.push_str(&findings(&path.to_string_lossy()));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn rule_test_findings_are_unchanged() {
    let o = cli(&["rules", "test", "rules", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&o));
}
