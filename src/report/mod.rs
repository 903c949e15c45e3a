//! Emitters: one file per output format behind the small [`Emitter`] trait. Each writes as
//! results arrive, in input order, so output is deterministic and streams.

pub mod csv;
#[cfg(test)]
mod fixture;
pub mod human;
pub mod json;
pub mod ndjson;
pub mod sarif;

use std::collections::BTreeMap;
use std::io;

use serde::Serialize;

use crate::finding::{Finding, Severity};
use crate::outcome::{ClaimResult, Outcome};

/// Builds a format's emitter over an output; the flag says whether to colour it.
pub type Build = for<'w> fn(Box<dyn io::Write + 'w>, bool) -> Box<dyn Emitter + 'w>;

/// An output format of `check`: a row of [`FORMATS`].
pub type Format = crate::format::Format<Check>;

/// The table of `check`'s formats.
pub enum Check {}

impl crate::format::Formats for Check {
    type Emitter = Build;
    const ALL: &'static [Format] = FORMATS;
}

/// Every output format of `check`, in `--format` order. Adding a format is its emitter file
/// plus one row here.
pub const FORMATS: &[Format] = &[
    Format::people("human", |out, color| {
        Box::new(human::Human::new(out, color))
    }),
    Format::machine("json", |out, _| Box::new(json::Json::new(out))),
    Format::machine("ndjson", |out, _| Box::new(ndjson::Ndjson::new(out))),
    Format::machine("csv", |out, _| Box::new(csv::Csv::new(out))),
    Format::machine("sarif", |out, _| Box::new(sarif::Sarif::new(out))),
];

/// What every emitter is told before the first claim.
#[derive(Debug, Clone, Serialize)]
pub struct RunMeta {
    /// Always `claimscrub`.
    pub tool: &'static str,
    /// The crate version that wrote the output.
    pub version: &'static str,
    /// Version of the output schema; bumped on any incompatible change.
    pub schema: u32,
    /// Input files as given on the command line.
    pub inputs: Vec<String>,
    /// Rules loaded.
    pub rules: usize,
}

/// The totals a billing manager reads at the end of a run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Input claims, read or not.
    pub claims: usize,
    /// Claims read and checked.
    pub checked: usize,
    /// Claims that could not be read (error records).
    pub unreadable: usize,
    /// Checked claims with no error finding.
    pub clean: usize,
    /// `clean / claims`, 0 when there were no claims: an unreadable claim is not clean.
    pub clean_rate: f64,
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// Info findings.
    pub infos: usize,
    /// Findings by category.
    pub by_category: BTreeMap<String, usize>,
    /// Findings by rule id.
    pub by_rule: BTreeMap<String, usize>,
    /// Sum of charges on lines (or claims) with error findings, each claim's capped at its
    /// known charges (see [`crate::outcome::Checked::charges_at_risk`]).
    pub charges_at_risk: f64,
    /// Sum of the known charges of checked claims: each claim's total charge, or its line
    /// charges when the total is missing ([`crate::outcome::Checked::known_charges`]).
    /// Unreadable claims add nothing: their error record carries no charges.
    pub total_charges: f64,
    /// Run-level notices, each said once in place of a finding per line (e.g.
    /// `cpt-not-loaded`: CPT lines that could not be verified), in order of first sight.
    pub notices: Vec<Notice>,
    /// The run was stopped (SIGINT, SIGTERM) before the end of its input: the totals cover
    /// the claims reported before it. Written only when true (`"interrupted": true`), so a
    /// complete run's summary is unchanged.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    /// `check --parse-only`: every claim was read and mapped, and no rule was run, so the
    /// totals count claims, not findings. Written only when true (`"parse_only": true`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub parse_only: bool,
}

/// A notice rule's hits over the run: what it says once, and how many lines and claims it
/// covers (those lines' verdict, e.g. "not verifiable" for CPT with no CPT file loaded).
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    /// The notice code, e.g. `cpt-not-loaded`.
    pub code: String,
    /// The rule that counted it (`check --per-line-notices` reports it per line).
    pub rule: String,
    /// The rule's severity.
    pub severity: &'static str,
    /// Lines it fired on.
    pub lines: usize,
    /// Claims with at least one such line.
    pub claims: usize,
    /// What it means.
    pub message: String,
    /// What to do about it.
    pub help: String,
}

impl Summary {
    /// Account for one claim result.
    pub fn add(&mut self, r: &ClaimResult) {
        self.claims += 1;
        match &r.outcome {
            Outcome::Unreadable(_) => self.unreadable += 1,
            Outcome::Checked(c) => {
                self.checked += 1;
                if !c.findings.iter().any(|f| f.severity == Severity::Error) {
                    self.clean += 1;
                }
                for f in &c.findings {
                    match f.severity {
                        Severity::Error => self.errors += 1,
                        Severity::Warning => self.warnings += 1,
                        Severity::Info => self.infos += 1,
                    }
                    *self
                        .by_category
                        .entry(f.category.as_str().to_string())
                        .or_default() += 1;
                    *self.by_rule.entry(f.rule.to_string()).or_default() += 1;
                }
                for t in &c.notices {
                    let n = &t.notice;
                    let i = match self.notices.iter().position(|x| *x.code == *n.code) {
                        Some(i) => i,
                        None => {
                            self.notices.push(Notice {
                                code: n.code.to_string(),
                                rule: n.rule.to_string(),
                                severity: n.severity.as_str(),
                                lines: 0,
                                claims: 0,
                                message: n.message.clone(),
                                help: n.help.clone(),
                            });
                            self.notices.len() - 1
                        }
                    };
                    if let Some(x) = self.notices.get_mut(i) {
                        x.lines += t.lines;
                        x.claims += 1;
                    }
                }
                self.charges_at_risk += c.charges_at_risk();
                self.total_charges += c.known_charges();
            }
        }
        self.clean_rate = if self.claims == 0 {
            0.0
        } else {
            self.clean as f64 / self.claims as f64
        };
    }

    /// The highest severity of any finding, if any.
    pub fn worst(&self) -> Option<Severity> {
        if self.errors > 0 {
            Some(Severity::Error)
        } else if self.warnings > 0 {
            Some(Severity::Warning)
        } else if self.infos > 0 {
            Some(Severity::Info)
        } else {
            None
        }
    }
}

/// Writes results in one format.
pub trait Emitter {
    /// Called once, before the first claim.
    fn begin(&mut self, meta: &RunMeta) -> io::Result<()>;
    /// Called for every input claim, in input order.
    fn claim(&mut self, result: &ClaimResult) -> io::Result<()>;
    /// Called once, after the last claim.
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;
}

/// Build the emitter for a format.
pub fn emitter<'w>(
    format: Format,
    out: Box<dyn io::Write + 'w>,
    color: bool,
) -> Box<dyn Emitter + 'w> {
    (format.emitter())(out, color)
}

/// A finding as it is written in json and ndjson output: the documented keys, in order.
#[derive(Serialize)]
pub struct FindingRecord<'a> {
    /// Claim id as the sender assigned it.
    pub claim_id: &'a str,
    /// The rule that fired.
    pub rule: &'a str,
    /// The finding's category.
    pub category: &'a str,
    /// The finding's severity.
    pub severity: &'a str,
    /// 1-based service line, `None` at claim level.
    pub line: Option<u32>,
    /// The code the finding is about, normalized as X12 carries it (`E1165`).
    pub code: Option<&'a str>,
    /// The same code as people read it (`E11.65`).
    pub display_code: Option<&'a str>,
    /// Where in the claim model, rendered as a JSON pointer.
    pub path: &'a crate::claim::Position,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Where in the input file, in its own terms.
    pub location: Option<&'a crate::claim::Location>,
    /// Expected CARC with group.
    pub carc: Option<&'a str>,
    /// Expected RARC.
    pub rarc: Option<&'a str>,
    /// What is wrong.
    pub message: &'a str,
    /// How to fix it.
    pub help: &'a str,
    /// The rule file.
    pub rule_file: &'a str,
    /// 1-based line of the rule's `id`.
    pub rule_line: u32,
}

impl<'a> From<&'a Finding> for FindingRecord<'a> {
    fn from(f: &'a Finding) -> Self {
        FindingRecord {
            claim_id: &f.claim_id,
            rule: &f.rule,
            category: f.category.as_str(),
            severity: f.severity.as_str(),
            line: f.line,
            code: f.code.as_deref(),
            display_code: f.display_code.as_deref(),
            path: &f.path,
            location: f.location.as_ref(),
            carc: f.carc.as_deref(),
            rarc: f.rarc.as_deref(),
            message: &f.message,
            help: &f.help,
            rule_file: &f.rule_source.file,
            rule_line: f.rule_source.line,
        }
    }
}

/// Money as `$1,234.50`.
pub fn money(x: f64) -> String {
    let cents = (x * 100.0).round() as i64;
    let (neg, cents) = (cents < 0, cents.abs());
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!(
        "{}${grouped}.{:02}",
        if neg { "-" } else { "" },
        cents % 100
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn money_groups_thousands() {
        assert_eq!(super::money(1234567.5), "$1,234,567.50");
        assert_eq!(super::money(0.0), "$0.00");
        assert_eq!(super::money(999.999), "$1,000.00");
    }
}
