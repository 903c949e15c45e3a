//! No value from a claim reaches stderr, an error record or a finding: claims carrying a
//! marker in every PHI-bearing field, valid and broken, checked in every output format.

use crate::util::{check_texts, stderr, stdout};

const FORMATS: [&str; 5] = ["human", "json", "ndjson", "csv", "sarif"];

/// JSON claims: the marker as a member id, an unknown key, an id object, a value of the wrong
/// type, an invalid enum value, and inside a syntax error.
fn json_claims() -> String {
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
fn x12_claims() -> String {
    let base = crate::util::x12_sample("openx12-minimal-837p.edi");
    let claim = base
        .replace("NM1*IL*1*DOE*JANE****MI*MEM001~", "NM1*IL*1*PHIMARKLAST*PHIMARKFIRST****MI*PHIMARKMEMBER~N3*PHIMARK STREET~N4*PHIMARKCITY*NY*10001~DMG*D8*PHIMARKDOB*F~")
        .replace("CLM*CLM001*100", "CLM*CLM001*PHIMARK");
    let other = base.replace("ST*837*0001*005010X222~", "ST*PHIMARK*0001*005010X222~");
    format!("{claim}\n{other}")
}

/// FHIR documents: a root of a type FHIR does not define, and a Claim naming its patient.
fn fhir_docs() -> [String; 2] {
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
fn json_claims_echo_nothing() {
    assert_clean("NDJSON claims", &[&json_claims()]);
}

#[test]
fn x12_claims_echo_nothing() {
    assert_clean("X12 claims", &[&x12_claims()]);
}

#[test]
fn fhir_documents_echo_nothing() {
    let [a, b] = fhir_docs();
    assert_clean("FHIR documents", &[&a, &b]);
}
