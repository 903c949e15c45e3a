//! A code combination without a claim (`codes check`, `POST /v1/quick`): diagnoses,
//! procedures with modifiers, units and pointers, and the few facts edits read (age, sex,
//! place of service, date of service, claim type), built into a [`Claim`] the engine checks.
//!
//! A combination carries no providers, member id, charges or payer id, so findings about those
//! fields say nothing about the codes: [`Quick::supplies`] tells which positions the
//! combination filled, and callers keep only findings there.

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::limits::{self, Exceeded, Limit};
use super::position::{ClaimField, LineField, PayerField, PersonField, PersonRole, Position};
use super::{Claim, ClaimKind, Diagnosis, Person, ServiceLine, Sex};

/// Diagnosis pointers a line gets when it names none: every diagnosis, up to the four an
/// 837P line (SV107) can point at.
pub const DEFAULT_POINTERS: usize = 4;

/// The oldest age a combination may give: well past any real patient, and a date of birth
/// that many years before any date of service is still a date.
pub const MAX_AGE: u16 = 150;

/// The claim id every quick claim carries (findings name it).
pub const QUICK_CLAIM_ID: &str = "quick";

/// A code combination to check, as `POST /v1/quick` takes it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quick {
    /// ICD-10-CM codes in claim order, with or without dots; the first is the principal.
    #[serde(default)]
    pub diagnoses: Vec<String>,
    /// Service lines in claim order.
    #[serde(default)]
    pub procedures: Vec<QuickProcedure>,
    /// The patient's age in whole years on the date of service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<u16>,
    /// Administrative sex: `M`, `F` or `U`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// Place of service code (`11` office).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_of_service: Option<String>,
    /// Payer id or payer pack (`medicare`) the combination is scoped as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer: Option<String>,
    /// Date of service, YYYY-MM-DD (default: today).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub date_of_service: Option<Date>,
    /// Professional (the default) or institutional.
    #[serde(default)]
    pub claim_type: ClaimKind,
}

/// One procedure of a combination: a service line.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuickProcedure {
    /// CPT or HCPCS code.
    pub code: String,
    /// Modifiers in order (`25`, `59`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifiers: Vec<String>,
    /// Units (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<f64>,
    /// 1-based pointers into `diagnoses` (default: every diagnosis, up to four).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointers: Option<Vec<u32>>,
}

/// Why a combination cannot be checked. Messages name the position, never a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuickError {
    /// Neither a diagnosis nor a procedure was given.
    #[error("give at least one diagnosis or procedure")]
    Empty,
    /// A count or code length went past the limits every claim is held to.
    #[error("{}", .0.message())]
    Limit(Exceeded),
    /// The age is past [`MAX_AGE`].
    #[error("`/age`: more than {MAX_AGE} years")]
    Age,
    /// Units that are not a number above zero and within a `u32`.
    #[error("`/procedures/{0}/units`: units must be a number above zero, at most 4294967295")]
    Units(usize),
}

impl Quick {
    /// The claim the combination stands for on `today` (the date of service when none is
    /// given): one diagnosis each, one line per procedure dated the date of service, a date
    /// of birth that makes the patient `age` on it, the place of service on the claim.
    pub fn build(&self, today: Date) -> Result<Claim, QuickError> {
        if self.diagnoses.is_empty() && self.procedures.is_empty() {
            return Err(QuickError::Empty);
        }
        let kind = self.claim_type;
        let code_len = |s: &str, at: Position| {
            if s.chars().count() > limits::MAX_CODE_LEN {
                Err(QuickError::Limit(Exceeded::new(
                    Limit::CodeLength,
                    kind,
                    at,
                )))
            } else {
                Ok(())
            }
        };
        if let Some(p) = &self.place_of_service {
            code_len(p, Position::Field(ClaimField::PlaceOfService))?;
        }
        if let Some(p) = &self.payer {
            code_len(p, Position::payer(PayerField::Id))?;
        }
        if let Some(i) = self.procedures.iter().position(|p| {
            p.units
                .is_some_and(|u| !u.is_finite() || u <= 0.0 || u > f64::from(u32::MAX))
        }) {
            return Err(QuickError::Units(i));
        }
        let date = self.date_of_service.unwrap_or(today);
        let date_of_birth = match self.age {
            None => None,
            Some(a) if a > MAX_AGE => return Err(QuickError::Age),
            Some(a) => date.checked_sub(jiff::Span::new().years(a)).ok(),
        };
        let all: Vec<u32> = (1..=self.diagnoses.len().min(DEFAULT_POINTERS))
            .filter_map(|i| u32::try_from(i).ok())
            .collect();
        let mut claim = Claim {
            id: QUICK_CLAIM_ID.to_string(),
            kind,
            place_of_service: self.place_of_service.clone(),
            patient: Person {
                date_of_birth,
                sex: self.sex,
                ..Person::default()
            },
            diagnoses: self
                .diagnoses
                .iter()
                .map(|c| Diagnosis {
                    code: c.clone(),
                    ..Diagnosis::default()
                })
                .collect(),
            lines: self
                .procedures
                .iter()
                .map(|p| ServiceLine {
                    procedure: Some(p.code.clone()),
                    modifiers: p.modifiers.clone(),
                    diagnosis_pointers: p.pointers.clone().unwrap_or_else(|| all.clone()),
                    units: Some(p.units.unwrap_or(1.0)),
                    from: Some(date),
                    ..ServiceLine::default()
                })
                .collect(),
            ..Claim::default()
        };
        limits::check(&claim).map_err(QuickError::Limit)?;
        claim.normalize();
        Ok(claim)
    }

    /// Did the combination fill this position? Findings elsewhere (providers, member id,
    /// charges, payer id, a sex or age not given) are about fields a combination never has.
    pub fn supplies(&self, at: Position) -> bool {
        use LineField as L;
        match at {
            Position::Claim | Position::Diagnosis(..) | Position::Modifier(..) => true,
            Position::Pointer(..) => true,
            Position::Field(f) => match f {
                ClaimField::Type | ClaimField::Lines | ClaimField::Diagnoses => true,
                ClaimField::PlaceOfService => self.place_of_service.is_some(),
                _ => false,
            },
            Position::Person(PersonRole::Patient, Some(PersonField::Sex)) => self.sex.is_some(),
            Position::Person(PersonRole::Patient, Some(PersonField::DateOfBirth)) => {
                self.age.is_some()
            }
            Position::Line(_, None) => true,
            Position::Line(_, Some(f)) => matches!(
                f,
                L::Procedure | L::Modifiers | L::DiagnosisPointers | L::Units | L::From
            ),
            Position::Person(..)
            | Position::Payer(_)
            | Position::Provider(..)
            | Position::Procedure(..) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick(json: &str) -> Quick {
        crate::claim::json::decode(json.as_bytes()).unwrap()
    }

    #[test]
    fn builds_lines_pointers_and_age() {
        let q = quick(
            r#"{"diagnoses":["e11.9","G63"],"procedures":[{"code":"99214","modifiers":["25"]},
               {"code":"G0103","units":2,"pointers":[2]}],"age":64,"sex":"M",
               "place_of_service":"11","date_of_service":"2026-03-01"}"#,
        );
        let c = q.build(jiff::civil::date(2026, 12, 1)).unwrap();
        assert_eq!(c.diagnoses[0].code, "E119");
        assert_eq!(c.lines[0].diagnosis_pointers, vec![1, 2]);
        assert_eq!(c.lines[1].diagnosis_pointers, vec![2]);
        assert_eq!(c.lines[1].units, Some(2.0));
        assert_eq!(c.lines[0].from, Some(jiff::civil::date(2026, 3, 1)));
        assert_eq!(c.age_on(jiff::civil::date(2026, 3, 1)), Some(64));
        assert_eq!(c.place_of_service.as_deref(), Some("11"));
    }

    #[test]
    fn default_pointers_stop_at_four_and_date_defaults_to_today() {
        let q = quick(r#"{"diagnoses":["A","B","C","D","E"],"procedures":[{"code":"G0103"}]}"#);
        let c = q.build(jiff::civil::date(2026, 12, 1)).unwrap();
        assert_eq!(c.lines[0].diagnosis_pointers, vec![1, 2, 3, 4]);
        assert_eq!(c.lines[0].from, Some(jiff::civil::date(2026, 12, 1)));
        assert_eq!(c.patient.date_of_birth, None);
    }

    #[test]
    fn refusals_name_positions_not_values() {
        let today = jiff::civil::date(2026, 12, 1);
        assert_eq!(quick("{}").build(today).unwrap_err(), QuickError::Empty);
        let long = "Z".repeat(49);
        let e = quick(&format!(r#"{{"diagnoses":["E119","{long}"]}}"#))
            .build(today)
            .unwrap_err();
        assert!(matches!(e, QuickError::Limit(x) if x.limit == Limit::CodeLength));
        assert!(!e.to_string().contains(&long));
        assert_eq!(
            e.to_string(),
            "`/diagnoses/1/code`: more than 48 characters (limit `code-length`)"
        );
        let e = quick(r#"{"diagnoses":["E119"],"age":151}"#)
            .build(today)
            .unwrap_err();
        assert_eq!(e, QuickError::Age);
        let e = quick(r#"{"procedures":[{"code":"G0103"},{"code":"G0103","units":0}]}"#)
            .build(today)
            .unwrap_err();
        assert_eq!(e, QuickError::Units(1));
        let many: Vec<String> = (0..17).map(|_| "\"25\"".to_string()).collect();
        let e = quick(&format!(
            r#"{{"procedures":[{{"code":"G0103","modifiers":[{}]}}]}}"#,
            many.join(",")
        ))
        .build(today)
        .unwrap_err();
        assert!(matches!(e, QuickError::Limit(x) if x.limit == Limit::ModifiersPerLine));
    }

    #[test]
    fn unknown_keys_are_refused_without_being_echoed() {
        let e =
            crate::claim::json::decode::<Quick>(br#"{"diagnoses":[],"secret_key":1}"#).unwrap_err();
        assert!(!e.message.contains("secret_key"), "{}", e.message);
        assert!(e.message.starts_with("unknown field"));
    }

    #[test]
    fn supplies_only_what_the_combination_gives() {
        let q = quick(r#"{"diagnoses":["E119"],"sex":"F"}"#);
        assert!(q.supplies(Position::diagnosis_field(
            0,
            super::super::position::DxField::Code
        )));
        assert!(q.supplies(Position::line_field(0, LineField::Procedure)));
        assert!(!q.supplies(Position::line_field(0, LineField::Charge)));
        assert!(!q.supplies(Position::Field(ClaimField::TotalCharge)));
        assert!(!q.supplies(Position::Field(ClaimField::PlaceOfService)));
        assert!(q.supplies(Position::person(PersonRole::Patient, PersonField::Sex)));
        assert!(!q.supplies(Position::person(
            PersonRole::Patient,
            PersonField::DateOfBirth
        )));
        assert!(!q.supplies(Position::payer(PayerField::Id)));
    }
}
