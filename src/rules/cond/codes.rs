//! `codes`: the code is in a list of codes, prefixes (`M81.*`, `O24.4-`) and ranges
//! (`E08-E13`), written inline or in a file beside the rule. The listed codes are checked
//! against the code set the list names, as of the rule's effective window.

use std::collections::HashSet;
use std::sync::Arc;

use jiff::civil::Date;

use super::prelude::*;
use crate::codeset::{CodePattern, System, Validity};
use crate::rules::compile::resolve_relative;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::index::Trigger;
use crate::rules::ir::Each;
use crate::rules::schema::Span;

/// What a rule writes under `codes`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CodesDoc {
    /// The field read.
    pub field: Sp<String>,
    /// Codes, prefixes and ranges.
    #[serde(default, rename = "in")]
    pub codes: Option<Vec<Sp<String>>>,
    /// A code-list file beside the rule: one code, prefix or range a line, `#` comments.
    #[serde(default)]
    pub file: Option<Sp<String>>,
    /// Code system the list is in, to check the listed codes exist (lint).
    #[serde(default)]
    pub system: Option<Sp<String>>,
}

/// A list of code patterns, matched exactly by hash and by prefix or range otherwise.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CodeList {
    /// Whole codes.
    pub exact: HashSet<String>,
    /// Prefixes (`M81`).
    pub prefixes: Vec<String>,
    /// Inclusive ranges (`E08`, `E13`).
    pub ranges: Vec<(String, String)>,
}

impl CodeList {
    /// Does the code match a pattern of the list?
    pub fn matches(&self, code: &str) -> bool {
        self.exact.contains(code)
            || self.prefixes.iter().any(|p| code.starts_with(p.as_str()))
            || self
                .ranges
                .iter()
                .any(|(a, b)| crate::codeset::range_matches(a, b, code))
    }

    pub(crate) fn push(&mut self, p: CodePattern) {
        match p {
            CodePattern::Exact(c) => {
                self.exact.insert(c);
            }
            CodePattern::Prefix(p) => self.prefixes.push(p),
            CodePattern::Range(a, b) => self.ranges.push((a, b)),
        }
    }

    fn extend(&mut self, other: &CodeList) {
        self.exact.extend(other.exact.iter().cloned());
        self.prefixes.extend(other.prefixes.iter().cloned());
        self.ranges.extend(other.ranges.iter().cloned());
    }

    /// Patterns in the list.
    pub fn len(&self) -> usize {
        self.exact.len() + self.prefixes.len() + self.ranges.len()
    }

    /// No patterns at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Can no code be in both lists? Ranges are assumed to overlap anything (not checked).
    fn disjoint(&self, other: &CodeList) -> bool {
        if !self.ranges.is_empty() || !other.ranges.is_empty() {
            return false;
        }
        let exact_in = |x: &CodeList, y: &CodeList| x.exact.iter().any(|c| y.matches(c));
        let prefixes_meet = self.prefixes.iter().any(|p| {
            other
                .prefixes
                .iter()
                .any(|q| p.starts_with(q.as_str()) || q.starts_with(p.as_str()))
        });
        !(exact_in(self, other) || exact_in(other, self) || prefixes_meet)
    }

    /// Up to four patterns, sorted, then how many more.
    fn show(&self) -> String {
        let mut v: Vec<String> = self.exact.iter().cloned().collect();
        v.sort();
        v.extend(
            self.prefixes
                .iter()
                .map(|p| CodePattern::Prefix(p.clone()).to_string()),
        );
        v.extend(
            self.ranges
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
}

/// The code is in a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Codes {
    /// The field read.
    pub field: Field,
    /// The patterns, shared between rules that read the same list file.
    pub list: Arc<CodeList>,
}

impl Condition for Codes {
    type Doc = CodesDoc;
    const DESCRIPTION: &'static str = "The code is in a list: codes, prefixes (`M81.*`, `O24.4-`) and ranges (`E08-E13`), inline or from a file beside the rule.";

    fn compile(x: &Self::Doc, _at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        let field = cx.field_kind(&x.field, bound, TEXTS);
        let system = x.system.as_ref().and_then(|s| cx.system(s));
        let list = code_list(cx, x, system);
        Some(Codes {
            field: field?,
            list: list?,
        })
    }

    #[inline]
    fn eval(&self, _env: &Env<'_>, s: &Scope<'_>, _facts: &mut Facts) -> bool {
        text_values(&self.field.get(s)).any(|v| self.list.matches(v))
    }

    fn show(&self) -> String {
        format!("codes: {} [{}]", self.field.name(), self.list.show())
    }

    /// A list of exact codes and prefixes on the iterated procedure or diagnosis.
    fn trigger(&self, each: Each) -> Option<Trigger> {
        if !self.list.ranges.is_empty() || self.list.is_empty() {
            return None;
        }
        let list = self.list.clone();
        match self.field {
            Field::Procedure
                if matches!(
                    each,
                    Each::Line | Each::LinePair | Each::Modifier | Each::Pointer
                ) =>
            {
                Some(Trigger::Proc(list))
            }
            Field::OtherProcedure if each == Each::LinePair => Some(Trigger::Proc(list)),
            Field::DxCode if matches!(each, Each::Diagnosis | Each::DiagnosisPair) => {
                Some(Trigger::Dx(list))
            }
            Field::OtherDxCode if each == Each::DiagnosisPair => Some(Trigger::Dx(list)),
            _ => None,
        }
    }

    fn clash(&self, other: &Self) -> Option<&'static str> {
        (self.field == other.field && self.field.is_scalar() && self.list.disjoint(&other.list))
            .then_some("have no code in common")
    }
}

/// The list of a `codes` condition, inline and from its file; `None` after an error.
fn code_list(cx: &mut Lower<'_>, x: &CodesDoc, system: Option<System>) -> Option<Arc<CodeList>> {
    let mut list = CodeList::default();
    let mut ok = true;
    for c in x.codes.iter().flatten() {
        match CodePattern::parse(&c.value) {
            Some(p) => {
                check_listed(cx, c, &p, system);
                list.push(p);
            }
            None => {
                let (message, help) = match backwards_range(&c.value) {
                    Some((lo, hi)) => (
                        format!("range `{}` runs backwards", c.value),
                        Some(format!("write the low end first: `{lo}-{hi}`")),
                    ),
                    None => (
                        format!(
                            "`{}` is not a code, prefix (`M81.*`) or range (`E08-E13`)",
                            c.value
                        ),
                        None,
                    ),
                };
                cx.err(c, Code::BadCode, message, help);
                ok = false;
            }
        }
    }
    if let Some(file) = &x.file {
        let key = resolve_relative(&cx.file, &file.value);
        match list_file(cx, &key) {
            Some(Ok(from_file)) => list.extend(&from_file),
            Some(Err(())) => ok = false,
            None => {
                cx.err(
                    file,
                    Code::MissingList,
                    format!("code-list file `{}` not found", file.value),
                    Some(format!("looked for `{key}`")),
                );
                ok = false;
            }
        }
    }
    if list.is_empty() && ok {
        cx.err(
            &x.field,
            Code::EmptyList,
            "a `codes` condition with no codes".into(),
            Some("give `in:` or `file:`".into()),
        );
        ok = false;
    }
    ok.then(|| Arc::new(list))
}

/// A code-list file, read once per compile: `None` when missing, `Err` after reporting
/// bad lines at their file:line.
fn list_file(cx: &mut Lower<'_>, key: &str) -> Option<Result<Arc<CodeList>, ()>> {
    if let Some(l) = cx.lists.get(key) {
        return Some(Ok(l.clone()));
    }
    let text = (cx.read_list)(key)?;
    let mut from_file = CodeList::default();
    let mut ok = true;
    for (n, line) in text.lines().enumerate() {
        let code = line.split(['#', '\t']).next().unwrap_or("").trim();
        if code.is_empty() {
            continue;
        }
        match CodePattern::parse(code) {
            Some(p) => from_file.push(p),
            None => {
                cx.diags.push(Diagnostic::error(
                    Arc::from(key),
                    Span::new(n as u32 + 1, 1),
                    Code::BadCode,
                    format!("`{code}` is not a code, prefix or range"),
                ));
                ok = false;
            }
        }
    }
    let from_file = Arc::new(from_file);
    cx.lists.insert(key.to_string(), from_file.clone());
    Some(if ok { Ok(from_file) } else { Err(()) })
}

/// A listed code must exist in its code set (when that set is loaded); an exact code
/// should be billable and valid within the rule's effective window.
fn check_listed(cx: &mut Lower<'_>, at: &Sp<String>, p: &CodePattern, system: Option<System>) {
    let Some(set) = system.and_then(|s| cx.codesets.get(s)) else {
        return;
    };
    if let CodePattern::Exact(c) = p
        && let Some(record) = set.get(c)
    {
        let sys = set.system().name();
        // A code can be billable in one year and a header in another (`A047`): judge it
        // where the rule's window starts, else as it stands now.
        let start = cx.window.and_then(|(from, to)| from.or(to));
        let billable = match start {
            Some(d) => set.lookup(c, d).record.is_none_or(|r| r.billable),
            None => record.billable,
        };
        if !billable {
            let children = set.children(c, start);
            let mut example: Vec<String> =
                children.iter().take(3).map(|x| format!("`{x}`")).collect();
            if children.len() > 3 {
                example.push(format!("… {} in all", children.len()));
            }
            let help = if example.is_empty() {
                format!("list a billable code, or the prefix `{c}.*`")
            } else {
                format!(
                    "did you mean the prefix `{c}.*`? its billable codes include {}",
                    example.join(", ")
                )
            };
            cx.warn(
                at,
                Code::ListedHeader,
                format!(
                    "`{}` is a header in {sys}, not a billable code: it matches only claims that carry the header itself",
                    at.value
                ),
                Some(help),
            );
        }
        if let Some(window) = cx.window
            && let Some((message, help)) = not_effective(&at.value, &record.validity, window, sys)
        {
            cx.warn(at, Code::ListedNotEffective, message, Some(help));
        }
        return;
    }
    let exists = match p {
        CodePattern::Exact(c) => set.contains(c),
        other => !set.matching(other).is_empty(),
    };
    if !exists {
        let help = match p {
            CodePattern::Exact(c) => {
                // `suggest` ranks nearest and same-category first; three are enough for a hint.
                let mut s = set.suggest(c, 2);
                s.truncate(3);
                (!s.is_empty()).then(|| format!("did you mean `{}`?", s.join("`, `")))
            }
            _ => None,
        };
        cx.err(
            at,
            Code::UnknownCode,
            format!("`{}` is not in {}", at.value, set.system().name()),
            help,
        );
    }
}

/// `E13-E08`: a range whose ends are codes but in the wrong order, as (low, high).
fn backwards_range(s: &str) -> Option<(String, String)> {
    let (a, b) = s.split_once('-')?;
    match (CodePattern::parse(a)?, CodePattern::parse(b)?) {
        (CodePattern::Exact(a), CodePattern::Exact(b)) if a > b => Some((b, a)),
        _ => None,
    }
}

/// A listed code that is valid nowhere in the rule's effective window: a message and help.
/// A window with an end is checked throughout; an open-ended one on its first day.
fn not_effective(
    code: &str,
    validity: &[Validity],
    (from, to): (Option<Date>, Option<Date>),
    system: &str,
) -> Option<(String, String)> {
    let (ok, when) = match (from, to) {
        (from, Some(to)) => {
            let from = from.unwrap_or(Date::MIN);
            let ok = validity
                .iter()
                .any(|v| v.from <= to && v.to.is_none_or(|end| end >= from));
            let when = if from == Date::MIN {
                format!("at any time up to {to}, the end of the rule's `effective` window")
            } else {
                format!("at any time from {from} to {to}, the rule's `effective` window")
            };
            (ok, when)
        }
        (Some(from), None) => (
            validity.iter().any(|v| v.contains(from)),
            format!("on {from}, when the rule takes effect"),
        ),
        (None, None) => return None,
    };
    if ok {
        return None;
    }
    let spans: Vec<String> = validity
        .iter()
        .map(|v| match (v.open_start(), v.to) {
            (true, Some(t)) => format!("until {t}"),
            (true, None) => "always".to_string(),
            (false, Some(t)) => format!("{} to {t}", v.from),
            (false, None) => format!("from {}", v.from),
        })
        .collect();
    Some((
        format!("`{code}` is not valid in {system} {when}"),
        format!(
            "{system} has it {}; fix the code or the `effective` dates",
            spans.join(", ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::prelude::harness::{holds, rule};
    use super::*;

    #[test]
    fn codes_prefixes_and_ranges_match() {
        let claim = r#"{"id":"c","diagnoses":[{"code":"E11.9"},{"code":"M81.0"},{"code":"E09.9"},{"code":"Z00.00"}]}"#;
        let w = "  codes: { field: dx.code, in: [E119, M81.*, E08-E10] }";
        assert_eq!(holds("diagnosis", w, claim), [true, true, true, false]);
    }

    #[test]
    fn a_backwards_range_says_so() {
        assert_eq!(
            backwards_range("E13-E08"),
            Some(("E08".to_string(), "E13".to_string()))
        );
        assert_eq!(backwards_range("E08-E13"), None);
        assert_eq!(backwards_range("E08-"), None);
        let e = rule(
            "diagnosis",
            "  codes: { field: dx.code, in: [E13-E08] }",
            "m",
        )
        .unwrap_err();
        assert_eq!(e, ["bad-code: range `E13-E08` runs backwards"]);
    }

    #[test]
    fn an_empty_list_and_a_missing_file_are_errors() {
        let e = rule("diagnosis", "  codes: { field: dx.code, in: [] }", "m").unwrap_err();
        assert!(e[0].starts_with("empty-list"), "{e:?}");
        let e = rule(
            "diagnosis",
            "  codes: { field: dx.code, file: nope.txt }",
            "m",
        )
        .unwrap_err();
        assert!(e[0].starts_with("missing-list"), "{e:?}");
    }

    #[test]
    fn exact_codes_index_the_rule_and_ranges_do_not() {
        let r = rule(
            "diagnosis",
            "  codes: { field: dx.code, in: [E119, M81.*] }",
            "m",
        )
        .unwrap();
        assert!(matches!(r.when.trigger(r.each), Some(Trigger::Dx(_))));
        let r = rule(
            "diagnosis",
            "  codes: { field: dx.code, in: [E08-E13] }",
            "m",
        )
        .unwrap();
        assert!(r.when.trigger(r.each).is_none());
    }
}
