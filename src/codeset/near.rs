//! "Did you mean": the codes of an fst within a small edit distance of a query, found by
//! walking the fst with one dynamic-programming row of the Levenshtein distance per state.
//! fst's own `Levenshtein` builds a full DFA first, which costs more than a whole claim.

use fst::Automaton;

/// Longest query searched: codes are at most 7 characters, so a longer query has no code
/// within two edits.
pub const MAX_QUERY: usize = 15;

/// Levenshtein distance to `query` as an fst automaton; a state is the distance row.
pub struct Near<'q> {
    query: &'q [u8],
    max: u8,
}

impl<'q> Near<'q> {
    /// Codes within `max` edits of `query`; `None` when the query is too long to search.
    pub fn new(query: &'q str, max: u8) -> Option<Near<'q>> {
        (query.len() <= MAX_QUERY).then_some(Near {
            query: query.as_bytes(),
            max,
        })
    }
}

/// Distances from the prefix read so far to each prefix of the query.
pub type Row = [u8; MAX_QUERY + 1];

impl Automaton for Near<'_> {
    type State = Row;

    fn start(&self) -> Row {
        let mut row = [0u8; MAX_QUERY + 1];
        for (i, cell) in row.iter_mut().enumerate() {
            *cell = i as u8;
        }
        row
    }

    fn is_match(&self, row: &Row) -> bool {
        row.get(self.query.len()).is_some_and(|d| *d <= self.max)
    }

    fn can_match(&self, row: &Row) -> bool {
        row.iter()
            .take(self.query.len() + 1)
            .any(|d| *d <= self.max)
    }

    fn accept(&self, row: &Row, byte: u8) -> Row {
        let mut next = [u8::MAX; MAX_QUERY + 1];
        let mut left = row.first().map_or(u8::MAX, |d| d.saturating_add(1));
        next[0] = left;
        // next[i + 1] = min(substitute from row[i], delete from row[i + 1], insert from next[i]).
        for ((q, pair), cell) in self
            .query
            .iter()
            .zip(row.windows(2))
            .zip(next.iter_mut().skip(1))
        {
            let (diag, up) = match pair {
                [d, u] => (*d, *u),
                _ => (u8::MAX, u8::MAX),
            };
            let substitute = diag.saturating_add(u8::from(*q != byte));
            left = substitute
                .min(up.saturating_add(1))
                .min(left.saturating_add(1));
            *cell = left;
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(a: &str, b: &str) -> u8 {
        let n = Near::new(a, 255).unwrap();
        let row = b.bytes().fold(n.start(), |r, c| n.accept(&r, c));
        row.get(a.len()).copied().unwrap_or(u8::MAX)
    }

    #[test]
    fn rows_give_the_levenshtein_distance() {
        for (a, b) in [
            ("E1199", "E119"),
            ("E119", "E1165"),
            ("M5F", "M54"),
            ("", "I10"),
            ("Z38", "Z38"),
        ] {
            assert_eq!(
                usize::from(distance(a, b)),
                strsim::levenshtein(a, b),
                "{a} {b}"
            );
        }
        assert!(Near::new("E11999999999999999", 2).is_none());
    }
}
