//! What every condition file uses.

pub(crate) use schemars::JsonSchema;
pub(crate) use serde::Deserialize;

pub(crate) use super::env::Env;
pub(crate) use super::facts::{Fact, Facts};
pub(crate) use super::{Cond, Condition, Pred};
pub(crate) use crate::codeset::CodeSets;
pub(crate) use crate::rules::compile::{Lower, did_you_mean, did_you_mean_or_list};
pub(crate) use crate::rules::diagnostic::Code;
pub(crate) use crate::rules::field::{Field, Kind, Needs, Scope, Value};
pub(crate) use crate::rules::schema::{Sp, Span};

/// The text values of a field: one for text, each element for a list, none otherwise.
/// An iterator, not a `Vec`: it runs for every condition on every item.
pub(crate) fn text_values<'a>(v: &Value<'a>) -> TextValues<'a> {
    match v {
        Value::Text(s) => TextValues::One(Some(s)),
        Value::TextList(l) => TextValues::List(l.iter()),
        _ => TextValues::One(None),
    }
}

/// The iterator of [`text_values`].
pub(crate) enum TextValues<'a> {
    /// A text field: its value, once.
    One(Option<&'a str>),
    /// A list field: each element.
    List(std::slice::Iter<'a, String>),
}

impl<'a> Iterator for TextValues<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        match self {
            TextValues::One(v) => v.take(),
            TextValues::List(l) => l.next().map(String::as_str),
        }
    }
}

/// Text and list-of-text fields, the kinds most conditions read.
pub(crate) const TEXTS: &[Kind] = &[Kind::Text, Kind::TextList];

/// A unit-test harness: compile one condition in a rule iterating `each` and evaluate it on
/// a claim given as JSON, with the built-in code sets.
#[cfg(test)]
pub(crate) mod harness {
    use std::sync::Arc;

    use crate::claim::Claim;
    use crate::codeset::CodeSets;
    use crate::rules::compile::{RuleFile, load};
    use crate::rules::field::Scope;
    use crate::rules::ir::Rule;

    use super::{Env, Facts};

    /// Built-in code sets, loaded once.
    pub fn codesets() -> Arc<CodeSets> {
        static SETS: std::sync::OnceLock<Arc<CodeSets>> = std::sync::OnceLock::new();
        SETS.get_or_init(|| Arc::new(CodeSets::builtin().unwrap_or_default()))
            .clone()
    }

    /// Compile a rule with this `when:` block (YAML, indented two spaces) over `each`, or
    /// the diagnostics' codes and messages when it does not compile.
    pub fn rule(each: &str, when: &str, message: &str) -> Result<Rule, Vec<String>> {
        let text = format!(
            "id: TST001\nname: t\ntitle: t\nseverity: error\ncategory: invalid-value\ncarc: CO-16\neach: {each}\nwhen:\n{when}\nmessage: \"{message}\"\nhelp: h\n"
        );
        let (set, diags) = load(
            &[RuleFile {
                path: "t/t.yaml".into(),
                text,
            }],
            &|_| None,
            &codesets(),
        );
        match set.and_then(|s| s.rules.into_iter().next()) {
            Some(r) => Ok(r),
            None => Err(diags
                .iter()
                .map(|d| format!("{}: {}", d.code, d.message))
                .collect()),
        }
    }

    /// Evaluate the rule's condition over its iteration on a JSON claim: for each item, did
    /// it hold, with the facts it set.
    pub fn eval(rule: &Rule, claim: &str) -> Vec<(bool, Facts)> {
        let mut claim: Claim = serde_json::from_str(claim).expect("a JSON claim");
        claim.normalize();
        let sets = codesets();
        let env = Env::new(&sets, jiff::civil::date(2026, 7, 1));
        let mut out = Vec::new();
        rule.each.scopes(&Scope::new(&claim), |s| {
            let mut facts = Facts::default();
            let held = rule.when.eval(&env, &s, &mut facts);
            out.push((held, facts));
        });
        out
    }

    /// Whether the condition held on each item of the iteration.
    pub fn holds(each: &str, when: &str, claim: &str) -> Vec<bool> {
        match rule(each, when, "m") {
            Ok(r) => eval(&r, claim).into_iter().map(|(h, _)| h).collect(),
            Err(d) => panic!("{d:?}"),
        }
    }
}
