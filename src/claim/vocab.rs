//! The X12 vocabulary both readers speak: HI code list qualifiers for diagnoses and ICD
//! procedures, administrative sex codes, and the FHIR codes that map onto them. The X12
//! reader reads these codes; the FHIR reader writes the X12 equivalent of what it read, so
//! one rule can spot an ICD-9 code or a sex conflict in either format.

use super::{DxRole, Sex};

/// A diagnosis qualifier: its code, the role it gives, and whether it lists ICD-9 codes.
/// The ICD-10 qualifier of each role comes before its ICD-9 twin.
const DX_QUALIFIERS: &[(&str, DxRole, bool)] = &[
    ("ABK", DxRole::Principal, false),
    ("BK", DxRole::Principal, true),
    ("ABF", DxRole::Other, false),
    ("BF", DxRole::Other, true),
    ("ABJ", DxRole::Admitting, false),
    ("BJ", DxRole::Admitting, true),
    ("APR", DxRole::ReasonForVisit, false),
    ("PR", DxRole::ReasonForVisit, true),
    ("ABN", DxRole::ExternalCause, false),
    ("BN", DxRole::ExternalCause, true),
];

/// An ICD procedure qualifier: its code, whether it is the principal procedure, and whether
/// it lists ICD-9 codes. `CAH` (advanced billing concepts) is read as principal but never
/// written, so it comes after `BBR`.
const PROC_QUALIFIERS: &[(&str, bool, bool)] = &[
    ("BBR", true, false),
    ("BR", true, true),
    ("CAH", true, false),
    ("BBQ", false, false),
    ("BQ", false, true),
];

/// Administrative sex: the model value, its X12 `DMG03` code and the FHIR `gender` codes
/// that mean it.
const SEX: &[(Sex, &str, &[&str])] = &[
    (Sex::Female, "F", &["female"]),
    (Sex::Male, "M", &["male"]),
    (Sex::Unknown, "U", &["other", "unknown"]),
];

/// The role an HI diagnosis qualifier gives; `None` for a qualifier that is not a diagnosis.
pub fn dx_role(qualifier: &str) -> Option<DxRole> {
    DX_QUALIFIERS
        .iter()
        .find(|(q, ..)| *q == qualifier)
        .map(|(_, role, _)| *role)
}

/// Whether a diagnosis qualifier lists ICD-9 codes (`BK`, `BF`…).
pub fn dx_is_icd9(qualifier: &str) -> bool {
    DX_QUALIFIERS
        .iter()
        .any(|(q, _, icd9)| *q == qualifier && *icd9)
}

/// The HI qualifier of a diagnosis in `role`, from the ICD-9 list when `icd9`.
pub fn dx_qualifier(role: DxRole, icd9: bool) -> &'static str {
    DX_QUALIFIERS
        .iter()
        .find(|(_, r, i)| *r == role && *i == icd9)
        .map_or("ABF", |(q, ..)| q)
}

/// Whether an HI procedure qualifier names the principal procedure; `None` for a qualifier
/// that is not an ICD procedure.
pub fn proc_principal(qualifier: &str) -> Option<bool> {
    PROC_QUALIFIERS
        .iter()
        .find(|(q, ..)| *q == qualifier)
        .map(|(_, principal, _)| *principal)
}

/// The HI qualifier of an ICD procedure, from the ICD-9 list when `icd9`.
pub fn proc_qualifier(principal: bool, icd9: bool) -> &'static str {
    PROC_QUALIFIERS
        .iter()
        .find(|(_, p, i)| *p == principal && *i == icd9)
        .map_or("BBQ", |(q, ..)| q)
}

/// The sex an X12 `DMG03` code means (`F`, `M`, `U`).
pub fn sex_from_x12(code: &str) -> Option<Sex> {
    SEX.iter().find(|(_, c, _)| *c == code).map(|(s, ..)| *s)
}

/// The sex a FHIR `gender` means (`female`, `male`, `other`, `unknown`).
pub fn sex_from_fhir(gender: &str) -> Option<Sex> {
    SEX.iter()
        .find(|(.., g)| g.contains(&gender))
        .map(|(s, ..)| *s)
}

/// The X12 individual relationship code of a FHIR `subscriber-relationship` code: self
/// `18`, spouse `01`, child `19`, anything else other `G8`.
pub fn relationship_from_fhir(code: &str) -> &'static str {
    match code {
        "self" => "18",
        "spouse" => "01",
        "child" => "19",
        _ => "G8",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualifiers_round_trip() {
        for (q, role, icd9) in DX_QUALIFIERS {
            assert_eq!(dx_role(q), Some(*role));
            assert_eq!(dx_qualifier(*role, *icd9), *q);
            assert_eq!(dx_is_icd9(q), *icd9);
        }
        assert_eq!(dx_role("BBR"), None);
        assert_eq!(proc_principal("CAH"), Some(true));
        assert_eq!(proc_qualifier(true, false), "BBR");
        assert_eq!(proc_qualifier(false, true), "BQ");
        assert_eq!(proc_principal("ABK"), None);
    }

    #[test]
    fn sex_codes() {
        assert_eq!(sex_from_x12("F"), Some(Sex::Female));
        assert_eq!(sex_from_x12("f"), None);
        assert_eq!(sex_from_fhir("other"), Some(Sex::Unknown));
        assert_eq!(sex_from_fhir("U"), None);
        for (s, code, _) in SEX {
            assert_eq!(s.as_str(), *code);
        }
    }
}
