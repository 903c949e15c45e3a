//! `seventh_character`: an ICD-10-CM code that is complete but for its 7th character (after
//! `X` placeholders where it is short of six), so the fix is a character the tabular defines,
//! not a more specific code.

use super::prelude::*;
use crate::codeset::System;
use crate::codeset::normalize::dotted;

/// The code lacks only its 7th character.
#[derive(Debug, Clone, PartialEq)]
pub struct SeventhCharacter {
    /// The diagnosis code field.
    pub field: Field,
}

impl Condition for SeventhCharacter {
    type Doc = Sp<String>;
    const DESCRIPTION: &'static str = "The ICD-10-CM code is complete but for its 7th character (after X placeholders).";
    const FACTS: &'static [Fact] = &[Fact::Sevenths, Fact::Completed];

    fn compile(doc: &Self::Doc, _at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        Some(SeventhCharacter {
            field: cx.text_field(doc, bound)?,
        })
    }

    #[inline]
    fn eval(&self, env: &Env<'_>, s: &Scope<'_>, facts: &mut Facts) -> bool {
        let Some(code) = self.field.text(s) else {
            return false;
        };
        if code.len() >= 7 || code.len() < 3 {
            return false;
        }
        let Some(set) = env.codesets.get(System::Icd10Cm) else {
            return false;
        };
        let date = env.date(s);
        let sevenths = set.seventh(code);
        let stem = format!("{code:X<6}");
        let valid: Vec<&(char, String)> = sevenths
            .iter()
            .filter(|(c, _)| {
                let l = set.lookup(&format!("{stem}{c}"), date);
                l.record.is_some_and(|r| r.billable) && matches!(l.status, crate::codeset::Status::Valid)
            })
            .collect();
        let Some((first, _)) = valid.first() else {
            return false;
        };
        let listed: Vec<String> = valid.iter().map(|(c, m)| format!("{c} {m}")).collect();
        facts.set(Fact::Sevenths, listed.join("; "));
        facts.set(Fact::Completed, dotted(&format!("{stem}{first}")));
        true
    }

    fn show(&self) -> String {
        format!("seventh_character: {}", self.field.name())
    }
}

#[cfg(test)]
mod tests {
    use super::super::facts::Fact;
    use super::super::prelude::harness::{eval, rule};

    #[test]
    fn a_fracture_code_short_of_its_seventh_character() {
        let r = rule("diagnosis", "  seventh_character: dx.code", "m").unwrap();
        let claim = r#"{"id":"c","lines":[{"from":"2026-03-01"}],"diagnoses":[{"code":"S72.001"},{"code":"S72.001A"},{"code":"E11"},{"code":"S32.9"}]}"#;
        let got = eval(&r, claim);
        assert!(got[0].0, "S72.001 needs a 7th character");
        let listed = got[0].1.get(Fact::Sevenths).unwrap_or("");
        assert!(listed.starts_with("A initial encounter for closed fracture"), "{listed}");
        assert_eq!(got[0].1.get(Fact::Completed), Some("S72.001A"));
        assert!(!got[1].0 && !got[2].0, "complete codes and headers without a 7th character");
        // S32.9 takes placeholders: S32.9XXA.
        assert_eq!(got[3].1.get(Fact::Completed), Some("S32.9XXA"));
    }
}
