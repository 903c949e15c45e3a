//! `pointed_diagnosis`: some diagnosis the current line points at satisfies the condition.

use super::prelude::*;
use crate::rules::index::Trigger;
use crate::rules::ir::Each;

/// Some diagnosis the current line points at satisfies the condition.
#[derive(Debug, Clone, PartialEq)]
pub struct PointedDiagnosis {
    /// Tested with each pointed diagnosis bound.
    pub inner: Box<Pred>,
}

impl Condition for PointedDiagnosis {
    type Doc = Box<Sp<Cond>>;
    const DESCRIPTION: &'static str =
        "Some diagnosis the current line points at satisfies the condition.";

    fn compile(doc: &Self::Doc, at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        if !bound.contains(&Needs::Line) {
            cx.err(
                at,
                Code::FieldOutOfScope,
                "`pointed_diagnosis` needs a service line".into(),
                Some("use it with `each: line` or inside `any_line`".into()),
            );
        }
        Some(PointedDiagnosis {
            inner: cx.sub(doc, bound, &[Needs::Dx])?,
        })
    }

    #[inline]
    fn eval(&self, env: &Env<'_>, s: &Scope<'_>, facts: &mut Facts) -> bool {
        let Some((_, line)) = s.line else {
            return false;
        };
        line.diagnosis_pointers.iter().any(|p| {
            let i = (*p as usize).wrapping_sub(1);
            s.claim
                .diagnoses
                .get(i)
                .is_some_and(|d| self.inner.eval(env, &s.with_dx(i, d), facts))
        })
    }

    fn show(&self) -> String {
        "pointed_diagnosis: …".into()
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
    use super::super::prelude::harness::{holds, rule};

    #[test]
    fn only_the_pointed_diagnoses() {
        let w = "  pointed_diagnosis:\n    codes: { field: dx.code, in: [I10] }";
        let claim = r#"{"id":"c","diagnoses":[{"code":"E11.9"},{"code":"I10"}],"lines":[{"diagnosis_pointers":[1]},{"diagnosis_pointers":[1,2]},{"diagnosis_pointers":[9]}]}"#;
        assert_eq!(holds("line", w, claim), [false, true, false]);
    }

    #[test]
    fn needs_a_line() {
        let e = rule("claim", "  pointed_diagnosis:\n    present: dx.code", "m").unwrap_err();
        assert!(e[0].starts_with("field-out-of-scope"), "{e:?}");
    }
}
