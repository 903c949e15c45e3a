//! The environment conditions are evaluated in: the code sets, the run's date, and per-claim
//! memos of code-set answers (many rules ask about the same few codes, and a diagnosis pair
//! rule asks for each code's Excludes1 notes once per partner).

use std::cell::RefCell;
use std::rc::Rc;

use jiff::civil::Date;

use crate::codeset::{CodeSets, Excludes1Notes, Lookup, System};
use crate::rules::field::Scope;

/// A code as the memos compare it: its length and first eight bytes, which tell any two
/// codes of up to eight bytes apart (every code-set code) without comparing strings.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Key(usize, u64);

impl Key {
    fn of(code: &str) -> Key {
        let mut head = [0u8; 8];
        let b = code.as_bytes();
        let n = b.len().min(8);
        if let (Some(dst), Some(src)) = (head.get_mut(..n), b.get(..n)) {
            dst.copy_from_slice(src);
        }
        Key(b.len(), u64::from_le_bytes(head))
    }

    /// Does `code`, whose key this is, equal `other` with key `k`? Longer codes compare
    /// their text too.
    fn same(self, code: &str, k: Key, other: &str) -> bool {
        self == k && (self.0 <= 8 || code == other)
    }
}

/// One memoized lookup: system, date, the code and the answer.
type Memo<'e> = (System, Date, Key, Box<str>, Rc<Lookup<'e>>);

/// What every condition may consult while evaluating one claim.
pub struct Env<'e> {
    /// The code sets, tables included.
    pub codesets: &'e CodeSets,
    /// Assumed submission date for claims that carry none.
    pub as_of: Date,
    memo: RefCell<Vec<Memo<'e>>>,
    excludes1: RefCell<Vec<(Key, Box<str>, Excludes1Notes)>>,
}

impl<'e> Env<'e> {
    /// An environment for one claim (the memos start empty).
    pub fn new(codesets: &'e CodeSets, as_of: Date) -> Env<'e> {
        Env {
            codesets,
            as_of,
            memo: RefCell::new(Vec::new()),
            excludes1: RefCell::new(Vec::new()),
        }
    }

    /// `lookup` through the per-claim memo; `None` when the system is not loaded.
    pub fn lookup(&self, system: System, code: &str, date: Date) -> Option<Rc<Lookup<'e>>> {
        let set = self.codesets.get(system)?;
        let k = Key::of(code);
        if let Some(hit) = self
            .memo
            .borrow()
            .iter()
            .find(|(s, d, mk, mc, _)| mk.same(mc, k, code) && *s == system && *d == date)
        {
            return Some(hit.4.clone());
        }
        let found = Rc::new(set.lookup(code, date));
        self.memo
            .borrow_mut()
            .push((system, date, k, code.into(), found.clone()));
        Some(found)
    }

    /// The ICD-10-CM Excludes1 note under which `code` excludes `other`, as `(node, text)`;
    /// `None` when none does or ICD-10-CM is not loaded. Each code's notes are fetched from
    /// the code set once per claim, however many partners it is paired with.
    pub fn excluded_by(&self, code: &str, other: &str) -> Option<(String, String)> {
        let set = self.codesets.get(System::Icd10Cm)?;
        let k = Key::of(code);
        let mut memo = self.excludes1.borrow_mut();
        let i = match memo.iter().position(|(mk, mc, _)| mk.same(mc, k, code)) {
            Some(i) => i,
            None => {
                memo.push((k, code.into(), set.excludes1_notes(code)));
                memo.len() - 1
            }
        };
        let (_, _, notes) = memo.get(i)?;
        notes
            .excluding(other)
            .map(|(on, text)| (on.to_string(), text.to_string()))
    }

    /// The date codes in this scope are judged on, the run's date when the claim has none.
    pub fn date(&self, s: &Scope<'_>) -> Date {
        s.date().unwrap_or(self.as_of)
    }
}

#[cfg(test)]
mod tests {
    use super::Key;

    #[test]
    fn keys_tell_codes_apart() {
        let same = |a: &str, b: &str| Key::of(a).same(a, Key::of(b), b);
        assert!(same("E119", "E119"));
        assert!(!same("E119", "E11"));
        assert!(!same("E119", "E118"));
        assert!(same("ABCDEFGHIJ", "ABCDEFGHIJ"));
        assert!(!same("ABCDEFGHIJ", "ABCDEFGHIK"));
        assert!(!same("", "E"));
    }
}
