//! `one_of`: the field's value is one of a list of strings.

use super::prelude::*;

/// What a rule writes under `one_of`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OneOfDoc {
    /// The field read.
    pub field: Sp<String>,
    /// The accepted values.
    pub values: Vec<Sp<String>>,
}

/// The field's value is one of these strings (for lists: any element is).
#[derive(Debug, Clone, PartialEq)]
pub struct OneOf {
    /// The field read.
    pub field: Field,
    /// The accepted values.
    pub values: Vec<String>,
}

impl Condition for OneOf {
    type Doc = OneOfDoc;
    const DESCRIPTION: &'static str =
        "The field's value is one of these strings (for lists: any element is).";

    fn compile(x: &Self::Doc, _at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        Some(OneOf {
            field: cx.field_kind(&x.field, bound, TEXTS)?,
            values: x.values.iter().map(|v| v.value.clone()).collect(),
        })
    }

    #[inline]
    fn eval(&self, _env: &Env<'_>, s: &Scope<'_>, _facts: &mut Facts) -> bool {
        text_values(&self.field.get(s)).any(|v| self.values.iter().any(|x| x == v))
    }

    fn show(&self) -> String {
        format!("one_of: {} [{}]", self.field.name(), self.values.join(", "))
    }

    fn clash(&self, other: &Self) -> Option<&'static str> {
        (self.field == other.field
            && self.field.is_scalar()
            && !self.values.iter().any(|x| other.values.contains(x)))
        .then_some("have no value in common")
    }
}

#[cfg(test)]
mod tests {
    use super::super::prelude::harness::{holds, rule};

    #[test]
    fn any_element_of_a_list_matches() {
        let claim = r#"{"id":"c","lines":[{"procedure":"99213","modifiers":["25","59"]},{"procedure":"G0103","modifiers":["26"]}]}"#;
        let w = "  one_of: { field: line.modifiers, values: ['59', '91'] }";
        assert_eq!(holds("line", w, claim), [true, false]);
    }

    #[test]
    fn numbers_are_refused() {
        let e = rule(
            "line",
            "  one_of: { field: line.units, values: ['1'] }",
            "m",
        )
        .unwrap_err();
        assert!(e[0].starts_with("wrong-type"), "{e:?}");
    }
}
