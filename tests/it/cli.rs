//! The command line: every output format pinned by a snapshot; exit codes; thread-count
//! independence.

use crate::util::{cli, stderr, stdout};

fn check(format: &str) -> String {
    check_file("examples/claims.json", format)
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
fn bad_inputs_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, " \n").unwrap();
    let garbage = dir.path().join("garbage.bin");
    std::fs::write(&garbage, [0u8, 159, 146, 150, 7, 255, 1, 2]).unwrap();
    let cases = [
        (
            dir.path().to_string_lossy().into_owned(),
            "is a directory, not a claim file",
        ),
        (
            empty.to_string_lossy().into_owned(),
            "is empty: it holds no claims",
        ),
        (
            garbage.to_string_lossy().into_owned(),
            "cannot tell the format",
        ),
    ];
    for (path, expected) in cases {
        let o = cli(&["check", &path, "--format", "json"]);
        assert_eq!(o.status.code(), Some(2), "{path}");
        assert!(stderr(&o).contains(expected), "{path}: {}", stderr(&o));
        // The report still closes cleanly and accounts for zero claims.
        assert!(stdout(&o).contains("\"claims\":0"), "{}", stdout(&o));
    }
    let o = cli(&[
        "check",
        "examples/claims.json",
        "--rules",
        "/nonexistent-rules",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).matches("No such file or directory").count(),
        1,
        "{}",
        stderr(&o)
    );
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

#[test]
fn codes_lookup_outputs() {
    let run = |args: &[&str]| {
        let o = cli(args);
        format!("$ claimscrub {}\n{}", args.join(" "), stdout(&o))
    };
    let out = [
        run(&["codes", "lookup", "E11.9", "--date", "2026-03-01"]),
        run(&["codes", "lookup", "E11", "--date", "2026-03-01"]),
        run(&["codes", "lookup", "E11.99", "--date", "2026-03-01"]),
        run(&["codes", "lookup", "G0008", "--date", "2018-06-01"]),
        run(&["codes", "lookup", "O80", "--date", "2026-03-01"]),
        run(&["codes", "lookup", "E10.3", "--date", "2026-03-01", "--all"]),
        run(&["codes", "lookup", "22", "--date", "2026-03-01"]),
        run(&["codes", "lookup", "250.00", "--date", "2026-03-01"]),
        run(&["codes", "lookup", "E880.9", "--date", "2026-03-01"]),
        run(&["codesets", "info"]),
    ]
    .join("\n");
    insta::assert_snapshot!(out);
    let o = cli(&["codes", "lookup", " "]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("give a code to look up"),
        "{}",
        stderr(&o)
    );
}

/// SARIF points an X12 result at its segment by byte offset (not by line: the segment number
/// is not a line), and every rule a result names is in the rule table with its descriptions.
#[test]
fn sarif_x12_results_point_at_their_segment() {
    let path = "tests/fixtures/x12/openx12-sample-837i.edi";
    let doc: serde_json::Value = match serde_json::from_str(&check_file(path, "sarif")) {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => panic!("{path}: {e}"),
    };
    let run = &doc["runs"][0];
    let results = run["results"].as_array().cloned().unwrap_or_default();
    assert!(!results.is_empty());
    for r in &results {
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], path, "{r}");
        assert!(loc["region"]["startLine"].is_null(), "{r}");
        let Some(offset) = loc["region"]["byteOffset"].as_u64() else {
            panic!("no byte offset: {r}")
        };
        // `segment 20, loop 2300, CLM-02`: the segment id is the element's prefix.
        let text = r["properties"]["location"].as_str().unwrap_or_default();
        let id = text.rsplit(", ").next().unwrap_or_default();
        let id = id.split('-').next().unwrap_or_default();
        let at = bytes.get(offset as usize..).unwrap_or_default();
        assert!(at.starts_with(id.as_bytes()), "{id} at {offset}: {r}");
        let rule = &r["ruleId"];
        let described = run["tool"]["driver"]["rules"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|d| &d["id"] == rule && d["shortDescription"]["text"].is_string());
        assert!(described, "{rule} is not described");
    }
}
