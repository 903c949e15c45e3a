//! `any_procedure`: some ICD-10-PCS procedure of the claim satisfies the condition (the
//! code editors' "another procedure on the claim is…" tests).

use super::prelude::*;

/// Some ICD-10-PCS procedure satisfies the condition.
#[derive(Debug, Clone, PartialEq)]
pub struct AnyProcedure {
    /// Tested with each procedure bound.
    pub inner: Box<Pred>,
}

impl Condition for AnyProcedure {
    type Doc = Box<Sp<Cond>>;
    const DESCRIPTION: &'static str = "Some ICD-10-PCS procedure of the claim satisfies the condition.";

    fn compile(doc: &Self::Doc, _at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        Some(AnyProcedure {
            inner: cx.sub(doc, bound, &[Needs::Proc])?,
        })
    }

    #[inline]
    fn eval(&self, env: &Env<'_>, s: &Scope<'_>, facts: &mut Facts) -> bool {
        s.any_proc(|s| self.inner.eval(env, s, facts))
    }

    fn show(&self) -> String {
        "any_procedure: …".into()
    }

    fn possible(&self, sets: &CodeSets) -> bool {
        self.inner.possible(sets)
    }

    fn children(&self) -> &[Pred] {
        std::slice::from_ref(&*self.inner)
    }

    fn never(&self) -> Option<String> {
        self.inner.never()
    }
}

#[cfg(test)]
mod tests {
    use super::super::prelude::harness::holds;

    #[test]
    fn some_procedure() {
        let w = "  any_procedure:\n    codes: { field: procedure.code, in: [0TY00Z0] }";
        let claim = r#"{"id":"c","type":"institutional","procedures":[{"code":"0FYG0Z0"},{"code":"0TY00Z0"}]}"#;
        assert_eq!(holds("claim", w, claim), [true]);
        let claim = r#"{"id":"c","type":"institutional","procedures":[{"code":"0FYG0Z0"}]}"#;
        assert_eq!(holds("claim", w, claim), [false]);
    }
}
