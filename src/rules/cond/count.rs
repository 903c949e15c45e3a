//! `count`: how many lines, diagnoses, ICD procedures, modifiers or pointers (of the current
//! line) satisfy a condition, compared with a number.

use super::prelude::*;
use crate::rules::ir::{Each, Op};

/// What a rule writes under `count`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CountDoc {
    /// line, diagnosis, procedure, modifier (of the current line) or pointer.
    pub each: Sp<String>,
    /// Only items satisfying this count.
    #[serde(default, rename = "where")]
    pub filter: Option<Box<Sp<Cond>>>,
    /// eq, ne, lt, le, gt, ge.
    pub op: Sp<String>,
    /// The number to compare with.
    pub value: Sp<i64>,
}

/// What `count` may count, and what each item binds.
const COUNTABLE: &[(&str, Each, Needs)] = &[
    ("line", Each::Line, Needs::Line),
    ("diagnosis", Each::Diagnosis, Needs::Dx),
    ("procedure", Each::Procedure, Needs::Proc),
    ("modifier", Each::Modifier, Needs::Modifier),
    ("pointer", Each::Pointer, Needs::Pointer),
];

/// Count the items satisfying a condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Count {
    /// What is counted.
    pub each: Each,
    /// Only items satisfying this count; all when absent.
    pub filter: Option<Box<Pred>>,
    /// The comparison.
    pub op: Op,
    /// The number to compare with.
    pub value: i64,
}

impl Condition for Count {
    type Doc = CountDoc;
    const DESCRIPTION: &'static str =
        "Count the lines, diagnoses, modifiers, pointers or procedures satisfying a condition.";
    const FACTS: &'static [Fact] = &[Fact::Count];

    fn compile(x: &Self::Doc, _at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        let Some(&(_, each, needs)) = COUNTABLE.iter().find(|(n, _, _)| *n == x.each.value) else {
            let names: Vec<&str> = COUNTABLE.iter().map(|(n, _, _)| *n).collect();
            let help = did_you_mean_or_list(&x.each.value, &names);
            cx.err(
                &x.each,
                Code::UnknownEach,
                format!("cannot count `{}`", x.each.value),
                help,
            );
            return None;
        };
        if matches!(each, Each::Modifier | Each::Pointer) && !bound.contains(&Needs::Line) {
            cx.err(
                &x.each,
                Code::FieldOutOfScope,
                format!("counting `{}` needs a service line", x.each.value),
                None,
            );
        }
        let filter = match &x.filter {
            Some(f) => Some(cx.sub(f, bound, &[needs])?),
            None => None,
        };
        let op = cx.op(&x.op);
        Some(Count {
            each,
            filter,
            op: op?,
            value: x.value.value,
        })
    }

    #[inline]
    fn eval(&self, env: &Env<'_>, s: &Scope<'_>, facts: &mut Facts) -> bool {
        let mut n = 0i64;
        let mut keep = |sc: Scope<'_>| {
            let held = self.filter.as_ref().is_none_or(|f| f.eval(env, &sc, facts));
            n += i64::from(held);
        };
        match self.each {
            Each::Line => {
                for (i, l) in s.claim.lines.iter().enumerate() {
                    keep(s.with_line(i, l));
                }
            }
            Each::Diagnosis => {
                for (i, d) in s.claim.diagnoses.iter().enumerate() {
                    keep(s.with_dx(i, d));
                }
            }
            Each::Procedure => {
                for (i, p) in s.claim.procedures.iter().enumerate() {
                    keep(Scope {
                        proc: Some((i, p)),
                        ..*s
                    });
                }
            }
            Each::Modifier => {
                for (i, m) in s
                    .line
                    .iter()
                    .flat_map(|(_, l)| l.modifiers.iter().enumerate())
                {
                    keep(Scope {
                        modifier: Some((i, m)),
                        ..*s
                    });
                }
            }
            Each::Pointer => {
                let pointers = s.line.iter().flat_map(|(_, l)| l.diagnosis_pointers.iter());
                for (i, p) in pointers.enumerate() {
                    keep(Scope {
                        pointer: Some((i, *p)),
                        ..*s
                    });
                }
            }
            Each::Claim | Each::LinePair | Each::DiagnosisPair => {}
        }
        facts.set(Fact::Count, n.to_string());
        self.op.test(n, self.value)
    }

    fn show(&self) -> String {
        "count: …".into()
    }

    fn children(&self) -> &[Pred] {
        self.filter.as_deref().map_or(&[], std::slice::from_ref)
    }

    /// No item passes the filter, so the count is always 0.
    fn never(&self) -> Option<String> {
        let f = self.filter.as_ref()?;
        if self.op.test(0, self.value) {
            return None;
        }
        f.never().map(|why| {
            format!(
                "no item passes the `count` filter ({why}), and a count of 0 is not {} {}",
                self.op.name(),
                self.value
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::facts::Fact;
    use super::super::prelude::harness::{eval, rule};

    #[test]
    fn counts_filtered_items() {
        let r = rule(
            "line",
            "  count: { each: modifier, where: { one_of: { field: modifier.code, values: ['59', 'XU'] } }, op: ge, value: 2 }",
            "{count}",
        )
        .unwrap();
        let claim = r#"{"id":"c","lines":[{"modifiers":["59","XU","25"]},{"modifiers":["59"]}]}"#;
        let got = eval(&r, claim);
        assert!(got[0].0 && !got[1].0);
        assert_eq!(got[0].1.get(Fact::Count), Some("2"));
        assert_eq!(got[1].1.get(Fact::Count), Some("1"));
    }

    #[test]
    fn unknown_items_have_a_hint() {
        let e = rule("claim", "  count: { each: lines, op: gt, value: 1 }", "m").unwrap_err();
        assert_eq!(e, ["unknown-each: cannot count `lines`"]);
        let e = rule(
            "claim",
            "  count: { each: modifier, op: gt, value: 1 }",
            "m",
        )
        .unwrap_err();
        assert!(e[0].starts_with("field-out-of-scope"), "{e:?}");
    }
}
