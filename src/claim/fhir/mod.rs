//! FHIR R4 reader: one `Claim` resource, or a `Bundle` whose `Claim` entries reference
//! `Patient`, `Coverage`, `Organization` and `Practitioner` entries (or `#contained` ones).
//!
//! Mapping (R4 `Claim`, with the CARIN Blue Button codes real senders use):
//! - `identifier[0].value` (else `id`) → id; `type` `institutional` or `professional`
//!   (`oral`, `pharmacy`, `vision` are refused: they are not 837P/I claims).
//! - `patient` → Patient `birthDate`, `gender`; `insurance` (focal, else first) → Coverage
//!   `subscriberId`, `relationship` (as X12 codes: self `18`, spouse `01`, child `19`,
//!   other `G8`), `payor` → Organization identifier and name, `class` of type `plan` → plan;
//!   `insurance.sequence` → responsibility `P`/`S`/`T`; `insurance.preAuthRef` → prior
//!   authorization.
//! - `provider` → billing NPI (`http://hl7.org/fhir/sid/us-npi`) and tax id
//!   (`urn:oid:2.16.840.1.113883.4.4`); `careTeam` role `rendering`/`primary`, `referring`,
//!   `attending` → those providers, `qualification` → taxonomy.
//! - `diagnosis` → diagnoses in `sequence` order; `type` principal / admitting /
//!   patientreasonforvisit / externalcauseofinjury; on a professional claim without a typed
//!   principal the first is principal (first-listed). The qualifier is set to its X12
//!   equivalent (`ABK`/`ABF`…, ICD-9 systems `BK`/`BF`…) so one rule can spot ICD-9 in either
//!   format. `onAdmission` → POA.
//! - `procedure` → ICD-10-PCS procedures; `item` → lines (`productOrService`, `modifier`,
//!   `diagnosisSequence` → 1-based pointers, `quantity`, `net` else `unitPrice` × quantity,
//!   `servicedDate`/`servicedPeriod`, `locationCodeableConcept` → place of service,
//!   `revenue`, `detail.productOrService` NDC).
//! - `total`, `billablePeriod` → statement period, `created` → submission date;
//!   `supportingInfo` categories `typeofbill`, `discharge-status`, `admissionperiod`.
//!
//! Partial dates (`1961`, `1961-02`) read as absent; an impossible date is an error. A
//! reference that resolves to nothing leaves its fields empty for rules to flag. Locations
//! are FHIRPath-like, 0-based (`Bundle.entry[2].resource.item[0].productOrService`).

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;
use serde_json::value::RawValue;

use super::bytes::Bytes;
use super::limits;
use super::pending::{ClaimError, Claims, Head, Pending, Warnings};
use super::position::{
    ClaimField as CF, DxField, LineField as LF, PayerField, PersonField, PersonRole, Position,
    ProcField, ProviderField, ProviderRole,
};
use super::source::{Location, Source, SourceFormat, Spans};
use super::{
    Claim, ClaimKind, Diagnosis, DxRole, IcdProcedure, Person, Provider, ServiceLine, vocab,
};
use values::{Fail, codings, date_at, first_code, has_code, items, number_at, str_at};

mod values;

const NPI: &str = "http://hl7.org/fhir/sid/us-npi";
const TIN: &str = "urn:oid:2.16.840.1.113883.4.4";

/// A FHIR document that cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FhirError {
    /// The document is not valid JSON.
    #[error("invalid JSON at line {line}")]
    Json {
        /// 1-based text line where the JSON parser stopped.
        line: usize,
    },
    /// JSON nested deeper than the parser follows (128 levels): no FHIR resource is.
    #[error("the document nests deeper than 128 levels at line {line}: not a FHIR resource")]
    TooDeep {
        /// 1-based line where the limit was reached.
        line: usize,
    },
    /// Valid JSON whose root has no `resourceType`.
    #[error("the document is not a FHIR resource (no `resourceType`)")]
    NoResourceType,
    /// A resource other than `Claim`, or a `Bundle` with no `Claim` entry.
    #[error("the root resource ({found}) holds no claim: expected `Claim` or a `Bundle` of them")]
    NotClaim {
        /// The root `resourceType` found when it is a known FHIR type (`Patient`, `Bundle`…).
        found: String,
    },
}

/// A FHIR resource is JSON naming its `resourceType` near the start.
pub fn detect(head: &Head<'_>) -> bool {
    head.is_json() && memchr::memmem::find(head.head, b"\"resourceType\"").is_some()
}

/// Split a FHIR document into its claims (all read at once: a document is one JSON value).
pub fn claims(
    doc: Arc<Bytes>,
    file: Option<Arc<str>>,
    _warnings: &Warnings,
) -> Result<Claims, String> {
    let all = read_all(&doc, file).map_err(|e| e.to_string())?;
    Ok(Box::new(all.into_iter().map(Pending::Ready)))
}

/// A resource and its FHIRPath.
#[derive(Debug, Clone, Copy)]
struct Res<'a> {
    value: &'a Value,
    path: &'a str,
}

/// FHIR R4 resource types a non-claim document commonly holds, named in errors; any other
/// `resourceType` text is input and is not repeated.
const KNOWN_RESOURCES: &[&str] = &[
    "Bundle",
    "ClaimResponse",
    "Coverage",
    "Encounter",
    "ExplanationOfBenefit",
    "Observation",
    "Organization",
    "Patient",
    "Practitioner",
    "Procedure",
    "Condition",
];

/// The resource type as an error may name it.
fn resource_name(kind: &str) -> String {
    if KNOWN_RESOURCES.contains(&kind) {
        kind.to_string()
    } else {
        "a resource type FHIR does not define, not repeated here".to_string()
    }
}

/// Read every Claim of a FHIR document, in entry order. Each resource is parsed on its own
/// and only when it is at most [`limits::MAX_CLAIM_BYTES`]: a Claim past it is an error
/// record naming the `claim-size` limit, another resource past it is not read (references
/// to it resolve to nothing, so rules flag what is missing).
pub fn read_all(
    bytes: &[u8],
    file: Option<Arc<str>>,
) -> Result<Vec<Result<Claim, ClaimError>>, FhirError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Checks the whole document is JSON, building nothing: resources are parsed one by one.
    let raw: &RawValue = serde_json::from_slice(bytes).map_err(|e| json_error(bytes, 0, e))?;
    // Skipping over raw values follows any depth; the parser of each resource would stop
    // at 128 levels, and only inside a resource, so the whole document is held to it here.
    if let Some(line) = too_deep(bytes) {
        return Err(FhirError::TooDeep { line });
    }
    let fields = object(raw).ok_or(FhirError::NoResourceType)?;
    let kind = fields
        .get("resourceType")
        .and_then(|v| serde_json::from_str::<Value>(v.get()).ok())
        .ok_or(FhirError::NoResourceType)?;
    let kind = kind
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or(FhirError::NoResourceType)?;
    match kind {
        "Claim" => {
            let index = Index::default();
            let Some(root) = parse(bytes, raw)? else {
                return Ok(vec![Err(oversized(file, 0, "", "Claim"))]);
            };
            let res = Res {
                value: &root,
                path: "Claim",
            };
            Ok(vec![map_one(
                &index,
                res,
                "",
                file,
                0,
                raw.get().as_bytes(),
            )])
        }
        "Bundle" => {
            // (entry index, resource parsed or `None` past the limit, its text, fullUrl).
            let mut entries: Vec<(usize, Option<Value>, &RawValue, Option<String>)> = Vec::new();
            let list = fields
                .get("entry")
                .and_then(|e| array(e))
                .unwrap_or_default();
            for (i, e) in list.into_iter().enumerate() {
                let Some(entry) = object(e) else { continue };
                let Some(r) = entry.get("resource").copied() else {
                    continue;
                };
                let full = entry
                    .get("fullUrl")
                    .and_then(|u| serde_json::from_str::<Value>(u.get()).ok())
                    .and_then(|u| u.as_str().map(str::to_string));
                entries.push((i, parse(bytes, r)?, r, full));
            }
            let mut index = Index::default();
            let paths: Vec<String> = entries
                .iter()
                .map(|(i, ..)| format!("Bundle.entry[{i}].resource"))
                .collect();
            for ((_, r, _, full), path) in entries.iter().zip(&paths) {
                if let Some(r) = r {
                    index.add(r, path, full.as_deref());
                }
            }
            let mut out = Vec::new();
            for ((i, r, text, _), path) in entries.iter().zip(&paths) {
                let base = format!("/entry/{i}/resource");
                let Some(r) = r else {
                    if resource_type(text).as_deref() == Some("Claim") {
                        out.push(Err(oversized(file.clone(), out.len(), path, "Claim")));
                    }
                    continue;
                };
                if str_at(r, "resourceType") != Some("Claim") {
                    continue;
                }
                let res = Res { value: r, path };
                out.push(map_one(
                    &index,
                    res,
                    &base,
                    file.clone(),
                    out.len(),
                    text.get().as_bytes(),
                ));
            }
            if out.is_empty() {
                return Err(FhirError::NotClaim {
                    found: "Bundle".into(),
                });
            }
            Ok(out)
        }
        other => Err(FhirError::NotClaim {
            found: resource_name(other),
        }),
    }
}

/// A JSON error as a [`FhirError`], its line counted from the start of the document `doc`;
/// `at` is where the text parsed starts in it.
fn json_error(doc: &[u8], at: usize, e: serde_json::Error) -> FhirError {
    let before = doc
        .get(..at)
        .map_or(0, |b| memchr::memchr_iter(b'\n', b).count());
    let line = before + e.line();
    if e.to_string().starts_with("recursion limit exceeded") {
        FhirError::TooDeep { line }
    } else {
        FhirError::Json { line }
    }
}

/// The 1-based line where valid JSON text nests deeper than serde_json's 128 levels.
fn too_deep(json: &[u8]) -> Option<usize> {
    let (mut depth, mut line) = (0usize, 1usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in json {
        match b {
            b'\n' => line += 1,
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            b'[' | b'{' if !in_string => {
                depth += 1;
                if depth > 128 {
                    return Some(line);
                }
            }
            b']' | b'}' if !in_string => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The members of a JSON object, unparsed; `None` when the text is another JSON value.
fn object(raw: &RawValue) -> Option<HashMap<String, &RawValue>> {
    serde_json::from_str(raw.get()).ok()
}

/// The elements of a JSON array, unparsed; `None` when the text is another JSON value.
fn array(raw: &RawValue) -> Option<Vec<&RawValue>> {
    serde_json::from_str(raw.get()).ok()
}

/// The `resourceType` of a resource left unparsed, read without building the resource.
fn resource_type(raw: &RawValue) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Kind {
        #[serde(rename = "resourceType")]
        kind: Option<String>,
    }
    serde_json::from_str::<Kind>(raw.get()).ok()?.kind
}

/// Parse one resource of `doc` when it is at most [`limits::MAX_CLAIM_BYTES`] (`None`
/// past it); its errors are placed by their line in the document.
fn parse(doc: &[u8], raw: &RawValue) -> Result<Option<Value>, FhirError> {
    let text = raw.get();
    if text.len() > limits::MAX_CLAIM_BYTES {
        return Ok(None);
    }
    let at = (text.as_ptr() as usize).saturating_sub(doc.as_ptr() as usize);
    serde_json::from_str(text)
        .map(Some)
        .map_err(|e| json_error(doc, at, e))
}

/// The error record of a resource past [`limits::MAX_CLAIM_BYTES`], at its FHIRPath.
fn oversized(file: Option<Arc<str>>, index: usize, path: &str, kind: &str) -> ClaimError {
    let limit = limits::Limit::ClaimSize;
    ClaimError {
        file,
        index,
        claim_id: None,
        location: Some(Location::Fhir {
            path: if path.is_empty() {
                kind.to_string()
            } else {
                path.to_string()
            },
        }),
        message: format!(
            "the {kind} resource has more than {} bytes (limit `{}`)",
            limits::MAX_CLAIM_BYTES,
            limit.name()
        ),
        limit: Some(limit),
    }
}

/// Resources of a Bundle by `fullUrl` and by `Type/id`.
#[derive(Debug, Default)]
struct Index<'a> {
    by_key: HashMap<String, (String, &'a Value)>,
}

impl<'a> Index<'a> {
    fn add(&mut self, r: &'a Value, path: &str, full_url: Option<&str>) {
        if let Some(u) = full_url {
            self.by_key.insert(u.to_string(), (path.to_string(), r));
        }
        if let (Some(t), Some(id)) = (str_at(r, "resourceType"), str_at(r, "id")) {
            self.by_key
                .insert(format!("{t}/{id}"), (path.to_string(), r));
        }
    }
}

/// Resolve a `Reference` against the claim's contained resources and the Bundle.
fn resolve<'a>(
    index: &'a Index<'a>,
    claim: Res<'a>,
    reference: &'a Value,
) -> Option<(String, &'a Value)> {
    let r = str_at(reference, "reference")?;
    if let Some(id) = r.strip_prefix('#') {
        return items(claim.value, "contained")
            .find(|(_, c)| str_at(c, "id") == Some(id))
            .map(|(i, c)| (format!("{}.contained[{i}]", claim.path), c));
    }
    if let Some((p, v)) = index.by_key.get(r) {
        return Some((p.clone(), *v));
    }
    // An absolute URL ending in Type/id.
    let mut parts = r.rsplit('/');
    let id = parts.next()?;
    let t = parts.next()?;
    index
        .by_key
        .get(&format!("{t}/{id}"))
        .map(|(p, v)| (p.clone(), *v))
}

struct Mapper<'a> {
    index: &'a Index<'a>,
    claim: Res<'a>,
    spans: Spans,
}

impl Mapper<'_> {
    /// Record that the value at `at` came from FHIRPath `path`.
    fn at(&mut self, at: Position, path: impl Into<String>) {
        self.spans.record(at, Location::Fhir { path: path.into() });
    }
}

#[expect(
    clippy::result_large_err,
    reason = "ClaimError is an output record, not a propagated error; it is built once per bad claim"
)]
fn map_one(
    index: &Index,
    res: Res,
    base: &str,
    file: Option<Arc<str>>,
    position: usize,
    text: &[u8],
) -> Result<Claim, ClaimError> {
    // Strings past the field limit are looked for only in a resource that may hold one.
    let long_text = limits::may_have_long_text(text);
    let mut m = Mapper {
        index,
        claim: res,
        spans: Spans::default(),
    };
    let id = items(res.value, "identifier")
        .find_map(|(_, i)| str_at(i, "value"))
        .or_else(|| str_at(res.value, "id"))
        .map(str::to_string);
    match map_claim(&mut m, id.clone().unwrap_or_default()) {
        Ok(mut claim) => {
            claim.source = Source {
                format: SourceFormat::Fhir,
                file,
                index: position,
                base: base.to_string(),
                line: None,
                spans: m.spans,
                text: None,
            };
            limits::check(&claim)
                .and_then(|()| {
                    if long_text {
                        limits::check_text(&claim)
                    } else {
                        Ok(())
                    }
                })
                .map_err(|e| limits::refuse(&claim, e))?;
            claim.normalize();
            Ok(claim)
        }
        Err((path, message)) => Err(ClaimError {
            file,
            index: position,
            claim_id: id.as_deref().and_then(limits::claim_id),
            location: Some(Location::Fhir { path }),
            message,
            limit: None,
        }),
    }
}

fn map_claim(m: &mut Mapper, id: String) -> Result<Claim, Fail> {
    let c = m.claim.value;
    let p = m.claim.path.to_string();
    m.at(Position::Claim, p.clone());
    if id.is_empty() {
        return Err((p, "Claim has neither `identifier` nor `id`".into()));
    }
    let mut claim = Claim {
        id,
        ..Claim::default()
    };
    m.at(
        Position::Field(CF::Id),
        if c.get("identifier").is_some() {
            format!("{p}.identifier[0]")
        } else {
            format!("{p}.id")
        },
    );
    let ty = c.get("type");
    claim.kind = if has_code(ty, "institutional") {
        ClaimKind::Institutional
    } else if ["oral", "pharmacy", "vision"]
        .iter()
        .any(|t| has_code(ty, t))
    {
        return Err((
            format!("{p}.type"),
            "only professional and institutional claims are read".into(),
        ));
    } else {
        ClaimKind::Professional
    };
    claim.total_charge = number_at(c, "total", &p)?;
    m.at(Position::Field(CF::TotalCharge), format!("{p}.total"));
    claim.submission_date = date_at(c, "created", &p)?;
    m.at(Position::Field(CF::SubmissionDate), format!("{p}.created"));
    if let Some(bp) = c.get("billablePeriod") {
        let bpp = format!("{p}.billablePeriod");
        claim.statement_from = date_at(bp, "start", &bpp)?;
        claim.statement_to = date_at(bp, "end", &bpp)?;
        m.at(Position::Field(CF::StatementFrom), format!("{bpp}.start"));
        m.at(Position::Field(CF::StatementTo), format!("{bpp}.end"));
    }
    patient_and_coverage(m, &mut claim)?;
    providers(m, &mut claim)?;
    supporting_info(m, &mut claim)?;
    let sequences = diagnoses(m, &mut claim)?;
    procedures(m, &mut claim)?;
    lines(m, &mut claim, &sequences)?;
    Ok(claim)
}

fn person_from(m: &mut Mapper, role: PersonRole, path: &str, r: &Value) -> Result<Person, Fail> {
    let mut person = Person {
        date_of_birth: date_at(r, "birthDate", path)?,
        ..Person::default()
    };
    m.at(Position::Person(role, None), path);
    if person.date_of_birth.is_some() {
        m.at(
            Position::person(role, PersonField::DateOfBirth),
            format!("{path}.birthDate"),
        );
    }
    person.sex = match str_at(r, "gender") {
        None => None,
        Some(gender) => Some(vocab::sex_from_fhir(gender).ok_or_else(|| {
            (
                format!("{path}.gender"),
                "gender is not male, female, other or unknown".to_string(),
            )
        })?),
    };
    if person.sex.is_some() {
        m.at(
            Position::person(role, PersonField::Sex),
            format!("{path}.gender"),
        );
    }
    Ok(person)
}

fn patient_and_coverage(m: &mut Mapper, claim: &mut Claim) -> Result<(), Fail> {
    let c = m.claim.value;
    let p = m.claim.path;
    let patient_ref = c.get("patient");
    if let Some(pr) = patient_ref {
        match resolve(m.index, m.claim, pr) {
            Some((path, r)) => claim.patient = person_from(m, PersonRole::Patient, &path, r)?,
            None => m.at(
                Position::Person(PersonRole::Patient, None),
                format!("{p}.patient"),
            ),
        }
    }
    let insurance = items(c, "insurance")
        .find(|(_, i)| i.get("focal").and_then(Value::as_bool) == Some(true))
        .or_else(|| items(c, "insurance").next());
    let Some((k, ins)) = insurance else {
        return Ok(());
    };
    let ip = format!("{p}.insurance[{k}]");
    claim.payer.responsibility = match ins.get("sequence").and_then(Value::as_u64) {
        Some(1) => Some("P".into()),
        Some(2) => Some("S".into()),
        Some(3) => Some("T".into()),
        _ => None,
    };
    m.at(
        Position::payer(PayerField::Responsibility),
        format!("{ip}.sequence"),
    );
    if let Some((j, a)) = items(ins, "preAuthRef").next()
        && let Some(s) = a.as_str()
    {
        claim.prior_authorization = Some(s.to_string());
        m.at(
            Position::Field(CF::PriorAuthorization),
            format!("{ip}.preAuthRef[{j}]"),
        );
    }
    let Some((cp, cov)) = ins
        .get("coverage")
        .and_then(|r| resolve(m.index, m.claim, r))
    else {
        m.at(Position::Payer(None), format!("{ip}.coverage"));
        return Ok(());
    };
    m.at(Position::Payer(None), cp.clone());
    let member_id = str_at(cov, "subscriberId").map(str::to_string);
    let relationship = codings(cov.get("relationship"))
        .next()
        .map(|(_, code)| vocab::relationship_from_fhir(code).to_string());
    let subscriber_ref = cov.get("subscriber").and_then(|r| str_at(r, "reference"));
    let is_self = relationship.as_deref().is_none_or(|r| r == "18")
        && subscriber_ref
            .is_none_or(|s| Some(s) == patient_ref.and_then(|r| str_at(r, "reference")));
    if is_self {
        claim.patient.member_id = member_id;
        m.at(
            Position::person(PersonRole::Patient, PersonField::MemberId),
            format!("{cp}.subscriberId"),
        );
    } else {
        let mut sub = match cov
            .get("subscriber")
            .and_then(|r| resolve(m.index, m.claim, r))
        {
            Some((sp, r)) => person_from(m, PersonRole::Subscriber, &sp, r)?,
            None => Person::default(),
        };
        sub.member_id = member_id;
        m.at(
            Position::person(PersonRole::Subscriber, PersonField::MemberId),
            format!("{cp}.subscriberId"),
        );
        claim.subscriber = Some(sub);
    }
    claim.patient.relationship = relationship;
    m.at(
        Position::person(PersonRole::Patient, PersonField::Relationship),
        format!("{cp}.relationship"),
    );
    claim.payer.plan = items(cov, "class")
        .find(|(_, cl)| has_code(cl.get("type"), "plan"))
        .and_then(|(j, cl)| {
            m.at(
                Position::payer(PayerField::Plan),
                format!("{cp}.class[{j}].value"),
            );
            str_at(cl, "value").map(str::to_string)
        });
    if let Some((j, payor)) = items(cov, "payor").next() {
        let pp = format!("{cp}.payor[{j}]");
        match resolve(m.index, m.claim, payor) {
            Some((op, org)) => {
                claim.payer.name = str_at(org, "name").map(str::to_string);
                m.at(Position::payer(PayerField::Name), format!("{op}.name"));
                if let Some((i, ident)) =
                    items(org, "identifier").find(|(_, i)| str_at(i, "value").is_some())
                {
                    claim.payer.id = str_at(ident, "value").map(str::to_string);
                    m.at(
                        Position::payer(PayerField::Id),
                        format!("{op}.identifier[{i}]"),
                    );
                }
            }
            None => {
                claim.payer.id = payor
                    .get("identifier")
                    .and_then(|i| str_at(i, "value"))
                    .map(str::to_string);
                claim.payer.name = str_at(payor, "display").map(str::to_string);
                m.at(Position::payer(PayerField::Id), format!("{pp}.identifier"));
                m.at(Position::payer(PayerField::Name), format!("{pp}.display"));
            }
        }
    }
    Ok(())
}

/// NPI and tax id of a referenced Organization or Practitioner (or a logical reference).
fn provider_from(m: &mut Mapper, role: ProviderRole, path: &str, reference: &Value) -> Provider {
    let mut out = Provider::default();
    m.at(Position::Provider(role, None), path);
    let (rp, r) = match resolve(m.index, m.claim, reference) {
        Some(x) => x,
        None => {
            if let Some(i) = reference.get("identifier")
                && str_at(i, "system") == Some(NPI)
            {
                out.npi = str_at(i, "value").map(str::to_string);
                m.at(
                    Position::provider(role, ProviderField::Npi),
                    format!("{path}.identifier"),
                );
            }
            return out;
        }
    };
    m.at(Position::Provider(role, None), rp.clone());
    for (i, ident) in items(r, "identifier") {
        match str_at(ident, "system") {
            Some(NPI) if out.npi.is_none() => {
                out.npi = str_at(ident, "value").map(str::to_string);
                m.at(
                    Position::provider(role, ProviderField::Npi),
                    format!("{rp}.identifier[{i}]"),
                );
            }
            Some(TIN) if out.tax_id.is_none() => {
                out.tax_id = str_at(ident, "value").map(str::to_string);
                m.at(
                    Position::provider(role, ProviderField::TaxId),
                    format!("{rp}.identifier[{i}]"),
                );
            }
            _ => {}
        }
    }
    out
}

fn providers(m: &mut Mapper, claim: &mut Claim) -> Result<(), Fail> {
    let c = m.claim.value;
    let p = m.claim.path;
    if let Some(r) = c.get("provider") {
        claim.billing_provider =
            provider_from(m, ProviderRole::Billing, &format!("{p}.provider"), r);
    }
    for (i, member) in items(c, "careTeam") {
        let role = member.get("role");
        let who = if has_code(role, "rendering") || has_code(role, "primary") {
            ProviderRole::Rendering
        } else if has_code(role, "referring") {
            ProviderRole::Referring
        } else if has_code(role, "attending") {
            ProviderRole::Attending
        } else {
            continue;
        };
        let Some(r) = member.get("provider") else {
            continue;
        };
        let path = format!("{p}.careTeam[{i}]");
        let mut prov = provider_from(m, who, &format!("{path}.provider"), r);
        prov.taxonomy = first_code(member.get("qualification"));
        if prov.taxonomy.is_some() {
            m.at(
                Position::provider(who, ProviderField::Taxonomy),
                format!("{path}.qualification"),
            );
        }
        let slot = match who {
            ProviderRole::Rendering => &mut claim.rendering_provider,
            ProviderRole::Referring => &mut claim.referring_provider,
            _ => &mut claim.attending_provider,
        };
        if slot.is_none() {
            *slot = Some(prov);
        }
    }
    Ok(())
}

fn supporting_info(m: &mut Mapper, claim: &mut Claim) -> Result<(), Fail> {
    let c = m.claim.value;
    let p = m.claim.path;
    for (i, info) in items(c, "supportingInfo") {
        let cat = info.get("category");
        let ip = format!("{p}.supportingInfo[{i}]");
        if has_code(cat, "typeofbill") {
            claim.bill_type = first_code(info.get("code"));
            m.at(Position::Field(CF::BillType), format!("{ip}.code"));
        } else if has_code(cat, "discharge-status") {
            claim.discharge_status = first_code(info.get("code"));
            m.at(Position::Field(CF::DischargeStatus), format!("{ip}.code"));
        } else if has_code(cat, "admissionperiod") {
            if let Some(tp) = info.get("timingPeriod") {
                claim.admission_date = date_at(tp, "start", &format!("{ip}.timingPeriod"))?;
            } else {
                claim.admission_date = date_at(info, "timingDate", &ip)?;
            }
            m.at(
                Position::Field(CF::AdmissionDate),
                format!("{ip}.timingPeriod"),
            );
        }
    }
    Ok(())
}

/// The entries of `key` ordered by their `sequence` (entries without one last, in file
/// order), each with its position in the file.
fn in_sequence<'a>(c: &'a Value, key: &str) -> Vec<(u64, usize, &'a Value)> {
    let mut found: Vec<(u64, usize, &Value)> = items(c, key)
        .map(|(i, d)| {
            let seq = d
                .get("sequence")
                .and_then(Value::as_u64)
                .unwrap_or(u64::MAX);
            (seq, i, d)
        })
        .collect();
    found.sort_by_key(|(s, i, _)| (*s, *i));
    found
}

/// Diagnoses in sequence order; returns their `sequence` values, position = pointer - 1.
fn diagnoses(m: &mut Mapper, claim: &mut Claim) -> Result<Vec<u64>, Fail> {
    let c = m.claim.value;
    let p = m.claim.path;
    let found = in_sequence(c, "diagnosis");
    let mut sequences = Vec::new();
    for (seq, i, d) in found {
        let dp = format!("{p}.diagnosis[{i}]");
        let cc = d.get("diagnosisCodeableConcept");
        let Some((system, code)) = codings(cc)
            .find(|(s, _)| s.contains("icd-10") || s.contains("icd-9"))
            .or_else(|| codings(cc).next())
        else {
            return Err((
                format!("{dp}.diagnosisCodeableConcept"),
                "diagnosis has no coded value (diagnosisReference is not read)".into(),
            ));
        };
        // `diagnosis.type` is a list of CodeableConcepts.
        let ty = |code: &str| items(d, "type").any(|(_, t)| has_code(Some(t), code));
        let role = if ty("principal") {
            DxRole::Principal
        } else if ty("admitting") {
            DxRole::Admitting
        } else if ty("patientreasonforvisit") {
            DxRole::ReasonForVisit
        } else if ty("externalcauseofinjury") {
            DxRole::ExternalCause
        } else {
            DxRole::Other
        };
        let icd9 = system.contains("icd-9");
        let qualifier = vocab::dx_qualifier(role, icd9);
        let k = claim.diagnoses.len();
        let poa = first_code(d.get("onAdmission")).map(|s| s.to_ascii_uppercase());
        if poa.is_some() {
            m.at(
                Position::diagnosis_field(k, DxField::Poa),
                format!("{dp}.onAdmission"),
            );
        }
        m.at(
            Position::diagnosis(k),
            format!("{dp}.diagnosisCodeableConcept"),
        );
        claim.diagnoses.push(Diagnosis {
            code: code.to_string(),
            role,
            poa,
            qualifier: Some(qualifier.to_string()),
        });
        sequences.push(seq);
    }
    // A professional claim lists its principal diagnosis first.
    if claim.kind == ClaimKind::Professional
        && !claim.diagnoses.iter().any(|d| d.role == DxRole::Principal)
        && let Some(first) = claim.diagnoses.first_mut()
        && first.role == DxRole::Other
    {
        first.role = DxRole::Principal;
        first.qualifier = first
            .qualifier
            .as_deref()
            .map(|q| vocab::dx_qualifier(DxRole::Principal, vocab::dx_is_icd9(q)).to_string());
    }
    Ok(sequences)
}

fn procedures(m: &mut Mapper, claim: &mut Claim) -> Result<(), Fail> {
    let c = m.claim.value;
    let p = m.claim.path;
    let found = in_sequence(c, "procedure");
    for (seq, i, pr) in found {
        let pp = format!("{p}.procedure[{i}]");
        let cc = pr.get("procedureCodeableConcept");
        let Some((system, code)) = codings(cc).next() else {
            return Err((
                format!("{pp}.procedureCodeableConcept"),
                "procedure has no coded value (procedureReference is not read)".into(),
            ));
        };
        let principal = items(pr, "type").any(|(_, t)| has_code(Some(t), "primary")) || seq == 1;
        let k = claim.procedures.len();
        m.at(
            Position::procedure(k),
            format!("{pp}.procedureCodeableConcept"),
        );
        let date = date_at(pr, "date", &pp)?;
        if date.is_some() {
            m.at(
                Position::procedure_field(k, ProcField::Date),
                format!("{pp}.date"),
            );
        }
        let icd9 = system.contains("icd-9");
        claim.procedures.push(IcdProcedure {
            code: code.to_string(),
            principal,
            date,
            qualifier: Some(vocab::proc_qualifier(principal, icd9).to_string()),
        });
    }
    Ok(())
}

fn lines(m: &mut Mapper, claim: &mut Claim, sequences: &[u64]) -> Result<(), Fail> {
    let c = m.claim.value;
    let p = m.claim.path;
    let contiguous = sequences
        .iter()
        .enumerate()
        .all(|(i, s)| *s == i as u64 + 1);
    let mut found: Vec<(u64, usize, &Value)> = items(c, "item")
        .map(|(i, d)| {
            (
                d.get("sequence")
                    .and_then(Value::as_u64)
                    .unwrap_or(u64::MAX),
                i,
                d,
            )
        })
        .collect();
    found.sort_by_key(|(s, i, _)| (*s, *i));
    for (_, i, item) in found {
        let ip = format!("{p}.item[{i}]");
        let k = claim.lines.len();
        let lp = |f| Position::line_field(k, f);
        m.at(Position::line(k), ip.clone());
        let mut line = ServiceLine {
            procedure: codings(item.get("productOrService"))
                .find(|(s, _)| !s.contains("data-absent-reason"))
                .map(|(_, c)| c.to_string()),
            revenue_code: first_code(item.get("revenue")),
            place_of_service: first_code(item.get("locationCodeableConcept")),
            units: number_at(item, "quantity", &ip)?,
            ..ServiceLine::default()
        };
        if line.procedure.is_some() {
            m.at(lp(LF::Procedure), format!("{ip}.productOrService"));
        }
        if line.revenue_code.is_some() {
            m.at(lp(LF::RevenueCode), format!("{ip}.revenue"));
        }
        if line.place_of_service.is_some() {
            m.at(
                lp(LF::PlaceOfService),
                format!("{ip}.locationCodeableConcept"),
            );
        }
        m.at(lp(LF::Units), format!("{ip}.quantity"));
        for (j, md) in items(item, "modifier") {
            if let Some(code) = first_code(Some(md)) {
                m.at(
                    Position::modifier(k, line.modifiers.len()),
                    format!("{ip}.modifier[{j}]"),
                );
                line.modifiers.push(code);
            }
        }
        m.at(lp(LF::Modifiers), format!("{ip}.modifier"));
        for (_, ds) in items(item, "diagnosisSequence") {
            let Some(s) = ds.as_u64() else {
                return Err((
                    format!("{ip}.diagnosisSequence"),
                    "diagnosisSequence is not a positive integer".into(),
                ));
            };
            let pointer = if contiguous {
                s
            } else {
                sequences
                    .iter()
                    .position(|x| *x == s)
                    .map_or(s, |i| i as u64 + 1)
            };
            line.diagnosis_pointers
                .push(u32::try_from(pointer).unwrap_or(u32::MAX));
        }
        m.at(lp(LF::DiagnosisPointers), format!("{ip}.diagnosisSequence"));
        line.charge = match number_at(item, "net", &ip)? {
            Some(n) => {
                m.at(lp(LF::Charge), format!("{ip}.net"));
                Some(n)
            }
            None => {
                m.at(lp(LF::Charge), format!("{ip}.unitPrice"));
                number_at(item, "unitPrice", &ip)?.map(|u| u * line.units.unwrap_or(1.0))
            }
        };
        if item.get("servicedDate").is_some() {
            line.from = date_at(item, "servicedDate", &ip)?;
            m.at(lp(LF::From), format!("{ip}.servicedDate"));
        } else if let Some(sp) = item.get("servicedPeriod") {
            let spp = format!("{ip}.servicedPeriod");
            line.from = date_at(sp, "start", &spp)?;
            line.to = date_at(sp, "end", &spp)?;
            m.at(lp(LF::From), format!("{spp}.start"));
            m.at(lp(LF::To), format!("{spp}.end"));
        }
        for (j, d) in items(item, "detail") {
            if let Some((_, code)) =
                codings(d.get("productOrService")).find(|(s, _)| s.ends_with("/ndc"))
            {
                line.ndc = Some(code.to_string());
                m.at(lp(LF::Ndc), format!("{ip}.detail[{j}].productOrService"));
                break;
            }
        }
        claim.lines.push(line);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Vec<Result<Claim, ClaimError>> {
        read_all(json.as_bytes(), None).unwrap_or_else(|e| unreachable!("{e}"))
    }

    #[test]
    fn minimal_claim() {
        let r = read(
            r#"{"resourceType":"Claim","id":"c1","type":{"coding":[{"code":"professional"}]},
            "diagnosis":[{"sequence":2,"diagnosisCodeableConcept":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"I10"}]}},
                         {"sequence":1,"diagnosisCodeableConcept":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"E11.9"}]}}],
            "item":[{"sequence":1,"productOrService":{"coding":[{"code":"99213"}]},"diagnosisSequence":[2,1],
                     "unitPrice":{"value":50},"quantity":{"value":2}}]}"#,
        );
        let c = r[0].as_ref().unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(c.id, "c1");
        assert_eq!(c.diagnoses[0].code, "E119");
        assert_eq!(c.diagnoses[0].role, DxRole::Principal);
        assert_eq!(c.lines[0].diagnosis_pointers, [2, 1]);
        assert_eq!(c.lines[0].charge, Some(100.0));
        assert_eq!(
            c.source.resolve_pointer("/lines/0/procedure"),
            Some(Location::Fhir {
                path: "Claim.item[0].productOrService".into()
            })
        );
    }

    #[test]
    fn file_level_errors() {
        let err = |b: &[u8]| read_all(b, None).err();
        assert_eq!(err(b"{"), Some(FhirError::Json { line: 1 }));
        assert_eq!(err(b"{}"), Some(FhirError::NoResourceType));
        assert_eq!(
            err(br#"{"resourceType":"Patient"}"#),
            Some(FhirError::NotClaim {
                found: "Patient".into()
            })
        );
    }

    #[test]
    fn bad_date_names_path_not_value() {
        let r = read(r#"{"resourceType":"Claim","id":"c1","created":"2024-02-31"}"#);
        let e = r[0]
            .as_ref()
            .err()
            .cloned()
            .unwrap_or_else(|| unreachable!());
        assert_eq!(e.claim_id.as_deref(), Some("c1"));
        assert!(!e.message.contains("2024"));
        assert_eq!(
            e.location,
            Some(Location::Fhir {
                path: "Claim.created".into()
            })
        );
    }
}
