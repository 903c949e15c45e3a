//! What a run produced for each input claim: the findings of a checked claim or the error of
//! an unreadable one. The runner builds these and every emitter reads them, so they sit below
//! both `engine` and `report`.

use crate::claim::input::ClaimError;
use crate::finding::{Finding, Severity};

/// The outcome for one input claim.
#[derive(Debug)]
pub struct ClaimResult {
    /// 0-based position among all inputs of the run.
    pub seq: usize,
    /// What became of the claim.
    pub outcome: Outcome,
}

/// A checked claim or a claim that could not be read.
#[derive(Debug)]
pub enum Outcome {
    /// The claim was read and the rules ran on it.
    Checked(Checked),
    /// The claim could not be read: its error record, so the batch goes on.
    Unreadable(ClaimError),
}

/// What the report needs of a checked claim (the claim itself is dropped: it holds PHI).
#[derive(Debug)]
pub struct Checked {
    /// The claim's id as read.
    pub claim_id: String,
    /// Input file the claim came from.
    pub file: Option<std::sync::Arc<str>>,
    /// The claim's total charge, when given.
    pub total_charge: Option<f64>,
    /// Service lines on the claim.
    pub line_count: usize,
    /// What the rules found, in engine order.
    pub findings: Vec<Finding>,
}

impl Checked {
    /// Charges put at risk by error findings: each errored line's charge once, or the
    /// whole claim's total when an error is claim-level.
    pub fn charges_at_risk(&self) -> f64 {
        let errors: Vec<&Finding> = self
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        if errors.is_empty() {
            return 0.0;
        }
        if errors.iter().any(|f| f.line.is_none()) {
            return self
                .total_charge
                .unwrap_or_else(|| errors.iter().filter_map(|f| f.charge).sum());
        }
        let mut lines: Vec<(u32, f64)> = errors
            .iter()
            .filter_map(|f| f.line.map(|l| (l, f.charge.unwrap_or(0.0))))
            .collect();
        lines.sort_by_key(|(l, _)| *l);
        lines.dedup_by_key(|(l, _)| *l);
        lines.iter().map(|(_, c)| c).sum()
    }
}
