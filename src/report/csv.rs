//! `--format csv`: one row per finding, and one row per unreadable claim (category
//! `unreadable-claim`), for spreadsheets and work queues.

use std::io::{self, Write};

use super::{Emitter, RunMeta, Summary};
use crate::outcome::{ClaimResult, Outcome};

/// One row per finding and per unreadable claim, for spreadsheets.
pub struct Csv<'w> {
    out: ::csv::Writer<Box<dyn Write + 'w>>,
}

impl<'w> Csv<'w> {
    /// A CSV emitter writing to `out`.
    pub fn new(out: Box<dyn Write + 'w>) -> Self {
        Csv {
            out: ::csv::Writer::from_writer(out),
        }
    }
}

fn io_err(e: ::csv::Error) -> io::Error {
    io::Error::other(e)
}

const HEADER: [&str; 15] = [
    "claim_id",
    "line",
    "rule",
    "severity",
    "category",
    "code",
    "carc",
    "rarc",
    "path",
    "location",
    "message",
    "help",
    "rule_file",
    "rule_line",
    "file",
];

impl Emitter for Csv<'_> {
    fn begin(&mut self, _meta: &RunMeta) -> io::Result<()> {
        self.out.write_record(HEADER).map_err(io_err)
    }

    fn claim(&mut self, r: &ClaimResult) -> io::Result<()> {
        match &r.outcome {
            Outcome::Checked(c) => {
                for f in &c.findings {
                    let row = [
                        f.claim_id.clone(),
                        f.line.map(|l| l.to_string()).unwrap_or_default(),
                        f.rule.to_string(),
                        f.severity.as_str().to_string(),
                        f.category.as_str().to_string(),
                        f.code.clone().unwrap_or_default(),
                        f.carc.as_deref().unwrap_or_default().to_string(),
                        f.rarc.as_deref().unwrap_or_default().to_string(),
                        f.path.to_string(),
                        f.location
                            .as_ref()
                            .map(|l| l.to_string())
                            .unwrap_or_default(),
                        f.message.clone(),
                        f.help.clone(),
                        f.rule_source.file.to_string(),
                        f.rule_source.line.to_string(),
                        c.file.as_deref().unwrap_or_default().to_string(),
                    ];
                    self.out.write_record(&row).map_err(io_err)?;
                }
                Ok(())
            }
            Outcome::Unreadable(e) => {
                let row = [
                    e.claim_id.clone().unwrap_or_default(),
                    String::new(),
                    String::new(),
                    "error".to_string(),
                    "unreadable-claim".to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    e.location
                        .as_ref()
                        .map(|l| l.to_string())
                        .unwrap_or_default(),
                    e.message.clone(),
                    String::new(),
                    String::new(),
                    String::new(),
                    e.file.as_deref().unwrap_or_default().to_string(),
                ];
                self.out.write_record(&row).map_err(io_err)
            }
        }
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_run() {
        insta::assert_snapshot!(super::super::fixture::render(|out| Box::new(Csv::new(out))));
    }
}
