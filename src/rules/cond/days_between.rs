//! `days_between`: whole days from one date field to another, compared with a number.

use super::prelude::*;
use crate::rules::ir::Op;

/// What a rule writes under `days_between`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DaysDoc {
    /// The earlier date.
    pub from: Sp<String>,
    /// The later date.
    pub to: Sp<String>,
    /// eq, ne, lt, le, gt, ge.
    pub op: Sp<String>,
    /// Days to compare with.
    pub value: Sp<i64>,
}

/// Whole days from one date field to another, compared.
#[derive(Debug, Clone, PartialEq)]
pub struct DaysBetween {
    /// The earlier date.
    pub from: Field,
    /// The later date.
    pub to: Field,
    /// The comparison.
    pub op: Op,
    /// Days to compare with.
    pub value: i64,
}

impl Condition for DaysBetween {
    type Doc = DaysDoc;
    const DESCRIPTION: &'static str = "Whole days from one date field to another, compared.";
    const FACTS: &'static [Fact] = &[Fact::Days];

    fn compile(x: &Self::Doc, _at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        let from = cx.field_kind(&x.from, bound, &[Kind::Date]);
        let to = cx.field_kind(&x.to, bound, &[Kind::Date]);
        let op = cx.op(&x.op);
        Some(DaysBetween {
            from: from?,
            to: to?,
            op: op?,
            value: x.value.value,
        })
    }

    #[inline]
    fn eval(&self, env: &Env<'_>, s: &Scope<'_>, facts: &mut Facts) -> bool {
        let Value::Date(a) = self.from.get(s) else {
            return false;
        };
        let b = match self.to.get(s) {
            Value::Date(d) => d,
            // A claim with no submission date is judged as if submitted today.
            _ if self.to == Field::SubmissionDate => env.as_of,
            _ => return false,
        };
        let days = match a.until((jiff::Unit::Day, b)) {
            Ok(span) => i64::from(span.get_days()),
            Err(_) => return false,
        };
        if !self.reads_phi() {
            facts.set(Fact::Days, days.to_string());
        }
        self.op.test(days, self.value)
    }

    fn instance_facts(&self) -> &'static [Fact] {
        // Days from a date of birth give the date back: `{days}` is then never set, and a
        // message naming it does not compile.
        if self.reads_phi() { &[] } else { Self::FACTS }
    }

    fn show(&self) -> String {
        format!(
            "days_between: {} {} {} {}",
            self.from.name(),
            self.to.name(),
            self.op.name(),
            self.value
        )
    }
}

impl DaysBetween {
    /// Whether either date is protected health information (the date of birth).
    fn reads_phi(&self) -> bool {
        self.from.is_phi() || self.to.is_phi()
    }
}

#[cfg(test)]
mod tests {
    use super::super::facts::Fact;
    use super::super::prelude::harness::{eval, rule};

    #[test]
    fn days_from_the_date_of_birth_are_never_printed() {
        let e = rule(
            "claim",
            "  days_between: { from: patient.date_of_birth, to: claim.service_date, op: lt, value: 28 }",
            "newborn of {days} days",
        )
        .unwrap_err();
        assert!(e[0].starts_with("unset-placeholder"), "{e:?}");
        assert!(rule(
            "claim",
            "  days_between: { from: patient.date_of_birth, to: claim.service_date, op: lt, value: 28 }",
            "a newborn",
        )
        .is_ok());
    }

    #[test]
    fn counts_days_and_defaults_submission_to_the_run_date() {
        let r = rule(
            "line",
            "  days_between: { from: line.from, to: claim.submission_date, op: gt, value: 365 }",
            "{days}",
        )
        .unwrap();
        // The harness runs as of 2026-07-01.
        let claim = r#"{"id":"c","lines":[{"from":"2025-06-01"},{"from":"2026-06-01"}]}"#;
        let got = eval(&r, claim);
        assert_eq!(got.len(), 2);
        assert!(got[0].0 && !got[1].0);
        assert_eq!(got[0].1.get(Fact::Days), Some("395"));
    }
}
