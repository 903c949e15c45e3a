//! `age_conflict`: the diagnosis code's age edit excludes the patient's age. On an inpatient
//! claim that is the MCE's age group as of the discharge, with the age at admission; on
//! other claims the I/OCE age limits (else the MCE group) as of the date of service.

use super::prelude::*;
use crate::codeset::System;

/// The diagnosis code's age edit excludes the patient's age.
#[derive(Debug, Clone, PartialEq)]
pub struct AgeConflict {
    /// The diagnosis code field.
    pub field: Field,
}

impl Condition for AgeConflict {
    type Doc = Sp<String>;
    const DESCRIPTION: &'static str =
        "The diagnosis code's age edit (MCE age group or limits) excludes the patient's age.";
    const FACTS: &'static [Fact] = &[Fact::Age, Fact::AgeRange, Fact::AgeGroup];

    fn compile(doc: &Self::Doc, _at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        Some(AgeConflict {
            field: cx.text_field(doc, bound)?,
        })
    }

    #[inline]
    fn eval(&self, env: &Env<'_>, s: &Scope<'_>, facts: &mut Facts) -> bool {
        let Some(code) = self.field.text(s) else {
            return false;
        };
        let date = env.date(s);
        let Some(age) = s.age() else {
            return false;
        };
        let Some(found) = env.lookup(System::Icd10Cm, code, date) else {
            return false;
        };
        let Some(rec) = &found.record else {
            return false;
        };
        let (lo, hi, label) = if s.inpatient {
            // The MCE: the age group the MCE version in force gave the code, with that
            // version's ages for the group.
            let Some(g) = rec.mce.age_group() else {
                return false;
            };
            let (lo, hi) = g.years(date);
            (lo, hi, Some(g.name()))
        } else {
            // The I/OCE limits in force on the date; else (a code the I/OCE never had: deleted
            // before its history or newer than its last version) the MCE group then.
            let group = rec.mce.age_group();
            match (rec.ioce_ages, group) {
                (Some((lo, hi)), g) => (lo, hi, g.map(|g| g.name())),
                (None, Some(g)) => {
                    let (lo, hi) = g.years(date);
                    (lo, hi, Some(g.name()))
                }
                _ => return false,
            }
        };
        if age >= i64::from(lo) && age <= i64::from(hi) {
            return false;
        }
        facts.set(Fact::Age, crate::rules::field::age_shown(age));
        facts.set(Fact::AgeRange, format!("{lo}–{hi}"));
        if let Some(l) = label {
            facts.set(Fact::AgeGroup, l);
        }
        true
    }

    fn show(&self) -> String {
        format!("age_conflict: {}", self.field.name())
    }
}

#[cfg(test)]
mod tests {
    use super::super::facts::Fact;
    use super::super::prelude::harness::{eval, rule};

    #[test]
    fn a_newborn_code_on_an_adult() {
        // A33 (tetanus neonatorum) carries the MCE newborn age group.
        let r = rule("diagnosis", "  age_conflict: dx.code", "m").unwrap();
        let claim = r#"{"id":"c","patient":{"date_of_birth":"1980-01-01"},"lines":[{"from":"2026-03-01"}],"diagnoses":[{"code":"A33"},{"code":"E11.9"}]}"#;
        let got = eval(&r, claim);
        assert!(got[0].0 && !got[1].0);
        assert_eq!(got[0].1.get(Fact::AgeGroup), Some("newborn"));
        assert_eq!(got[0].1.get(Fact::Age), Some("46"));
    }

    #[test]
    fn inpatient_maternity_ages_follow_the_discharge_date() {
        // O80 (normal delivery) is maternity: 12–55 before FY2020, 9–64 since.
        let r = rule("diagnosis", "  age_conflict: dx.code", "m").unwrap();
        let claim = |to: &str| {
            format!(
                r#"{{"id":"c","type":"institutional","bill_type":"0111","patient":{{"date_of_birth":"1959-01-01"}},"admission_date":"2019-09-20","statement_from":"2019-09-20","statement_to":"{to}","diagnoses":[{{"code":"O80"}}]}}"#
            )
        };
        // 60 at admission: outside 12–55 on a 2019-09-30 discharge, inside 9–64 a day later.
        assert!(eval(&r, &claim("2019-09-30"))[0].0);
        assert!(!eval(&r, &claim("2019-10-01"))[0].0);
    }

    #[test]
    fn outpatient_ages_follow_the_ioce_in_force_on_the_date() {
        let r = rule("diagnosis", "  age_conflict: dx.code", "m").unwrap();
        let claim = |born: &str, from: &str, code: &str| {
            format!(
                r#"{{"id":"c","patient":{{"date_of_birth":"{born}"}},"lines":[{{"from":"{from}"}}],"diagnoses":[{{"code":"{code}"}}]}}"#
            )
        };
        // O80: I/OCE 20.2 (2019-07-01..09-30) allows 12–55, later versions 9–64; the patient is 60.
        let o80 = |from: &str| eval(&r, &claim("1959-01-01", from, "O80")).remove(0);
        let (fired, facts) = o80("2019-09-30");
        assert!(fired);
        assert_eq!(facts.get(Fact::AgeRange), Some("12–55"));
        assert!(!o80("2019-10-01").0);
        // Z13.32 (screening for maternal depression): no I/OCE limit until 2023-12-31, 9–64
        // from 2024-01-01 (before the MCE made it maternity on 2024-04-01); the patient is 8.
        assert!(!eval(&r, &claim("2012-01-01", "2020-06-01", "Z13.32"))[0].0);
        let (fired, facts) = eval(&r, &claim("2016-01-01", "2024-02-01", "Z13.32")).remove(0);
        assert!(fired);
        assert_eq!(facts.get(Fact::AgeRange), Some("9–64"));
    }
}
