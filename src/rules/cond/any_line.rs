//! `any_line`: some service line satisfies the condition.

use super::prelude::*;
use crate::rules::index::Trigger;
use crate::rules::ir::Each;

/// Some service line satisfies the condition.
#[derive(Debug, Clone, PartialEq)]
pub struct AnyLine {
    /// Tested with each line bound.
    pub inner: Box<Pred>,
}

impl Condition for AnyLine {
    type Doc = Box<Sp<Cond>>;
    const DESCRIPTION: &'static str = "Some service line satisfies the condition.";

    fn compile(doc: &Self::Doc, _at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        Some(AnyLine {
            inner: cx.sub(doc, bound, &[Needs::Line])?,
        })
    }

    #[inline]
    fn eval(&self, env: &Env<'_>, s: &Scope<'_>, facts: &mut Facts) -> bool {
        s.any_line(|s| self.inner.eval(env, s, facts))
    }

    fn show(&self) -> String {
        "any_line: …".into()
    }

    fn possible(&self, sets: &CodeSets) -> bool {
        self.inner.possible(sets)
    }

    fn children(&self) -> &[Pred] {
        std::slice::from_ref(&*self.inner)
    }

    fn trigger(&self, _each: Each) -> Option<Trigger> {
        self.inner.trigger(Each::Line)
    }

    fn never(&self) -> Option<String> {
        self.inner.never()
    }
}

#[cfg(test)]
mod tests {
    use super::super::prelude::harness::holds;

    #[test]
    fn some_line() {
        let w = "  any_line:\n    codes: { field: line.procedure, in: [G0103] }";
        let yes = r#"{"id":"c","lines":[{"procedure":"99213"},{"procedure":"G0103"}]}"#;
        let no = r#"{"id":"c","lines":[{"procedure":"99213"}]}"#;
        assert_eq!(holds("claim", w, yes), [true]);
        assert_eq!(holds("claim", w, no), [false]);
    }
}
