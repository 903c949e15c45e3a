//! Facts: values a condition found while deciding (`{mue}`, `{excluded}`…), typed so a
//! template placeholder is checked against the facts its rule's condition can set.

/// Declares the facts: a variant and the placeholder name templates use.
macro_rules! facts {
    ($($(#[doc = $doc:literal])* $variant:ident => $name:literal,)*) => {
        /// A value a condition can report for the finding's message.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Fact {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Fact {
            /// Every fact, in declaration order.
            pub const ALL: &'static [Fact] = &[$(Fact::$variant,)*];

            /// The placeholder name, as in `{mue}`.
            pub fn name(self) -> &'static str {
                match self { $(Fact::$variant => $name,)* }
            }

            /// The fact a placeholder names.
            pub fn from_name(name: &str) -> Option<Fact> {
                match name { $($name => Some(Fact::$variant),)* _ => None }
            }
        }
    };
}

facts! {
    /// Why a code is not effective: `not valid until …`, `deleted after …`.
    Status => "status",
    /// First date a not-yet-valid code is valid.
    ValidFrom => "valid_from",
    /// Last date a deleted code was valid.
    ValidTo => "valid_to",
    /// Last date the loaded code set covers.
    Through => "through",
    /// The dates the loaded code set covers, in words.
    Coverage => "coverage",
    /// The patient's age on the date of service.
    Age => "age",
    /// The ages a code's age edit allows, `0–17`.
    AgeRange => "age_range",
    /// The MCE age group of a code.
    AgeGroup => "age_group",
    /// The sex a code is limited to.
    CodeSex => "code_sex",
    /// The code an Excludes1 note excludes.
    Excluded => "excluded",
    /// The Excludes1 note, with the code it sits on.
    Note => "note",
    /// An NCCI edit's modifier indicator.
    Indicator => "indicator",
    /// The column-1 code of an NCCI edit.
    Column1 => "column1",
    /// The column-2 code of an NCCI edit.
    Column2 => "column2",
    /// The MUE value.
    Mue => "mue",
    /// Units billed, per line or summed per date.
    Units => "units",
    /// Primary codes an add-on code needs.
    Primaries => "primaries",
    /// The number a `count` counted.
    Count => "count",
    /// Whole days a `days_between` measured.
    Days => "days",
    /// The 7th characters a code takes, each with its meaning.
    Sevenths => "sevenths",
    /// A code completed with its first valid 7th character, as an example.
    Completed => "completed",
}

/// The facts one evaluation set, at most one value each.
#[derive(Debug, Default)]
pub struct Facts(Vec<(Fact, String)>);

impl Facts {
    /// Set (or replace) a fact.
    pub fn set(&mut self, k: Fact, v: impl Into<String>) {
        let v = v.into();
        match self.0.iter_mut().find(|(n, _)| *n == k) {
            Some(slot) => slot.1 = v,
            None => self.0.push((k, v)),
        }
    }

    /// The value of a fact, if a condition set it.
    pub fn get(&self, k: Fact) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.as_str())
    }
}

/// A set of facts, as bits: what a condition can set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FactSet(u32);

impl FactSet {
    /// The set holding these facts.
    pub fn of(facts: &[Fact]) -> FactSet {
        let mut s = FactSet::default();
        for f in facts {
            s.insert(*f);
        }
        s
    }

    /// Add one fact.
    pub fn insert(&mut self, f: Fact) {
        self.0 |= 1 << (f as u32);
    }

    /// Add every fact of another set.
    pub fn union(self, other: FactSet) -> FactSet {
        FactSet(self.0 | other.0)
    }

    /// Is the fact in the set?
    pub fn contains(self, f: Fact) -> bool {
        self.0 & (1 << (f as u32)) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_fit_the_bit_set() {
        assert!(Fact::ALL.len() <= 32);
        for f in Fact::ALL {
            assert_eq!(Fact::from_name(f.name()), Some(*f));
        }
        let s = FactSet::of(&[Fact::Mue, Fact::Units]);
        assert!(s.contains(Fact::Mue) && s.contains(Fact::Units) && !s.contains(Fact::Age));
    }

    #[test]
    fn a_fact_set_twice_keeps_the_last_value() {
        let mut f = Facts::default();
        f.set(Fact::Count, "1");
        f.set(Fact::Count, "2");
        assert_eq!(f.get(Fact::Count), Some("2"));
        assert_eq!(f.get(Fact::Days), None);
    }
}
