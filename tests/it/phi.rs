//! No value from a claim reaches stderr, an error record or a finding: claims carrying a
//! marker in every PHI-bearing field, valid and broken, checked in every output format.

use crate::util::{check_texts, stderr, stdout};

const FORMATS: [&str; 5] = ["human", "json", "ndjson", "csv", "sarif"];

/// JSON claims: the marker as a member id, an unknown key, an id object, a value of the wrong
/// type, an invalid enum value, and inside a syntax error.
pub(crate) fn json_claims() -> String {
    [
        r#"{"id":"C1","patient":{"member_id":"PHIMARK-member","date_of_birth":"1930-02-03","sex":"F"},"diagnoses":[{"code":"O80"}],"lines":[{"procedure":"99213","from":"2026-03-01","charge":10,"units":1}]}"#,
        r#"{"id":"C2","patient":{"member_id":"M2","PHIMARK-key":"x"},"lines":[]}"#,
        r#"{"id":{"name":"PHIMARK-idobject"},"lines":[]}"#,
        r#"{"id":"C4","lines":[{"units":"PHIMARK-units"}]}"#,
        r#"{"id":"C5","patient":{"sex":"PHIMARK-sex"},"lines":[]}"#,
        r#"{"id":"C6","subscriber":{"member_id":"PHIMARK-subscriber"},"lines":[]}"#,
    ]
    .join("\n")
}

/// An 837P with the marker in the names, ids and address, a malformed date, and a second
/// interchange whose transaction set id is not one.
pub(crate) fn x12_claims() -> String {
    let base = crate::util::x12_sample("openx12-minimal-837p.edi");
    let claim = base
        .replace("NM1*IL*1*DOE*JANE****MI*MEM001~", "NM1*IL*1*PHIMARKLAST*PHIMARKFIRST****MI*PHIMARKMEMBER~N3*PHIMARK STREET~N4*PHIMARKCITY*NY*10001~DMG*D8*PHIMARKDOB*F~")
        .replace("CLM*CLM001*100", "CLM*CLM001*PHIMARK");
    let other = base.replace("ST*837*0001*005010X222~", "ST*PHIMARK*0001*005010X222~");
    format!("{claim}\n{other}")
}

/// FHIR documents: a root of a type FHIR does not define, and a Claim naming its patient.
pub(crate) fn fhir_docs() -> [String; 2] {
    [
        r#"{"resourceType":"PHIMARK-type"}"#.to_string(),
        r#"{"resourceType":"Claim","id":"F1","type":{"coding":[{"code":"professional"}]},"patient":{"display":"PHIMARK-display","identifier":{"value":"PHIMARK-ident"}},"diagnosis":[{"sequence":1,"diagnosisCodeableConcept":{"coding":[{"code":"J06.9"}]}}]}"#.to_string(),
    ]
}

fn assert_clean(what: &str, texts: &[&str]) {
    for format in FORMATS {
        let o = check_texts(texts, &["--format", format]);
        let (out, err) = (stdout(&o), stderr(&o));
        for (stream, text) in [("stdout", &out), ("stderr", &err)] {
            if let Some(at) = text.find("PHIMARK") {
                let from = at.saturating_sub(120);
                panic!(
                    "{what}, --format {format}: a claim value reached {stream}: …{}…",
                    text.get(from..(at + 40).min(text.len())).unwrap_or("")
                );
            }
        }
    }
}

#[test]
pub(crate) fn json_claims_echo_nothing() {
    assert_clean("NDJSON claims", &[&json_claims()]);
}

#[test]
pub(crate) fn x12_claims_echo_nothing() {
    assert_clean("X12 claims", &[&x12_claims()]);
}

#[test]
fn fhir_documents_echo_nothing() {
    let [a, b] = fhir_docs();
    assert_clean("FHIR documents", &[&a, &b]);
}

/// A user rule printing every value `--redact` masks: the claim's ids, its authorization and
/// referral numbers, a line's authorization, dates, the age and the sex.
const PRINTING_RULE: &str = r#"id: LOC901
name: prints-claim-values
title: "Fixture: a rule that prints the claim's own values"
severity: warning
category: invalid-value
each: line
target: claim.id
when:
  present: claim.id
message: "claim {claim.id} replaces {claim.original_claim_id}; auth {claim.prior_authorization}, referral {claim.referral_number}, line auth {line.prior_authorization}; age {patient.age}, sex {patient.sex}; served {line.from}, {claim.service_date}"
help: "see claim {claim.id}"
"#;

/// Claims with the marker in every id a finding or error record could print, read and
/// unreadable; the dates and the 47-year age (born 1979-02-03) are marked by being unique.
fn redact_claims() -> String {
    [
        r#"{"id":"PHIMARK-C1","original_claim_id":"PHIMARK-C0","prior_authorization":"PHIMARK-auth","referral_number":"PHIMARK-ref","patient":{"member_id":"PHIMARK-member","date_of_birth":"1979-02-03","sex":"F"},"diagnoses":[{"code":"O80"}],"lines":[{"procedure":"99213","from":"2026-03-17","charge":10,"units":1,"prior_authorization":"PHIMARK-lineauth"}]}"#,
        r#"{"id":"PHIMARK-C0","patient":{"member_id":"PHIMARK-member","date_of_birth":"1979-02-03","sex":"F"},"lines":[{"procedure":"99213","from":"2026-03-17","charge":10,"units":1}]}"#,
        r#"{"id":"PHIMARK-C1","lines":[{"units":"PHIMARK-units"}]}"#,
    ]
    .join("\n")
}

/// What `--redact` must keep out of every format: the marker, the service and birth dates,
/// the exact age.
const UNREDACTED: [&str; 5] = ["PHIMARK", "2026-03-17", "1979-02-03", "age 47", "sex F"];

/// Run `check --redact` (or not) over [`redact_claims`] with [`PRINTING_RULE`] loaded.
fn check_redacted(format: &str, redact: bool) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("prints.yaml"), PRINTING_RULE).unwrap();
    let rules = dir.path().to_string_lossy().into_owned();
    let mut args = vec!["--rules", &rules, "--format", format];
    if redact {
        args.push("--redact");
    }
    let o = check_texts(&[&redact_claims()], &args);
    (stdout(&o), stderr(&o))
}

#[test]
fn redact_masks_ids_and_member_values_in_every_format() {
    for format in FORMATS {
        let (out, err) = check_redacted(format, true);
        assert!(
            out.contains("LOC901"),
            "--format {format}: the rule did not fire\n{out}{err}"
        );
        for leak in UNREDACTED {
            for (stream, text) in [("stdout", &out), ("stderr", &err)] {
                assert!(
                    !text.contains(leak),
                    "--format {format} --redact: `{leak}` reached {stream}:\n{text}"
                );
            }
        }
        // One mask per distinct id, in input order; the replacement names its original's.
        assert!(
            out.contains("claim claim-1 replaces claim-2"),
            "--format {format}: {out}"
        );
        assert!(
            !out.contains("claim-3"),
            "--format {format}: a third id masked: {out}"
        );
    }
}

/// The same run without `--redact` prints what the redacted one hides, so the test above
/// can fail.
#[test]
fn without_redact_the_rule_prints_the_values() {
    let (out, _) = check_redacted("ndjson", false);
    for shown in [
        "PHIMARK-C1",
        "PHIMARK-auth",
        "2026-03-17",
        "age 47",
        "sex F",
    ] {
        assert!(out.contains(shown), "`{shown}` not printed:\n{out}");
    }
}

/// The error record of an unreadable claim carries the mask of its id.
#[test]
fn redact_masks_the_id_of_an_unreadable_claim() {
    let (out, _) = check_redacted("ndjson", true);
    let error = out
        .lines()
        .find(|l| l.contains(r#""type":"error""#))
        .expect("an error record");
    assert!(error.contains(r#""claim_id":"claim-1""#), "{error}");
}
