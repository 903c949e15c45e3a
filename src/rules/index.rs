//! The trigger index: which rules can only fire when the claim carries a given procedure or
//! diagnosis code (or payer), so the cost per claim grows with the claim, not the rule count.

use std::collections::HashMap;
use std::sync::Arc;

use super::field::Field;
use super::ir::{CodeList, Each, Pred, Rule};

/// Index from triggers to the rules that can only fire when the claim holds them.
#[derive(Debug, Default, Clone)]
pub struct Index {
    /// Rules with no trigger: considered for every claim.
    pub always: Vec<u32>,
    pub proc_exact: HashMap<String, Vec<u32>>,
    pub proc_prefix: HashMap<String, Vec<u32>>,
    pub dx_exact: HashMap<String, Vec<u32>>,
    pub dx_prefix: HashMap<String, Vec<u32>>,
    /// Payer-scoped rules without a code trigger, by payer id.
    pub payer: HashMap<String, Vec<u32>>,
}

/// A trigger a rule cannot fire without.
#[derive(Debug, Clone)]
enum Trigger {
    Proc(Arc<CodeList>),
    Dx(Arc<CodeList>),
}

/// A trigger that must be present on the claim for the rule to fire, if one can be read off
/// the condition. Sound by construction: only conjuncts are used.
fn trigger(p: &Pred, each: Each) -> Option<Trigger> {
    let indexable = |l: &Arc<CodeList>| l.ranges.is_empty() && !l.is_empty();
    match p {
        Pred::Codes { field, list } if indexable(list) => match field {
            Field::Procedure
                if matches!(
                    each,
                    Each::Line | Each::LinePair | Each::Modifier | Each::Pointer
                ) =>
            {
                Some(Trigger::Proc(list.clone()))
            }
            Field::OtherProcedure if each == Each::LinePair => Some(Trigger::Proc(list.clone())),
            Field::DxCode if matches!(each, Each::Diagnosis | Each::DiagnosisPair) => {
                Some(Trigger::Dx(list.clone()))
            }
            Field::OtherDxCode if each == Each::DiagnosisPair => Some(Trigger::Dx(list.clone())),
            _ => None,
        },
        Pred::All(parts) => parts.iter().find_map(|x| trigger(x, each)),
        Pred::AnyLine(inner) => trigger(inner, Each::Line),
        Pred::AnyDiagnosis(inner) | Pred::PointedDiagnosis(inner) => {
            trigger(inner, Each::Diagnosis)
        }
        _ => None,
    }
}

pub fn build_index(rules: &[Rule]) -> Index {
    let mut ix = Index::default();
    for (i, r) in rules.iter().enumerate() {
        let i = i as u32;
        match trigger(&r.when, r.each) {
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
