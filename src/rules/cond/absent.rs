//! `absent`: the field is missing or empty.

use super::prelude::*;
use super::present::Present;

/// The field is missing or empty.
#[derive(Debug, Clone, PartialEq)]
pub struct Absent {
    /// The field read.
    pub field: Field,
}

impl Condition for Absent {
    type Doc = Sp<String>;
    const DESCRIPTION: &'static str = "The field is missing or empty.";

    fn compile(doc: &Self::Doc, _at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        Some(Absent {
            field: cx.field(doc, bound)?,
        })
    }

    #[inline]
    fn eval(&self, _env: &Env<'_>, s: &Scope<'_>, _facts: &mut Facts) -> bool {
        !self.field.get(s).is_present()
    }

    fn show(&self) -> String {
        format!("absent: {}", self.field.name())
    }

    fn complement(&self) -> Option<Pred> {
        Some(Pred::Present(Present { field: self.field }))
    }
}

#[cfg(test)]
mod tests {
    use super::super::prelude::harness::holds;

    #[test]
    fn missing_and_empty_are_absent() {
        let claim = r#"{"id":"c","lines":[{"procedure":"99213"},{"procedure":""},{}]}"#;
        assert_eq!(
            holds("line", "  absent: line.procedure", claim),
            [false, true, true]
        );
    }
}
