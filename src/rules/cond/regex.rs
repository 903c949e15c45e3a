//! `regex`: the field matches a regular expression (unanchored: write `^…$`).

use super::prelude::*;

/// What a rule writes under `regex`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegexDoc {
    /// The field read.
    pub field: Sp<String>,
    /// The pattern, in the Rust `regex` syntax.
    pub pattern: Sp<String>,
}

/// A compiled regular expression that compares equal by its pattern, so conditions compare
/// structurally (lint: contradictions, repeated rules).
#[derive(Debug, Clone)]
pub struct Pattern(pub ::regex::Regex);

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

impl std::ops::Deref for Pattern {
    type Target = ::regex::Regex;
    fn deref(&self) -> &::regex::Regex {
        &self.0
    }
}

/// The field matches the regular expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Regex {
    /// The field read.
    pub field: Field,
    /// The compiled pattern.
    pub re: Pattern,
}

impl Condition for Regex {
    type Doc = RegexDoc;
    const DESCRIPTION: &'static str =
        "The field matches the regular expression (unanchored: write `^…$`).";

    fn compile(x: &Self::Doc, _at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        let field = cx.field_kind(&x.field, bound, TEXTS);
        let re = match ::regex::Regex::new(&x.pattern.value) {
            Ok(r) => Some(r),
            Err(e) => {
                let msg = e.to_string();
                let last = msg.lines().last().unwrap_or("invalid").trim();
                let last = last.strip_prefix("error: ").unwrap_or(last);
                cx.err(
                    &x.pattern,
                    Code::BadRegex,
                    format!("invalid regular expression `{}`: {last}", x.pattern.value),
                    Some(
                        "patterns use the Rust `regex` syntax; escape `(`, `[`, `{` and `.` with `\\` to match them literally"
                            .into(),
                    ),
                );
                None
            }
        };
        Some(Regex {
            field: field?,
            re: Pattern(re?),
        })
    }

    #[inline]
    fn eval(&self, _env: &Env<'_>, s: &Scope<'_>, _facts: &mut Facts) -> bool {
        text_values(&self.field.get(s)).any(|v| self.re.is_match(v))
    }

    fn show(&self) -> String {
        format!("regex: {} {}", self.field.name(), self.re.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::super::prelude::harness::{holds, rule};

    #[test]
    fn matches_unanchored() {
        let claim = r#"{"id":"c","lines":[{"procedure":"99213"},{"procedure":"G0103"}]}"#;
        let w = "  regex: { field: line.procedure, pattern: '^9' }";
        assert_eq!(holds("line", w, claim), [true, false]);
    }

    #[test]
    fn a_bad_pattern_is_reported() {
        let e = rule(
            "line",
            "  regex: { field: line.procedure, pattern: '(' }",
            "m",
        )
        .unwrap_err();
        assert!(e[0].starts_with("bad-regex"), "{e:?}");
    }
}
