//! The parallel runner: pending claims are parsed and checked in bounded chunks with rayon,
//! and results come out in input order whatever the thread count.

use rayon::prelude::*;

use super::Engine;
use crate::claim::input::{ClaimError, Pending};
use crate::finding::{Finding, Severity};

/// The outcome for one input claim.
#[derive(Debug)]
pub struct ClaimResult {
    /// 0-based position among all inputs of the run.
    pub seq: usize,
    pub outcome: Outcome,
}

/// A checked claim or a claim that could not be read.
#[derive(Debug)]
pub enum Outcome {
    Checked(Checked),
    Unreadable(ClaimError),
}

/// What the report needs of a checked claim (the claim itself is dropped: it holds PHI).
#[derive(Debug)]
pub struct Checked {
    pub claim_id: String,
    /// Input file the claim came from.
    pub file: Option<std::sync::Arc<str>>,
    pub total_charge: Option<f64>,
    pub line_count: usize,
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

/// Claims handed to the thread pool at once: bounds memory on any input size.
pub const CHUNK: usize = 2048;

/// Parse and check every pending claim, calling `emit` in input order.
///
/// A producer thread splits the input into chunks (X12 is parsed there, sequentially) while
/// the pool checks the previous chunk; at most two chunks wait, so memory stays bounded.
pub fn run<I, F>(engine: &Engine, inputs: I, chunk: usize, mut emit: F)
where
    I: Iterator<Item = Pending> + Send,
    F: FnMut(ClaimResult),
{
    let chunk = chunk.max(1);
    let mut seq = 0usize;
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Pending>>(2);
        scope.spawn(move || {
            let mut inputs = inputs;
            loop {
                let batch: Vec<Pending> = inputs.by_ref().take(chunk).collect();
                // A closed channel means the consumer stopped: nothing more to do.
                if batch.is_empty() || tx.send(batch).is_err() {
                    break;
                }
            }
        });
        for batch in rx {
            let results: Vec<Outcome> = batch
                .into_par_iter()
                .map(|p| match p.materialize() {
                    Ok(claim) => Outcome::Checked(Checked {
                        findings: engine.check(&claim),
                        file: claim.source.file.clone(),
                        claim_id: claim.id,
                        total_charge: claim.total_charge,
                        line_count: claim.lines.len(),
                    }),
                    Err(e) => Outcome::Unreadable(e),
                })
                .collect();
            for outcome in results {
                emit(ClaimResult { seq, outcome });
                seq += 1;
            }
        }
    });
}
