//! Lint checks on a compiled rule set, beyond what compiling already refuses: documentation
//! and denial codes a biller needs, conditions that can never hold, rules that repeat an
//! earlier rule, and ids that break their pack's prefix.
//!
//! Every check here is a warning: the rules run, but are not fit to ship. Checks that need
//! the span of a single value (listed codes) live in the compiler.

use std::collections::HashMap;

use jiff::civil::Date;

use super::compile::{Code, CodeList, Diagnostic, Op, Operand, Pred, Rule, RuleSet};
use super::field::{Field, Kind, format_number};
use crate::codeset::CodePattern;
use crate::finding::Severity;

/// Warnings about rules that compile but are not fit to ship.
pub fn lint(set: &RuleSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for r in &set.rules {
        let mut warn = |code: Code, message: String, help: Option<String>| {
            out.push(warning(r, r.source.line, 1, code, message, help));
        };
        if r.docs.trim().is_empty() {
            warn(
                Code::MissingDocs,
                format!("rule `{}` has no docs", r.id),
                Some(
                    "add `docs:` with What it checks / Why it matters / Example / Fix / References"
                        .into(),
                ),
            );
        }
        if r.carc.is_none() && r.severity != Severity::Info {
            warn(
                Code::MissingCarc,
                format!("rule `{}` expects a denial but names no CARC", r.id),
                Some("add `carc:` with group and code, e.g. `CO-16`".into()),
            );
        }
        if let Some(why) = contradiction(&r.when) {
            out.push(warning(
                r,
                r.when_line,
                1,
                Code::NeverFires,
                format!("rule `{}` can never fire: {why}", r.id),
                Some(
                    "every condition of an `all:` must hold at once; fix or drop one of them"
                        .into(),
                ),
            ));
        }
    }
    shadowed(set, &mut out);
    id_prefix(set, &mut out);
    out
}

fn warning(
    r: &Rule,
    line: u32,
    column: u32,
    code: Code,
    message: String,
    help: Option<String>,
) -> Diagnostic {
    Diagnostic::warning(r.source.file.clone(), line, column, code, message).with_help(help)
}

/// Why `p` can never hold, when that can be seen from its structure alone. Sound, not
/// complete: `None` means no contradiction was found, not that the condition can hold.
fn contradiction(p: &Pred) -> Option<String> {
    match p {
        Pred::All(_) => {
            let mut parts = Vec::new();
            conjuncts(p, &mut parts);
            if let Some(why) = parts.iter().find_map(|x| contradiction(x)) {
                return Some(why);
            }
            parts.iter().enumerate().find_map(|(i, a)| {
                parts
                    .get(i + 1..)
                    .unwrap_or_default()
                    .iter()
                    .find_map(|b| clash(a, b))
            })
        }
        Pred::Any(v) => {
            let whys: Option<Vec<String>> = v.iter().map(contradiction).collect();
            let whys = whys?;
            match whys.as_slice() {
                [one] => Some(one.clone()),
                _ => Some(format!("no branch of `any` can hold ({})", whys.join("; "))),
            }
        }
        Pred::AnyLine(x) | Pred::AnyDiagnosis(x) | Pred::PointedDiagnosis(x) => contradiction(x),
        // No item can pass the filter, so the count is always 0.
        Pred::Count {
            filter: Some(f),
            op,
            value,
            ..
        } if !op.test(0, *value) => contradiction(f).map(|why| {
            format!(
                "no item passes the `count` filter ({why}), and a count of 0 is not {} {value}",
                op_name(*op)
            )
        }),
        _ => None,
    }
}

/// The conditions of nested `all`s, flattened.
fn conjuncts<'a>(p: &'a Pred, out: &mut Vec<&'a Pred>) {
    match p {
        Pred::All(v) => v.iter().for_each(|x| conjuncts(x, out)),
        other => out.push(other),
    }
}

/// Why `a` and `b` cannot both hold (evaluated on the same item), if they cannot.
fn clash(a: &Pred, b: &Pred) -> Option<String> {
    let both = |why: &str| Some(format!("`{}` and `{}` {why}", show(a), show(b)));
    match (a, b) {
        (Pred::Not(x), y) | (y, Pred::Not(x)) if **x == *y => both("contradict each other"),
        (
            Pred::Compare {
                field: f,
                op: o1,
                right: r1,
            },
            Pred::Compare {
                field: g,
                op: o2,
                right: r2,
            },
        ) if f == g && scalar(*f) && compare_clash(*o1, r1, *o2, r2) => both("cannot both hold"),
        (
            Pred::OneOf {
                field: f,
                values: v,
            },
            Pred::OneOf {
                field: g,
                values: w,
            },
        ) if f == g && scalar(*f) && !v.iter().any(|x| w.contains(x)) => {
            both("have no value in common")
        }
        (Pred::Codes { field: f, list: l }, Pred::Codes { field: g, list: m })
            if f == g && scalar(*f) && lists_disjoint(l, m) =>
        {
            both("have no code in common")
        }
        _ => None,
    }
}

/// A field with one value per item: list fields match when any element does, so two
/// conditions on different elements can both hold.
fn scalar(f: Field) -> bool {
    matches!(f.kind(), Kind::Text | Kind::Number | Kind::Date)
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

fn compare_clash(o1: Op, r1: &Operand, o2: Op, r2: &Operand) -> bool {
    if r1 == r2 {
        // The same right-hand side (a literal or a field): the operators must share an outcome.
        let (a, b) = (outcomes(o1), outcomes(o2));
        return !(0..3).any(|i| a.get(i) == Some(&true) && b.get(i) == Some(&true));
    }
    match (r1, r2) {
        // The engine compares numbers to the cent.
        (Operand::Number(x), Operand::Number(y)) => {
            let cents = |n: f64| (n * 100.0).round() as i64;
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

/// Can no code be in both lists? Ranges are assumed to overlap anything (not checked).
fn lists_disjoint(a: &CodeList, b: &CodeList) -> bool {
    if !a.ranges.is_empty() || !b.ranges.is_empty() {
        return false;
    }
    let exact_in = |x: &CodeList, y: &CodeList| x.exact.iter().any(|c| y.matches(c));
    let prefixes_meet = a.prefixes.iter().any(|p| {
        b.prefixes
            .iter()
            .any(|q| p.starts_with(q.as_str()) || q.starts_with(p.as_str()))
    });
    !(exact_in(a, b) || exact_in(b, a) || prefixes_meet)
}

fn op_name(op: Op) -> &'static str {
    match op {
        Op::Eq => "eq",
        Op::Ne => "ne",
        Op::Lt => "lt",
        Op::Le => "le",
        Op::Gt => "gt",
        Op::Ge => "ge",
    }
}

/// A condition in short YAML-like form, for messages.
fn show(p: &Pred) -> String {
    match p {
        Pred::Present(f) => format!("present: {}", f.name()),
        Pred::Not(x) => match &**x {
            Pred::Present(f) => format!("absent: {}", f.name()),
            other => format!("not: {}", show(other)),
        },
        Pred::Compare { field, op, right } => {
            let right = match right {
                Operand::Number(n) => format_number(*n),
                Operand::Text(t) => format!("\"{t}\""),
                Operand::Date(d) => d.to_string(),
                Operand::Field(f) => f.name().to_string(),
            };
            format!("compare: {} {} {right}", field.name(), op_name(*op))
        }
        Pred::OneOf { field, values } => {
            format!("one_of: {} [{}]", field.name(), values.join(", "))
        }
        Pred::Codes { field, list } => format!("codes: {} [{}]", field.name(), show_list(list)),
        Pred::Regex { field, re } => format!("regex: {} {}", field.name(), re.as_str()),
        Pred::All(_) => "all: …".into(),
        Pred::Any(_) => "any: …".into(),
        Pred::AnyLine(_) => "any_line: …".into(),
        Pred::AllLines(_) => "all_lines: …".into(),
        Pred::AnyDiagnosis(_) => "any_diagnosis: …".into(),
        Pred::PointedDiagnosis(_) => "pointed_diagnosis: …".into(),
        Pred::Count { .. } => "count: …".into(),
        Pred::DaysBetween {
            from,
            to,
            op,
            value,
        } => format!(
            "days_between: {} {} {} {value}",
            from.name(),
            to.name(),
            op_name(*op)
        ),
        Pred::Codeset { field, system, .. } => {
            format!("codeset: {} {}", field.name(), system.name())
        }
        Pred::AgeConflict(f) => format!("age_conflict: {}", f.name()),
        Pred::SexConflict(f) => format!("sex_conflict: {}", f.name()),
        Pred::Excludes1 { field, other } => {
            format!("excludes1: {} {}", field.name(), other.name())
        }
        Pred::PtpEdit {
            column1, column2, ..
        } => format!("ptp_edit: {} {}", column1.name(), column2.name()),
        Pred::MueExceeded { field, .. } => format!("mue_exceeded: {}", field.name()),
        Pred::AddonWithoutPrimary(f) => format!("addon_without_primary: {}", f.name()),
        Pred::Same(_) => "same: …".into(),
        Pred::BadNpi(f) => format!("bad_check_digit: {}", f.name()),
    }
}

/// Up to four patterns of a list, sorted, then how many more.
fn show_list(l: &CodeList) -> String {
    let mut v: Vec<String> = l.exact.iter().cloned().collect();
    v.sort();
    v.extend(
        l.prefixes
            .iter()
            .map(|p| CodePattern::Prefix(p.clone()).to_string()),
    );
    v.extend(
        l.ranges
            .iter()
            .map(|(a, b)| CodePattern::Range(a.clone(), b.clone()).to_string()),
    );
    let more = v.len().saturating_sub(4);
    v.truncate(4);
    if more > 0 {
        v.push(format!("… {more} more"));
    }
    v.join(", ")
}

/// A later rule that iterates, scopes and tests exactly as an earlier one, with the same
/// category and overlapping effective dates, reports every finding twice.
fn shadowed(set: &RuleSet, out: &mut Vec<Diagnostic>) {
    use super::compile::RuleStatus::Removed;
    let live: Vec<&Rule> = set.rules.iter().filter(|r| r.status != Removed).collect();
    for (j, b) in live.iter().enumerate() {
        let earlier = live.get(..j).unwrap_or_default().iter().find(|a| {
            a.each == b.each
                && a.category == b.category
                && a.scope == b.scope
                && windows_overlap(a, b)
                && a.when == b.when
        });
        if let Some(a) = earlier {
            out.push(warning(
                b,
                b.when_line,
                1,
                Code::Shadowed,
                format!(
                    "rule `{}` repeats rule `{}` ({}:{}): same `each`, scope, category and `when`",
                    b.id, a.id, a.source.file, a.source.line
                ),
                Some(format!(
                    "both fire on the same claims, so every finding is reported twice; delete one, or mark `{}` `status: removed`",
                    b.id
                )),
            ));
        }
    }
}

fn windows_overlap(a: &Rule, b: &Rule) -> bool {
    let starts_before_end = |x: &Rule, y: &Rule| match (x.effective_from, y.effective_to) {
        (Some(from), Some(to)) => from <= to,
        _ => true,
    };
    starts_before_end(a, b) && starts_before_end(b, a)
}

/// The letters before an id's number: `ICD` of `ICD002`.
fn id_prefix_of(id: &str) -> &str {
    id.trim_end_matches(|c: char| c.is_ascii_digit())
}

/// Rules of one pack share an id prefix (`ICD…` in `icd10cm`); a rule whose prefix differs
/// from the pack's most common one (the first seen, on a tie) is flagged.
fn id_prefix(set: &RuleSet, out: &mut Vec<Diagnostic>) {
    let mut packs: Vec<(&str, Vec<&Rule>)> = Vec::new();
    for r in &set.rules {
        match packs.iter_mut().find(|(p, _)| *p == &*r.pack) {
            Some((_, v)) => v.push(r),
            None => packs.push((&r.pack, vec![r])),
        }
    }
    for (pack, rules) in packs {
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for r in &rules {
            let p = id_prefix_of(&r.id);
            match counts.iter_mut().find(|(q, _)| *q == p) {
                Some((_, n)) => *n += 1,
                None => counts.push((p, 1)),
            }
        }
        // `max_by_key` keeps the last maximum; reversing keeps the first seen on a tie.
        let Some(&(main, _)) = counts.iter().rev().max_by_key(|(_, n)| *n) else {
            continue;
        };
        if counts.len() < 2 {
            continue;
        }
        let numbers: HashMap<&str, (u64, usize)> = rules
            .iter()
            .filter(|r| id_prefix_of(&r.id) == main)
            .filter_map(|r| {
                let digits = r.id.get(main.len()..)?;
                Some((&*r.id, (digits.parse().ok()?, digits.len())))
            })
            .collect();
        let (next, width) = numbers
            .values()
            .fold((0, 3), |(n, w), (m, d)| (n.max(*m), w.max(*d)));
        for r in rules.iter().filter(|r| id_prefix_of(&r.id) != main) {
            out.push(warning(
                r,
                r.source.line,
                r.id_column,
                Code::IdPrefix,
                format!(
                    "rule id `{}` does not start with `{main}`, the prefix of the other rules in pack `{pack}`",
                    r.id
                ),
                Some(format!(
                    "use the pack's prefix and its next free number, `{main}{:0width$}`, or move the rule to its own pack",
                    next + 1
                )),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codeset::CodeSets;
    use crate::rules::compile::{RuleFile, load};

    /// Lint codes for rules written as `(path, when-block)` with `each: line`.
    fn lint_codes(rules: &[(&str, &str, &str)]) -> Vec<(String, &'static str, String)> {
        let files: Vec<RuleFile> = rules
            .iter()
            .map(|(path, id, when)| RuleFile {
                path: (*path).into(),
                text: format!(
                    "id: {id}\nname: t\ntitle: t\nseverity: warning\ncategory: invalid-code\ncarc: CO-16\neach: line\nwhen:\n{when}\nmessage: m\nhelp: h\ndocs: d\n"
                ),
            })
            .collect();
        let (set, diags) = load(&files, &|_| None, &CodeSets::default());
        let Some(set) = set else {
            panic!("{diags:#?}");
        };
        lint(&set)
            .into_iter()
            .map(|d| (d.file.to_string(), d.code.as_str(), d.message))
            .collect()
    }

    fn fires(when: &str) -> Vec<&'static str> {
        lint_codes(&[("p/a.yaml", "TST001", when)])
            .into_iter()
            .map(|(_, c, _)| c)
            .collect()
    }

    #[test]
    fn contradictions_are_found() {
        let never = [
            // X and not X
            "  all:\n    - regex: { field: line.procedure, pattern: '^9' }\n    - not:\n        regex: { field: line.procedure, pattern: '^9' }",
            // present and absent
            "  all:\n    - present: line.units\n    - absent: line.units",
            // ranges that cannot meet
            "  all:\n    - compare: { field: line.units, op: gt, value: 5 }\n    - compare: { field: line.units, op: lt, value: 3 }",
            "  all:\n    - compare: { field: line.units, op: ge, value: 5 }\n    - compare: { field: line.units, op: lt, value: 5 }",
            "  all:\n    - compare: { field: line.place_of_service, op: eq, value: '11' }\n    - compare: { field: line.place_of_service, op: eq, value: '22' }",
            "  all:\n    - compare: { field: line.from, op: lt, value: 2024-01-01 }\n    - compare: { field: line.from, op: gt, value: 2024-06-01 }",
            "  all:\n    - compare: { field: line.from, op: lt, to: line.to }\n    - compare: { field: line.from, op: ge, to: line.to }",
            // disjoint code lists, nested all
            "  all:\n    - codes: { field: line.procedure, in: [G0103] }\n    - all:\n        - codes: { field: line.procedure, in: [G0008, J1*] }",
            // disjoint one_of
            "  all:\n    - one_of: { field: line.place_of_service, values: ['02', '10'] }\n    - one_of: { field: line.place_of_service, values: ['11'] }",
            // inside a quantifier, and every branch of an any
            "  any_line:\n    all:\n      - present: line.units\n      - absent: line.units",
            "  any:\n    - all: [present: line.units, absent: line.units]\n    - all: [present: line.charge, absent: line.charge]",
        ];
        for w in never {
            assert_eq!(fires(w), ["never-fires"], "{w}");
        }
    }

    #[test]
    fn satisfiable_conditions_are_not_flagged() {
        let fine = [
            "  all:\n    - compare: { field: line.units, op: gt, value: 3 }\n    - compare: { field: line.units, op: lt, value: 5 }",
            "  all:\n    - compare: { field: line.units, op: ge, value: 5 }\n    - compare: { field: line.units, op: le, value: 5 }",
            "  all:\n    - compare: { field: line.units, op: ne, value: 5 }\n    - compare: { field: line.units, op: lt, value: 3 }",
            "  all:\n    - codes: { field: line.procedure, in: [G0103] }\n    - codes: { field: line.procedure, in: [G01*] }",
            "  all:\n    - codes: { field: line.procedure, in: [G0103] }\n    - codes: { field: line.procedure, in: [G0001-G0999] }",
            // list fields: any element matches, so two different modifiers can both be there
            "  all:\n    - one_of: { field: line.modifiers, values: ['25'] }\n    - one_of: { field: line.modifiers, values: ['59'] }",
            "  any:\n    - all: [present: line.units, absent: line.units]\n    - present: line.charge",
            "  all:\n    - present: line.units\n    - not:\n        compare: { field: line.units, op: gt, value: 3 }",
        ];
        for w in fine {
            assert!(fires(w).is_empty(), "{w}: {:?}", fires(w));
        }
    }

    #[test]
    fn a_repeated_rule_is_shadowed_and_a_foreign_prefix_flagged() {
        let when = "  present: line.units";
        let found = lint_codes(&[
            ("p/a.yaml", "TST001", when),
            ("p/b.yaml", "TST002", "  present: line.charge"),
            ("p/c.yaml", "TST003", when),
            ("p/d.yaml", "XYZ001", "  present: line.from"),
        ]);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(found[0].0, "p/c.yaml");
        assert_eq!(found[0].1, "shadowed");
        assert!(
            found[0].2.contains("`TST001` (p/a.yaml:1)"),
            "{}",
            found[0].2
        );
        assert_eq!((found[1].0.as_str(), found[1].1), ("p/d.yaml", "id-prefix"));
    }
}
