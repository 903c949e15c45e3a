//! `excludes1`: ICD-10-CM Excludes1, two codes that may not be coded together. The note may
//! sit on either code or on its category, block or chapter.

use super::prelude::*;
use crate::codeset::normalize::dotted;

/// What a rule writes under `excludes1`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PairFieldsDoc {
    /// One code field.
    pub field: Sp<String>,
    /// The other.
    pub other: Sp<String>,
}

/// ICD-10-CM Excludes1: `field` and `other` may not be coded together.
#[derive(Debug, Clone, PartialEq)]
pub struct Excludes1 {
    /// One code field.
    pub field: Field,
    /// The other.
    pub other: Field,
}

impl Condition for Excludes1 {
    type Doc = PairFieldsDoc;
    const DESCRIPTION: &'static str =
        "ICD-10-CM Excludes1: `field` and `other` may not be coded together.";
    const FACTS: &'static [Fact] = &[Fact::Excluded, Fact::Note];

    fn compile(x: &Self::Doc, _at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        let a = cx.text_field(&x.field, bound);
        let b = cx.text_field(&x.other, bound);
        Some(Excludes1 {
            field: a?,
            other: b?,
        })
    }

    #[inline]
    fn eval(&self, env: &Env<'_>, s: &Scope<'_>, facts: &mut Facts) -> bool {
        let (Value::Text(x), Value::Text(y)) = (self.field.get(s), self.other.get(s)) else {
            return false;
        };
        for (from, to) in [(x, y), (y, x)] {
            if let Some((on, text)) = env.excluded_by(from, to) {
                facts.set(Fact::Excluded, dotted(to));
                facts.set(Fact::Note, format!("{on}: {text}"));
                return true;
            }
        }
        false
    }

    fn show(&self) -> String {
        format!("excludes1: {} {}", self.field.name(), self.other.name())
    }
}

#[cfg(test)]
mod tests {
    use super::super::facts::Fact;
    use super::super::prelude::harness::{eval, rule};

    #[test]
    fn either_direction() {
        // E11 (type 2 diabetes) excludes E10 (type 1).
        let r = rule(
            "diagnosis-pair",
            "  excludes1: { field: dx.code, other: other_dx.code }",
            "m",
        )
        .unwrap();
        let claim = r#"{"id":"c","lines":[{"from":"2026-03-01"}],"diagnoses":[{"code":"E11.9"},{"code":"E10.9"},{"code":"I10"}]}"#;
        let got = eval(&r, claim);
        let held: Vec<bool> = got.iter().map(|(h, _)| *h).collect();
        // Pairs in order: (0,1) (0,2) (1,0) (1,2) (2,0) (2,1).
        assert_eq!(held, [true, false, true, false, false, false]);
        assert_eq!(got[0].1.get(Fact::Excluded), Some("E10.9"));
    }
}
