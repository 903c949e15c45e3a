//! The compiler's working state: the diagnostics found so far and the helpers conditions
//! compile with (fields, operators, code systems, nested conditions).

use std::collections::HashMap;
use std::sync::Arc;

use jiff::civil::Date;

use super::hints::{did_you_mean, did_you_mean_or_list, needs_hint};
use crate::codeset::{CodeSets, System};
use crate::rules::cond::codes::CodeList;
use crate::rules::cond::{Cond, Pred};
use crate::rules::diagnostic::{Code, Diagnostic};
use crate::rules::field::{Field, Kind, Needs};
use crate::rules::ir::Op;
use crate::rules::schema::{At, Sp, Span};

/// The compiler: what it has found so far, and what conditions compile against.
pub struct Lower<'a> {
    /// Every problem found, in any file.
    pub(crate) diags: Vec<Diagnostic>,
    /// Code sets that listed codes are checked against.
    pub(crate) codesets: &'a CodeSets,
    /// Reads a code-list file by its path relative to the rules root.
    pub(crate) read_list: &'a dyn Fn(&str) -> Option<String>,
    /// Code-list files already read, by path.
    pub(crate) lists: HashMap<String, Arc<CodeList>>,
    /// The file being compiled.
    pub(crate) file: Arc<str>,
    /// The effective window (from, to) of the rule being compiled, when it has one.
    pub(crate) window: Option<(Option<Date>, Option<Date>)>,
}

impl Lower<'_> {
    /// An error at a line and column of the current file.
    pub(crate) fn err_at(
        &mut self,
        line: u32,
        column: u32,
        code: Code,
        message: String,
        help: Option<String>,
    ) {
        self.diags.push(
            Diagnostic::error(self.file.clone(), Span::new(line, column), code, message)
                .with_help(help),
        );
    }

    /// An error at a place in the current file.
    pub(crate) fn err(&mut self, at: impl At, code: Code, message: String, help: Option<String>) {
        let at = at.span();
        self.err_at(at.line, at.column, code, message, help);
    }

    /// A warning at a place in the current file.
    pub(crate) fn warn(&mut self, at: impl At, code: Code, message: String, help: Option<String>) {
        let at = at.span();
        self.diags
            .push(Diagnostic::warning(self.file.clone(), at, code, message).with_help(help));
    }

    /// A field the current iteration binds, or an error at its name.
    pub(crate) fn field(&mut self, s: &Sp<String>, bound: &[Needs]) -> Option<Field> {
        let Some(f) = Field::from_name(&s.value) else {
            let help = did_you_mean(&s.value, Field::ALL.iter().map(|f| f.name()));
            self.err(
                s,
                Code::UnknownField,
                format!("unknown field `{}`", s.value),
                help,
            );
            return None;
        };
        if !bound.contains(&f.needs()) {
            self.err(
                s,
                Code::FieldOutOfScope,
                format!("field `{}` is not available here", s.value),
                Some(format!("it needs {}", needs_hint(f.needs()))),
            );
            return None;
        }
        Some(f)
    }

    /// A bound field of one of these kinds, or an error at its name.
    pub(crate) fn field_kind(
        &mut self,
        s: &Sp<String>,
        bound: &[Needs],
        kinds: &[Kind],
    ) -> Option<Field> {
        let f = self.field(s, bound)?;
        if !kinds.contains(&f.kind()) {
            self.err(
                s,
                Code::WrongType,
                format!(
                    "field `{}` is {}; this condition needs {}",
                    s.value,
                    f.kind().describe(),
                    kinds
                        .iter()
                        .map(|k| k.describe())
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
                None,
            );
            return None;
        }
        Some(f)
    }

    /// A bound text field (a code, an NPI), or an error at its name.
    pub(crate) fn text_field(&mut self, s: &Sp<String>, bound: &[Needs]) -> Option<Field> {
        self.field_kind(s, bound, &[Kind::Text])
    }

    /// A comparison operator, or an error at it.
    pub(crate) fn op(&mut self, s: &Sp<String>) -> Option<Op> {
        let op = Op::parse(&s.value);
        if op.is_none() {
            self.err(
                s,
                Code::UnknownOp,
                format!("unknown comparison `{}`", s.value),
                Some("use eq, ne, lt, le, gt or ge".into()),
            );
        }
        op
    }

    /// A code system by name, or an error with a hint.
    pub(crate) fn system(&mut self, s: &Sp<String>) -> Option<System> {
        let sys = System::from_name(&s.value);
        if sys.is_none() {
            let help = did_you_mean_or_list(&s.value, &System::ALL.map(System::name));
            self.err(
                s,
                Code::UnknownCodeset,
                format!("unknown code set `{}`", s.value),
                help,
            );
        }
        sys
    }

    /// A nested condition, compiled with `add` bound on top of what is bound here.
    pub(crate) fn sub(
        &mut self,
        c: &Sp<Cond>,
        bound: &[Needs],
        add: &[Needs],
    ) -> Option<Box<Pred>> {
        let mut b = bound.to_vec();
        b.extend_from_slice(add);
        self.cond(c, &b).map(Box::new)
    }

    /// A condition, compiled by its own file in `rules::cond`.
    pub(crate) fn cond(&mut self, c: &Sp<Cond>, bound: &[Needs]) -> Option<Pred> {
        Pred::compile(c, self, bound)
    }
}
