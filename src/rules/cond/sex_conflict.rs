//! `sex_conflict`: the code is limited to the other sex than the patient's.

use super::prelude::*;
use crate::claim::Sex;
use crate::codeset::CodeSex;

/// The code is limited to the other sex than the patient's.
#[derive(Debug, Clone, PartialEq)]
pub struct SexConflict {
    /// The code field (diagnosis or procedure).
    pub field: Field,
}

impl Condition for SexConflict {
    type Doc = Sp<String>;
    const DESCRIPTION: &'static str = "The code is limited to the other sex than the patient's.";
    const FACTS: &'static [Fact] = &[Fact::CodeSex];

    fn compile(doc: &Self::Doc, _at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        Some(SexConflict {
            field: cx.text_field(doc, bound)?,
        })
    }

    #[inline]
    fn eval(&self, env: &Env<'_>, s: &Scope<'_>, facts: &mut Facts) -> bool {
        let Some(code) = self.field.text(s) else {
            return false;
        };
        let Some(found) = env.lookup(self.field.code_system(code), code, env.date(s)) else {
            return false;
        };
        let Some(rec) = &found.record else {
            return false;
        };
        let conflict = matches!(
            (rec.attributes.sex, s.claim.patient.sex),
            (Some(CodeSex::Female), Some(Sex::Male)) | (Some(CodeSex::Male), Some(Sex::Female))
        );
        if conflict {
            let sex = match rec.attributes.sex {
                Some(CodeSex::Female) => "female",
                _ => "male",
            };
            facts.set(Fact::CodeSex, sex);
        }
        conflict
    }

    fn show(&self) -> String {
        format!("sex_conflict: {}", self.field.name())
    }
}

#[cfg(test)]
mod tests {
    use super::super::facts::Fact;
    use super::super::prelude::harness::{eval, rule};

    #[test]
    fn a_female_only_code_on_a_male() {
        let r = rule("diagnosis", "  sex_conflict: dx.code", "m").unwrap();
        // N83.20 (ovarian cyst) is female-only.
        let claim = r#"{"id":"c","patient":{"sex":"M"},"lines":[{"from":"2026-03-01"}],"diagnoses":[{"code":"N83.20"},{"code":"E11.9"}]}"#;
        let got = eval(&r, claim);
        assert!(got[0].0 && !got[1].0);
        assert_eq!(got[0].1.get(Fact::CodeSex), Some("female"));
    }
}
