//! `age_conflict`: the diagnosis code's MCE age edit (age group or limits) excludes the
//! patient's age on the date of service.

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
        let Some(age) = s.claim.age_on(date) else {
            return false;
        };
        let Some(found) = env.lookup(System::Icd10Cm, code, date) else {
            return false;
        };
        let Some(rec) = &found.record else {
            return false;
        };
        let a = &rec.attributes;
        let (lo, hi, label) = match (a.age_low, a.age_high, a.age_group) {
            (Some(lo), Some(hi), g) => (lo, hi, g.map(|g| g.name())),
            (_, _, Some(g)) => {
                let (lo, hi) = g.years();
                (lo, hi, Some(g.name()))
            }
            _ => return false,
        };
        if age >= i64::from(lo) && age <= i64::from(hi) {
            return false;
        }
        facts.set(Fact::Age, age.to_string());
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
}
