//! `claimscrub gen`: every generated claim is readable by `check` in every kind and format,
//! the error rate drives the error findings, the same seed gives the same bytes, and the
//! synthetic NCCI tables import with `codesets build` and make the bundled pairs fire.

use crate::util::{check_ndjson, cli, stderr, stdout};

/// Generate `n` claims into `path` with extra `gen` arguments.
fn generate(path: &std::path::Path, n: &str, args: &[&str]) {
    let p = path.to_string_lossy();
    let mut all = vec!["gen", "--claims", n, "-o", &p];
    all.extend_from_slice(args);
    let o = cli(&all);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("generated {n} claims")),
        "{}",
        stderr(&o)
    );
}

/// The summary record of `check --format ndjson` on `path`, with extra check arguments.
fn summary(path: &std::path::Path, extra: &[&str]) -> serde_json::Value {
    let o = check_ndjson(&path.to_string_lossy(), extra);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let last = out.lines().last().unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(last).unwrap();
    assert_eq!(v["type"], "summary");
    v["data"].clone()
}

#[test]
fn every_generated_claim_is_read_in_every_kind_and_format() {
    let dir = tempfile::tempdir().unwrap();
    for kind in ["professional", "institutional", "mixed"] {
        for format in ["ndjson", "x12", "fhir"] {
            let path = dir.path().join(format!("{kind}.{format}"));
            generate(
                &path,
                "150",
                &["--kind", kind, "--format", format, "--seed", "3"],
            );
            let s = summary(&path, &[]);
            assert_eq!(s["claims"], 150, "{kind} {format}");
            assert_eq!(s["checked"], 150, "{kind} {format}");
            assert_eq!(s["unreadable"], 0, "{kind} {format}");
        }
    }
}

#[test]
fn formats_carry_the_same_claims() {
    // The same seed in NDJSON and X12 gives the same findings by rule.
    let dir = tempfile::tempdir().unwrap();
    let nd = dir.path().join("c.ndjson");
    let x12 = dir.path().join("c.x12");
    let args = ["--kind", "mixed", "--seed", "5", "--error-rate", "0.3"];
    generate(&nd, "300", &args);
    generate(&x12, "300", &[&args[..], &["--format", "x12"]].concat());
    assert_eq!(summary(&nd, &[])["by_rule"], summary(&x12, &[])["by_rule"]);
}

#[test]
fn the_error_rate_drives_error_findings() {
    let dir = tempfile::tempdir().unwrap();
    let mut errors = Vec::new();
    for rate in ["0", "0.5"] {
        let path = dir.path().join(format!("r{rate}.ndjson"));
        generate(
            &path,
            "400",
            &["--error-rate", rate, "--kind", "mixed", "--seed", "9"],
        );
        errors.push(summary(&path, &[])["errors"].as_u64().unwrap());
    }
    assert!(
        errors[1] > errors[0] * 3 + 50,
        "errors at rate 0 and 0.5: {errors:?}"
    );
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["ndjson", "x12", "fhir"] {
        let read = |name: &str, seed: &str| {
            let path = dir.path().join(format!("{name}.{format}"));
            generate(
                &path,
                "200",
                &["--kind", "mixed", "--format", format, "--seed", seed],
            );
            std::fs::read(&path).unwrap()
        };
        let (a, b) = (read("a", "42"), read("b", "42"));
        assert_eq!(a, b, "{format}: same seed");
        if format == "ndjson" {
            assert_ne!(a, read("c", "43"), "another seed");
        }
    }
}

#[test]
fn standard_output_is_the_default() {
    let o = cli(&["gen", "--claims", "3", "--seed", "1"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).lines().count(), 3);
}

#[test]
fn a_bad_error_rate_is_a_usage_error() {
    let o = cli(&["gen", "--claims", "3", "--error-rate", "1.5"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("between 0 and 1"), "{}", stderr(&o));
}

#[test]
fn synthetic_ncci_tables_import_and_bundled_pairs_fire() {
    let dir = tempfile::tempdir().unwrap();
    let tables = dir.path().join("tables");
    let compiled = dir.path().join("compiled");
    let o = cli(&[
        "gen",
        "tables",
        "--out",
        &tables.to_string_lossy(),
        "--pairs",
        "20000",
        "--seed",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = cli(&[
        "codesets",
        "build",
        "--from",
        &tables.to_string_lossy(),
        "--out",
        &compiled.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for table in ["ptp.csfst", "mue.csfst"] {
        assert!(compiled.join(table).is_file(), "{table}");
    }
    let claims = dir.path().join("c.ndjson");
    generate(&claims, "400", &["--error-rate", "0.5", "--seed", "4"]);
    let c = compiled.to_string_lossy();
    let with = summary(&claims, &["--codesets", &c]);
    let without = summary(&claims, &[]);
    let ncci = |s: &serde_json::Value| {
        s["by_rule"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| k.starts_with("NCCI"))
            .map(|(_, v)| v.as_u64().unwrap())
            .sum::<u64>()
    };
    assert_eq!(ncci(&without), 0);
    assert!(ncci(&with) > 0, "{}", with["by_rule"]);
}
