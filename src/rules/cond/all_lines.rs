//! `all_lines`: every service line satisfies the condition (true when there are none).

use super::prelude::*;

/// Every service line satisfies the condition.
#[derive(Debug, Clone, PartialEq)]
pub struct AllLines {
    /// Tested with each line bound.
    pub inner: Box<Pred>,
}

impl Condition for AllLines {
    type Doc = Box<Sp<Cond>>;
    const DESCRIPTION: &'static str =
        "Every service line satisfies the condition (true when there are none).";

    fn compile(doc: &Self::Doc, _at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        Some(AllLines {
            inner: cx.sub(doc, bound, &[Needs::Line])?,
        })
    }

    #[inline]
    fn eval(&self, env: &Env<'_>, s: &Scope<'_>, facts: &mut Facts) -> bool {
        s.all_lines(|s| self.inner.eval(env, s, facts))
    }

    fn show(&self) -> String {
        "all_lines: …".into()
    }

    fn children(&self) -> &[Pred] {
        std::slice::from_ref(&*self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::super::prelude::harness::holds;

    #[test]
    fn every_line_and_vacuously_none() {
        let w = "  all_lines:\n    present: line.units";
        let claim = r#"{"id":"c","lines":[{"units":1},{"units":2}]}"#;
        assert_eq!(holds("claim", w, claim), [true]);
        let claim = r#"{"id":"c","lines":[{"units":1},{}]}"#;
        assert_eq!(holds("claim", w, claim), [false]);
        assert_eq!(holds("claim", w, r#"{"id":"c"}"#), [true]);
    }
}
