//! Synthetic claims as one FHIR R4 `Bundle` (type `collection`) of `Claim` resources, each
//! carrying its Patient, Organization, Practitioner and Coverage as contained resources, in
//! the CARIN Blue Button shape the FHIR reader maps. Entries are written as they come, so
//! the bundle is never held in memory.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::claim::{Claim, ClaimKind, DxRole, Provider, Sex};

const NPI: &str = "http://hl7.org/fhir/sid/us-npi";
const TIN: &str = "urn:oid:2.16.840.1.113883.4.4";
const ICD10CM: &str = "http://hl7.org/fhir/sid/icd-10-cm";
const ICD10PCS: &str = "http://www.cms.gov/Medicare/Coding/ICD10";
const CARIN_INFO: &str = "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBSupportingInfoType";
const CARIN_ROLE: &str = "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBClaimCareTeamRole";

/// `{"coding":[{"code":…}]}`, with a system when given.
fn concept(system: Option<&str>, code: &str) -> Value {
    match system {
        Some(s) => json!({ "coding": [{ "system": s, "code": code }] }),
        None => json!({ "coding": [{ "code": code }] }),
    }
}

/// Set `key` of a JSON object (built here with `json!`, so always an object).
fn set(v: &mut Value, key: &str, value: Value) {
    if let Value::Object(m) = v {
        m.insert(key.to_string(), value);
    }
}

/// A provider's identifiers: NPI and tax id where present.
fn identifiers(p: &Provider) -> Value {
    let mut ids = Vec::new();
    if let Some(n) = &p.npi {
        ids.push(json!({ "system": NPI, "value": n }));
    }
    if let Some(t) = &p.tax_id {
        ids.push(json!({ "system": TIN, "value": t }));
    }
    Value::Array(ids)
}

/// The `Claim` resource of one claim.
fn resource(c: &Claim) -> Value {
    let inst = c.kind == ClaimKind::Institutional;
    let gender = match c.patient.sex {
        Some(Sex::Female) => Some("female"),
        Some(Sex::Male) => Some("male"),
        Some(Sex::Unknown) => Some("unknown"),
        None => None,
    };
    let mut patient = json!({ "resourceType": "Patient", "id": "p" });
    if let Some(g) = gender {
        set(&mut patient, "gender", json!(g));
    }
    if let Some(d) = c.patient.date_of_birth {
        set(&mut patient, "birthDate", json!(d.to_string()));
    }
    let mut coverage = json!({
        "resourceType": "Coverage", "id": "cov", "status": "active",
        "beneficiary": { "reference": "#p" },
        "relationship": concept(None, "self"),
        "payor": [{ "identifier": { "value": c.payer.id }, "display": c.payer.name }],
        "class": [{ "type": concept(None, "plan"), "value": c.payer.plan }],
    });
    if let Some(m) = &c.patient.member_id {
        set(&mut coverage, "subscriberId", json!(m));
    }
    let org = json!({
        "resourceType": "Organization", "id": "org",
        "identifier": identifiers(&c.billing_provider),
        "name": if inst { "Synthetic Hospital" } else { "Synthetic Clinic" },
    });
    let mut contained = vec![patient, org, coverage];
    let mut care_team = Vec::new();
    let (role, who) = if inst {
        ("attending", &c.attending_provider)
    } else {
        ("rendering", &c.rendering_provider)
    };
    if let Some(p) = who {
        contained.push(json!({
            "resourceType": "Practitioner", "id": "doc", "identifier": identifiers(p),
        }));
        let mut member = json!({
            "sequence": 1, "provider": { "reference": "#doc" },
            "role": concept(Some(CARIN_ROLE), role),
        });
        if let Some(t) = &p.taxonomy {
            set(
                &mut member,
                "qualification",
                concept(Some("http://nucc.org/provider-taxonomy"), t),
            );
        }
        care_team.push(member);
    }
    let diagnosis: Vec<Value> = c
        .diagnoses
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let mut v = json!({
                "sequence": i + 1,
                "diagnosisCodeableConcept": concept(Some(ICD10CM), &d.code),
            });
            let kind = match d.role {
                DxRole::Principal => Some("principal"),
                DxRole::Admitting => Some("admitting"),
                DxRole::ReasonForVisit => Some("patientreasonforvisit"),
                DxRole::ExternalCause => Some("externalcauseofinjury"),
                DxRole::Other => None,
            };
            if let Some(k) = kind {
                set(&mut v, "type", json!([concept(None, k)]));
            }
            if let Some(p) = &d.poa {
                set(&mut v, "onAdmission", concept(None, p));
            }
            v
        })
        .collect();
    let procedure: Vec<Value> = c
        .procedures
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut v = json!({
                "sequence": i + 1,
                "type": [concept(None, if p.principal { "primary" } else { "secondary" })],
                "procedureCodeableConcept": concept(Some(ICD10PCS), &p.code),
            });
            if let Some(d) = p.date {
                set(&mut v, "date", json!(d.to_string()));
            }
            v
        })
        .collect();
    let item: Vec<Value> = c
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut v = json!({ "sequence": i + 1 });
            let product = match &l.procedure {
                Some(p) => concept(None, p),
                None => concept(
                    Some("http://terminology.hl7.org/CodeSystem/data-absent-reason"),
                    "not-applicable",
                ),
            };
            set(&mut v, "productOrService", product);
            if let Some(r) = &l.revenue_code {
                set(&mut v, "revenue", concept(None, r));
            }
            if !l.modifiers.is_empty() {
                set(
                    &mut v,
                    "modifier",
                    l.modifiers.iter().map(|m| concept(None, m)).collect(),
                );
            }
            if !l.diagnosis_pointers.is_empty() {
                set(&mut v, "diagnosisSequence", json!(l.diagnosis_pointers));
            }
            match (l.from, l.to) {
                (Some(f), Some(t)) => {
                    set(
                        &mut v,
                        "servicedPeriod",
                        json!({ "start": f.to_string(), "end": t.to_string() }),
                    );
                }
                (Some(f), None) => set(&mut v, "servicedDate", json!(f.to_string())),
                _ => {}
            }
            if let Some(pos) = l.place_of_service.as_ref().or(c.place_of_service.as_ref()) {
                set(&mut v, "locationCodeableConcept", concept(None, pos));
            }
            if let Some(u) = l.units {
                set(&mut v, "quantity", json!({ "value": u }));
            }
            if let Some(n) = l.charge {
                set(&mut v, "net", json!({ "value": n, "currency": "USD" }));
            }
            v
        })
        .collect();
    let mut claim = json!({
        "resourceType": "Claim",
        "identifier": [{ "system": "urn:oid:2.16.840.1.113883.3.9999", "value": c.id }],
        "status": "active",
        "type": concept(Some("http://terminology.hl7.org/CodeSystem/claim-type"), c.kind.as_str()),
        "use": "claim",
        "patient": { "reference": "#p" },
        "contained": contained,
        "provider": { "reference": "#org" },
        "priority": concept(None, "normal"),
        "insurance": [{ "sequence": 1, "focal": true, "coverage": { "reference": "#cov" } }],
        "diagnosis": diagnosis,
        "item": item,
    });
    if let Some(d) = c.submission_date {
        set(&mut claim, "created", json!(d.to_string()));
    }
    if !care_team.is_empty() {
        set(&mut claim, "careTeam", Value::Array(care_team));
    }
    if !procedure.is_empty() {
        set(&mut claim, "procedure", Value::Array(procedure));
    }
    if let Some(t) = c.total_charge {
        set(
            &mut claim,
            "total",
            json!({ "value": t, "currency": "USD" }),
        );
    }
    if inst {
        if let (Some(f), Some(t)) = (c.statement_from, c.statement_to) {
            set(
                &mut claim,
                "billablePeriod",
                json!({ "start": f.to_string(), "end": t.to_string() }),
            );
        }
        let mut info = Vec::new();
        if let Some(bt) = &c.bill_type {
            info.push(json!({ "category": concept(Some(CARIN_INFO), "typeofbill"),
                "code": concept(None, &format!("0{bt}")) }));
        }
        if let Some(s) = &c.discharge_status {
            info.push(
                json!({ "category": concept(Some(CARIN_INFO), "discharge-status"),
                "code": concept(None, s) }),
            );
        }
        if let (Some(a), Some(t)) = (c.admission_date, c.statement_to) {
            info.push(
                json!({ "category": concept(Some(CARIN_INFO), "admissionperiod"),
                "timingPeriod": { "start": a.to_string(), "end": t.to_string() } }),
            );
        }
        for (i, v) in info.iter_mut().enumerate() {
            set(v, "sequence", json!(i + 1));
        }
        set(&mut claim, "supportingInfo", Value::Array(info));
    }
    claim
}

/// Streams claims into one Bundle; [`FhirWriter::finish`] closes it.
pub(super) struct FhirWriter<'w> {
    out: &'w mut dyn Write,
    first: bool,
}

impl<'w> FhirWriter<'w> {
    /// Open the bundle.
    pub(super) fn begin(out: &'w mut dyn Write) -> io::Result<FhirWriter<'w>> {
        out.write_all(b"{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[\n")?;
        Ok(FhirWriter { out, first: true })
    }

    /// Write one claim as a bundle entry.
    pub(super) fn claim(&mut self, c: &Claim) -> io::Result<()> {
        if !self.first {
            self.out.write_all(b",\n")?;
        }
        self.first = false;
        let entry =
            json!({ "fullUrl": format!("urn:uuid:claim-{}", c.id), "resource": resource(c) });
        serde_json::to_writer(&mut *self.out, &entry).map_err(io::Error::other)
    }

    /// Close the bundle.
    pub(super) fn finish(self) -> io::Result<()> {
        self.out.write_all(b"\n]}\n")
    }
}
