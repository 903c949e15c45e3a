//! Medicare Code Editor attributes of one code on one date, as the MCE version in force on
//! that date gave them (`codesets/*/mce.tsv`), and the MCE's age groups by date.

use jiff::civil::Date;

use super::compile::MCE_ATTRIBUTES;

/// The MCE attributes a code carries on one date (empty when none, or the code is unknown).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MceAttrs(pub u64);

impl MceAttrs {
    /// Whether the attribute with bit `bit` (from [`mce_bit`]) is set.
    pub fn has(self, bit: u64) -> bool {
        self.0 & bit != 0
    }

    /// The attribute names set, in the order of [`mce_names`].
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        MCE_ATTRIBUTES
            .iter()
            .enumerate()
            .filter(move |(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, n)| *n)
    }

    /// The MCE age group among the attributes, if any (a code has at most one).
    pub fn age_group(self) -> Option<MceAgeGroup> {
        MceAgeGroup::ORDER
            .into_iter()
            .find(|g| mce_bit(g.name()).is_some_and(|b| self.has(b)))
    }
}

/// The bit of an MCE attribute by its MCE name (`unacceptable`, `noncovered`…).
pub fn mce_bit(name: &str) -> Option<u64> {
    MCE_ATTRIBUTES
        .iter()
        .position(|n| *n == name)
        .map(|i| 1u64 << i)
}

/// Every MCE attribute name claimscrub knows.
pub fn mce_names() -> &'static [&'static str] {
    &MCE_ATTRIBUTES
}

/// An MCE age group (`mce_age_ranges`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MceAgeGroup {
    /// Age 0.
    Newborn,
    /// Ages 0–17.
    Pediatric,
    /// Ages 9–64 (12–55 on discharges before 2019-10-01).
    Maternity,
    /// Ages 15–124.
    Adult,
}

impl MceAgeGroup {
    /// The order the MCE tests the groups in.
    pub const ORDER: [MceAgeGroup; 4] = [
        MceAgeGroup::Pediatric,
        MceAgeGroup::Newborn,
        MceAgeGroup::Maternity,
        MceAgeGroup::Adult,
    ];

    /// The MCE's attribute name.
    pub fn name(self) -> &'static str {
        match self {
            MceAgeGroup::Newborn => "newborn",
            MceAgeGroup::Pediatric => "pediatric",
            MceAgeGroup::Maternity => "maternity",
            MceAgeGroup::Adult => "adult",
        }
    }

    /// The ages in years the group allows on a discharge date. `codesets/generate.py` checks
    /// these against the MCE's own table on every rebuild.
    pub fn years(self, date: Date) -> (u8, u8) {
        match self {
            MceAgeGroup::Newborn => (0, 0),
            MceAgeGroup::Pediatric => (0, 17),
            MceAgeGroup::Maternity if date < jiff::civil::date(2019, 10, 1) => (12, 55),
            MceAgeGroup::Maternity => (9, 64),
            MceAgeGroup::Adult => (15, 124),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_and_names_round_trip() {
        let b = mce_bit("unacceptable").unwrap() | mce_bit("maternity").unwrap();
        let a = MceAttrs(b);
        assert_eq!(a.names().collect::<Vec<_>>(), ["maternity", "unacceptable"]);
        assert_eq!(a.age_group(), Some(MceAgeGroup::Maternity));
        assert!(mce_bit("nonsense").is_none());
    }

    #[test]
    fn maternity_range_moved_in_fy2020() {
        let m = MceAgeGroup::Maternity;
        assert_eq!(m.years(jiff::civil::date(2019, 9, 30)), (12, 55));
        assert_eq!(m.years(jiff::civil::date(2019, 10, 1)), (9, 64));
    }
}
