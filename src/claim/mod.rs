//! The claim model every reader maps into and the engine checks.
//!
//! One model covers professional (837P / CMS-1500) and institutional (837I / UB-04) claims.
//! Codes are normalized once, here at the boundary: uppercase, no dots, no spaces
//! ([`normalize_code`]). Every value can be located in its source through
//! [`Claim::source`], keyed by the value's canonical JSON pointer in this model
//! (for example `/lines/2/procedure`).

pub mod bytes;
pub mod fhir;
pub mod input;
pub mod json;
pub mod json_lines;
pub mod limits;
pub mod pending;
pub mod pipe;
pub mod position;
pub mod quick;
pub mod source;
pub mod vocab;
pub mod x12;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::codeset::normalize::{normalize_sent, normalize_sent_in_place};

pub use position::Position;
pub use source::{Location, Source, SourceFormat, Spans};

/// A claim as the engine sees it, whatever format it was read from.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// Claim id as the sender assigned it (CLM01, `Claim.identifier`).
    pub id: String,
    /// Professional or institutional.
    #[serde(rename = "type", default)]
    pub kind: ClaimKind,
    /// Claim frequency code (CLM05-3): 1 original, 7 replacement, 8 void.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<String>,
    /// Payer claim control number of the claim being replaced or voided (REF*F8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_claim_id: Option<String>,
    /// The payer billed: 2010BB payer id and name with the 2000B `SBR` filing indicator and
    /// responsibility (FHIR `Claim.insurance` → Coverage).
    #[serde(default)]
    pub payer: Payer,
    /// Date the claim is (or will be) submitted; BHT04 in X12.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub submission_date: Option<Date>,
    /// Who received the services: 2010CA when a 2000C loop is sent, else the 2010BA
    /// subscriber (FHIR `Claim.patient`). Rules on age, sex and member id read this person.
    #[serde(default)]
    pub patient: Person,
    /// The subscriber when the patient is a dependent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscriber: Option<Person>,
    /// Billing provider (2000A/2010AA `NM1*85`, FHIR `Claim.provider`).
    #[serde(default)]
    pub billing_provider: Provider,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Claim-level rendering provider (837P 2310B / 837I 2310D `NM1*82`, FHIR `careTeam`
    /// role `rendering` or `primary`); a line's own is its `rendering_npi`.
    pub rendering_provider: Option<Provider>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Referring provider (837P 2310A / 837I 2310F `NM1*DN`, FHIR `careTeam` role `referring`).
    pub referring_provider: Option<Provider>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Attending provider of an institutional claim (837I 2310A `NM1*71`, FHIR `careTeam`
    /// role `attending`).
    pub attending_provider: Option<Provider>,
    /// Claim-level place of service (837P CLM05-1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_of_service: Option<String>,
    /// Type of bill, e.g. `0131` or `131` (837I).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_type: Option<String>,
    /// Inpatient admission date (837I 2300 `DTP*435`, FHIR `supportingInfo` `admissionperiod`);
    /// the date of service of last resort.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub admission_date: Option<Date>,
    /// First day of the statement covers period (837I `DTP*434`, FHIR `billablePeriod.start`);
    /// the date of service when no line has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub statement_from: Option<Date>,
    /// Last day of the statement covers period (837I `DTP*434`, the start again for a single
    /// date; FHIR `billablePeriod.end`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub statement_to: Option<Date>,
    /// Patient discharge status (CL103).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discharge_status: Option<String>,
    /// Diagnoses in the order sent (2300 `HI`, FHIR `Claim.diagnosis` by `sequence`); line
    /// diagnosis pointers count into this list from 1.
    #[serde(default, deserialize_with = "limits::first_diagnoses")]
    pub diagnoses: Vec<Diagnosis>,
    /// ICD-10-PCS procedures (institutional).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "limits::first_procedures"
    )]
    pub procedures: Vec<IcdProcedure>,
    /// Prior authorization number for the whole claim (2300 `REF*G1`, FHIR
    /// `insurance.preAuthRef`); a line's own is its `prior_authorization`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_authorization: Option<String>,
    /// Referral number issued by the payer (2300 `REF*9F`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral_number: Option<String>,
    /// Total claim charge (CLM02).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_charge: Option<f64>,
    /// Service lines in the order sent (2400 loops, FHIR `Claim.item` by `sequence`).
    #[serde(default, deserialize_with = "limits::first_lines")]
    pub lines: Vec<ServiceLine>,
    /// Where each value came from; filled by the reader, not part of the JSON format.
    #[serde(skip)]
    #[schemars(skip)]
    pub source: Source,
    /// Whether an earlier claim of the same run has this claim's id; set by the runner
    /// (`engine::duplicates`), not part of the JSON format.
    #[serde(skip)]
    #[schemars(skip)]
    pub duplicate: Option<Duplicate>,
    /// What findings print in place of the claim's ids under `check --redact`; set by the
    /// runner (`engine::redact`), not part of the JSON format.
    #[serde(skip)]
    #[schemars(skip)]
    pub masks: Option<Masks>,
}

/// The masks of one claim's ids under `check --redact`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Masks {
    /// Printed for the claim's own id (`claim-3`).
    pub id: String,
    /// Printed for the id of the claim it replaces or voids, when it names one.
    pub original: Option<String>,
}

/// How a claim repeats an earlier claim of the same run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplicate {
    /// Same claim id, patient, dates, lines and charges: the payer denies it (CARC 18).
    Exact,
    /// Same claim id, different content: a correction sent as an original, or two claims
    /// given one id.
    SameId,
}

impl Duplicate {
    /// The value rules compare `claim.duplicate` with.
    pub fn as_str(self) -> &'static str {
        match self {
            Duplicate::Exact => "exact",
            Duplicate::SameId => "same-id",
        }
    }
}

/// Professional (837P) or institutional (837I) claim.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ClaimKind {
    /// 837P / CMS-1500 (005010X222A1; CLM05-2 `B`; FHIR `type` `professional`); the default.
    #[default]
    Professional,
    /// 837I / UB-04 (005010X223A2; CLM05-2 `A`; FHIR `type` `institutional`).
    Institutional,
}

impl ClaimKind {
    /// The lowercase name used in the JSON `type` field and by the rule field `claim.type`.
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimKind::Professional => "professional",
            ClaimKind::Institutional => "institutional",
        }
    }
}

/// Where the care was given, as the code editors divide claims: it decides the date codes are
/// judged on and which editor (MCE or I/OCE) applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Setting {
    /// An inpatient institutional claim ([`Claim::is_inpatient`]): coded as of discharge.
    Inpatient,
    /// Any other institutional claim (outpatient, inpatient Part B, home health…).
    Outpatient,
    /// A professional claim.
    Professional,
}

impl Setting {
    /// Every setting, in `claim.setting` spelling order.
    pub const ALL: [Setting; 3] = [
        Setting::Inpatient,
        Setting::Outpatient,
        Setting::Professional,
    ];

    /// The name rules use (`claim.setting`, a pack's `scope.settings`).
    pub fn as_str(self) -> &'static str {
        match self {
            Setting::Inpatient => "inpatient",
            Setting::Outpatient => "outpatient",
            Setting::Professional => "professional",
        }
    }
}

/// The payer the claim is sent to.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Payer {
    /// Payer id (2010BB NM109).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Payer name as sent (2010BB NM103, FHIR payor Organization `name` or `display`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Claim filing indicator (SBR09): `MB` Medicare Part B, `MA` Part A, `MC` Medicaid, `CI` commercial…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// Payer responsibility sequence (SBR01): `P` primary, `S` secondary, `T` tertiary…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsibility: Option<String>,
}

/// Patient or subscriber. Names and addresses are deliberately not modelled: no rule needs
/// them and what is not held cannot leak.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Member id the payer knows the subscriber by (2010BA `NM1*IL` NM109 with NM108 `MI`,
    /// FHIR Coverage `subscriberId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
    /// Date of birth (DMG02, FHIR `birthDate`); age-based edits are computed from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub date_of_birth: Option<Date>,
    /// Administrative sex (DMG03, FHIR `gender`), checked against sex-specific codes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// Relationship to the subscriber (PAT01 / SBR02 individual relationship code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<String>,
}

/// Administrative sex as sent on the claim (DMG03).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Sex {
    /// `F` (FHIR `female`).
    #[serde(rename = "F", alias = "f", alias = "female")]
    Female,
    /// `M` (FHIR `male`).
    #[serde(rename = "M", alias = "m", alias = "male")]
    Male,
    /// `U` unknown (FHIR `other`, `unknown`).
    #[serde(rename = "U", alias = "u", alias = "unknown")]
    Unknown,
}

impl Sex {
    /// The DMG03 code (`F`, `M`, `U`), as serialized and as the rule field `patient.sex` sees it.
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Female => "F",
            Sex::Male => "M",
            Sex::Unknown => "U",
        }
    }
}

/// A billing, rendering, referring or attending provider.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// National Provider Identifier (NM109 when NM108 is `XX`, FHIR identifier system
    /// `us-npi`); kept as sent so a bad check digit can be reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub npi: Option<String>,
    /// Employer identification number or SSN (REF*EI / REF*SY).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_id: Option<String>,
    /// Health care provider taxonomy code (PRV03).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxonomy: Option<String>,
}

/// One diagnosis on the claim.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Diagnosis {
    /// ICD-10-CM code; dots and case are normalized on read.
    pub code: String,
    /// What the diagnosis is on the claim, from its HI qualifier (FHIR `diagnosis.type`).
    #[serde(default)]
    pub role: DxRole,
    /// Present-on-admission indicator (Y, N, U, W, 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poa: Option<String>,
    /// Code list qualifier as sent (`ABK`, `ABF`, `BK`…); used to spot ICD-9 claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
}

/// What a diagnosis is on the claim.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DxRole {
    /// Principal (837I) or first-listed (837P) diagnosis.
    Principal,
    /// Admitting diagnosis (837I `ABJ`, ICD-9 `BJ`; FHIR `admitting`).
    Admitting,
    /// Patient's reason for visit (837I `APR`, ICD-9 `PR`; FHIR `patientreasonforvisit`).
    ReasonForVisit,
    /// External cause of injury (`ABN`, ICD-9 `BN`; FHIR `externalcauseofinjury`).
    ExternalCause,
    /// Any other listed diagnosis (`ABF`, ICD-9 `BF`); the default.
    #[default]
    Other,
}

/// An ICD-10-PCS procedure on an institutional claim.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IcdProcedure {
    /// ICD-10-PCS code (837I HI with `BBR`/`BBQ`, FHIR `procedureCodeableConcept`);
    /// normalized on read.
    pub code: String,
    /// The principal procedure (`BBR`; FHIR `type` `primary` or sequence 1) rather than another.
    #[serde(default)]
    pub principal: bool,
    /// Date the procedure was performed (HI composite date, FHIR `procedure.date`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub date: Option<Date>,
    /// Code list qualifier as sent (`BBR`, `BBQ`, ICD-9 `BR`, `BQ`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
}

/// One service line (2400 loop, CMS-1500 box 24, UB-04 form locators 42–47).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceLine {
    /// CPT or HCPCS code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure: Option<String>,
    /// Up to four procedure modifiers (SV101-3..6 / SV202-3..6, FHIR `item.modifier`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifiers: Vec<String>,
    /// 1-based pointers into the claim's diagnoses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnosis_pointers: Vec<u32>,
    /// Service units or minutes (SV104 / SV205, FHIR `item.quantity`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<f64>,
    /// Line charge: the line total, not a unit price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge: Option<f64>,
    /// Date of service, or the first day of a range (2400 `DTP*472`, FHIR `servicedDate` or
    /// `servicedPeriod.start`); code sets are looked up as of this date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub from: Option<Date>,
    /// Last day of a service date range (`DTP*472` `RD8`, FHIR `servicedPeriod.end`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub to: Option<Date>,
    /// Line place of service (837P SV105, FHIR `locationCodeableConcept`), overriding the
    /// claim's CLM05-1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_of_service: Option<String>,
    /// UB-04 revenue code (837I SV201).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revenue_code: Option<String>,
    /// National Drug Code, 11 digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ndc: Option<String>,
    /// NPI of the line's own rendering provider (2420A, 837I 2420C `NM1*82`), sent when it
    /// differs from the claim's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rendering_npi: Option<String>,
    /// Prior authorization number for this line only (2400 `REF*G1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_authorization: Option<String>,
}

impl Claim {
    /// The claim's date of service: the earliest line date, else the statement start,
    /// else the admission date. Code sets are looked up as of this date.
    pub fn service_date(&self) -> Option<Date> {
        self.lines
            .iter()
            .filter_map(|l| l.from)
            .min()
            .or(self.statement_from)
            .or(self.admission_date)
    }

    /// An inpatient claim, coded as of its discharge: an institutional claim whose bill type is
    /// hospital inpatient (11x), swing bed (18x), skilled nursing inpatient (21x) or religious
    /// nonmedical inpatient (41x), the bill types CMS codes as of the through date. Inpatient
    /// Part B (12x, 22x) and outpatient bill types are coded line by line.
    pub fn is_inpatient(&self) -> bool {
        if self.kind != ClaimKind::Institutional {
            return false;
        }
        let Some(bt) = self.bill_type.as_deref() else {
            return false;
        };
        let bt = bt.trim();
        let bt = bt.strip_prefix('0').filter(|_| bt.len() == 4).unwrap_or(bt);
        matches!(bt.get(..2), Some("11" | "18" | "21" | "41"))
    }

    /// The claim's [`Setting`].
    pub fn setting(&self) -> Setting {
        match self.kind {
            ClaimKind::Professional => Setting::Professional,
            ClaimKind::Institutional if self.is_inpatient() => Setting::Inpatient,
            ClaimKind::Institutional => Setting::Outpatient,
        }
    }

    /// The date a claim's codes are judged on: the discharge (statement-through) date of an
    /// inpatient claim, else [`Claim::service_date`].
    pub fn coding_date(&self) -> Option<Date> {
        if self.is_inpatient() {
            self.statement_to.or_else(|| self.service_date())
        } else {
            self.service_date()
        }
    }

    /// The date of the patient's age on an inpatient claim: the admission (else statement
    /// start) date, as the MCE and the grouper take it.
    pub fn admission_or_start(&self) -> Option<Date> {
        self.admission_date.or(self.statement_from)
    }

    /// Date of service of one line, falling back to the claim's.
    pub fn line_date(&self, line: &ServiceLine) -> Option<Date> {
        line.from.or_else(|| self.service_date())
    }

    /// Place of service of a line, falling back to the claim's.
    pub fn line_pos<'a>(&'a self, line: &'a ServiceLine) -> Option<&'a str> {
        line.place_of_service
            .as_deref()
            .or(self.place_of_service.as_deref())
    }

    /// The principal (or first-listed) diagnosis.
    pub fn principal_dx(&self) -> Option<&Diagnosis> {
        self.principal_index().and_then(|i| self.diagnoses.get(i))
    }

    /// Index of the principal diagnosis: the one sent as principal, else the first that is
    /// not an admitting diagnosis or a reason for visit.
    pub fn principal_index(&self) -> Option<usize> {
        let d = &self.diagnoses;
        d.iter()
            .position(|d| d.role == DxRole::Principal)
            .or_else(|| {
                d.iter()
                    .position(|d| !matches!(d.role, DxRole::Admitting | DxRole::ReasonForVisit))
            })
    }

    /// Inpatient length of stay in days (discharge − admission), when both dates are known.
    pub fn length_of_stay(&self) -> Option<i64> {
        let from = self.admission_or_start()?;
        let to = self.statement_to?;
        let span = from.until((jiff::Unit::Day, to)).ok()?;
        Some(i64::from(span.get_days()))
    }

    /// Patient age in whole years on `date`.
    pub fn age_on(&self, date: Date) -> Option<i64> {
        let dob = self.patient.date_of_birth?;
        let span = dob.until((jiff::Unit::Year, date)).ok()?;
        Some(i64::from(span.get_years()))
    }

    /// Normalize every code in place; readers call this once after building a claim.
    pub fn normalize(&mut self) {
        for d in &mut self.diagnoses {
            normalize_sent_in_place(&mut d.code);
        }
        for p in &mut self.procedures {
            normalize_sent_in_place(&mut p.code);
        }
        for l in &mut self.lines {
            if let Some(p) = &mut l.procedure {
                normalize_sent_in_place(p);
            }
            for m in &mut l.modifiers {
                normalize_sent_in_place(m);
            }
            if let Some(n) = &mut l.ndc {
                n.retain(|c| c.is_ascii_digit());
            }
        }
    }
}

/// Uppercase, strip dots and white space: the one form codes take inside
/// ([`crate::codeset::normalize`]).
pub fn normalize_code(code: &str) -> String {
    normalize_sent(code).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_codes() {
        assert_eq!(normalize_code(" e11.9 "), "E119");
        assert_eq!(normalize_code("M81.0"), "M810");
    }

    #[test]
    fn inpatient_bill_types_code_on_the_discharge() {
        let mut c = Claim {
            kind: ClaimKind::Institutional,
            statement_from: Some(jiff::civil::date(2025, 9, 28)),
            statement_to: Some(jiff::civil::date(2025, 10, 3)),
            ..Claim::default()
        };
        for (bt, inpatient) in [
            ("0111", true),
            ("111", true),
            ("0181", true),
            ("0211", true),
            ("0411", true),
            ("0121", false),
            ("0131", false),
            ("0221", false),
            ("0831", false),
        ] {
            c.bill_type = Some(bt.into());
            assert_eq!(c.is_inpatient(), inpatient, "{bt}");
            let want = if inpatient {
                c.statement_to
            } else {
                c.statement_from
            };
            assert_eq!(c.coding_date(), want, "{bt}");
        }
        c.kind = ClaimKind::Professional;
        c.bill_type = Some("0111".into());
        assert!(!c.is_inpatient());
    }

    #[test]
    fn age_is_whole_years() {
        let mut c = Claim::default();
        c.patient.date_of_birth = Some(jiff::civil::date(2000, 3, 15));
        assert_eq!(c.age_on(jiff::civil::date(2026, 3, 14)), Some(25));
        assert_eq!(c.age_on(jiff::civil::date(2026, 3, 15)), Some(26));
    }
}
