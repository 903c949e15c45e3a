//! `same`: in a pair iteration, each named field is equal on both sides (`from`,
//! `procedure`…). Two absent values (no modifiers on either line) are equal.

use super::prelude::*;

/// Each named field is equal on both sides of the pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Same {
    /// (this side's field, the other side's field).
    pub pairs: Vec<(Field, Field)>,
}

impl Condition for Same {
    type Doc = Vec<Sp<String>>;
    const DESCRIPTION: &'static str =
        "In a pair iteration: each named field is equal on both sides (`from`, `procedure`…).";

    fn compile(names: &Self::Doc, at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        let (this, other) = if bound.contains(&Needs::OtherLine) {
            ("line.", "other.")
        } else if bound.contains(&Needs::OtherDx) {
            ("dx.", "other_dx.")
        } else {
            cx.err(
                at,
                Code::FieldOutOfScope,
                "`same` compares the two sides of a pair".into(),
                Some("use it with `each: line-pair` or `each: diagnosis-pair`".into()),
            );
            return None;
        };
        let mut pairs = Vec::new();
        for n in names {
            let a = Field::from_name(&format!("{this}{}", n.value));
            let b = Field::from_name(&format!("{other}{}", n.value));
            match (a, b) {
                (Some(x), Some(y)) => pairs.push((x, y)),
                _ => {
                    let help = did_you_mean(
                        &n.value,
                        Field::ALL
                            .iter()
                            .filter_map(|f| f.name().strip_prefix(other)),
                    );
                    cx.err(
                        n,
                        Code::UnknownField,
                        format!("`{}` is not a field both sides of the pair have", n.value),
                        help,
                    );
                }
            }
        }
        (pairs.len() == names.len()).then_some(Same { pairs })
    }

    #[inline]
    fn eval(&self, _env: &Env<'_>, s: &Scope<'_>, _facts: &mut Facts) -> bool {
        self.pairs.iter().all(|(a, b)| a.get(s) == b.get(s))
    }

    fn show(&self) -> String {
        "same: …".into()
    }
}

#[cfg(test)]
mod tests {
    use super::super::prelude::harness::{holds, rule};

    #[test]
    fn equal_on_both_sides() {
        let claim = r#"{"id":"c","lines":[{"procedure":"99213","from":"2026-03-01"},{"procedure":"99213","from":"2026-03-01"},{"procedure":"99213","from":"2026-03-02"}]}"#;
        let got = holds("line-pair", "  same: [procedure, from]", claim);
        // Pairs in order: (0,1) (0,2) (1,0) (1,2) (2,0) (2,1).
        assert_eq!(got, [true, false, true, false, false, false]);
    }

    #[test]
    fn pairs_first_needs_a_pair_iteration_and_a_known_value() {
        let same = "  same: [procedure]";
        let r = rule("line-pair\npairs: first", same, "m").unwrap();
        assert_eq!(r.pairs, crate::rules::Pairs::First);
        let e = rule("line-pair\npairs: firts", same, "m").unwrap_err();
        assert!(e[0].starts_with("bad-pairs"), "{e:?}");
        let units = "  compare: { field: line.units, op: gt, to: 1 }";
        let e = rule("line\npairs: first", units, "m").unwrap_err();
        assert!(e[0].starts_with("bad-pairs"), "{e:?}");
    }

    #[test]
    fn needs_a_pair_and_shared_fields() {
        let e = rule("line", "  same: [procedure]", "m").unwrap_err();
        assert!(e[0].starts_with("field-out-of-scope"), "{e:?}");
        let e = rule("line-pair", "  same: [procedur]", "m").unwrap_err();
        assert!(e[0].starts_with("unknown-field"), "{e:?}");
    }
}
