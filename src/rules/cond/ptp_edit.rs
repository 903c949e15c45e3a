//! `ptp_edit`: an NCCI procedure-to-procedure edit applies to column 1 / column 2 and is
//! not bypassed by an NCCI-associated modifier.

use super::prelude::*;

/// What a rule writes under `ptp_edit`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PtpDoc {
    /// The column-1 (comprehensive) code field.
    pub column1: Sp<String>,
    /// The column-2 (component) code field.
    pub column2: Sp<String>,
    /// Modifiers that may bypass an indicator-1 edit (the column-2 line's modifiers).
    #[serde(default)]
    pub modifiers: Option<Sp<String>>,
}

/// Modifiers NCCI accepts to bypass an indicator-1 procedure-to-procedure edit.
const NCCI_MODIFIERS: &[&str] = &[
    "24", "25", "27", "57", "58", "59", "78", "79", "91", "E1", "E2", "E3", "E4", "F1", "F2", "F3",
    "F4", "F5", "F6", "F7", "F8", "F9", "FA", "LC", "LD", "LM", "LT", "RC", "RI", "RT", "TA", "T1",
    "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "XE", "XP", "XS", "XU",
];

/// An NCCI PTP edit applies and is not bypassed.
#[derive(Debug, Clone, PartialEq)]
pub struct PtpEdit {
    /// The column-1 code field.
    pub column1: Field,
    /// The column-2 code field.
    pub column2: Field,
    /// The modifiers that may bypass the edit.
    pub modifiers: Option<Field>,
}

impl Condition for PtpEdit {
    type Doc = PtpDoc;
    const DESCRIPTION: &'static str = "An NCCI procedure-to-procedure edit applies to column 1 / column 2 and is not bypassed by an NCCI-associated modifier.";
    const FACTS: &'static [Fact] = &[Fact::Indicator, Fact::Column1, Fact::Column2];

    fn compile(x: &Self::Doc, _at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        let a = cx.text_field(&x.column1, bound);
        let b = cx.text_field(&x.column2, bound);
        let m = match &x.modifiers {
            Some(m) => Some(cx.field_kind(m, bound, &[Kind::TextList])?),
            None => None,
        };
        Some(PtpEdit {
            column1: a?,
            column2: b?,
            modifiers: m,
        })
    }

    #[inline]
    fn eval(&self, env: &Env<'_>, s: &Scope<'_>, facts: &mut Facts) -> bool {
        let (Value::Text(a), Value::Text(b)) = (self.column1.get(s), self.column2.get(s)) else {
            return false;
        };
        let Some(edit) = env.codesets.ptp(a, b, env.date(s)) else {
            return false;
        };
        facts.set(Fact::Indicator, edit.modifier_indicator.to_string());
        facts.set(Fact::Column1, a);
        facts.set(Fact::Column2, b);
        match edit.modifier_indicator {
            0 => true,
            1 => {
                let on = self.modifiers.map(|m| m.get(s));
                let bypassed = on
                    .as_ref()
                    .is_some_and(|v| text_values(v).any(|m| NCCI_MODIFIERS.contains(&m)));
                !bypassed
            }
            _ => false,
        }
    }

    fn show(&self) -> String {
        format!("ptp_edit: {} {}", self.column1.name(), self.column2.name())
    }

    fn possible(&self, sets: &CodeSets) -> bool {
        sets.has_ptp()
    }
}

#[cfg(test)]
mod tests {
    use super::super::prelude::harness::rule;

    #[test]
    fn modifiers_must_be_a_list() {
        let e = rule(
            "line-pair",
            "  ptp_edit: { column1: line.procedure, column2: other.procedure, modifiers: other.units }",
            "m",
        )
        .unwrap_err();
        assert!(e[0].starts_with("wrong-type"), "{e:?}");
    }

    #[test]
    fn without_an_ncci_table_nothing_fires() {
        use super::super::prelude::harness::eval;
        let r = rule(
            "line-pair",
            "  ptp_edit: { column1: line.procedure, column2: other.procedure, modifiers: other.modifiers }",
            "m",
        )
        .unwrap();
        let claim = r#"{"id":"c","lines":[{"procedure":"99213","from":"2026-03-01"},{"procedure":"36415","from":"2026-03-01"}]}"#;
        assert!(eval(&r, claim).iter().all(|(h, _)| !h));
        // So the engine need not evaluate it: it cannot hold, alone or in a conjunction,
        // while an alternative to it still can.
        let sets = super::super::prelude::harness::codesets();
        assert!(!r.when.possible(&sets));
        let w = |when: &str| rule("line-pair", when, "m").unwrap().when.possible(&sets);
        assert!(!w("  all:\n    - present: line.procedure\n    - ptp_edit: { column1: line.procedure, column2: other.procedure }"));
        assert!(w("  any:\n    - present: line.procedure\n    - ptp_edit: { column1: line.procedure, column2: other.procedure }"));
        assert!(w("  not:\n    ptp_edit: { column1: line.procedure, column2: other.procedure }"));
    }
}
