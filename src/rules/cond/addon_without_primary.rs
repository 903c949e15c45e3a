//! `addon_without_primary`: an add-on code (CMS type 1) with none of its primary codes on
//! the claim on the same date.

use super::prelude::*;

/// An add-on code without any of its primary codes.
#[derive(Debug, Clone, PartialEq)]
pub struct AddonWithoutPrimary {
    /// The procedure code field.
    pub field: Field,
}

impl Condition for AddonWithoutPrimary {
    type Doc = Sp<String>;
    const DESCRIPTION: &'static str =
        "An add-on code (type 1) without any of its primary codes on the claim.";
    const FACTS: &'static [Fact] = &[Fact::Primaries];

    fn compile(doc: &Self::Doc, _at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self> {
        Some(AddonWithoutPrimary {
            field: cx.text_field(doc, bound)?,
        })
    }

    #[inline]
    fn eval(&self, env: &Env<'_>, s: &Scope<'_>, facts: &mut Facts) -> bool {
        let Some(code) = self.field.text(s) else {
            return false;
        };
        let date = env.date(s);
        let Some(addon) = env.codesets.addon(code, date) else {
            return false;
        };
        if addon.kind != 1 || addon.primaries.is_empty() {
            return false;
        }
        let has_primary = s.claim.lines.iter().any(|l| {
            l.procedure
                .as_deref()
                .is_some_and(|p| addon.primaries.iter().any(|x| x == p))
                && s.claim.line_date(l) == Some(date)
        });
        if !has_primary {
            let shown: Vec<&str> = addon.primaries.iter().take(6).map(String::as_str).collect();
            let more = addon.primaries.len().saturating_sub(shown.len());
            let mut list = shown.join(", ");
            if more > 0 {
                list.push_str(&format!(" (+{more} more)"));
            }
            facts.set(Fact::Primaries, list);
        }
        !has_primary
    }

    fn show(&self) -> String {
        format!("addon_without_primary: {}", self.field.name())
    }

    fn possible(&self, sets: &CodeSets) -> bool {
        sets.has_addon()
    }
}

#[cfg(test)]
mod tests {
    use super::super::prelude::harness::{eval, rule};

    #[test]
    fn without_an_addon_table_nothing_fires() {
        let r = rule(
            "line",
            "  addon_without_primary: line.procedure",
            "{primaries}",
        )
        .unwrap();
        let claim = r#"{"id":"c","lines":[{"procedure":"99417","from":"2026-03-01"}]}"#;
        assert_eq!(eval(&r, claim).len(), 1);
        assert!(!eval(&r, claim)[0].0);
    }
}
