//! Every procedure code gets exactly one verdict: valid (no finding), invalid, not effective,
//! not verifiable, or in the wrong slot. Differential: the shape and code-set facts decide
//! what must fire; the rules must agree on a generated batch of real, mutated and random codes.

use claimscrub::claim::{Claim, ClaimKind, IcdProcedure, ServiceLine};
use claimscrub::codeset::{Status, System};

use crate::util;

/// The rules that judge a service line's procedure code.
const LINE_VERDICTS: &[&str] = &[
    "PRC001", "PRC002", "PRC003", "PRC004", "PRC005", "PRC007", "PRC008", "PRC009",
];
/// The rules that judge an ICD procedure slot's code.
const SLOT_VERDICTS: &[&str] = &["PRC006", "PRC010"];

/// A small deterministic generator, so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

/// Real codes of each system, their mutations, and random strings.
fn codes() -> Vec<String> {
    let sets = util::codesets();
    let mut out = Vec::new();
    for (system, prefix) in [
        (System::Hcpcs, "G0"),
        (System::Hcpcs, "J1"),
        (System::Icd10Pcs, "0DT"),
        (System::Icd10Cm, "E11"),
        (System::Icd10Cm, "S720"),
    ] {
        let set = sets.get(system).unwrap();
        out.extend(set.prefix(prefix).into_iter().step_by(7).take(40));
    }
    let mut rng = Lcg(7);
    let real = out.clone();
    for c in &real {
        out.push(format!("{c}X"));
        out.push(c.get(..c.len() - 1).unwrap_or("").to_string());
    }
    for cpt in [
        "99213", "99214", "0001F", "36415", "9921", "992134", "99213X", "12345678",
    ] {
        out.push(cpt.to_string());
    }
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    for _ in 0..400 {
        let len = 1 + rng.next() % 8;
        let s: String = (0..len)
            .map(|_| ALPHABET[rng.next() % ALPHABET.len()] as char)
            .collect();
        out.push(s);
    }
    out.sort();
    out.dedup();
    out
}

fn cpt_or_hcpcs_shaped(code: &str) -> bool {
    let b = code.as_bytes();
    let cpt = b.len() == 5
        && b[..4].iter().all(u8::is_ascii_digit)
        && (b[4].is_ascii_digit() || b"FTUM".contains(&b[4]));
    let hcpcs =
        b.len() == 5 && (b'A'..=b'V').contains(&b[0]) && b[1..].iter().all(u8::is_ascii_digit);
    cpt || hcpcs
}

fn claim(kind: ClaimKind) -> Claim {
    let mut c: Claim = serde_json::from_str(
        r#"{"id":"V1","submission_date":"2026-06-20","payer":{"id":"00435","plan":"CI"},
            "patient":{"member_id":"M1","date_of_birth":"1961-04-12","sex":"F"},
            "billing_provider":{"npi":"1234567893","tax_id":"123456789"},
            "place_of_service":"11","bill_type":"0111","statement_from":"2026-06-02",
            "statement_to":"2026-06-04","diagnoses":[{"code":"E119","role":"principal"}],
            "total_charge":100}"#,
    )
    .unwrap();
    c.kind = kind;
    c
}

#[test]
fn every_line_procedure_gets_exactly_one_verdict() {
    let engine = util::engine();
    let sets = util::codesets();
    let hcpcs = sets.get(System::Hcpcs).unwrap();
    let date = jiff::civil::date(2026, 6, 2);
    let mut checked = 0;
    for code in codes() {
        let mut c = claim(ClaimKind::Professional);
        c.lines = vec![ServiceLine {
            procedure: Some(code.clone()),
            units: Some(1.0),
            charge: Some(100.0),
            from: Some(date),
            diagnosis_pointers: vec![1],
            ..ServiceLine::default()
        }];
        let verdicts: Vec<String> = engine
            .check(&c)
            .into_iter()
            .filter(|f| LINE_VERDICTS.contains(&f.rule.as_ref()))
            .map(|f| f.rule.to_string())
            .collect();
        let valid_hcpcs = cpt_or_hcpcs_shaped(&code)
            && hcpcs.lookup(&code, date).status == Status::Valid
            && !code.as_bytes()[0].is_ascii_digit();
        if valid_hcpcs {
            assert!(verdicts.is_empty(), "`{code}` is valid HCPCS: {verdicts:?}");
        } else {
            assert_eq!(
                verdicts.len(),
                1,
                "`{code}` needs exactly one verdict: {verdicts:?}"
            );
        }
        checked += 1;
    }
    assert!(checked > 500, "the batch shrank: {checked}");
}

#[test]
fn every_icd_procedure_slot_gets_exactly_one_verdict() {
    let engine = util::engine();
    let sets = util::codesets();
    let pcs = sets.get(System::Icd10Pcs).unwrap();
    let date = jiff::civil::date(2026, 6, 4);
    for code in codes() {
        let mut c = claim(ClaimKind::Institutional);
        c.procedures = vec![IcdProcedure {
            code: code.clone(),
            principal: true,
            date: Some(date),
            qualifier: None,
        }];
        let verdicts: Vec<String> = engine
            .check(&c)
            .into_iter()
            .filter(|f| SLOT_VERDICTS.contains(&f.rule.as_ref()))
            .map(|f| f.rule.to_string())
            .collect();
        if pcs.lookup(&code, date).status == Status::Valid {
            assert!(verdicts.is_empty(), "`{code}` is valid PCS: {verdicts:?}");
        } else {
            assert_eq!(
                verdicts.len(),
                1,
                "`{code}` needs exactly one verdict: {verdicts:?}"
            );
        }
    }
}

/// Findings `(rule, line, code)` of `check --format ndjson` on an X12 text.
fn x12_findings(text: &str) -> Vec<(String, Option<u64>, String)> {
    let o = util::check_texts(&[text], &["--format", "ndjson"]);
    util::stdout(&o)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["type"] == "finding")
        .map(|v| {
            let d = &v["data"];
            (
                d["rule"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64(),
                d["code"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn sample(name: &str) -> String {
    util::x12_sample(name)
}

#[test]
fn x12_procedure_codes_of_no_shape_and_in_the_wrong_slot_are_errors() {
    let p = sample("openx12-minimal-837p.edi");
    let base = x12_findings(&p);
    assert!(!base.iter().any(|(r, _, _)| r == "PRC009"), "{base:?}");
    let suffixed = x12_findings(&p.replace("SV1*HC:99213*", "SV1*HC:99213X*"));
    assert!(
        suffixed.contains(&("PRC009".into(), Some(1), "99213X".into())),
        "{suffixed:?}"
    );
    let pcs = x12_findings(&p.replace("SV1*HC:99213*", "SV1*HC:0DTJ4ZZ*"));
    assert!(
        pcs.contains(&("PRC007".into(), Some(1), "0DTJ4ZZ".into())),
        "{pcs:?}"
    );

    let i = sample("openx12-sample-837i.edi");
    assert!(!x12_findings(&i).iter().any(|(r, _, _)| r == "PRC010"));
    let slot = x12_findings(&i.replace("HI*DR*291", "HI*BBR:99213:D8:20231201~HI*DR*291"));
    assert!(
        slot.iter()
            .any(|(r, l, c)| r == "PRC010" && l.is_none() && c == "99213"),
        "{slot:?}"
    );
    assert!(!slot.iter().any(|(r, _, _)| r == "PRC006"), "{slot:?}");
}

/// Issue 10, item 6: G63 excludes only the `.42` codes of E08-E13, on an X12 claim too.
#[test]
fn x12_excludes1_reads_the_qualifier() {
    let p = sample("openx12-minimal-837p.edi");
    let excl = |hi: &str| -> Vec<String> {
        x12_findings(&p.replace("HI*ABK:J069~", hi))
            .into_iter()
            .filter(|(r, _, _)| r == "ICD005")
            .map(|(_, _, c)| c)
            .collect()
    };
    assert_eq!(excl("HI*ABK:E119*ABF:G63~"), Vec::<String>::new());
    assert_eq!(excl("HI*ABK:E1142*ABF:G63~"), ["G63"]);
}
