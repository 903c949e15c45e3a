//! `any_diagnosis`: some diagnosis of the claim satisfies the condition.

use super::prelude::*;
use crate::rules::index::Trigger;
use crate::rules::ir::Each;

/// Some diagnosis satisfies the condition.
#[derive(Debug, Clone, PartialEq)]
pub struct AnyDiagnosis {
    /// Tested with each diagnosis bound.
    pub inner: Box<Pred>,
}

impl Condition for AnyDiagnosis {
    type Doc = Box<Sp<Cond>>;
    const DESCRIPTION: &'static str = "Some diagnosis satisfies the condition.";

    fn compile(doc: &Self::Doc, _at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        Some(AnyDiagnosis {
            inner: cx.sub(doc, bound, &[Needs::Dx])?,
        })
    }

    #[inline]
    fn eval(&self, env: &Env<'_>, s: &Scope<'_>, facts: &mut Facts) -> bool {
        s.any_dx(|s| self.inner.eval(env, s, facts))
    }

    fn show(&self) -> String {
        "any_diagnosis: …".into()
    }

    fn possible(&self, sets: &CodeSets) -> bool {
        self.inner.possible(sets)
    }

    fn children(&self) -> &[Pred] {
        std::slice::from_ref(&*self.inner)
    }

    fn trigger(&self, _each: Each) -> Option<Trigger> {
        self.inner.trigger(Each::Diagnosis)
    }

    fn never(&self) -> Option<String> {
        self.inner.never()
    }
}

#[cfg(test)]
mod tests {
    use super::super::prelude::harness::holds;

    #[test]
    fn some_diagnosis() {
        let w = "  any_diagnosis:\n    codes: { field: dx.code, in: [I10] }";
        let claim = r#"{"id":"c","diagnoses":[{"code":"E11.9"},{"code":"I10"}]}"#;
        assert_eq!(holds("claim", w, claim), [true]);
        let claim = r#"{"id":"c","diagnoses":[{"code":"E11.9"}]}"#;
        assert_eq!(holds("claim", w, claim), [false]);
    }
}
