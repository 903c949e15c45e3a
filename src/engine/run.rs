//! The parallel runner: pending claims are parsed and checked in bounded chunks with rayon,
//! and results come out in input order whatever the thread count.

use std::ops::ControlFlow;

use rayon::prelude::*;

use super::Engine;
use super::duplicates::{Fingerprint, Tracker};
use super::redact::Redactor;
use crate::claim::Claim;
use crate::claim::input::{ClaimError, Pending};
use crate::outcome::{Checked, ClaimResult, Outcome};

/// Claims handed to the thread pool at once: bounds memory on any input size.
pub const CHUNK: usize = 2048;

/// Parse and check every pending claim, calling `emit` in input order.
///
/// A producer thread splits the input into chunks (X12's envelopes and the loops above each
/// claim are read there, in order; the claims themselves are mapped in the pool) while the
/// pool checks the previous chunk; at most two chunks wait, so memory stays bounded.
pub fn run<I, F>(engine: &Engine, inputs: I, chunk: usize, mut emit: F)
where
    I: Iterator<Item = Pending> + Send,
    F: FnMut(ClaimResult),
{
    run_while(engine, inputs, chunk, |r| {
        emit(r);
        ControlFlow::Continue(())
    });
}

/// [`run`], stopping when `emit` breaks (its output closed, a stop signal): no claim after
/// that one is emitted, and reading stops after at most the chunk being read.
pub fn run_while<I, F>(engine: &Engine, inputs: I, chunk: usize, mut emit: F)
where
    I: Iterator<Item = Pending> + Send,
    F: FnMut(ClaimResult) -> ControlFlow<()>,
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
        let mut repeats = Tracker::default();
        let mut redactor = engine.options.redact.then(Redactor::default);
        // Leaving the loop drops the receiver, so the producer's next send fails and it stops.
        'chunks: for batch in rx {
            // Parse in parallel, mark repeats in input order, then check in parallel.
            let mut claims: Vec<(Result<Claim, ClaimError>, Option<Fingerprint>)> = batch
                .into_par_iter()
                .map(|p| {
                    let claim = p.materialize();
                    let print = claim.as_ref().ok().and_then(Fingerprint::of);
                    (claim, print)
                })
                .collect();
            for (claim, print) in &mut claims {
                match claim {
                    Ok(c) => {
                        repeats.mark(c, *print);
                        if let Some(r) = &mut redactor {
                            r.claim(c);
                        }
                    }
                    Err(e) => {
                        if let Some(r) = &mut redactor {
                            r.error(e);
                        }
                    }
                }
            }
            let results: Vec<Outcome> = claims
                .into_par_iter()
                .map(|(claim, _)| match claim {
                    Ok(claim) => {
                        let (findings, notices) = engine.check_with_notices(&claim);
                        Outcome::Checked(Checked {
                            findings,
                            notices,
                            file: claim.source.file.clone(),
                            claim_id: claim.masks.map_or(claim.id, |m| m.id),
                            total_charge: claim.total_charge,
                            line_charges: claim.lines.iter().filter_map(|l| l.charge).sum(),
                            line_count: claim.lines.len(),
                        })
                    }
                    Err(e) => Outcome::Unreadable(e),
                })
                .collect();
            for outcome in results {
                if emit(ClaimResult { seq, outcome }).is_break() {
                    break 'chunks;
                }
                seq += 1;
            }
        }
    });
}
