//! `--format human`: findings grouped per claim (each claim under its file's name when the run
//! reads more than one file), in colour on a terminal, then the summary a
//! billing manager reads: claims checked, clean-claim rate, findings by category and rule,
//! and charges at risk.

use std::io::{self, Write};

use owo_colors::{OwoColorize, Style};

use super::{Emitter, RunMeta, Summary, money};
use crate::finding::Severity;
use crate::outcome::{ClaimResult, Outcome};

/// Findings grouped by claim for a person at a terminal, then the billing summary.
pub struct Human<'w> {
    out: Box<dyn Write + 'w>,
    color: bool,
    /// The run has more than one input file, so each claim's head names its file.
    name_files: bool,
}

impl<'w> Human<'w> {
    /// A human emitter writing to `out`, in colour when `color`.
    pub fn new(out: Box<dyn Write + 'w>, color: bool) -> Self {
        Human {
            out,
            color,
            name_files: false,
        }
    }

    fn paint(&self, text: &str, style: Style) -> String {
        if self.color {
            text.style(style).to_string()
        } else {
            text.to_string()
        }
    }
}

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Error => Style::new().red().bold(),
        Severity::Warning => Style::new().yellow().bold(),
        Severity::Info => Style::new().cyan(),
    }
}

impl Emitter for Human<'_> {
    fn begin(&mut self, meta: &RunMeta) -> io::Result<()> {
        self.name_files = meta.inputs.len() > 1;
        Ok(())
    }

    fn claim(&mut self, r: &ClaimResult) -> io::Result<()> {
        match &r.outcome {
            Outcome::Checked(c) if c.findings.is_empty() => Ok(()),
            Outcome::Checked(c) => {
                let file = match c.file.as_deref() {
                    Some(f) if self.name_files => format!("{f}: "),
                    _ => String::new(),
                };
                let head = format!("claim {}", c.claim_id);
                let lines = if c.line_count == 1 {
                    "1 line".to_string()
                } else {
                    format!("{} lines", c.line_count)
                };
                let total = c
                    .total_charge
                    .map(|t| format!(", {}", money(t)))
                    .unwrap_or_default();
                writeln!(
                    self.out,
                    "{file}{} ({lines}{total})",
                    self.paint(&head, Style::new().bold())
                )?;
                for f in &c.findings {
                    let tag = format!("{}[{}]", f.severity, f.rule);
                    let where_ = match f.line {
                        Some(l) => format!("line {l}"),
                        None => "claim".to_string(),
                    };
                    let carc = f
                        .carc
                        .as_deref()
                        .map(|c| format!("  [{c}]"))
                        .unwrap_or_default();
                    writeln!(
                        self.out,
                        // The message names the code; the head says where.
                        "  {} {where_}: {}{}",
                        self.paint(&tag, severity_style(f.severity)),
                        f.message,
                        self.paint(&carc, Style::new().dimmed())
                    )?;
                    if !f.help.is_empty() {
                        writeln!(
                            self.out,
                            "      {} {}",
                            self.paint("help:", Style::new().green()),
                            f.help
                        )?;
                    }
                    let at = match &f.location {
                        Some(l) => l.to_string(),
                        None => f.path.to_string(),
                    };
                    writeln!(
                        self.out,
                        "      {} {at}",
                        self.paint("at:", Style::new().dimmed())
                    )?;
                }
                writeln!(self.out)
            }
            Outcome::Unreadable(e) => {
                let at = e
                    .location
                    .as_ref()
                    .map(|l| format!(" ({l})"))
                    .unwrap_or_default();
                // Counted within its file when the file is known, else within the run.
                let (file, n) = match e.file.as_deref() {
                    Some(f) => (format!("{f}: "), e.index + 1),
                    None => (String::new(), r.seq + 1),
                };
                writeln!(
                    self.out,
                    "{} {file}claim #{n} could not be read{at}: {}\n",
                    self.paint("error[unreadable]", severity_style(Severity::Error)),
                    e.message
                )
            }
        }
    }

    fn finish(&mut self, s: &Summary) -> io::Result<()> {
        let bold = Style::new().bold();
        // Each notice once, before the summary, in place of a finding per line.
        for n in &s.notices {
            let tag = format!("{}[{}]", n.severity, n.code);
            let style = match n.severity {
                "error" => severity_style(Severity::Error),
                "warning" => severity_style(Severity::Warning),
                _ => severity_style(Severity::Info),
            };
            writeln!(
                self.out,
                "{} {} on {}: {}",
                self.paint(&tag, style),
                plural(n.lines, "line"),
                plural(n.claims, "claim"),
                n.message
            )?;
            if !n.help.is_empty() {
                writeln!(
                    self.out,
                    "      {} {}",
                    self.paint("help:", Style::new().green()),
                    n.help
                )?;
            }
            writeln!(
                self.out,
                "      {} {}; `--per-line-notices` reports each line\n",
                self.paint("rule:", Style::new().dimmed()),
                n.rule
            )?;
        }
        writeln!(self.out, "{}", self.paint("Summary", bold))?;
        if s.parse_only {
            writeln!(
                self.out,
                "  parse only:      every claim was read and mapped; no rule was run"
            )?;
        }
        if s.interrupted {
            writeln!(
                self.out,
                "  interrupted:     the run was stopped before the end of its input; \
                 these totals cover the claims above"
            )?;
        }
        let unreadable = if s.unreadable > 0 {
            format!(", {} unreadable", s.unreadable)
        } else {
            String::new()
        };
        writeln!(
            self.out,
            "  claims:          {} checked{unreadable}",
            s.checked
        )?;
        writeln!(
            self.out,
            "  clean claims:    {} of {} ({:.1}%)",
            s.clean,
            s.claims,
            s.clean_rate * 100.0
        )?;
        writeln!(
            self.out,
            "  findings:        {}, {}, {} info",
            plural(s.errors, "error"),
            plural(s.warnings, "warning"),
            s.infos
        )?;
        writeln!(
            self.out,
            "  charges at risk: {} of {}",
            money(s.charges_at_risk),
            money(s.total_charges)
        )?;
        for n in &s.notices {
            writeln!(
                self.out,
                "  notice:          {} ({} not verified)",
                n.code,
                plural(n.lines, "line")
            )?;
        }
        if !s.by_category.is_empty() {
            writeln!(self.out, "  by category:")?;
            let mut v: Vec<_> = s.by_category.iter().collect();
            v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            for (k, n) in v {
                writeln!(self.out, "    {n:>6}  {k}")?;
            }
        }
        if !s.by_rule.is_empty() {
            writeln!(self.out, "  by rule:")?;
            let mut v: Vec<_> = s.by_rule.iter().collect();
            v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            for (k, n) in v {
                writeln!(self.out, "    {n:>6}  {k}")?;
            }
        }
        self.out.flush()
    }
}

/// `1 error`, `2 errors`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_run() {
        insta::assert_snapshot!(super::super::fixture::render(|out| Box::new(Human::new(
            out, false
        ))));
    }
}
