//! `check --parse-only`: every claim read and mapped and counted, no rule run, in every
//! input and output format; the summary says no rule ran.

use crate::util::{cli, stderr, stdout};

#[test]
fn parse_only_counts_claims_and_runs_no_rule_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    for input in ["ndjson", "x12", "fhir"] {
        let path = dir.path().join(format!("claims.{input}"));
        let p = path.to_string_lossy().into_owned();
        let o = cli(&[
            "gen",
            "--claims",
            "60",
            "--kind",
            "mixed",
            "--error-rate",
            "0.5",
            "--format",
            input,
            "-o",
            &p,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        for format in ["human", "json", "ndjson", "csv", "sarif"] {
            let o = cli(&[
                "check",
                &p,
                "--parse-only",
                "--format",
                format,
                "--as-of",
                "2026-07-01",
            ]);
            assert_eq!(o.status.code(), Some(0), "{input} {format}: {}", stderr(&o));
            let out = stdout(&o);
            let summary: Option<serde_json::Value> = match format {
                "json" => serde_json::from_str::<serde_json::Value>(&out)
                    .ok()
                    .map(|v| v["summary"].clone()),
                "ndjson" => out
                    .lines()
                    .last()
                    .and_then(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                    .map(|v| v["data"].clone()),
                "sarif" => serde_json::from_str::<serde_json::Value>(&out)
                    .ok()
                    .map(|v| v["runs"][0]["properties"]["summary"].clone()),
                _ => None,
            };
            match (format, summary) {
                ("human", _) => {
                    assert!(out.contains("no rule was run"), "{out}");
                    assert!(out.contains("60 checked"), "{out}");
                }
                ("csv", _) => assert_eq!(out.lines().count(), 1, "header only: {out}"),
                (_, Some(s)) => {
                    assert_eq!(s["parse_only"], true, "{input} {format}");
                    assert_eq!(s["claims"], 60, "{input} {format}");
                    assert_eq!(s["checked"], 60, "{input} {format}");
                    assert_eq!(s["unreadable"], 0, "{input} {format}");
                    assert_eq!(s["errors"], 0, "{input} {format}");
                    assert_eq!(s["warnings"], 0, "{input} {format}");
                }
                (_, None) => panic!("{input} {format}: no summary in {out}"),
            }
        }
    }
}

#[test]
fn a_full_check_summary_does_not_say_parse_only() {
    let o = cli(&[
        "check",
        "examples/claims.json",
        "--format",
        "ndjson",
        "--as-of",
        "2026-07-01",
        "--fail-on",
        "never",
    ]);
    let out = stdout(&o);
    assert!(!out.contains("parse_only"), "{out}");
}

#[test]
fn parse_only_refuses_rule_options() {
    let o = cli(&[
        "check",
        "examples/claims.json",
        "--parse-only",
        "--payer",
        "acme",
    ]);
    assert_eq!(o.status.code(), Some(2));
}
