//! The conditions of the rule language. Each is one file: its YAML document type (serde
//! derives only), its compiled form, how it compiles and evaluates, how lint shows it, the
//! facts it sets, and its tests. One line in the `conditions!` registry below registers it,
//! as ruff registers a rule and cedar an extension function.

pub mod env;
pub mod facts;

mod prelude;

use serde::Deserialize;

pub use env::Env;
pub use facts::{Fact, FactSet, Facts};

use super::compile::Lower;
use super::field::{Needs, Scope};
use super::index::Trigger;
use super::ir::Each;
use super::schema::{Sp, Span};
use crate::codeset::CodeSets;

/// One condition of the rule language: how it is written, compiled, evaluated and shown.
pub trait Condition: Sized {
    /// What a rule writes under the condition's key.
    type Doc;
    /// One line for the JSON Schema and editors.
    const DESCRIPTION: &'static str;
    /// Facts the condition can set for the message, as `{name}` placeholders.
    const FACTS: &'static [Fact] = &[];

    /// Validate the document and build the compiled form; problems go to `cx` with their
    /// file:line:column. `bound` is what the rule's iteration binds at this point.
    fn compile(doc: &Self::Doc, at: Span, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Self>;

    /// Does the condition hold in this scope?
    fn eval(&self, env: &Env<'_>, s: &Scope<'_>, facts: &mut Facts) -> bool;

    /// A short YAML-like form for lint messages (`present: line.units`).
    fn show(&self) -> String;

    /// The conditions nested inside this one.
    fn children(&self) -> &[Pred] {
        &[]
    }

    /// The facts this instance can set: [`Condition::FACTS`] unless what it reads makes a
    /// fact protected health information (days counted from a date of birth).
    fn instance_facts(&self) -> &'static [Fact] {
        Self::FACTS
    }

    /// A code the claim must carry for the condition to hold, for the rule index. Sound:
    /// `None` unless the condition cannot hold without it.
    fn trigger(&self, _each: Each) -> Option<Trigger> {
        None
    }

    /// Why the condition can never hold, when its structure alone shows it (lint).
    fn never(&self) -> Option<String> {
        None
    }

    /// Why this and another condition of the same kind cannot both hold on one item.
    fn clash(&self, _other: &Self) -> Option<&'static str> {
        None
    }

    /// The condition that holds exactly when this one does not, if it has a name.
    fn complement(&self) -> Option<Pred> {
        None
    }

    /// Can the condition hold with these code sets loaded? False only when it needs a table
    /// they lack (an NCCI table the user has not built), so the engine skips a rule that
    /// cannot fire instead of evaluating it on every claim.
    fn possible(&self, _sets: &CodeSets) -> bool {
        true
    }
}

/// Registers the conditions: `Variant(module::Type)` declares the module (the file
/// `cond/<module>.rs`); the module name is the YAML key.
macro_rules! conditions {
    ($($variant:ident($module:ident::$ty:ident),)*) => {
        $(pub mod $module;)*

        /// A condition as written: a one-key map, e.g. `present: billing.npi`.
        #[derive(Debug, Clone, Deserialize)]
        #[serde(rename_all = "snake_case", deny_unknown_fields)]
        pub enum Cond {
            $(
                #[allow(missing_docs, reason = "documented by its condition's DESCRIPTION")]
                $variant(<$module::$ty as Condition>::Doc),
            )*
        }

        /// A compiled condition. Equality is structural (lists compare as written).
        #[derive(Debug, Clone, PartialEq)]
        pub enum Pred {
            $(
                #[allow(missing_docs, reason = "documented in its condition's file")]
                $variant($module::$ty),
            )*
        }

        /// The YAML key and the facts of every condition, in registration order.
        pub const REGISTRY: &[(&str, &[Fact])] =
            &[$((stringify!($module), <$module::$ty as Condition>::FACTS),)*];

        impl Pred {
            /// Compile a condition as written.
            pub(crate) fn compile(c: &Sp<Cond>, cx: &mut Lower<'_>, bound: &[Needs]) -> Option<Pred> {
                let at = c.span();
                match &c.value {
                    $(Cond::$variant(d) => $module::$ty::compile(d, at, cx, bound).map(Pred::$variant),)*
                }
            }

            /// Does the condition hold in this scope?
            pub fn eval(&self, env: &Env<'_>, s: &Scope<'_>, facts: &mut Facts) -> bool {
                match self { $(Pred::$variant(x) => x.eval(env, s, facts),)* }
            }

            /// The YAML key of the condition.
            pub fn key(&self) -> &'static str {
                match self { $(Pred::$variant(_) => stringify!($module),)* }
            }

            /// A short YAML-like form for messages.
            pub fn show(&self) -> String {
                match self { $(Pred::$variant(x) => x.show(),)* }
            }

            /// The conditions nested directly inside this one.
            pub fn children(&self) -> &[Pred] {
                match self { $(Pred::$variant(x) => x.children(),)* }
            }

            fn own_facts(&self) -> &'static [Fact] {
                match self { $(Pred::$variant(x) => x.instance_facts(),)* }
            }

            /// A code the claim must carry for the condition to hold (see [`Condition::trigger`]).
            pub fn trigger(&self, each: Each) -> Option<Trigger> {
                match self { $(Pred::$variant(x) => x.trigger(each),)* }
            }

            /// Why the condition can never hold, if its structure shows it.
            pub fn never(&self) -> Option<String> {
                match self { $(Pred::$variant(x) => x.never(),)* }
            }

            /// The named condition that holds exactly when this one does not.
            pub fn complement(&self) -> Option<Pred> {
                match self { $(Pred::$variant(x) => x.complement(),)* }
            }

            /// [`Condition::possible`] of the condition.
            pub fn possible(&self, sets: &CodeSets) -> bool {
                match self { $(Pred::$variant(x) => x.possible(sets),)* }
            }

            fn clash_same(&self, other: &Pred) -> Option<&'static str> {
                match (self, other) {
                    $((Pred::$variant(a), Pred::$variant(b)) => a.clash(b),)*
                    _ => None,
                }
            }
        }

        impl schemars::JsonSchema for Cond {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                "Cond".into()
            }

            fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let one_of = vec![$({
                    let mut props = serde_json::Map::new();
                    props.insert(
                        stringify!($module).to_string(),
                        g.subschema_for::<<$module::$ty as Condition>::Doc>().to_value(),
                    );
                    serde_json::json!({
                        "description": <$module::$ty as Condition>::DESCRIPTION,
                        "type": "object",
                        "properties": props,
                        "additionalProperties": false,
                        "required": [stringify!($module)],
                    })
                },)*];
                schemars::json_schema!({
                    "description": "A condition. Each is a one-key map, e.g. `present: billing.npi`.",
                    "oneOf": one_of,
                })
            }
        }
    };
}

conditions! {
    All(all::All),
    Any(any::Any),
    Not(not::Not),
    Present(present::Present),
    Absent(absent::Absent),
    Compare(compare::Compare),
    OneOf(one_of::OneOf),
    DaysBetween(days_between::DaysBetween),
    Regex(regex::Regex),
    Codes(codes::Codes),
    Codeset(codeset::Codeset),
    AgeConflict(age_conflict::AgeConflict),
    SexConflict(sex_conflict::SexConflict),
    Excludes1(excludes1::Excludes1),
    PtpEdit(ptp_edit::PtpEdit),
    MueExceeded(mue_exceeded::MueExceeded),
    AddonWithoutPrimary(addon_without_primary::AddonWithoutPrimary),
    AnyLine(any_line::AnyLine),
    AllLines(all_lines::AllLines),
    AnyDiagnosis(any_diagnosis::AnyDiagnosis),
    AnyProcedure(any_procedure::AnyProcedure),
    PointedDiagnosis(pointed_diagnosis::PointedDiagnosis),
    Count(count::Count),
    Same(same::Same),
    BadCheckDigit(bad_check_digit::BadCheckDigit),
    SeventhCharacter(seventh_character::SeventhCharacter),
}

impl Pred {
    /// Every fact the condition or a condition nested in it can set.
    pub fn facts(&self) -> FactSet {
        self.children()
            .iter()
            .fold(FactSet::of(self.own_facts()), |s, c| s.union(c.facts()))
    }

    /// Why `self` and `other` cannot both hold on the same item, if they cannot.
    pub fn clash(&self, other: &Pred) -> Option<String> {
        let both = |why: &str| Some(format!("`{}` and `{}` {why}", self.show(), other.show()));
        let negates = |a: &Pred, b: &Pred| match a {
            Pred::Not(n) => *n.inner == *b,
            _ => a.complement().is_some_and(|c| c == *b),
        };
        if negates(self, other) || negates(other, self) {
            return both("contradict each other");
        }
        self.clash_same(other).and_then(both)
    }
}

/// The conditions that can set a fact, by YAML key, for hints.
pub fn setters(fact: Fact) -> Vec<&'static str> {
    REGISTRY
        .iter()
        .filter(|(_, facts)| facts.contains(&fact))
        .map(|(key, _)| *key)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registered_key_is_the_yaml_key() {
        for (key, _) in REGISTRY {
            let text = format!("{key}: x");
            let err = crate::rules::schema::from_yaml::<Cond>(&text)
                .err()
                .map(|e| e.message)
                .unwrap_or_default();
            assert!(
                !err.contains(&format!("unknown variant `{key}`")),
                "{key}: {err}"
            );
        }
    }
}
