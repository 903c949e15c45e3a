//! Checking a code combination ([`Quick`]): the claim it stands for, scoped as its payer,
//! through the same rules as any claim, keeping the findings about what the combination says.

use jiff::civil::Date;

use super::{Engine, ForcedPayer, Options, UnknownPayer};
use crate::claim::quick::{Quick, QuickError};
use crate::outcome::{Checked, ClaimResult, Outcome};

/// Why a combination was not checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuickCheckError {
    /// The combination itself is refused.
    #[error(transparent)]
    Quick(#[from] QuickError),
    /// Its `payer` names neither a payer id the rules scope nor a payer pack.
    #[error(transparent)]
    Payer(#[from] UnknownPayer),
}

/// Check `quick` with `engine`'s rules and code sets on `today` (its date of service when it
/// gives none); its `payer`, when given, is forced as `check --payer` forces one. The result
/// is the one claim's, as `check` reports it, with only the findings the combination supplies
/// ([`Quick::supplies`]).
pub fn check(engine: &Engine, quick: &Quick, today: Date) -> Result<ClaimResult, QuickCheckError> {
    let claim = quick.build(today)?;
    let payer = match &quick.payer {
        Some(p) => Some(ForcedPayer::resolve(&engine.rules, p)?),
        None => engine.options.payer.clone(),
    };
    let scoped;
    let engine = if payer == engine.options.payer {
        engine
    } else {
        scoped = Engine::new(
            engine.rules.clone(),
            engine.codesets.clone(),
            Options {
                payer,
                ..engine.options.clone()
            },
        );
        &scoped
    };
    let (mut findings, notices) = engine.check_with_notices(&claim);
    findings.retain(|f| quick.supplies(f.path));
    Ok(ClaimResult {
        seq: 0,
        outcome: Outcome::Checked(Checked {
            claim_id: claim.id,
            file: None,
            total_charge: None,
            line_charges: 0.0,
            line_count: claim.lines.len(),
            findings,
            notices,
        }),
    })
}
