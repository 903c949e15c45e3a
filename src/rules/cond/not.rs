//! `not`: the sub-condition does not hold.

use super::prelude::*;

/// The sub-condition does not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Not {
    /// The negated condition.
    pub inner: Box<Pred>,
}

impl Condition for Not {
    type Doc = Box<Sp<Cond>>;
    const DESCRIPTION: &'static str = "The sub-condition does not hold.";

    fn compile(doc: &Self::Doc, _at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        Some(Not {
            inner: cx.sub(doc, bound, &[])?,
        })
    }

    #[inline]
    fn eval(&self, env: &Env<'_>, s: &Scope<'_>, facts: &mut Facts) -> bool {
        !self.inner.eval(env, s, facts)
    }

    fn show(&self) -> String {
        match &*self.inner {
            Pred::Present(p) => format!("absent: {}", p.field.name()),
            other => format!("not: {}", other.show()),
        }
    }

    fn children(&self) -> &[Pred] {
        std::slice::from_ref(&*self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::super::prelude::harness::holds;

    #[test]
    fn negates() {
        let claim = r#"{"id":"c","lines":[{"procedure":"99213","units":2},{"procedure":"G0103"}]}"#;
        assert_eq!(
            holds("line", "  not:\n    present: line.units", claim),
            [false, true]
        );
    }
}
