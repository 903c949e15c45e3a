//! Message and help templates: literal text, `{field.path}`, specials such as `{code}`, and
//! facts a condition sets. A placeholder no condition of the rule can set is an error.

use super::Lower;
use super::hints::{did_you_mean, needs_hint};
use crate::rules::cond::{Fact, FactSet, setters};
use crate::rules::diagnostic::Code;
use crate::rules::field::{Field, Needs};
use crate::rules::ir::{Piece, Special, Template};
use crate::rules::schema::Sp;

impl Lower<'_> {
    /// Parse a template, checking each placeholder against what the rule can fill: fields
    /// its iteration binds, specials, and the facts its condition can set (`None` when the
    /// condition did not compile, so nothing is known of them).
    pub(super) fn template(
        &mut self,
        t: &Sp<String>,
        bound: &[Needs],
        facts: Option<FactSet>,
    ) -> Template {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut rest = t.value.as_str();
        loop {
            let Some(at) = rest.find(['{', '}']) else {
                text.push_str(rest);
                break;
            };
            text.push_str(&rest[..at]);
            let tail = &rest[at..];
            // `{{` and `}}` are literal braces.
            if tail.starts_with("{{") || tail.starts_with("}}") {
                text.push_str(&tail[..1]);
                rest = &tail[2..];
                continue;
            }
            if tail.starts_with('}') {
                self.err(
                    t,
                    Code::BadTemplate,
                    "unmatched `}` in template".into(),
                    Some("write `}}` for a literal brace".into()),
                );
                return Template(pieces);
            }
            let Some(close) = tail.find('}') else {
                self.err(
                    t,
                    Code::BadTemplate,
                    "unclosed `{` in template".into(),
                    Some(
                        "close the placeholder with `}`, or write `{{` for a literal brace".into(),
                    ),
                );
                return Template(pieces);
            };
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
            }
            let name = tail[1..close].trim();
            self.placeholder(t, name, bound, facts, &mut pieces);
            rest = &tail[close + 1..];
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        Template(pieces)
    }

    fn placeholder(
        &mut self,
        t: &Sp<String>,
        name: &str,
        bound: &[Needs],
        facts: Option<FactSet>,
        pieces: &mut Vec<Piece>,
    ) {
        if let Some(s) = Special::from_name(name) {
            pieces.push(Piece::Special(s));
        } else if let Some(f) = Fact::from_name(name) {
            if facts.is_none_or(|set| set.contains(f)) {
                pieces.push(Piece::Fact(f));
            } else {
                let by: Vec<String> = setters(f).iter().map(|k| format!("`{k}`")).collect();
                self.err(
                    t,
                    Code::UnsetPlaceholder,
                    format!("`{{{name}}}` is never set by this rule's condition, so it would print empty"),
                    Some(format!("it is set by {}", by.join(", "))),
                );
            }
        } else if let Some(f) = Field::from_name(name) {
            if f.is_phi() {
                self.err(
                    t,
                    Code::PhiInMessage,
                    format!("`{{{name}}}` would print protected health information"),
                    Some("messages may not carry member ids, dates of birth or tax ids".into()),
                );
            } else if !bound.contains(&f.needs()) {
                self.err(
                    t,
                    Code::FieldOutOfScope,
                    format!("field `{name}` is not available in this rule's iteration"),
                    Some(format!("it needs {}", needs_hint(f.needs()))),
                );
            } else {
                pieces.push(Piece::Field(f));
            }
        } else {
            let names = Field::ALL
                .iter()
                .map(|f| f.name())
                .chain(Special::ALL.iter().map(|s| s.name()))
                .chain(Fact::ALL.iter().map(|f| f.name()));
            let help = did_you_mean(name, names);
            self.err(
                t,
                Code::UnknownPlaceholder,
                format!("unknown placeholder `{{{name}}}`"),
                help,
            );
        }
    }
}
