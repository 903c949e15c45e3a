//! The environment conditions are evaluated in: the code sets, the run's date, and a
//! per-claim memo of code-set lookups (many rules ask about the same few codes).

use std::cell::RefCell;
use std::rc::Rc;

use jiff::civil::Date;

use crate::codeset::{CodeSets, Lookup, System};
use crate::rules::field::Scope;

/// One memoized lookup: system, code and date asked, and the answer.
type Memo<'e> = (System, String, Date, Rc<Lookup<'e>>);

/// What every condition may consult while evaluating one claim.
pub struct Env<'e> {
    /// The code sets, tables included.
    pub codesets: &'e CodeSets,
    /// Assumed submission date for claims that carry none.
    pub as_of: Date,
    memo: RefCell<Vec<Memo<'e>>>,
}

impl<'e> Env<'e> {
    /// An environment for one claim (the memo starts empty).
    pub fn new(codesets: &'e CodeSets, as_of: Date) -> Env<'e> {
        Env {
            codesets,
            as_of,
            memo: RefCell::new(Vec::new()),
        }
    }

    /// `lookup` through the per-claim memo; `None` when the system is not loaded.
    pub fn lookup(&self, system: System, code: &str, date: Date) -> Option<Rc<Lookup<'e>>> {
        let set = self.codesets.get(system)?;
        if let Some(hit) = self
            .memo
            .borrow()
            .iter()
            .find(|(sys, c, d, _)| *sys == system && *d == date && c == code)
        {
            return Some(hit.3.clone());
        }
        let found = Rc::new(set.lookup(code, date));
        self.memo
            .borrow_mut()
            .push((system, code.to_string(), date, found.clone()));
        Some(found)
    }

    /// The date codes in this scope are judged on, the run's date when the claim has none.
    pub fn date(&self, s: &Scope<'_>) -> Date {
        s.date().unwrap_or(self.as_of)
    }
}
