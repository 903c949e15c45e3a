//! `mue_exceeded`: units exceed the Medically Unlikely Edit, per line (adjudication
//! indicator 1) or summed over the lines of one date (indicators 2 and 3).

use super::prelude::*;
use crate::rules::field::format_number;

/// What a rule writes under `mue_exceeded`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MueDoc {
    /// The procedure code field.
    pub field: Sp<String>,
    /// `line` (adjudication indicator 1) or `date` (indicators 2 and 3).
    pub per: Sp<String>,
}

/// Units exceed the MUE.
#[derive(Debug, Clone, PartialEq)]
pub struct MueExceeded {
    /// The procedure code field.
    pub field: Field,
    /// Sum units per date (indicators 2, 3) rather than per line (1).
    pub per_date: bool,
}

impl Condition for MueExceeded {
    type Doc = MueDoc;
    const DESCRIPTION: &'static str =
        "Units exceed the MUE: per line (indicator 1) or summed per date (2, 3).";
    const FACTS: &'static [Fact] = &[Fact::Mue, Fact::Units];

    fn compile(x: &Self::Doc, _at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        let f = cx.text_field(&x.field, bound);
        let per_date = match x.per.value.as_str() {
            "line" => Some(false),
            "date" => Some(true),
            other => {
                cx.err(
                    &x.per,
                    Code::BadMue,
                    format!("unknown MUE basis `{other}`"),
                    Some("use `line` or `date`".into()),
                );
                None
            }
        };
        if !bound.contains(&Needs::Line) {
            cx.err(
                &x.field,
                Code::FieldOutOfScope,
                "`mue_exceeded` needs a service line".into(),
                Some("use it with `each: line`".into()),
            );
        }
        Some(MueExceeded {
            field: f?,
            per_date: per_date?,
        })
    }

    #[inline]
    fn eval(&self, env: &Env<'_>, s: &Scope<'_>, facts: &mut Facts) -> bool {
        let Some(code) = self.field.text(s) else {
            return false;
        };
        let Some((_, line)) = s.line else {
            return false;
        };
        let date = env.date(s);
        let Some(mue) = env.codesets.mue(code, date) else {
            return false;
        };
        let units = if self.per_date {
            if mue.indicator == 1 {
                return false;
            }
            // Sum units of every line with this code on this date; report once, on the first.
            let same: Vec<(usize, f64)> = s
                .claim
                .lines
                .iter()
                .enumerate()
                .filter(|(_, l)| {
                    l.procedure.as_deref() == Some(code) && s.claim.line_date(l) == Some(date)
                })
                .map(|(i, l)| (i, l.units.unwrap_or(1.0)))
                .collect();
            if same.first().map(|(i, _)| *i) != s.line.map(|(i, _)| i) {
                return false;
            }
            same.iter().map(|(_, u)| u).sum::<f64>()
        } else {
            if mue.indicator != 1 {
                return false;
            }
            line.units.unwrap_or(1.0)
        };
        facts.set(Fact::Mue, mue.value.to_string());
        facts.set(Fact::Units, format_number(units));
        units > f64::from(mue.value)
    }

    fn show(&self) -> String {
        format!("mue_exceeded: {}", self.field.name())
    }

    fn possible(&self, sets: &CodeSets) -> bool {
        sets.has_mue()
    }
}

#[cfg(test)]
mod tests {
    use super::super::prelude::harness::rule;

    #[test]
    fn needs_a_line_and_a_basis() {
        let e = rule(
            "claim",
            "  mue_exceeded: { field: line.procedure, per: line }",
            "m",
        )
        .unwrap_err();
        assert!(
            e.iter().any(|x| x.starts_with("field-out-of-scope")),
            "{e:?}"
        );
        let e = rule(
            "line",
            "  mue_exceeded: { field: line.procedure, per: day }",
            "m",
        )
        .unwrap_err();
        assert_eq!(e, ["bad-mue: unknown MUE basis `day`"]);
    }
}
