//! The engine: runs compiled rules over a claim with the code sets and produces findings.
//!
//! Per claim it gathers candidate rules from the trigger index (procedure and diagnosis codes,
//! payer), so the cost grows with the claim, not with the number of rules; then evaluates
//! each candidate over its iteration (lines, diagnoses, pairs…).

pub mod duplicates;
pub mod payer;
pub mod quick;
pub mod redact;
mod render;
pub mod run;

use std::sync::Arc;

use jiff::civil::Date;

use crate::claim::Claim;
use crate::codeset::CodeSets;
use crate::finding::Finding;
use crate::outcome::Tally;
use crate::rules::field::Scope;
use crate::rules::{Pairs, Rule, RuleSet, RuleStatus};

use crate::rules::cond::{Env, Facts};
pub use payer::{ForcedPayer, UnknownPayer};
use render::Render;

/// Settings of one check run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Assumed submission date for claims that carry none (timely filing).
    pub as_of: Date,
    /// Scope every claim as this payer, in place of its own payer id and filing indicator
    /// ([`ForcedPayer::resolve`] reads `--payer`).
    pub payer: Option<ForcedPayer>,
    /// Run preview rules too.
    pub preview: bool,
    /// Report a notice rule's hits as findings, one per line, instead of counting them into
    /// its run-level notice ([`Engine::check_with_notices`]).
    pub per_line_notices: bool,
    /// Mask claim ids and member-derived values in findings and error records
    /// (`check --redact`, see [`redact`]).
    pub redact: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            as_of: jiff::Zoned::now().date(),
            payer: None,
            preview: false,
            per_line_notices: false,
            redact: false,
        }
    }
}

/// Compiled rules plus code sets: everything needed to check claims.
pub struct Engine {
    /// The compiled rules and their index, shared by every thread.
    pub rules: Arc<RuleSet>,
    /// The code sets and tables the rules consult.
    pub codesets: Arc<CodeSets>,
    /// How this run checks.
    pub options: Options,
    /// Rules that cannot fire with these code sets (they need a table not loaded), by index.
    idle: Vec<bool>,
    /// Each rule's scope group: consecutive rules with the same scope and effective window
    /// share one, so a claim's scope test runs once per group, not once per rule.
    group: Vec<u32>,
}

impl Engine {
    /// An engine over these rules and code sets.
    pub fn new(
        rules: impl Into<Arc<RuleSet>>,
        codesets: impl Into<Arc<CodeSets>>,
        options: Options,
    ) -> Engine {
        let rules: Arc<RuleSet> = rules.into();
        let codesets: Arc<CodeSets> = codesets.into();
        let idle = rules
            .rules
            .iter()
            .map(|r| !r.when.possible(&codesets))
            .collect();
        let mut group = Vec::with_capacity(rules.rules.len());
        let mut n = 0u32;
        for (i, r) in rules.rules.iter().enumerate() {
            let same = i
                .checked_sub(1)
                .and_then(|p| rules.rules.get(p))
                .is_some_and(|p| {
                    p.scope == r.scope
                        && p.effective_from == r.effective_from
                        && p.effective_to == r.effective_to
                });
            if !same {
                n = n.saturating_add(1);
            }
            group.push(n);
        }
        Engine {
            rules,
            codesets,
            options,
            idle,
            group,
        }
    }

    /// Check one claim using the trigger index. Unless [`Options::per_line_notices`], hits
    /// of notice rules are not among the findings: [`Engine::check_with_notices`] counts them.
    pub fn check(&self, claim: &Claim) -> Vec<Finding> {
        self.check_with_notices(claim).0
    }

    /// Check one claim using the trigger index: its findings, and how many lines each
    /// notice rule fired on when those are counted rather than reported.
    pub fn check_with_notices(&self, claim: &Claim) -> (Vec<Finding>, Vec<Tally>) {
        let candidates = self.candidates(claim);
        self.run_rules(claim, candidates.into_iter())
    }

    /// Check one claim evaluating every rule, bypassing the index (for tests and audits).
    pub fn check_all_rules(&self, claim: &Claim) -> Vec<Finding> {
        self.run_rules(claim, 0..self.rules.rules.len() as u32).0
    }

    /// The payer id and filing indicator scopes are matched against: the forced payer's
    /// when the run forces one (it replaces the claim's, it does not add to it), else the
    /// claim's own.
    fn payer_scope<'a>(&'a self, claim: &'a Claim) -> (Option<&'a str>, Option<&'a str>) {
        match &self.options.payer {
            Some(f) => (f.id.as_deref(), f.plan.as_deref()),
            None => (claim.payer.id.as_deref(), claim.payer.plan.as_deref()),
        }
    }

    /// Rule indexes that may fire on this claim, sorted and deduplicated.
    pub fn candidates(&self, claim: &Claim) -> Vec<u32> {
        let ix = &self.rules.index;
        let mut out: Vec<u32> = ix.always.clone();
        if let (Some(p), _) = self.payer_scope(claim)
            && let Some(v) = ix.payer.get(p)
        {
            out.extend_from_slice(v);
        }
        let mut probe =
            |code: &str,
             exact: &std::collections::HashMap<String, Vec<u32>>,
             prefix: &std::collections::HashMap<String, Vec<u32>>| {
                if let Some(v) = exact.get(code) {
                    out.extend_from_slice(v);
                }
                if !prefix.is_empty() {
                    for end in 1..=code.len() {
                        if let Some(v) = code.get(..end).and_then(|p| prefix.get(p)) {
                            out.extend_from_slice(v);
                        }
                    }
                }
            };
        for l in &claim.lines {
            if let Some(p) = &l.procedure {
                probe(p, &ix.proc_exact, &ix.proc_prefix);
            }
        }
        for d in &claim.diagnoses {
            probe(&d.code, &ix.dx_exact, &ix.dx_prefix);
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Does the rule apply to this claim at all (status, scope, effective window, pack
    /// overrides)?
    fn applies(
        &self,
        rule: &Rule,
        base: &Scope<'_>,
        disabled: &[usize],
        idx: usize,
        last: &mut Option<(u32, bool)>,
    ) -> bool {
        if self.idle.get(idx).copied().unwrap_or(false) {
            return false;
        }
        match rule.status {
            RuleStatus::Removed => return false,
            RuleStatus::Preview if !self.options.preview => return false,
            _ => {}
        }
        if !disabled.is_empty() && disabled.binary_search(&idx).is_ok() {
            return false;
        }
        let group = self.group.get(idx).copied();
        if let (Some(g), Some((lg, verdict))) = (group, *last)
            && g == lg
        {
            return verdict;
        }
        let verdict = self.in_scope(rule, base);
        if let Some(g) = group {
            *last = Some((g, verdict));
        }
        verdict
    }

    /// Does the claim fall in the rule's scope and effective window?
    fn in_scope(&self, rule: &Rule, base: &Scope<'_>) -> bool {
        let claim = base.claim;
        let (payer, plan) = self.payer_scope(claim);
        if !rule.scope.matches(claim.kind, base.setting(), payer, plan) {
            return false;
        }
        if let Some(d) = base.service_date
            && (rule.effective_from.is_some_and(|f| d < f)
                || rule.effective_to.is_some_and(|t| d > t))
        {
            return false;
        }
        true
    }

    /// The rules packs in scope turn off, sorted (empty, and free, when none do).
    fn disabled(&self, claim: &Claim) -> Vec<usize> {
        let mut off = Vec::new();
        let (payer, plan) = self.payer_scope(claim);
        for p in &self.rules.packs {
            if !p.disable.is_empty() && p.scope.matches(claim.kind, claim.setting(), payer, plan) {
                off.extend(p.disable.iter().copied());
            }
        }
        off.sort_unstable();
        off
    }

    fn run_rules(
        &self,
        claim: &Claim,
        rules: impl Iterator<Item = u32>,
    ) -> (Vec<Finding>, Vec<Tally>) {
        let disabled = self.disabled(claim);
        let env = Env::new(&self.codesets, self.options.as_of);
        let render = Render { env: &env };
        let base = Scope::new(claim);
        let mut out = Vec::new();
        let mut notices = Vec::new();
        // The scope group last tested, and its verdict.
        let mut last = None;
        for i in rules {
            let Some(rule) = self.rules.rules.get(i as usize) else {
                continue;
            };
            if !self.applies(rule, &base, &disabled, i as usize, &mut last) {
                continue;
            }
            let tally = rule
                .notice
                .as_ref()
                .filter(|_| !self.options.per_line_notices);
            let mut lines = 0usize;
            // `pairs: first`: the item (line or diagnosis) that has found its partner; the
            // iteration visits each item's partners together, so later ones are skipped.
            let first = rule.pairs == Pairs::First;
            let mut matched: Option<usize> = None;
            rule.each.scopes(&base, |s| {
                let item = s.line.map(|(i, _)| i).or(s.dx.map(|(i, _)| i));
                if first && item.is_some() && item == matched {
                    return;
                }
                let mut facts = Facts::default();
                if rule.when.eval(&env, &s, &mut facts) {
                    matched = item;
                    if tally.is_some() {
                        lines += 1;
                    } else {
                        out.push(render.finding(rule, &s, &facts));
                    }
                }
            });
            if let Some(notice) = tally
                && lines > 0
            {
                notices.push(Tally {
                    notice: notice.clone(),
                    lines,
                });
            }
        }
        sort_findings(&mut out);
        (out, notices)
    }
}

/// Findings in a fixed order: claim-level first, then by line, rule, path and message.
pub fn sort_findings(v: &mut [Finding]) {
    v.sort_by(|a, b| {
        (a.line, &a.rule, &a.path, &a.message).cmp(&(b.line, &b.rule, &b.path, &b.message))
    });
}
