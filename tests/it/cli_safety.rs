//! Hostile use of the command line, one row per case with its exact outcome: an output that
//! is an input, `-o` replaced only when complete, closed pipes, SIGINT/SIGTERM, `--threads`.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::util::{cli, stderr};

/// Start `claimscrub` from the repository root with stdout piped and stderr captured.
fn spawn(args: &[&str], stdin: Stdio) -> Child {
    match Command::new(env!("CARGO_BIN_EXE_claimscrub"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => panic!("cannot run claimscrub: {e}"),
    }
}

fn read_stderr(child: &mut Child) -> String {
    let mut s = String::new();
    if let Some(mut e) = child.stderr.take() {
        e.read_to_string(&mut s).unwrap();
    }
    s
}

/// An NDJSON file of `n` claims, the example batch repeated with fresh ids: long enough to
/// check that a signal or a kill lands while the run is still going.
fn big_input(dir: &Path, n: usize) -> PathBuf {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/claims.json"))
            .unwrap();
    let claims: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let mut out = String::new();
    for i in 0..n {
        let mut c = claims[i % claims.len()].clone();
        c["id"] = format!("BIG-{i}").into();
        out.push_str(&serde_json::to_string(&c).unwrap());
        out.push('\n');
    }
    let path = dir.join("big.ndjson");
    std::fs::write(&path, out).unwrap();
    path
}

/// Wait until `check -o` has opened its temporary file in `dir`: the run has started (and
/// caught its signals). The wait is bounded only by the child still running.
fn wait_for_temp(dir: &Path, child: &mut Child) {
    loop {
        let started = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(".claimscrub-"));
        if started {
            return;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("claimscrub ended before its run started: {status}");
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".claimscrub-"))
        .collect()
}

#[test]
fn an_output_that_is_an_input_is_refused_and_the_input_kept() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("claims.json");
    let original =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/claims.json")).unwrap();
    std::fs::write(&input, &original).unwrap();
    let hard = dir.path().join("hard.json");
    std::fs::hard_link(&input, &hard).unwrap();
    let soft = dir.path().join("soft.json");
    std::os::unix::fs::symlink(&input, &soft).unwrap();
    let dotted = dir.path().join(".").join("claims.json");
    let s = |p: &Path| p.to_string_lossy().into_owned();
    // (files, output, stdin from the input, stderr says)
    let cases: [(Vec<String>, String, bool, String); 5] = [
        (
            vec![s(&input)],
            s(&input),
            false,
            format!("the output `{}` is the input `{}`", s(&input), s(&input)),
        ),
        (
            vec![s(&input)],
            s(&hard),
            false,
            format!("the output `{}` is the input", s(&hard)),
        ),
        (
            vec![s(&input)],
            s(&soft),
            false,
            format!("the output `{}` is the input", s(&soft)),
        ),
        (
            vec!["examples/claims.json".into(), s(&input)],
            s(&dotted),
            false,
            format!("the output `{}` is the input `{}`", s(&dotted), s(&input)),
        ),
        (
            vec!["-".into()],
            s(&input),
            true,
            format!("the output `{}` is standard input", s(&input)),
        ),
    ];
    for (files, output, from_stdin, expected) in cases {
        let mut args: Vec<&str> = vec!["check"];
        args.extend(files.iter().map(String::as_str));
        args.extend(["--format", "json", "-o", &output]);
        let stdin = if from_stdin {
            Stdio::from(std::fs::File::open(&input).unwrap())
        } else {
            Stdio::null()
        };
        let mut child = spawn(&args, stdin);
        let err = read_stderr(&mut child);
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(&expected), "{args:?}: {err}");
        assert_eq!(std::fs::read(&input).unwrap(), original, "{args:?}");
    }
    assert!(temp_files(dir.path()).is_empty());
}

#[test]
fn the_output_file_is_replaced_only_by_a_complete_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let out_s = out.to_string_lossy().into_owned();

    // A complete run: the report is in place, valid, and no temporary file is left.
    std::fs::write(&out, "old report").unwrap();
    let o = cli(&[
        "check",
        "examples/claims.json",
        "--as-of",
        "2026-07-01",
        "--format",
        "json",
        "-o",
        &out_s,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(doc["summary"]["claims"], 5);
    assert!(doc["summary"].get("interrupted").is_none(), "{doc}");
    assert!(temp_files(dir.path()).is_empty());

    // A run killed outright (no chance to clean up) leaves the old file untouched.
    std::fs::write(&out, "old report").unwrap();
    let input = big_input(dir.path(), 20_000);
    let mut child = spawn(
        &[
            "check",
            &input.to_string_lossy(),
            "--format",
            "json",
            "-o",
            &out_s,
        ],
        Stdio::null(),
    );
    wait_for_temp(dir.path(), &mut child);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old report");

    // A device is written in place, not replaced.
    let o = cli(&["check", "examples/claims.json", "-o", "/dev/null"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(Path::new("/dev/null").exists());
}

#[test]
fn a_closed_stdout_ends_every_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let big = big_input(dir.path(), 5_000);
    let big = big.to_string_lossy().into_owned();
    let schemas = dir.path().join("schemas");
    let schemas = schemas.to_string_lossy().into_owned();
    let docs = dir.path().join("docs");
    let docs = docs.to_string_lossy().into_owned();
    let cases: &[&[&str]] = &[
        &["explain", "ICD002"],
        &["codes", "lookup", "E11"],
        &["codes", "lookup", "E11", "--all"],
        &["codes", "lookup", "E11", "--json"],
        &["codesets", "info"],
        &["codesets", "info", "--json"],
        &["codesets", "info", "--unresolved"],
        &["rules", "schema", "--out", &schemas],
        &["rules", "lint", "--format", "json"],
        &["rules", "lint", "--explain", "all"],
        &["rules", "test"],
        &["rules", "packs"],
        &["rules", "docs", "--out", &docs],
        &["check", "examples/claims.json"],
        &["check", &big, "--format", "human"],
        &["check", &big, "--format", "json"],
        &["check", &big, "--format", "ndjson"],
        &["check", &big, "--format", "csv"],
        &["check", &big, "--format", "sarif"],
    ];
    for args in cases {
        let mut child = spawn(args, Stdio::null());
        // The reader leaves before the first byte is written, as `| head -1` does after one line.
        drop(child.stdout.take());
        let err = read_stderr(&mut child);
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{args:?}: {err}");
        assert_eq!(err, "", "{args:?}");
    }
    // The files are written even though their listing could not be.
    assert!(Path::new(&schemas).join("claim.schema.json").exists());
    assert!(Path::new(&docs).join("rules.md").exists());
}

/// The summary of a `--format json` document or the last record of NDJSON, each line of
/// which must be whole JSON.
fn summary_of(text: &str, format: &str) -> serde_json::Value {
    match format {
        "json" => {
            let doc: serde_json::Value = serde_json::from_str(text).unwrap();
            let claims = doc["claims"].as_array().unwrap().len();
            assert_eq!(doc["summary"]["claims"], claims);
            doc["summary"].clone()
        }
        "sarif" => {
            let doc: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(
                doc["runs"][0]["invocations"][0]["executionSuccessful"],
                false
            );
            // Every result written before the stop is in the closed document, and only those.
            let summary = doc["runs"][0]["properties"]["summary"].clone();
            let results = doc["runs"][0]["results"].as_array().unwrap().len();
            let counted = ["errors", "warnings", "infos", "unreadable"]
                .iter()
                .map(|k| summary[k].as_u64().unwrap())
                .sum::<u64>();
            assert_eq!(results as u64, counted);
            summary
        }
        _ => {
            let records: Vec<serde_json::Value> = text
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            assert_eq!(records.first().unwrap()["type"], "begin");
            let last = records.last().unwrap();
            assert_eq!(last["type"], "summary", "{last}");
            last["data"].clone()
        }
    }
}

#[test]
fn a_signal_stops_the_run_with_a_closed_report() {
    let dir = tempfile::tempdir().unwrap();
    let input = big_input(dir.path(), 50_000);
    let input = input.to_string_lossy().into_owned();
    // (signal, format, to a file with -o, exit status)
    let cases = [
        ("INT", "json", true, 130),
        ("TERM", "json", true, 143),
        ("INT", "ndjson", true, 130),
        ("TERM", "sarif", true, 143),
        ("INT", "sarif", false, 130),
        ("INT", "ndjson", false, 130),
        ("TERM", "human", true, 143),
    ];
    for (signal, format, to_file, code) in cases {
        let out = dir.path().join(format!("report-{signal}.{format}"));
        let out_s = out.to_string_lossy().into_owned();
        let mut args = vec!["check", &input, "--format", format, "--fail-on", "never"];
        if to_file {
            args.extend(["-o", &out_s]);
        }
        let mut child = spawn(&args, Stdio::null());
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut text = String::new();
        if to_file {
            wait_for_temp(dir.path(), &mut child);
        } else {
            // The begin record is out once the first buffer of findings is: the run is going.
            stdout.read_line(&mut text).unwrap();
        }
        let kill = Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        stdout.read_to_string(&mut text).unwrap();
        let err = read_stderr(&mut child);
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(code), "{signal} {format}: {err}");
        assert!(
            err.contains(&format!("interrupted by SIG{signal}")),
            "{signal} {format}: {err}"
        );
        if to_file {
            text = std::fs::read_to_string(&out).unwrap();
        }
        if format == "human" {
            assert!(
                text.contains("Summary\n  interrupted:     the run was stopped"),
                "{}",
                &text[text.len().saturating_sub(500)..]
            );
            continue;
        }
        let summary = summary_of(&text, format);
        assert_eq!(summary["interrupted"], true, "{signal} {format}: {summary}");
        assert!(temp_files(dir.path()).is_empty());
    }
}

#[test]
fn thread_counts_out_of_range_are_usage_errors() {
    // (--threads, exit status, stderr says)
    let cases = [
        ("100000", 2, "100000 is not in 1..=256"),
        ("257", 2, "257 is not in 1..=256"),
        ("0", 2, "0 is not in 1..=256"),
        ("-1", 2, "unexpected argument"),
        ("256", 0, ""),
    ];
    for (n, code, expected) in cases {
        let o = cli(&[
            "check",
            "examples/claims.json",
            "--fail-on",
            "never",
            "--threads",
            n,
        ]);
        assert_eq!(o.status.code(), Some(code), "{n}: {}", stderr(&o));
        assert!(stderr(&o).contains(expected), "{n}: {}", stderr(&o));
    }
}

/// A closed stderr (its reader gone, as under `2> >(head -0)`) does not make a message panic:
/// the run ends with its own status, not 101. Cases: an input that cannot be opened (the
/// error path), an unreadable claim logged by `check`, an X12 envelope warning.
#[test]
fn a_closed_stderr_does_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.ndjson");
    std::fs::write(&broken, "{\"id\":\"C1\",\"lines\":[]}\nnot json\n").unwrap();
    let warned = dir.path().join("warned.edi");
    let sample = crate::util::x12_sample("openx12-minimal-837p.edi");
    std::fs::write(&warned, sample.replace("SE*15*", "SE*99*")).unwrap();
    let s = |p: &Path| p.to_string_lossy().into_owned();
    // (arguments, exit status)
    let cases: [(Vec<String>, i32); 3] = [
        (vec!["check".into(), "/nonexistent/claims.json".into()], 2),
        (
            vec![
                "check".into(),
                s(&broken),
                "--format".into(),
                "ndjson".into(),
            ],
            2,
        ),
        (
            vec![
                "check".into(),
                s(&warned),
                "--format".into(),
                "ndjson".into(),
                "--fail-on".into(),
                "never".into(),
            ],
            0,
        ),
    ];
    for (args, code) in cases {
        let mut child = Command::new(env!("CARGO_BIN_EXE_claimscrub"))
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the read end at once: every message the run writes meets a broken pipe.
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(code), "{args:?}");
    }
}
