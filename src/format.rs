//! Tables of output formats. `check` ([`crate::report`]) and `rules lint | test`
//! ([`crate::authoring::report`]) each list their formats once, as rows of a [`Format`] table
//! that clap's `--format` parsing, naming and emitter lookup all read; so adding a format is
//! its emitter file plus one row.

use std::fmt;

/// One command's table of formats.
pub trait Formats: Sized + 'static {
    /// What a row carries to write its format: an emitter, or what builds one.
    type Emitter: Copy + Send + Sync + 'static;
    /// Every row, in `--format` order.
    const ALL: &'static [Format<Self>];
}

/// An output format: its `--format` name, whether it is read by people, and its emitter.
pub struct Format<K: Formats> {
    name: &'static str,
    for_people: bool,
    emitter: K::Emitter,
}

impl<K: Formats> Format<K> {
    /// A format for a person at a terminal: coloured there, with a summary on stderr where the
    /// command prints one, and errors not echoed to stderr (the output itself shows them).
    pub const fn people(name: &'static str, emitter: K::Emitter) -> Self {
        Format {
            name,
            for_people: true,
            emitter,
        }
    }

    /// A format read by programs: never coloured.
    pub const fn machine(name: &'static str, emitter: K::Emitter) -> Self {
        Format {
            name,
            for_people: false,
            emitter,
        }
    }

    /// The `--format` name.
    pub fn name(self) -> &'static str {
        self.name
    }

    /// Whether the output is for a person at a terminal (see [`Format::people`]).
    pub fn for_people(self) -> bool {
        self.for_people
    }

    /// The format's emitter, or what builds it.
    pub fn emitter(self) -> K::Emitter {
        self.emitter
    }

    /// The format named `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Self> {
        K::ALL.iter().copied().find(|f| f.name == name)
    }
}

impl<K: Formats> Clone for Format<K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K: Formats> Copy for Format<K> {}

impl<K: Formats> PartialEq for Format<K> {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl<K: Formats> Eq for Format<K> {}

impl<K: Formats> fmt::Debug for Format<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl<K: Formats> clap::ValueEnum for Format<K> {
    fn value_variants<'a>() -> &'a [Self] {
        K::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name))
    }
}

#[cfg(test)]
mod tests {
    use super::{Format, Formats};

    /// The names in order, each found again by its name, and nothing else.
    fn names<K: Formats>() -> Vec<&'static str> {
        for f in K::ALL {
            assert_eq!(Format::<K>::from_name(f.name()), Some(*f));
        }
        assert_eq!(Format::<K>::from_name("xml"), None);
        K::ALL.iter().map(|f| f.name()).collect()
    }

    #[test]
    fn every_format_is_named_once_and_found_by_name() {
        assert_eq!(
            names::<crate::report::Check>(),
            ["human", "json", "ndjson", "csv", "sarif"]
        );
        assert_eq!(
            names::<crate::authoring::report::Authoring>(),
            ["human", "json", "junit", "sarif", "github"]
        );
    }
}
