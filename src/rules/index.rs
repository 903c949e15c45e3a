//! The trigger index: which rules can only fire when the claim carries a given procedure or
//! diagnosis code (or payer), so the cost per claim grows with the claim, not the rule count.

use std::collections::HashMap;
use std::sync::Arc;

use super::cond::codes::CodeList;
use super::ir::Rule;

/// Index from triggers to the rules that can only fire when the claim holds them.
#[derive(Debug, Default, Clone)]
pub struct Index {
    /// Rules with no trigger: considered for every claim.
    pub always: Vec<u32>,
    /// Rules keyed by an exact procedure code they need.
    pub proc_exact: HashMap<String, Vec<u32>>,
    /// Rules keyed by a procedure code prefix they need.
    pub proc_prefix: HashMap<String, Vec<u32>>,
    /// Rules keyed by an exact diagnosis code they need.
    pub dx_exact: HashMap<String, Vec<u32>>,
    /// Rules keyed by a diagnosis code prefix they need.
    pub dx_prefix: HashMap<String, Vec<u32>>,
    /// Payer-scoped rules without a code trigger, by payer id.
    pub payer: HashMap<String, Vec<u32>>,
}

/// A trigger a rule cannot fire without: a code list the iterated procedure or diagnosis
/// must match. Conditions name theirs (`Condition::trigger`).
#[derive(Debug, Clone)]
pub enum Trigger {
    /// The claim must carry a procedure code of the list.
    Proc(Arc<CodeList>),
    /// The claim must carry a diagnosis code of the list.
    Dx(Arc<CodeList>),
}

/// Index rules by the trigger each names, else by payer, else as always considered.
pub fn build_index(rules: &[Rule]) -> Index {
    let mut ix = Index::default();
    for (i, r) in rules.iter().enumerate() {
        let i = i as u32;
        match r.when.trigger(r.each) {
            Some(Trigger::Proc(l)) => {
                for c in &l.exact {
                    ix.proc_exact.entry(c.clone()).or_default().push(i);
                }
                for p in &l.prefixes {
                    ix.proc_prefix.entry(p.clone()).or_default().push(i);
                }
            }
            Some(Trigger::Dx(l)) => {
                for c in &l.exact {
                    ix.dx_exact.entry(c.clone()).or_default().push(i);
                }
                for p in &l.prefixes {
                    ix.dx_prefix.entry(p.clone()).or_default().push(i);
                }
            }
            None => match &r.scope.payers {
                Some(payers) => {
                    for p in payers {
                        ix.payer.entry(p.clone()).or_default().push(i);
                    }
                }
                None => ix.always.push(i),
            },
        }
    }
    ix
}
