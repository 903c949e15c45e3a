//! The FHIR R4 reader against hand-written Claim and Bundle fixtures.

use std::sync::Arc;

use claimscrub::claim::fhir::{self, FhirError};
use claimscrub::claim::input::{self, Bytes, ClaimError, InputError, InputFormat};
use claimscrub::claim::{Claim, ClaimKind, DxRole, Location, Sex};
use jiff::civil::date;

fn read(name: &str) -> Vec<Result<Claim, ClaimError>> {
    let bytes = std::fs::read(format!("tests/fixtures/fhir/{name}"))
        .unwrap_or_else(|e| unreachable!("{name}: {e}"));
    assert_eq!(input::detect(&bytes), Some(InputFormat::Fhir));
    fhir::read_all(&bytes, Some(Arc::from(name))).unwrap_or_else(|e| unreachable!("{e}"))
}

fn ok(r: &Result<Claim, ClaimError>) -> &Claim {
    r.as_ref().unwrap_or_else(|e| unreachable!("{e:?}"))
}

fn path(c: &Claim, pointer: &str) -> String {
    match c.source.resolve_pointer(pointer) {
        Some(Location::Fhir { path }) => path,
        other => unreachable!("{pointer}: {other:?}"),
    }
}

#[test]
fn professional_claim() {
    let all = read("professional-claim.json");
    assert_eq!(all.len(), 1);
    let c = ok(&all[0]);
    assert_eq!(c.id, "PCLM-1001");
    assert_eq!(c.kind, ClaimKind::Professional);
    assert_eq!(c.submission_date, Some(date(2024, 3, 5)));
    assert_eq!(c.statement_from, Some(date(2024, 3, 1)));
    assert_eq!(c.total_charge, Some(195.5));
    assert_eq!(c.patient.date_of_birth, Some(date(1958, 7, 14)));
    assert_eq!(c.patient.sex, Some(Sex::Female));
    assert_eq!(c.patient.member_id.as_deref(), Some("MBR100200"));
    assert_eq!(c.patient.relationship.as_deref(), Some("18"));
    assert!(c.subscriber.is_none());
    assert_eq!(c.payer.id.as_deref(), Some("00431"));
    assert_eq!(c.payer.name.as_deref(), Some("Example Health Plan"));
    assert_eq!(c.payer.plan.as_deref(), Some("CI"));
    assert_eq!(c.payer.responsibility.as_deref(), Some("P"));
    assert_eq!(c.prior_authorization.as_deref(), Some("PA-7788"));
    assert_eq!(c.billing_provider.npi.as_deref(), Some("1234567893"));
    assert_eq!(c.billing_provider.tax_id.as_deref(), Some("123456789"));
    let r = c.rendering_provider.as_ref();
    assert_eq!(r.and_then(|p| p.npi.as_deref()), Some("1922334455"));
    assert_eq!(r.and_then(|p| p.taxonomy.as_deref()), Some("207Q00000X"));
    let dx: Vec<_> = c
        .diagnoses
        .iter()
        .map(|d| (d.code.as_str(), d.role))
        .collect();
    assert_eq!(dx, [("E119", DxRole::Principal), ("I10", DxRole::Other)]);
    assert_eq!(c.diagnoses[0].qualifier.as_deref(), Some("ABK"));
    assert_eq!(c.lines.len(), 3);
    let l = &c.lines[0];
    assert_eq!(l.procedure.as_deref(), Some("99214"));
    assert_eq!(l.modifiers, ["25"]);
    assert_eq!(l.diagnosis_pointers, [1, 2]);
    assert_eq!((l.units, l.charge), (Some(1.0), Some(150.0)));
    assert_eq!(l.from, Some(date(2024, 3, 1)));
    assert_eq!(l.place_of_service.as_deref(), Some("11"));
    assert_eq!(c.lines[1].charge, Some(35.5));
    assert_eq!(c.lines[2].charge, Some(10.0), "unitPrice x quantity");
    assert_eq!(c.lines[2].ndc.as_deref(), Some("00169750111"));

    assert_eq!(path(c, ""), "Claim");
    assert_eq!(
        path(c, "/lines/2/procedure"),
        "Claim.item[2].productOrService"
    );
    assert_eq!(path(c, "/lines/0/modifiers/0"), "Claim.item[0].modifier[0]");
    assert_eq!(path(c, "/lines/1/charge"), "Claim.item[1].unitPrice");
    assert_eq!(
        path(c, "/diagnoses/1"),
        "Claim.diagnosis[1].diagnosisCodeableConcept"
    );
    assert_eq!(
        path(c, "/patient/date_of_birth"),
        "Claim.contained[0].birthDate"
    );
    assert_eq!(
        path(c, "/billing_provider/npi"),
        "Claim.contained[1].identifier[0]"
    );
    assert_eq!(
        path(c, "/patient/member_id"),
        "Claim.contained[2].subscriberId"
    );
    assert_eq!(
        path(c, "/payer/id"),
        "Claim.contained[2].payor[0].identifier"
    );
    assert_eq!(
        path(c, "/rendering_provider/npi"),
        "Claim.careTeam[0].provider.identifier"
    );
}

#[test]
fn institutional_claim() {
    let all = read("institutional-claim.json");
    let c = ok(&all[0]);
    assert_eq!(c.id, "ICLM-2002");
    assert_eq!(c.kind, ClaimKind::Institutional);
    assert_eq!(c.submission_date, Some(date(2024, 4, 20)));
    assert_eq!(c.bill_type.as_deref(), Some("0111"));
    assert_eq!(c.discharge_status.as_deref(), Some("01"));
    assert_eq!(c.admission_date, Some(date(2024, 4, 10)));
    assert_eq!(
        (c.statement_from, c.statement_to),
        (Some(date(2024, 4, 10)), Some(date(2024, 4, 14)))
    );
    assert_eq!(c.payer.plan.as_deref(), Some("MA"));
    assert_eq!(c.payer.id.as_deref(), Some("MCRA"));
    assert_eq!(c.patient.member_id.as_deref(), Some("1EG4TE5MK73"));
    assert_eq!(c.patient.sex, Some(Sex::Male));
    assert_eq!(c.billing_provider.npi.as_deref(), Some("1003000126"));
    assert_eq!(
        c.attending_provider.as_ref().and_then(|p| p.npi.as_deref()),
        Some("1114567890")
    );
    let dx: Vec<_> = c
        .diagnoses
        .iter()
        .map(|d| (d.code.as_str(), d.role, d.poa.as_deref()))
        .collect();
    assert_eq!(
        dx,
        [
            ("I214", DxRole::Principal, Some("Y")),
            ("R079", DxRole::Admitting, None),
            ("E785", DxRole::Other, Some("N")),
        ]
    );
    assert_eq!(c.procedures.len(), 1);
    assert_eq!(c.procedures[0].code, "027034Z");
    assert!(c.procedures[0].principal);
    assert_eq!(c.procedures[0].date, Some(date(2024, 4, 11)));
    assert_eq!(c.lines.len(), 2);
    assert_eq!(c.lines[0].revenue_code.as_deref(), Some("0120"));
    assert_eq!(
        c.lines[0].procedure, None,
        "data-absent-reason is not a code"
    );
    assert_eq!(
        (c.lines[0].from, c.lines[0].to),
        (Some(date(2024, 4, 10)), Some(date(2024, 4, 13)))
    );
    assert_eq!(c.lines[0].units, Some(4.0));
    assert_eq!(c.lines[1].procedure.as_deref(), Some("92928"));
    assert_eq!(c.total_charge, Some(20500.0));
    assert_eq!(path(c, "/bill_type"), "Claim.supportingInfo[0].code");
    assert_eq!(
        path(c, "/diagnoses/0/poa"),
        "Claim.diagnosis[0].onAdmission"
    );
}

#[test]
fn bundle_resolves_references() {
    let all = read("bundle.json");
    assert_eq!(all.len(), 2);
    let c = ok(&all[0]);
    assert_eq!(c.id, "BCLM-3001");
    assert_eq!(c.source.index, 0);
    assert_eq!(c.patient.date_of_birth, Some(date(2015, 6, 30)));
    assert_eq!(c.patient.relationship.as_deref(), Some("19"));
    assert_eq!(c.patient.member_id, None);
    let sub = c.subscriber.as_ref();
    assert_eq!(sub.and_then(|s| s.member_id.as_deref()), Some("XYZ987654"));
    assert_eq!(sub.and_then(|s| s.date_of_birth), Some(date(1984, 1, 20)));
    assert_eq!(sub.and_then(|s| s.sex), Some(Sex::Female));
    assert_eq!(c.payer.id.as_deref(), Some("60054"));
    assert_eq!(c.payer.name.as_deref(), Some("Example Mutual"));
    assert_eq!(c.billing_provider.npi.as_deref(), Some("1588667638"));
    assert_eq!(c.billing_provider.tax_id.as_deref(), Some("981234567"));
    let rend = c.rendering_provider.as_ref();
    assert_eq!(rend.and_then(|p| p.npi.as_deref()), Some("1497758544"));
    assert_eq!(rend.and_then(|p| p.taxonomy.as_deref()), Some("208000000X"));
    assert_eq!(
        c.referring_provider.as_ref().and_then(|p| p.npi.as_deref()),
        Some("1366493819")
    );
    assert_eq!(c.lines.len(), 2);
    assert_eq!(c.lines[1].modifiers, ["QW"]);
    assert_eq!(c.diagnoses.len(), 2);
    assert_eq!(path(c, ""), "Bundle.entry[7].resource");
    assert_eq!(
        path(c, "/lines/1/procedure"),
        "Bundle.entry[7].resource.item[1].productOrService"
    );
    assert_eq!(
        path(c, "/patient/date_of_birth"),
        "Bundle.entry[0].resource.birthDate"
    );
    assert_eq!(
        path(c, "/subscriber/member_id"),
        "Bundle.entry[3].resource.subscriberId"
    );
    assert_eq!(
        path(c, "/payer/id"),
        "Bundle.entry[2].resource.identifier[0]"
    );
    assert_eq!(
        path(c, "/billing_provider/npi"),
        "Bundle.entry[4].resource.identifier[1]"
    );

    // The second claim's Coverage is not in the Bundle: its fields stay empty.
    let c = ok(&all[1]);
    assert_eq!(c.id, "BCLM-3002");
    assert_eq!(c.source.index, 1);
    assert_eq!(c.patient.date_of_birth, Some(date(1984, 1, 20)));
    assert_eq!(c.patient.member_id, None);
    assert_eq!(c.payer.id, None);
    assert_eq!(c.diagnoses[0].role, DxRole::Principal, "first-listed");
    assert_eq!(
        path(c, "/payer"),
        "Bundle.entry[8].resource.insurance[0].coverage"
    );
}

#[test]
fn bad_claim_in_bundle_is_one_error_record() {
    let text = std::fs::read_to_string("tests/fixtures/fhir/bundle.json")
        .unwrap_or_else(|e| unreachable!("{e}"));
    let bad = text.replacen(
        "\"servicedDate\": \"2024-04-29\"",
        "\"servicedDate\": \"2024-02-30\"",
        1,
    );
    let all = fhir::read_all(bad.as_bytes(), None).unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(all.len(), 2);
    let e = all[0]
        .as_ref()
        .err()
        .cloned()
        .unwrap_or_else(|| unreachable!());
    assert_eq!(e.claim_id.as_deref(), Some("BCLM-3001"));
    assert_eq!(e.message, "not a valid FHIR date (YYYY-MM-DD)");
    assert_eq!(
        e.location,
        Some(Location::Fhir {
            path: "Bundle.entry[7].resource.item[0].servicedDate".into()
        })
    );
    assert!(all[1].is_ok());
}

#[test]
fn file_level_errors_through_input() {
    let split = |s: &str| {
        input::split(
            Arc::new(Bytes::Owned(s.as_bytes().to_vec())),
            "in.json",
            InputFormat::Fhir,
        )
    };
    match split(r#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient"}}]}"#) {
        Err(InputError::Malformed { message, .. }) => assert_eq!(
            message,
            "the root resource (Bundle) holds no claim: expected `Claim` or a `Bundle` of them"
        ),
        other => unreachable!("{other:?}"),
    }
    assert!(matches!(
        fhir::read_all(b"{\"resourceType\":", None),
        Err(FhirError::Json { .. })
    ));
    match split(r#"{"resourceType":"Claim","id":"x","type":{"coding":[{"code":"oral"}]}}"#) {
        Ok(i) => assert_eq!(i.pending.count(), 1),
        Err(e) => unreachable!("{e}"),
    }
}
