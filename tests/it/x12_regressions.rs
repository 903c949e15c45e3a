//! Issue 10's classes on real-shaped X12: each test edits a sample 837 from the corpus the way
//! a real file goes wrong, and checks what the run reports.

use crate::util::{self, stderr, stdout};

fn sample(name: &str) -> String {
    util::x12_sample(name).replace('\n', "")
}

/// The minimal 837P sample with `from` replaced by `to` (the edit must apply).
fn minimal_with(from: &str, to: &str) -> String {
    let p = sample("openx12-minimal-837p.edi");
    assert!(p.contains(from), "the fixture changed: no `{from}`");
    p.replace(from, to)
}

fn run(texts: &[&str], args: &[&str]) -> std::process::Output {
    util::check_texts(texts, args)
}

fn json(texts: &[&str], args: &[&str]) -> serde_json::Value {
    let mut a = vec!["--format", "json"];
    a.extend_from_slice(args);
    let o = run(texts, &a);
    serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o)))
}

/// `(rule, message, help)` of every finding of a run.
fn findings(v: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for c in v["claims"].as_array().into_iter().flatten() {
        for f in c["findings"].as_array().into_iter().flatten() {
            let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
            out.push((s("rule"), s("message"), s("help")));
        }
    }
    out
}

#[test]
fn codes_short_of_characters_get_their_own_verdict_with_the_dot() {
    let v = json(
        &[&minimal_with("HI*ABK:J069", "HI*ABK:S72001*ABF:E116")],
        &[],
    );
    let f = findings(&v);
    let seventh = f
        .iter()
        .find(|x| x.0 == "ICD013")
        .expect("ICD013 on S72001");
    assert!(
        seventh.1.contains("`S72.001`") && seventh.1.contains("`S72.001A`"),
        "{seventh:?}"
    );
    let sub = f.iter().find(|x| x.0 == "ICD014").expect("ICD014 on E116");
    assert!(sub.1.starts_with("`E11.6`"), "{sub:?}");
    assert!(!f.iter().any(|x| x.0 == "ICD002"), "{f:?}");
}

#[test]
fn the_cpt_notice_is_said_once_for_the_run() {
    let p = sample("openx12-minimal-837p.edi");
    let v = json(&[&p, &p.replace("CLM001", "CLM002")], &[]);
    assert!(!findings(&v).iter().any(|x| x.0 == "PRC004"));
    let notices = v["summary"]["notices"].as_array().unwrap();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0]["code"], "cpt-not-loaded");
    assert_eq!(notices[0]["lines"], 2);
}

#[test]
fn the_clean_rate_counts_an_unreadable_claim() {
    // The second claim's line charge is not a number: it cannot be read.
    let p = sample("openx12-minimal-837p.edi");
    let claim = "CLM*CLM001*100***11:B:1*Y*A*Y*Y~HI*ABK:J069~SV1*HC:99213*100*UN*1***1~";
    let broken = claim
        .replace("CLM001", "CLM002")
        .replace("SV1*HC:99213*100", "SV1*HC:99213*ABC");
    let v = json(&[&p.replace(claim, &format!("{claim}{broken}"))], &[]);
    let s = &v["summary"];
    assert_eq!(
        (s["claims"].as_u64(), s["unreadable"].as_u64()),
        (Some(2), Some(1))
    );
    let clean = s["clean"].as_f64().unwrap();
    assert_eq!(s["clean_rate"].as_f64(), Some(clean / 2.0), "{s}");
}

#[test]
fn several_files_are_named_and_payers_are_checked() {
    let a = sample("openx12-minimal-837p.edi");
    let b = a.replace("CLM001", "CLM009");
    let o = run(&[&a, &b], &[]);
    let out = stdout(&o);
    assert!(
        out.contains("claims-0.edi: claim CLM001") && out.contains("claims-1.edi: claim CLM009"),
        "{out}"
    );
    let o = run(&[&a], &["--payer", "acmee"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean"), "{}", stderr(&o));
    // A forced payer's rules apply to the X12 claim: ACME requires authorization for 70553.
    let mri = minimal_with("SV1*HC:99213*", "SV1*HC:70553*");
    assert!(
        !findings(&json(&[&mri], &[]))
            .iter()
            .any(|x| x.0 == "ACME002")
    );
    assert!(
        findings(&json(&[&mri], &["--payer", "ACME1"]))
            .iter()
            .any(|x| x.0 == "ACME002")
    );
    let o = run(&[&a], &["--no-default-rules"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn institutional_help_cites_ub04_and_csv_guards_formulas() {
    let i = sample("openx12-minimal-837i.edi");
    let helps: Vec<String> = findings(&json(&[&i], &[]))
        .into_iter()
        .map(|x| x.2)
        .collect();
    assert!(helps.iter().any(|h| h.contains("UB-04 FL")), "{helps:?}");
    assert!(!helps.iter().any(|h| h.contains("CMS-1500")), "{helps:?}");
    let csv = stdout(&run(
        &[&minimal_with("CLM*CLM001*", "CLM*=HYPERLINK(1)*")],
        &["--format", "csv"],
    ));
    assert!(csv.contains("'=HYPERLINK(1)"), "{csv}");
    assert!(!csv.lines().skip(1).any(|l| l.starts_with('=')), "{csv}");
}
