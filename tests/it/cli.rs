//! The command line: every output format pinned by a snapshot; exit codes (usage errors for
//! no rules and an unknown payer); summary accounting; multi-file reports; `rules packs`;
//! thread-count independence.

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

/// X12 claims are split in order and mapped in the pool: the report is the same whatever
/// the thread count.
#[test]
fn x12_output_is_identical_with_one_and_two_threads() {
    let mut files: Vec<String> = std::fs::read_dir("tests/fixtures/x12")
        .unwrap()
        .filter_map(|e| Some(e.ok()?.path().to_string_lossy().into_owned()))
        .filter(|p| p.ends_with(".edi"))
        .collect();
    files.sort();
    let run = |threads: &str| {
        let mut args = vec!["check", "--as-of", "2026-07-01", "--format", "ndjson"];
        args.extend(["--fail-on", "never", "--threads", threads]);
        args.extend(files.iter().map(String::as_str));
        stdout(&cli(&args))
    };
    let one = run("1");
    assert!(one.matches("\"type\":\"finding\"").count() > 20, "{one}");
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

/// A professional claim in the examples' shape; `extra` adds or overrides top-level keys.
fn claim_json(id: &str, extra: &str) -> String {
    format!(
        r#"{{"id":"{id}","type":"professional","submission_date":"2026-06-20",
        "payer":{{"id":"00435","plan":"CI"}},
        "patient":{{"member_id":"M1","date_of_birth":"1961-04-12","sex":"F"}},
        "billing_provider":{{"npi":"1234567893","tax_id":"123456789"}},"place_of_service":"11",
        "diagnoses":[{{"code":"I10","role":"principal"}}],
        "lines":[{{"procedure":"99213","units":1,"charge":90,"from":"2026-06-02","diagnosis_pointers":[1]}}]{extra}}}"#
    )
}

#[test]
fn a_claim_without_a_total_charge_is_an_error_and_its_lines_are_the_base() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nototal.json");
    std::fs::write(&path, claim_json("NOTOTAL-1", "")).unwrap();
    let o = cli(&["check", path.to_str().unwrap(), "--as-of", "2026-07-01"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("error[CORE031] claim: the claim has no total charge  [CO-16]"),
        "{out}"
    );
    assert!(out.contains("at: line 1, /total_charge"), "{out}");
    // Was "$90.00 of $0.00": the claim's charges are what its lines charge.
    assert!(out.contains("charges at risk: $90.00 of $90.00"), "{out}");

    // The same in X12: the ambulance guide example with CLM02 emptied.
    let x12 = std::fs::read_to_string("tests/fixtures/x12/badx12-X222-ambulance.edi").unwrap();
    assert!(x12.contains("CLM*051068*766.50*"));
    let path = dir.path().join("nototal.edi");
    std::fs::write(&path, x12.replace("CLM*051068*766.50*", "CLM*051068**")).unwrap();
    let o = cli(&["check", path.to_str().unwrap(), "--as-of", "2026-07-01"]);
    let out = stdout(&o);
    assert!(out.contains("error[CORE031] claim:"), "{out}");
    assert!(out.contains("at: segment 23, loop 2300, CLM-02"), "{out}");
    assert!(out.contains("charges at risk: $766.50 of $766.50"), "{out}");
}

#[test]
fn no_rules_loaded_is_a_usage_error() {
    let o = cli(&["check", "examples/claims.json", "--no-default-rules"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no rules loaded"), "{}", stderr(&o));
    assert!(stderr(&o).contains("`--rules DIR`"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    // With a rule directory it checks.
    let o = cli(&[
        "check",
        "examples/claims.json",
        "--no-default-rules",
        "--rules",
        "rules/core",
        "--as-of",
        "2026-07-01",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[test]
fn an_unreadable_claim_is_not_clean() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two.json");
    let good = claim_json("GOOD-1", r#","total_charge":90"#);
    let bad = r#"{"id":"BAD-2","lines":[{"procedure":"99213","units":"one"}]}"#;
    std::fs::write(&path, format!("[{good},{bad}]")).unwrap();
    let path = path.to_str().unwrap();
    let run = |format: &str| {
        let o = cli(&["check", path, "--as-of", "2026-07-01", "--format", format]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        stdout(&o)
    };
    let human = run("human");
    assert!(human.contains("clean claims:    1 of 2 (50.0%)"), "{human}");
    let json = run("json");
    assert!(
        json.contains(r#""claims":2,"checked":1,"unreadable":1,"clean":1,"clean_rate":0.5,"#),
        "{json}"
    );
    let ndjson = run("ndjson");
    let summary = ndjson.lines().last().unwrap();
    assert!(summary.contains(r#""clean_rate":0.5,"#), "{summary}");
}

#[test]
fn several_files_name_the_file_of_each_claim() {
    let o = cli(&[
        "check",
        "examples/claims.json",
        "tests/fixtures/x12/badx12-X222-ambulance.edi",
        "--as-of",
        "2026-07-01",
    ]);
    // A leading newline so the first claim's head matches like the others.
    let out = format!("\n{}", stdout(&o));
    assert!(
        out.contains("\nexamples/claims.json: claim CLM-1002 ("),
        "{out}"
    );
    assert!(
        out.contains("\ntests/fixtures/x12/badx12-X222-ambulance.edi: claim 051068 ("),
        "{out}"
    );
    // One file: heads stay as they were (pinned by the `human_output` snapshot).
    assert!(!check("human").contains("examples/claims.json"));
}

#[test]
fn payer_must_be_known_and_a_pack_can_be_named() {
    let o = cli(&["check", "examples/claims.json", "--payer", "medicar"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("unknown payer `medicar` for `--payer`"),
        "{err}"
    );
    assert!(err.contains("did you mean `medicare`?"), "{err}");
    assert!(err.contains("`ACME1`"), "{err}");
    assert!(
        err.contains("payer packs: acme (payer ids ACME1), medicare (filing indicators MA, MB)"),
        "{err}"
    );

    // A commercial claim 17 months old: Medicare's 12-month limit applies once forced.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.json");
    let old = claim_json("OLD-1", r#","total_charge":90"#).replace("2026-06-02", "2025-01-02");
    std::fs::write(&path, old).unwrap();
    let path = path.to_str().unwrap();
    let rules = |payer: Option<&str>| {
        let mut args = vec!["check", path, "--as-of", "2026-07-01", "--format", "csv"];
        if let Some(p) = payer {
            args.extend(["--payer", p]);
        }
        let o = cli(&args);
        assert!(o.status.code().is_some_and(|c| c <= 1), "{}", stderr(&o));
        stdout(&o)
    };
    let own = rules(None);
    assert!(!own.contains("MCR001") && !own.contains("ACME001"), "{own}");
    let medicare = rules(Some("medicare"));
    assert!(
        medicare.contains("MCR001") && !medicare.contains("ACME001"),
        "{medicare}"
    );
    let medicare = rules(Some("payers/medicare"));
    assert!(medicare.contains("MCR001"), "{medicare}");
    let acme = rules(Some("ACME1"));
    assert!(
        acme.contains("ACME001") && !acme.contains("MCR001"),
        "{acme}"
    );
}

#[test]
fn rules_packs_lists_packs_and_what_they_match() {
    let o = cli(&["rules", "packs"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for expected in [
        "core (rules/core, 34 rules)",
        "  matches: every claim",
        "acme (rules/payers/acme, 3 rules)",
        "  matches: payer ids ACME1",
        "  select:  check --payer acme",
        "medicare (rules/payers/medicare, 2 rules)",
        "  Medicare fee-for-service",
        "  matches: claim filing indicators MA, MB",
        "  select:  check --payer medicare",
    ] {
        assert!(out.contains(expected), "{expected:?} in:\n{out}");
    }
}

#[test]
fn cpt_not_loaded_is_one_notice_unless_asked_per_line() {
    let run = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "examples/claims.json",
            "--format",
            "ndjson",
            "--as-of",
            "2026-07-01",
        ];
        args.extend_from_slice(extra);
        stdout(&cli(&args))
    };
    let once = run(&[]);
    assert!(!once.contains(r#""rule":"PRC004","category""#), "{once}");
    let summary = once.lines().last().unwrap_or_default();
    assert!(
        summary.contains(r#""notices":[{"code":"cpt-not-loaded","rule":"PRC004","severity":"info","lines":7,"claims":5,"#),
        "{summary}"
    );
    // Per line: the same seven lines as findings, and no notice.
    let per_line = run(&["--per-line-notices"]);
    let findings = per_line
        .lines()
        .filter(|l| l.contains(r#""rule":"PRC004","category""#))
        .count();
    assert_eq!(findings, 7, "{per_line}");
    assert!(
        per_line
            .lines()
            .last()
            .unwrap_or_default()
            .contains(r#""notices":[]"#)
    );
}

/// The README's sample run is what the binary prints: every line of the excerpt (`…` marks
/// the cuts) appears in the output of the command it shows.
#[test]
fn readme_sample_output_matches_the_binary() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let command = "$ claimscrub check examples/claims.json --as-of 2026-07-01\n";
    let block = readme
        .split_once(command)
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(b, _)| b)
        .expect("README shows a sample run");
    let o = cli(&["check", "examples/claims.json", "--as-of", "2026-07-01"]);
    let out = stdout(&o);
    let missing: Vec<&str> = block
        .lines()
        .filter(|l| !l.trim().is_empty() && l.trim() != "…")
        .filter(|l| !out.lines().any(|o| o == *l))
        .collect();
    assert!(
        missing.is_empty(),
        "README lines the binary does not print: {missing:#?}"
    );
}
