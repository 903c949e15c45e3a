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
/// structurally (lint: contradictions, repeated rules). Rule patterns are small (code
/// shapes), so each is also built as a full DFA when it fits in [`DFA_LIMIT`] bytes: a match
/// is then a table walk over the few bytes of a code, with no search cache to fetch.
#[derive(Debug, Clone)]
pub struct Pattern {
    re: ::regex::Regex,
    dfa: Option<Box<DenseDfa>>,
}

type DenseDfa = regex_automata::dfa::dense::DFA<Vec<u32>>;

/// Largest full DFA built for a rule's pattern; a larger one (a Unicode class such as `\d`
/// repeated) is matched by `regex` alone. Code shapes take under 1 KiB.
pub const DFA_LIMIT: usize = 16 * 1024;

impl Pattern {
    /// `re`, with its DFA when the pattern has one within [`DFA_LIMIT`].
    pub fn new(re: ::regex::Regex) -> Pattern {
        use regex_automata::dfa::dense;
        let dfa = dense::Builder::new()
            .configure(
                dense::Config::new()
                    .dfa_size_limit(Some(DFA_LIMIT))
                    .determinize_size_limit(Some(4 * DFA_LIMIT)),
            )
            .build(re.as_str())
            .ok()
            .map(Box::new);
        Pattern { re, dfa }
    }

    /// Does the pattern match anywhere in `text`? The DFA answers when it can; `regex`
    /// otherwise (and should the DFA give up on an input, which a pattern without Unicode
    /// word boundaries never makes it do).
    pub fn is_match(&self, text: &str) -> bool {
        use regex_automata::dfa::Automaton;
        if let Some(dfa) = &self.dfa {
            let input = regex_automata::Input::new(text).earliest(true);
            if let Ok(found) = dfa.try_search_fwd(&input) {
                return found.is_some();
            }
        }
        self.re.is_match(text)
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        self.re.as_str()
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.as_str() == other.as_str()
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
            re: Pattern::new(re?),
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
    fn the_dfa_answers_as_regex_does() {
        let texts = [
            "", "9", "99213", "G0103", "g0103", "E11", "E119", "A0", "Q0000X", "12345678901",
            "١٢٣٤٥٦٧٨٩٠", "foo bar", "éfooé", "W0", "99213F",
        ];
        let patterns = [
            ("^[A-Z][0-9][0-9A-Z]$", true),
            ("^([0-9]{4}[0-9FTUM]|[A-V][0-9]{4})$", true),
            ("^9", true),
            ("0", true),
            ("(?i)^g0", true),
            // Unicode digits repeated: past the DFA limit.
            (r"^\d{10}$", false),
            // Unicode word boundaries: no DFA at all.
            (r"\bfoo\b", false),
        ];
        for (p, dfa) in patterns {
            let pat = super::Pattern::new(regex::Regex::new(p).unwrap());
            assert_eq!(pat.dfa.is_some(), dfa, "{p}");
            let re = regex::Regex::new(p).unwrap();
            for t in texts {
                assert_eq!(pat.is_match(t), re.is_match(t), "{p} on {t:?}");
            }
        }
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
