//! `all`: every sub-condition holds.

use super::prelude::*;
use crate::rules::index::Trigger;
use crate::rules::ir::Each;

/// Every sub-condition holds.
#[derive(Debug, Clone, PartialEq)]
pub struct All {
    /// The sub-conditions, as written.
    pub parts: Vec<Pred>,
}

/// Reports an empty `all` or `any` at its position; the caller still builds the (empty)
/// condition so the rest of the rule is checked.
pub(crate) fn compile_list(
    doc: &[Sp<Cond>],
    at: Span,
    cx: &mut Lower<'_>,
    bound: &[Needs],
) -> Option<Vec<Pred>> {
    if doc.is_empty() {
        cx.err(
            at,
            Code::EmptyCondition,
            "an empty `all` or `any` list".into(),
            None,
        );
    }
    let parts: Vec<Option<Pred>> = doc.iter().map(|x| cx.cond(x, bound)).collect();
    parts.into_iter().collect()
}

impl Condition for All {
    type Doc = Vec<Sp<Cond>>;
    const DESCRIPTION: &'static str = "Every sub-condition holds.";

    fn compile(doc: &Self::Doc, at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        Some(All {
            parts: compile_list(doc, at, cx, bound)?,
        })
    }

    #[inline]
    fn eval(&self, env: &Env<'_>, s: &Scope<'_>, facts: &mut Facts) -> bool {
        self.parts.iter().all(|x| x.eval(env, s, facts))
    }

    fn show(&self) -> String {
        "all: …".into()
    }

    fn possible(&self, sets: &CodeSets) -> bool {
        self.parts.iter().all(|x| x.possible(sets))
    }

    fn children(&self) -> &[Pred] {
        &self.parts
    }

    fn trigger(&self, each: Each) -> Option<Trigger> {
        self.parts.iter().find_map(|x| x.trigger(each))
    }

    fn never(&self) -> Option<String> {
        let mut parts = Vec::new();
        conjuncts(&self.parts, &mut parts);
        if let Some(why) = parts.iter().find_map(|x| x.never()) {
            return Some(why);
        }
        parts.iter().enumerate().find_map(|(i, a)| {
            parts
                .get(i + 1..)
                .unwrap_or_default()
                .iter()
                .find_map(|b| a.clash(b))
        })
    }
}

/// The conditions of nested `all`s, flattened.
fn conjuncts<'a>(parts: &'a [Pred], out: &mut Vec<&'a Pred>) {
    for p in parts {
        match p {
            Pred::All(a) => conjuncts(&a.parts, out),
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::prelude::harness::{holds, rule};

    const CLAIM: &str =
        r#"{"id":"c","lines":[{"procedure":"99213","units":2},{"procedure":"G0103"}]}"#;

    #[test]
    fn holds_when_every_part_holds() {
        let when = "  all:\n    - present: line.units\n    - codes: { field: line.procedure, in: [99213] }";
        assert_eq!(holds("line", when, CLAIM), [true, false]);
    }

    #[test]
    fn an_empty_list_is_refused() {
        let e = rule("line", "  all: []", "m").unwrap_err();
        assert!(e[0].starts_with("empty-condition"), "{e:?}");
    }
}
