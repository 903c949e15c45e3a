//! `any`: at least one sub-condition holds.

use super::all::compile_list;
use super::prelude::*;

/// At least one sub-condition holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Any {
    /// The alternatives, as written.
    pub parts: Vec<Pred>,
}

impl Condition for Any {
    type Doc = Vec<Sp<Cond>>;
    const DESCRIPTION: &'static str = "At least one holds.";

    fn compile(doc: &Self::Doc, at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        Some(Any {
            parts: compile_list(doc, at, cx, bound)?,
        })
    }

    #[inline]
    fn eval(&self, env: &Env<'_>, s: &Scope<'_>, facts: &mut Facts) -> bool {
        self.parts.iter().any(|x| x.eval(env, s, facts))
    }

    fn show(&self) -> String {
        "any: …".into()
    }

    fn possible(&self, sets: &CodeSets) -> bool {
        self.parts.iter().any(|x| x.possible(sets))
    }

    fn children(&self) -> &[Pred] {
        &self.parts
    }

    /// Only when no branch can hold.
    fn never(&self) -> Option<String> {
        let whys: Option<Vec<String>> = self.parts.iter().map(Pred::never).collect();
        let whys = whys?;
        match whys.as_slice() {
            [one] => Some(one.clone()),
            _ => Some(format!("no branch of `any` can hold ({})", whys.join("; "))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::prelude::harness::holds;

    #[test]
    fn holds_when_one_part_holds() {
        let claim = r#"{"id":"c","lines":[{"procedure":"99213","units":2},{"procedure":"G0103"},{"procedure":"J1100"}]}"#;
        let when = "  any:\n    - present: line.units\n    - codes: { field: line.procedure, in: [G0103] }";
        assert_eq!(holds("line", when, claim), [true, true, false]);
    }
}
