//! `codes check`: a code combination gets the findings a claim with those codes gets, in the
//! same formats, and none about fields a combination does not have.

use serde_json::Value;

use crate::util::{cli, stderr, stdout};

/// The rule ids of a `--format json` report's one claim.
fn rules_of(json: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(json).unwrap();
    v["claims"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

/// The README's example: a header, an unsupported screening PSA, scoped as Medicare.
const EXAMPLE: [&str; 18] = [
    "codes",
    "check",
    "E11",
    "G63",
    "--proc",
    "99214:25",
    "--proc",
    "G0103",
    "--sex",
    "M",
    "--age",
    "64",
    "--pos",
    "11",
    "--payer",
    "medicare",
    "--date",
    "2026-03-01",
];

#[test]
fn a_header_and_an_unsupported_psa_are_found_and_nothing_else() {
    let mut args = EXAMPLE.to_vec();
    args.extend(["--format", "json"]);
    let o = cli(&args);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let rules = rules_of(&stdout(&o));
    assert_eq!(rules, ["ICD002", "MN001"], "{}", stdout(&o));
}

#[test]
fn the_fixed_combination_is_clean() {
    let o = cli(&[
        "codes",
        "check",
        "E11.9",
        "Z12.5",
        "--proc",
        "G0103",
        "--sex",
        "M",
        "--age",
        "64",
        "--date",
        "2026-03-01",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(rules_of(&stdout(&o)).is_empty());
}

#[test]
fn a_sex_conflict_needs_the_sex_and_every_format_works() {
    let args = [
        "codes",
        "check",
        "N40.0",
        "--sex",
        "F",
        "--date",
        "2026-03-01",
        "--fail-on",
        "warning",
    ];
    for format in ["human", "json", "ndjson", "csv", "sarif"] {
        let mut a = args.to_vec();
        a.extend(["--format", format]);
        let o = cli(&a);
        assert_eq!(o.status.code(), Some(1), "{format}: {}", stderr(&o));
        assert!(stdout(&o).contains("ICD010"), "{format}: {}", stdout(&o));
    }
    let o = cli(&[
        "codes",
        "check",
        "N40.0",
        "--date",
        "2026-03-01",
        "--format",
        "json",
    ]);
    assert!(rules_of(&stdout(&o)).is_empty(), "{}", stdout(&o));
}

#[test]
fn bad_arguments_exit_2_with_a_reason() {
    for (args, says) in [
        (
            vec!["codes", "check"],
            "at least one diagnosis or procedure",
        ),
        (vec!["codes", "check", "--proc", "G0103=0"], "units"),
        (vec!["codes", "check", "E11.9", "--sex", "X"], "--sex"),
        (
            vec!["codes", "check", "E11.9", "--payer", "nobody"],
            "unknown payer",
        ),
        (
            vec!["codes", "check", "E11.9", "--date", "2026-13-01"],
            "--date",
        ),
    ] {
        let o = cli(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn the_readme_sample_matches_the_binary() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = readme
        .split_once("claimscrub codes check E11 G63")
        .and_then(|(_, rest)| rest.split_once("```text\n"))
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(b, _)| b)
        .expect("README shows a codes check sample");
    let o = cli(&EXAMPLE);
    let out = stdout(&o);
    let missing: Vec<&str> = block
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter(|l| !out.lines().any(|o| o == *l))
        .collect();
    assert!(
        missing.is_empty(),
        "README lines the binary does not print: {missing:#?}"
    );
}
