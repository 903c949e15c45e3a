//! Lint checks on a compiled rule set, beyond what compiling already refuses: documentation
//! and denial codes a biller needs, conditions that can never hold, rules that repeat an
//! earlier rule, and ids that break their pack's prefix.
//!
//! Every check of [`lint`] is a warning: the rules run, but are not fit to ship. Checks that
//! need the span of a single value (listed codes) live in the compiler. [`builtin_ids`] is the
//! exception, an error: it reports what `check --rules` would refuse.

use std::collections::HashMap;
use std::sync::Arc;

use crate::finding::Severity;
use crate::rules::compile::{Code, Diagnostic, Rule, RuleFile, RuleSet};
use crate::rules::schema::{self, RuleDoc, Sp, Span};

/// Warnings about rules that compile but are not fit to ship.
pub fn lint(set: &RuleSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for r in &set.rules {
        let mut warn = |code: Code, message: String, help: Option<String>| {
            out.push(warning(r, Span::new(r.source.line, 1), code, message, help));
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
        if let Some(why) = r.when.never() {
            out.push(warning(
                r,
                Span::new(r.when_line, 1),
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

/// Errors for user rules whose id a built-in rule already uses: `check --rules DIR` loads the
/// built-in packs first and refuses a later rule with a used id (`duplicate-id`), so lint says
/// so before check does. Like check, it reads ids from every file that parses as a rule, even
/// one that does not compile.
pub fn builtin_ids(user: &[RuleFile], builtin: &[RuleFile]) -> Vec<Diagnostic> {
    let taken: HashMap<String, (Arc<str>, bool)> = rule_ids(builtin)
        .map(|(path, id, removed)| (id.value, (path, removed)))
        .collect();
    rule_ids(user)
        .filter_map(|(path, id, _)| {
            let (prev, removed) = taken.get(&id.value)?;
            let whose = if *removed {
                "a removed built-in rule"
            } else {
                "a built-in rule"
            };
            let message = format!(
                "rule id `{}` is already used by {whose} in `{prev}`; `check --rules` refuses it",
                id.value
            );
            let help = "pick an id outside the built-in packs; or, if these rules run with \
                        `check --no-default-rules`, lint with `--no-default-rules` too";
            Some(
                Diagnostic::error(
                    path,
                    Span::new(id.line, id.column),
                    Code::BuiltinId,
                    message,
                )
                .with_help(Some(help.into())),
            )
        })
        .collect()
}

/// The file, id and removed status of every file that parses as a rule, as the compiler reads
/// them before compiling.
fn rule_ids(files: &[RuleFile]) -> impl Iterator<Item = (Arc<str>, Sp<String>, bool)> + '_ {
    files
        .iter()
        .filter(|f| !(f.path.ends_with("/pack.yaml") || &*f.path == "pack.yaml"))
        .filter_map(|f| {
            let doc = schema::from_yaml::<RuleDoc>(&f.text).ok()?;
            let removed = doc.status.as_ref().is_some_and(|s| s.value == "removed");
            Some((f.path.clone(), doc.id, removed))
        })
}

fn warning(r: &Rule, at: Span, code: Code, message: String, help: Option<String>) -> Diagnostic {
    Diagnostic::warning(r.source.file.clone(), at, code, message).with_help(help)
}

/// A later rule that iterates, scopes and tests exactly as an earlier one, with the same
/// category and overlapping effective dates, reports every finding twice.
fn shadowed(set: &RuleSet, out: &mut Vec<Diagnostic>) {
    use crate::rules::compile::RuleStatus::Removed;
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
            out.push(warning(b, Span::new(b.when_line, 1), Code::Shadowed, format!(
                    "rule `{}` repeats rule `{}` ({}:{}): same `each`, scope, category and `when`",
                    b.id, a.id, a.source.file, a.source.line
                ), Some(format!(
                    "both fire on the same claims, so every finding is reported twice; delete one, or mark `{}` `status: removed`",
                    b.id
                ))));
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
            out.push(warning(r, Span::new(r.source.line, r.id_column), Code::IdPrefix, format!(
                    "rule id `{}` does not start with `{main}`, the prefix of the other rules in pack `{pack}`",
                    r.id
                ), Some(format!(
                    "use the pack's prefix and its next free number, `{main}{:0width$}`, or move the rule to its own pack",
                    next + 1
                ))));
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
