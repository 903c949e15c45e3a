//! The same claim twice in one run, across files and inside one X12 file: the repeat is the
//! error, never the original, whatever the thread count.

use crate::util::{cli, stdout};

/// `(file, claim id, rule)` of the duplicate findings of one run over these files.
fn duplicates(files: &[&str], threads: &str) -> Vec<(String, String, String)> {
    let mut args = vec!["check"];
    args.extend_from_slice(files);
    args.extend_from_slice(&[
        "--format",
        "json",
        "--as-of",
        "2026-07-01",
        "--fail-on",
        "never",
        "--threads",
        threads,
    ]);
    let o = cli(&args);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let mut out = Vec::new();
    for c in doc["claims"].as_array().unwrap() {
        for f in c["findings"].as_array().into_iter().flatten() {
            let rule = f["rule"].as_str().unwrap_or("");
            if rule == "CORE035" || rule == "CORE036" {
                out.push((
                    c["file"].as_str().unwrap_or("").to_string(),
                    f["claim_id"].as_str().unwrap_or("").to_string(),
                    rule.to_string(),
                ));
            }
        }
    }
    out
}

#[test]
fn a_file_checked_twice_repeats_every_claim_of_the_second() {
    let one = duplicates(&["examples/claims.json"], "2");
    assert!(one.is_empty(), "{one:?}");
    let twice = duplicates(&["examples/claims.json", "examples/claims.json"], "2");
    assert_eq!(twice.len(), 5, "{twice:?}");
    assert!(twice.iter().all(|(_, _, r)| r == "CORE035"), "{twice:?}");
    assert_eq!(
        twice,
        duplicates(&["examples/claims.json", "examples/claims.json"], "1")
    );
}

#[test]
fn an_x12_claim_sent_twice_in_one_transaction() {
    let root = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(format!(
        "{root}/tests/fixtures/x12/openx12-minimal-837p.edi"
    ))
    .unwrap();
    let claim = "CLM*CLM001*100***11:B:1*Y*A*Y*Y~HI*ABK:J069~SV1*HC:99213*100*UN*1***1~";
    let compact = text.replace('\n', "");
    assert!(compact.contains(claim), "the fixture changed");
    let changed = claim
        .replace("*100*UN", "*120*UN")
        .replace("CLM001*100", "CLM001*120");
    let dir = tempfile::tempdir().unwrap();
    let exact = dir.path().join("exact.edi");
    std::fs::write(&exact, compact.replace(claim, &format!("{claim}{claim}"))).unwrap();
    let other = dir.path().join("other.edi");
    std::fs::write(&other, compact.replace(claim, &format!("{claim}{changed}"))).unwrap();
    let e = duplicates(&[&exact.to_string_lossy()], "2");
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!((e[0].1.as_str(), e[0].2.as_str()), ("CLM001", "CORE035"));
    let o = duplicates(&[&other.to_string_lossy()], "2");
    assert_eq!(o.len(), 1, "{o:?}");
    assert_eq!((o[0].1.as_str(), o[0].2.as_str()), ("CLM001", "CORE036"));
}
