//! What a run produced for each input claim: the findings of a checked claim or the error of
//! an unreadable one. The runner builds these and every emitter reads them, so they sit below
//! both `engine` and `report`.

use std::sync::Arc;

use crate::claim::input::ClaimError;
use crate::finding::{Finding, Severity};
use crate::rules::NoticeRule;

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
    /// The sum of the line charges as read (a line without a charge adds nothing).
    pub line_charges: f64,
    /// Service lines on the claim.
    pub line_count: usize,
    /// What the rules found, in engine order.
    pub findings: Vec<Finding>,
    /// Hits of notice rules counted instead of reported (e.g. CPT lines not verifiable
    /// because no CPT file is loaded), in rule order; empty when the run reports them per line.
    pub notices: Vec<Tally>,
}

/// How many lines of one claim a notice rule fired on: the claim's verdict from that rule,
/// kept as a count rather than a finding per line.
#[derive(Debug, Clone)]
pub struct Tally {
    /// The notice and the rule behind it.
    pub notice: Arc<NoticeRule>,
    /// Lines it fired on.
    pub lines: usize,
}

impl Checked {
    /// What the claim's charges are known to be: its total charge, or the sum of its line
    /// charges when the total is missing. The summary's charges at risk and total charges
    /// both count this base, so the one never exceeds the other.
    pub fn known_charges(&self) -> f64 {
        self.total_charge.unwrap_or(self.line_charges)
    }

    /// Charges put at risk by error findings: each errored line's charge once, or the
    /// whole claim ([`Checked::known_charges`]) when an error is claim-level; never more than
    /// the claim's known charges.
    pub fn charges_at_risk(&self) -> f64 {
        let errors: Vec<&Finding> = self
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        if errors.is_empty() {
            return 0.0;
        }
        let known = self.known_charges();
        if errors.iter().any(|f| f.line.is_none()) {
            return known;
        }
        let mut lines: Vec<(u32, f64)> = errors
            .iter()
            .filter_map(|f| f.line.map(|l| (l, f.charge.unwrap_or(0.0))))
            .collect();
        lines.sort_by_key(|(l, _)| *l);
        lines.dedup_by_key(|(l, _)| *l);
        lines.iter().map(|(_, c)| c).sum::<f64>().min(known)
    }
}

#[cfg(test)]
mod tests {
    use super::{Arc, Checked};
    use crate::claim::Position;
    use crate::finding::{Category, Finding, RuleSource, Severity};

    fn error_on(line: Option<u32>, charge: Option<f64>) -> Finding {
        Finding {
            claim_id: "C1".into(),
            rule: Arc::from("TST001"),
            category: Category::InvalidCode,
            severity: Severity::Error,
            line,
            code: None,
            display_code: None,
            path: line.map_or(Position::Claim, |l| Position::line(l as usize - 1)),
            location: None,
            carc: None,
            rarc: None,
            message: String::new(),
            help: String::new(),
            rule_source: RuleSource {
                file: Arc::from("rules/test/tst001.yaml"),
                line: 1,
            },
            charge,
        }
    }

    fn checked(total: Option<f64>, lines: f64, findings: Vec<Finding>) -> Checked {
        Checked {
            claim_id: "C1".into(),
            file: None,
            total_charge: total,
            line_charges: lines,
            line_count: 2,
            findings,
            notices: Vec::new(),
        }
    }

    #[test]
    fn at_risk_is_capped_at_the_known_charges() {
        // Errored lines charging more than the claim's total: the total caps them.
        let c = checked(Some(50.0), 120.0, vec![error_on(Some(1), Some(120.0))]);
        assert_eq!(c.charges_at_risk(), 50.0);
        // No total: a claim-level error puts the line charges at risk, the same base the
        // summary's total charges count.
        let c = checked(None, 90.0, vec![error_on(None, None)]);
        assert_eq!((c.charges_at_risk(), c.known_charges()), (90.0, 90.0));
        // A line counts once however many errors it has.
        let c = checked(
            Some(200.0),
            200.0,
            vec![error_on(Some(2), Some(80.0)), error_on(Some(2), Some(80.0))],
        );
        assert_eq!(c.charges_at_risk(), 80.0);
    }
}
