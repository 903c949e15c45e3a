//! `rules lint` on a directory of broken rules: every defect caught, the output pinned; the
//! rule compiler never panics on truncated or garbage YAML.

use std::panic::{AssertUnwindSafe, catch_unwind};

use claimscrub::authoring::lint::lint;
use claimscrub::codeset::CodeSets;
use claimscrub::rules::compile::{RuleFile, load, load_partial};
use claimscrub::rules::load as files;

use crate::util::{self, cli, stderr, stdout};

const BROKEN: &str = "tests/fixtures/broken-rules";

fn lint_broken(format: &str) -> std::process::Output {
    cli(&["rules", "lint", BROKEN, "--format", format])
}

#[test]
fn broken_rules_human_output() {
    let o = lint_broken("human");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    insta::assert_snapshot!(format!("{}\n{}", stdout(&o), stderr(&o)));
}

#[test]
fn broken_rules_github_output() {
    let o = lint_broken("github");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn every_broken_fixture_is_caught() {
    let out = stdout(&lint_broken("human"));
    let mut names: Vec<String> = match std::fs::read_dir(BROKEN) {
        Ok(d) => d
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect(),
        Err(e) => panic!("{BROKEN}: {e}"),
    };
    names.sort();
    assert!(names.len() >= 20, "{names:?}");
    let missed: Vec<&String> = names
        .iter()
        .filter(|n| !out.contains(&format!("{BROKEN}/{n}")))
        .collect();
    assert!(missed.is_empty(), "not reported: {missed:?}\n{out}");
}

/// Compile and lint one file, turning a panic into the offset that caused it.
fn survives(path: &str, text: &str, sets: &CodeSets) -> bool {
    let files = [RuleFile {
        path: path.into(),
        text: text.to_string(),
    }];
    catch_unwind(AssertUnwindSafe(|| {
        let _ = load(&files, &files::read_list, sets);
        let (set, _) = load_partial(&files, &files::read_list, sets);
        let _ = lint(&set);
    }))
    .is_ok()
}

#[test]
fn truncated_and_garbage_yaml_never_panics() {
    let sets = util::codesets();
    let mut failures = Vec::new();
    for f in files::builtin_files() {
        // Every 7th byte, and the last 16 one by one (where closing brackets and quotes go).
        let len = f.text.len();
        let cuts = (0..len)
            .step_by(7)
            .chain(len.saturating_sub(16)..len)
            .filter(|&n| f.text.is_char_boundary(n));
        for n in cuts {
            if !survives(&f.path, f.text.get(..n).unwrap_or_default(), &sets) {
                failures.push(format!("{} cut at byte {n}", f.path));
            }
        }
    }
    // Nested `not`s: within the YAML depth limit, and far past it (refused).
    let deep_not = |n: usize| -> String {
        (1..=n)
            .map(|i| format!("{}not:\n", "  ".repeat(i)))
            .chain([format!("{}present: line.units", "  ".repeat(n + 1))])
            .collect()
    };
    let (shallow, deep) = (deep_not(20), deep_not(5_000));
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let unclosed = "{a: ".repeat(100_000);
    let documents = [
        "",
        "\0",
        "---\n---\n",
        "id: [",
        "id: {a: b}\nname: 1\n",
        "- - - -",
        "{{{{{{{{",
        "*alias",
        "&a [*a, *a]",
        "id: X\nwhen: !!binary AAAA\n",
        "\u{feff}id: ICD001\n\tname: x\n",
        nested.as_str(),
        unclosed.as_str(),
    ];
    // Conditions that parse, in an otherwise valid rule, so the compiler and lint see them.
    let whens = [
        "  all: []",
        "  any: [present: line.units, absent: line.units]",
        "  all: [present: , absent: ]",
        "  compare: { field: line.units, op: gt, value: 1e999 }",
        "  compare: { field: line.units, op: gt, value: .nan }",
        "  all: [compare: { field: line.units, op: gt, value: .inf }, compare: { field: line.units, op: lt, value: -.inf }]",
        "  count: { each: line, op: gt, value: 99999999999999999999 }",
        "  count: { each: line, where: { all: [present: line.units, absent: line.units] }, op: lt, value: -9223372036854775808 }",
        "  codes: { field: line.procedure, in: ['-', '*', '.', 'A-', '-B', 'Z-A', '\u{e9}'] , system: hcpcs }",
        "  regex: { field: line.procedure, pattern: '(?' }",
        "  same: [procedure]",
        shallow.as_str(),
        deep.as_str(),
    ];
    let rule = |when: &str, message: &str| {
        format!(
            "id: GBG001\nname: g\ntitle: g\nseverity: error\ncategory: invalid-code\neach: line\nwhen:\n{when}\nmessage: \"{message}\"\nhelp: \"h\"\n"
        )
    };
    let templates = ["{{{}}}{", "}", "{", "{}", "{ }", "{line.units}}", "{{{{"];
    let texts = documents
        .iter()
        .map(|d| d.to_string())
        .chain(whens.iter().map(|w| rule(w, "m")))
        .chain(templates.iter().map(|t| rule("  present: line.units", t)));
    for (i, g) in texts.enumerate() {
        if !survives("rules/garbage/g.yaml", &g, &sets) {
            failures.push(format!("garbage #{i}: {g:?}"));
        }
    }
    let within = [RuleFile {
        path: "rules/garbage/g.yaml".into(),
        text: rule(&shallow, "m"),
    }];
    let (set, diags) = load(&within, &files::read_list, &sets);
    assert!(set.is_some(), "{diags:#?}");
    assert!(failures.is_empty(), "panicked on:\n{}", failures.join("\n"));
}

#[test]
fn explain_prints_what_a_code_means() {
    let o = cli(&["rules", "lint", "--explain", "listed-header"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("listed-header: A listed code is a header"));
    let o = cli(&["rules", "lint", "--explain", "unknown-feild"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `unknown-field`?"),
        "{}",
        stderr(&o)
    );
    let all = stdout(&cli(&["rules", "lint", "--explain", "all"]));
    assert_eq!(
        all.lines().count(),
        claimscrub::rules::compile::Code::ALL.len()
    );
}

const USER: &str = "tests/fixtures/user-rules";

#[test]
fn a_builtin_id_is_refused_by_lint_as_by_check() {
    let o = cli(&["rules", "lint", USER]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("error[builtin-id]"), "{out}");
    assert!(out.contains("`CORE024`"), "{out}");
    // What lint reports is what check refuses.
    let o = cli(&["check", "--rules", USER, "examples/claims.json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("duplicate-id"), "{}", stderr(&o));
    // Without the built-in packs neither complains; the rule's missing docs is a warning.
    let o = cli(&[
        "check",
        "--rules",
        USER,
        "--no-default-rules",
        "examples/claims.json",
    ]);
    assert_ne!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = cli(&["rules", "lint", USER, "--no-default-rules"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("warning[missing-docs]"),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains("builtin-id"), "{}", stdout(&o));
}

#[test]
fn warnings_as_errors_fails_on_a_warning() {
    let o = cli(&[
        "rules",
        "lint",
        USER,
        "--no-default-rules",
        "--warnings-as-errors",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    // The built-in packs are clean of warnings, so the flag changes nothing there.
    let o = cli(&["rules", "lint", "--warnings-as-errors"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn a_missing_or_empty_rule_folder_is_an_error() {
    let empty = std::env::temp_dir().join(format!("claimscrub-empty-rules-{}", std::process::id()));
    if let Err(e) = std::fs::create_dir_all(&empty) {
        panic!("{}: {e}", empty.display());
    }
    let empty = empty.to_string_lossy().into_owned();
    for command in ["lint", "test"] {
        for dir in [empty.as_str(), "tests/fixtures/no-such-folder"] {
            let o = cli(&["rules", command, dir]);
            assert_eq!(
                o.status.code(),
                Some(2),
                "rules {command} {dir}: {}",
                stdout(&o)
            );
            assert!(stderr(&o).contains(dir), "{}", stderr(&o));
        }
    }
    let _ = std::fs::remove_dir(&empty);
}
