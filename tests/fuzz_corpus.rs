//! Every committed fuzz input (the minimized corpora in `fuzz/corpus/<target>` and the crash
//! regressions in `fuzz/regressions/<target>`) replayed on stable through the same harness
//! the cargo-fuzz targets run (`fuzz/src/lib.rs`), with the same invariants.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code: a panic is a failed test"
)]

#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::path::{Path, PathBuf};

/// The committed inputs of one target, sorted; regressions are optional, a corpus is not.
fn inputs(target: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut files = Vec::new();
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .map(|e| e.expect("corpus entry").path())
            .filter(|p| p.is_file())
            .collect();
        found.sort();
        files.extend(found);
    }
    files
}

/// Run every input of `target` through `run`, and name all that fail, not only the first.
fn replay(target: &str, run: fn(&[u8])) {
    let files = inputs(target);
    assert!(
        !files.is_empty(),
        "no corpus in fuzz/corpus/{target}: the replay would test nothing"
    );
    let failed: Vec<String> = files
        .iter()
        .filter(|f| {
            let data = std::fs::read(f).expect("read corpus file");
            std::panic::catch_unwind(|| run(&data)).is_err()
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} {target} inputs fail: {failed:#?}",
        failed.len(),
        files.len()
    );
}

/// One test per target, named after it, replaying its inputs through its harness function.
macro_rules! replay_tests {
    ($($target:ident),* $(,)?) => {
        $(
            #[test]
            fn $target() {
                replay(stringify!($target), harness::$target);
            }
        )*
    };
}

replay_tests!(x12, json, fhir, rules, codeset_bytes, codeset_tsv);

/// The harness's checks can fail: a refusal quoting the marker, a compiled set missing a code
/// it accepted.
#[test]
#[should_panic(expected = "a claim value reached a refusal")]
fn marker_in_a_refusal_fails() {
    harness::assert_no_marker("refusal", "cannot read PHIMARK-member");
}
