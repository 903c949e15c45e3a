//! `check --redact`: findings safe to share. Each distinct claim id becomes `claim-N`, N
//! counting distinct ids in input order, so one id always has one mask within a run whatever
//! the thread count, and a claim that names another (`original_claim_id`) names it by that
//! claim's mask. Every other value a finding could copy from the member or the claim
//! (dates, age, sex, member, tax, authorization and referral numbers) reads [`REDACTED`].
//!
//! Only 64-bit hashes of the ids are kept (16 bytes a distinct id), as in
//! [`super::duplicates`]: the redactor holds no claim value.

use std::collections::HashMap;
use std::hash::BuildHasher;

use foldhash::fast::FixedState;

use crate::claim::input::ClaimError;
use crate::claim::{Claim, Masks};

/// What a redacted value other than a claim id reads.
pub const REDACTED: &str = "[redacted]";

/// The seed of the id hashes.
const SEED: u64 = 0x7ed4_c7ed_0c1a_1d00;

/// The masks handed out so far in a run: claim-id hash → its number.
#[derive(Debug, Default)]
pub struct Redactor {
    /// Keyed by a hash already: a fast fixed-seed hasher is enough.
    seen: HashMap<u64, u64, FixedState>,
}

impl Redactor {
    /// The mask of a claim id: `claim-N` for the Nth distinct id of the run; an empty id
    /// stays empty (rules report it missing, and a mask would hide that).
    pub fn mask(&mut self, id: &str) -> String {
        if id.trim().is_empty() {
            return String::new();
        }
        let key = FixedState::with_seed(SEED).hash_one(id);
        let next = self.seen.len() as u64 + 1;
        let n = *self.seen.entry(key).or_insert(next);
        format!("claim-{n}")
    }

    /// Give a claim its masks, before it is checked. Call in input order.
    pub fn claim(&mut self, claim: &mut Claim) {
        let id = self.mask(&claim.id);
        let original = claim.original_claim_id.as_deref().map(|o| self.mask(o));
        claim.masks = Some(Masks { id, original });
    }

    /// Mask the claim id of an error record. Call in input order.
    pub fn error(&mut self, error: &mut ClaimError) {
        if let Some(id) = &mut error.claim_id {
            *id = self.mask(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_mask_per_distinct_id_in_order() {
        let mut r = Redactor::default();
        let got: Vec<String> = ["A7", "B2", "A7", "", "C9"]
            .iter()
            .map(|id| r.mask(id))
            .collect();
        assert_eq!(got, ["claim-1", "claim-2", "claim-1", "", "claim-3"]);
    }

    #[test]
    fn a_replacement_names_its_original_by_mask() {
        let mut r = Redactor::default();
        let mut first = Claim {
            id: "ORIG-1".into(),
            ..Claim::default()
        };
        let mut second = Claim {
            id: "NEW-2".into(),
            original_claim_id: Some("ORIG-1".into()),
            ..Claim::default()
        };
        r.claim(&mut first);
        r.claim(&mut second);
        let masks = second.masks.expect("masked");
        assert_eq!(masks.id, "claim-2");
        assert_eq!(masks.original.as_deref(), Some("claim-1"));
    }
}
