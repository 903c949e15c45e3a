//! `present`: the field has a non-empty value.

use super::absent::Absent;
use super::prelude::*;

/// The field has a non-empty value.
#[derive(Debug, Clone, PartialEq)]
pub struct Present {
    /// The field read.
    pub field: Field,
}

impl Condition for Present {
    type Doc = Sp<String>;
    const DESCRIPTION: &'static str = "The field has a non-empty value.";

    fn compile(doc: &Self::Doc, _at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        Some(Present {
            field: cx.field(doc, bound)?,
        })
    }

    #[inline]
    fn eval(&self, _env: &Env<'_>, s: &Scope<'_>, _facts: &mut Facts) -> bool {
        self.field.get(s).is_present()
    }

    fn show(&self) -> String {
        format!("present: {}", self.field.name())
    }

    fn complement(&self) -> Option<Pred> {
        Some(Pred::Absent(Absent { field: self.field }))
    }
}

#[cfg(test)]
mod tests {
    use super::super::prelude::harness::{holds, rule};

    #[test]
    fn an_empty_value_is_not_present() {
        let claim = r#"{"id":"c","lines":[{"procedure":"99213"},{"procedure":" "},{}]}"#;
        assert_eq!(
            holds("line", "  present: line.procedure", claim),
            [true, false, false]
        );
    }

    #[test]
    fn an_unknown_field_has_a_hint() {
        let e = rule("line", "  present: line.unit", "m").unwrap_err();
        assert_eq!(e, ["unknown-field: unknown field `line.unit`"]);
    }
}
