//! Helpers: run the built binary, build engines from the shipped rules.

use std::process::{Command, Output};
use std::sync::Arc;

use claimscrub::codeset::CodeSets;
use claimscrub::engine::{Engine, Options};
use claimscrub::rules::compile::load;
use claimscrub::rules::load as files;

/// Run `claimscrub` with arguments from the repository root.
pub fn cli(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_claimscrub"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output();
    match out {
        Ok(o) => o,
        Err(e) => panic!("cannot run claimscrub: {e}"),
    }
}

/// `check PATH --format ndjson` as of the suite's fixed date, never failing on findings,
/// with extra arguments.
pub fn check_ndjson(path: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "check",
        path,
        "--format",
        "ndjson",
        "--as-of",
        "2026-07-01",
        "--fail-on",
        "never",
    ];
    args.extend_from_slice(extra);
    cli(&args)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Built-in code sets, loaded once per test binary.
pub fn codesets() -> Arc<CodeSets> {
    static SETS: std::sync::OnceLock<Arc<CodeSets>> = std::sync::OnceLock::new();
    SETS.get_or_init(|| match CodeSets::builtin() {
        Ok(s) => Arc::new(s),
        Err(e) => panic!("built-in code sets: {e}"),
    })
    .clone()
}

/// An engine over the built-in rules and code sets, as of a fixed date.
pub fn engine() -> Engine {
    let sets = codesets();
    let (set, diags) = load(&files::builtin_files(), &files::read_list, &sets);
    let Some(set) = set else {
        panic!("built-in rules do not compile: {diags:?}");
    };
    Engine::new(
        set,
        sets,
        Options {
            as_of: jiff::civil::date(2026, 7, 1),
            payer: None,
            preview: false,
            per_line_notices: true,
            redact: false,
        },
    )
}

/// The text of a corpus X12 sample in `tests/fixtures/x12`.
pub fn x12_sample(name: &str) -> String {
    let path = format!("{}/tests/fixtures/x12/{name}", env!("CARGO_MANIFEST_DIR"));
    match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => panic!("{path}: {e}"),
    }
}

/// Run `check` on texts written to temporary files (`claims-0.edi`, `claims-1.edi`…), as of
/// the suite's fixed date with `--fail-on never`, plus `args`.
pub fn check_texts(texts: &[&str], args: &[&str]) -> Output {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("temporary directory: {e}"),
    };
    let paths: Vec<String> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let p = dir.path().join(format!("claims-{i}.edi"));
            if let Err(e) = std::fs::write(&p, t) {
                panic!("{}: {e}", p.display());
            }
            p.to_string_lossy().into_owned()
        })
        .collect();
    let mut all: Vec<&str> = vec!["check"];
    all.extend(paths.iter().map(String::as_str));
    all.extend_from_slice(&["--as-of", "2026-07-01", "--fail-on", "never"]);
    all.extend_from_slice(args);
    cli(&all)
}
