//! The same claim twice in one run, in one file or across files: a claim whose id an earlier
//! claim of the run already had is marked [`Duplicate::Exact`] when its content (patient,
//! payer, dates, diagnoses, lines, charges) is the same too, else [`Duplicate::SameId`].
//! Rules then read `claim.duplicate`. Marking runs in input order, so the first claim is the
//! original and every later one the repeat, whatever the thread count.
//!
//! Two different claims collide on a 64-bit content hash with odds near 2⁻⁶⁴ per pair; a
//! run of ten million claims with one id each has no pairs to confuse.
//!
//! Only 64-bit hashes are kept (16 bytes a distinct claim id), never claim content: the
//! tracker holds no PHI and its memory grows with the number of distinct ids, not their size.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};

use foldhash::fast::FixedState;

use crate::claim::{Claim, Duplicate, Person};

/// The seed of every fingerprint hash.
const SEED: u64 = 0x0c1a_1d5c_4ab0_0018;

/// The claims seen so far in a run: claim-id hash → content hash of the first with that id.
#[derive(Debug, Default)]
pub struct Tracker {
    /// Keyed by a hash already: a fast fixed-seed hasher is enough.
    seen: HashMap<u64, u64, FixedState>,
}

/// The hashes a claim is tracked by: its id, and its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    id: u64,
    content: u64,
}

impl Fingerprint {
    /// The fingerprint of a claim; `None` for a claim without an id (another rule reports
    /// the missing id, and claims without one cannot be told apart).
    pub fn of(claim: &Claim) -> Option<Fingerprint> {
        if claim.id.trim().is_empty() {
            return None;
        }
        // A fixed seed keeps fingerprints the same from run to run; foldhash because SipHash
        // cost 5% of a whole run hashing small fields.
        let state = FixedState::with_seed(SEED);
        let mut h = state.build_hasher();
        content(claim, &mut h);
        Some(Fingerprint {
            id: state.hash_one(&claim.id),
            content: h.finish(),
        })
    }
}

impl Tracker {
    /// Mark `claim` as a repeat of an earlier claim of the run, or remember it as the first.
    /// Call in input order.
    pub fn mark(&mut self, claim: &mut Claim, print: Option<Fingerprint>) {
        let Some(p) = print else {
            return;
        };
        match self.seen.get(&p.id) {
            Some(first) if *first == p.content => claim.duplicate = Some(Duplicate::Exact),
            Some(_) => claim.duplicate = Some(Duplicate::SameId),
            None => {
                self.seen.insert(p.id, p.content);
            }
        }
    }
}

/// Hash what makes two claims with one id the same claim: who, for whom, when, what, how much.
fn content(c: &Claim, h: &mut impl Hasher) {
    c.id.hash(h);
    c.kind.hash(h);
    c.frequency.hash(h);
    c.payer.id.hash(h);
    c.payer.plan.hash(h);
    person(&c.patient, h);
    if let Some(s) = &c.subscriber {
        person(s, h);
    }
    c.billing_provider.npi.hash(h);
    c.submission_date.hash(h);
    c.admission_date.hash(h);
    c.statement_from.hash(h);
    c.statement_to.hash(h);
    c.bill_type.hash(h);
    c.place_of_service.hash(h);
    c.total_charge.map(f64::to_bits).hash(h);
    for d in &c.diagnoses {
        d.code.hash(h);
        d.poa.hash(h);
    }
    for p in &c.procedures {
        p.code.hash(h);
        p.date.hash(h);
    }
    for l in &c.lines {
        l.procedure.hash(h);
        l.modifiers.hash(h);
        l.revenue_code.hash(h);
        l.units.map(f64::to_bits).hash(h);
        l.charge.map(f64::to_bits).hash(h);
        l.from.hash(h);
        l.to.hash(h);
        l.place_of_service.hash(h);
        l.diagnosis_pointers.hash(h);
        l.ndc.hash(h);
    }
}

fn person(p: &Person, h: &mut impl Hasher) {
    p.member_id.hash(h);
    p.date_of_birth.hash(h);
    p.sex.hash(h);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(id: &str, charge: f64) -> Claim {
        let mut c: Claim = serde_json::from_str(&format!(
            r#"{{"id":"{id}","patient":{{"member_id":"M1"}},"lines":[{{"procedure":"99213","charge":{charge}}}]}}"#
        ))
        .unwrap();
        c.normalize();
        c
    }

    fn run(claims: &mut [Claim]) -> Vec<Option<Duplicate>> {
        let mut t = Tracker::default();
        for c in claims.iter_mut() {
            let p = Fingerprint::of(c);
            t.mark(c, p);
        }
        claims.iter().map(|c| c.duplicate).collect()
    }

    #[test]
    fn the_first_is_the_original_and_later_ones_repeat_it() {
        let mut v = [
            claim("A", 10.0),
            claim("B", 10.0),
            claim("A", 10.0),
            claim("A", 12.0),
        ];
        assert_eq!(
            run(&mut v),
            [None, None, Some(Duplicate::Exact), Some(Duplicate::SameId)]
        );
    }

    #[test]
    fn claims_without_an_id_are_not_tracked() {
        let mut v = [claim("", 10.0), claim("", 10.0)];
        assert_eq!(run(&mut v), [None, None]);
    }
}
