//! `compare`: a field against a literal (`value`) or another field (`to`).

use jiff::civil::Date;

use super::prelude::*;
use crate::rules::field::format_number;
use crate::rules::ir::{Op, Operand};
use crate::rules::schema::Literal;

/// What a rule writes under `compare`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompareDoc {
    /// The field on the left.
    pub field: Sp<String>,
    /// eq, ne, lt, le, gt, ge.
    pub op: Sp<String>,
    /// A constant on the right.
    #[serde(default)]
    pub value: Option<Sp<Literal>>,
    /// Another field on the right.
    #[serde(default)]
    pub to: Option<Sp<String>>,
}

/// Compare a field with a literal or another field.
#[derive(Debug, Clone, PartialEq)]
pub struct Compare {
    /// The field on the left.
    pub field: Field,
    /// The comparison.
    pub op: Op,
    /// The literal or field on the right.
    pub right: Operand,
}

impl Condition for Compare {
    type Doc = CompareDoc;
    const DESCRIPTION: &'static str =
        "Compare a field with a literal (`value`) or another field (`to`).";

    fn compile(x: &Self::Doc, _at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        let field = cx.field(&x.field, bound);
        let op = cx.op(&x.op);
        let right = match (&x.value, &x.to) {
            (Some(v), None) => field.and_then(|f| literal(cx, f, v)),
            (None, Some(t)) => {
                let other = cx.field(t, bound);
                if let (Some(a), Some(b)) = (field, other)
                    && a.kind() != b.kind()
                {
                    cx.err(
                        t,
                        Code::WrongType,
                        format!(
                            "`{}` is {} but `{}` is {}",
                            a.name(),
                            a.kind().describe(),
                            b.name(),
                            b.kind().describe()
                        ),
                        Some("compare fields of the same kind".into()),
                    );
                }
                other.map(Operand::Field)
            }
            _ => {
                cx.err(
                    &x.field,
                    Code::BadCompare,
                    "`compare` needs exactly one of `value` or `to`".into(),
                    Some("`value:` compares with a constant, `to:` with another field".into()),
                );
                None
            }
        };
        Some(Compare {
            field: field?,
            op: op?,
            right: right?,
        })
    }

    #[inline]
    fn eval(&self, _env: &Env<'_>, s: &Scope<'_>, _facts: &mut Facts) -> bool {
        let op = self.op;
        let left = self.field.get(s);
        let right = match &self.right {
            Operand::Field(f) => f.get(s),
            Operand::Number(n) => Value::Number(*n),
            Operand::Text(t) => return text_values(&left).any(|v| op.test(v, t.as_str())),
            Operand::Date(d) => Value::Date(*d),
        };
        match (&left, &right) {
            (Value::Number(a), Value::Number(b)) => op.test(cents(*a), cents(*b)),
            (Value::Date(a), Value::Date(b)) => op.test(a, b),
            (Value::Text(a), Value::Text(b)) => op.test(a, b),
            (Value::NumberList(l), Value::Number(b)) => {
                l.iter().any(|a| op.test(f64::from(*a), *b))
            }
            _ => false,
        }
    }

    fn show(&self) -> String {
        let right = match &self.right {
            Operand::Number(n) => format_number(*n),
            Operand::Text(t) => format!("\"{t}\""),
            Operand::Date(d) => d.to_string(),
            Operand::Field(f) => f.name().to_string(),
        };
        format!("compare: {} {} {right}", self.field.name(), self.op.name())
    }

    fn clash(&self, other: &Self) -> Option<&'static str> {
        (self.field == other.field
            && self.field.is_scalar()
            && compare_clash(self.op, &self.right, other.op, &other.right))
        .then_some("cannot both hold")
    }
}

/// Money and other numbers compare to the cent.
fn cents(n: f64) -> i64 {
    (n * 100.0).round() as i64
}

/// A literal of the field's kind, or an error at the literal.
fn literal(cx: &mut Lower<'_>, f: Field, v: &Sp<Literal>) -> Option<Operand> {
    match (f.kind(), &v.value) {
        (Kind::Number | Kind::NumberList, Literal::Number(n)) => Some(Operand::Number(*n)),
        (Kind::Text | Kind::TextList, Literal::Text(s)) => Some(Operand::Text(s.clone())),
        (Kind::Text | Kind::TextList, Literal::Number(n)) => Some(Operand::Text(format_number(*n))),
        (Kind::Date, Literal::Text(s)) => match s.parse::<Date>() {
            Ok(d) => Some(Operand::Date(d)),
            Err(_) => {
                cx.err(
                    v,
                    Code::BadDate,
                    format!("`{s}` is not a date"),
                    Some("write dates as YYYY-MM-DD".into()),
                );
                None
            }
        },
        (k, lit) => {
            let shown = match lit {
                Literal::Bool(b) => b.to_string(),
                Literal::Number(n) => format_number(*n),
                Literal::Text(t) => t.clone(),
            };
            cx.err(
                v,
                Code::WrongType,
                format!(
                    "field `{}` is {}; `{shown}` does not compare with it",
                    f.name(),
                    k.describe()
                ),
                Some(format!("write {}, e.g. `{}`", k.describe(), k.example())),
            );
            None
        }
    }
}

/// The outcomes of comparing two values an operator accepts: less, equal, greater.
fn outcomes(op: Op) -> [bool; 3] {
    match op {
        Op::Eq => [false, true, false],
        Op::Ne => [true, false, true],
        Op::Lt => [true, false, false],
        Op::Le => [true, true, false],
        Op::Gt => [false, false, true],
        Op::Ge => [false, true, true],
    }
}

/// Can no value satisfy both `x o1 r1` and `x o2 r2`?
fn compare_clash(o1: Op, r1: &Operand, o2: Op, r2: &Operand) -> bool {
    if r1 == r2 {
        // The same right-hand side (a literal or a field): the operators must share an outcome.
        let (a, b) = (outcomes(o1), outcomes(o2));
        return !(0..3).any(|i| a.get(i) == Some(&true) && b.get(i) == Some(&true));
    }
    match (r1, r2) {
        (Operand::Number(x), Operand::Number(y)) => {
            let whole = |op: Op, v: i64| match op {
                Op::Lt => (Op::Le, v.saturating_sub(1)),
                Op::Gt => (Op::Ge, v.saturating_add(1)),
                other => (other, v),
            };
            let (o1, x) = whole(o1, cents(*x));
            let (o2, y) = whole(o2, cents(*y));
            disjoint((o1, &x), (o2, &y))
        }
        (Operand::Text(x), Operand::Text(y)) => disjoint((o1, x), (o2, y)),
        (Operand::Date(x), Operand::Date(y)) => disjoint::<Date>((o1, x), (o2, y)),
        _ => false,
    }
}

/// One end of an interval: the value and whether it is included.
type End<'a, T> = Option<(&'a T, bool)>;

/// The set `op v` accepts as an interval (lower, upper); `None` for `ne`.
fn interval<T>(op: Op, v: &T) -> Option<(End<'_, T>, End<'_, T>)> {
    Some(match op {
        Op::Eq => (Some((v, true)), Some((v, true))),
        Op::Lt => (None, Some((v, false))),
        Op::Le => (None, Some((v, true))),
        Op::Gt => (Some((v, false)), None),
        Op::Ge => (Some((v, true)), None),
        Op::Ne => return None,
    })
}

/// Can no value satisfy both `x op1 a` and `x op2 b`? (`a != b`.)
fn disjoint<T: Ord>((o1, a): (Op, &T), (o2, b): (Op, &T)) -> bool {
    let (Some((lo1, hi1)), Some((lo2, hi2))) = (interval(o1, a), interval(o2, b)) else {
        // `ne a` excludes one value: only `eq a` is disjoint from it, and a != b here.
        return false;
    };
    // The greater lower end and the smaller upper end; on a tie the exclusive end wins.
    let lo = match (lo1, lo2) {
        (Some(x), Some(y)) => Some(if x.0 > y.0 || (x.0 == y.0 && !x.1) {
            x
        } else {
            y
        }),
        (x, y) => x.or(y),
    };
    let hi = match (hi1, hi2) {
        (Some(x), Some(y)) => Some(if x.0 < y.0 || (x.0 == y.0 && !x.1) {
            x
        } else {
            y
        }),
        (x, y) => x.or(y),
    };
    match (lo, hi) {
        (Some((l, li)), Some((h, hi))) => l > h || (l == h && !(li && hi)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::prelude::harness::{holds, rule};

    const CLAIM: &str = r#"{"id":"c","total_charge":100.0,"lines":[{"procedure":"99213","units":2,"charge":40.005,"from":"2026-03-01","to":"2026-03-02"},{"procedure":"G0103","units":1,"charge":60,"from":"2026-03-05","to":"2026-03-05"}]}"#;

    #[test]
    fn numbers_compare_to_the_cent() {
        let w = "  compare: { field: line.charge, op: eq, value: 40.01 }";
        assert_eq!(holds("line", w, CLAIM), [true, false]);
        let w = "  compare: { field: line.units, op: gt, value: 1 }";
        assert_eq!(holds("line", w, CLAIM), [true, false]);
    }

    #[test]
    fn dates_text_and_fields_compare() {
        let w = "  compare: { field: line.from, op: lt, value: 2026-03-03 }";
        assert_eq!(holds("line", w, CLAIM), [true, false]);
        let w = "  compare: { field: line.from, op: lt, to: line.to }";
        assert_eq!(holds("line", w, CLAIM), [true, false]);
        let w = "  compare: { field: line.procedure, op: eq, value: G0103 }";
        assert_eq!(holds("line", w, CLAIM), [false, true]);
    }

    #[test]
    fn mistakes_are_reported() {
        let e = rule("line", "  compare: { field: line.units, op: gt }", "m").unwrap_err();
        assert!(e[0].starts_with("bad-compare"), "{e:?}");
        let e = rule(
            "line",
            "  compare: { field: line.units, op: gt, value: x }",
            "m",
        )
        .unwrap_err();
        assert!(e[0].starts_with("wrong-type"), "{e:?}");
        let e = rule(
            "line",
            "  compare: { field: line.from, op: gt, value: 2026-13-01 }",
            "m",
        )
        .unwrap_err();
        assert!(e[0].starts_with("bad-date"), "{e:?}");
        let e = rule(
            "line",
            "  compare: { field: line.units, op: is, value: 1 }",
            "m",
        )
        .unwrap_err();
        assert!(e[0].starts_with("unknown-op"), "{e:?}");
    }

    #[test]
    fn clashing_ranges_are_found() {
        use super::super::Pred;
        let r = rule(
            "line",
            "  all:\n    - compare: { field: line.units, op: gt, value: 5 }\n    - compare: { field: line.units, op: lt, value: 3 }",
            "m",
        )
        .unwrap();
        assert!(r.when.never().is_some());
        let Pred::All(a) = &r.when else { panic!() };
        assert_eq!(a.parts[0].show(), "compare: line.units gt 5");
    }
}
