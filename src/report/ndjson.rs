//! `--format ndjson`: JSON Lines in a fixed envelope, one object a line:
//! `{"type":"begin","data":RunMeta}`, then per claim in input order
//! `{"type":"finding","data":Finding}` for each finding or `{"type":"error","data":ClaimError}`,
//! and last `{"type":"summary","data":Summary}`, whose `notices` says each run-level notice
//! once (`{"code":"cpt-not-loaded","lines":N,…}`) in place of a finding per line.

use std::io::{self, Write};

use serde::Serialize;

use super::{Emitter, FindingRecord, RunMeta, Summary};
use crate::outcome::{ClaimResult, Outcome};

/// JSON Lines in the begin / finding / error / summary envelope, streamed.
pub struct Ndjson<'w> {
    out: Box<dyn Write + 'w>,
}

impl<'w> Ndjson<'w> {
    /// An NDJSON emitter writing to `out`.
    pub fn new(out: Box<dyn Write + 'w>) -> Self {
        Ndjson { out }
    }

    fn line<T: Serialize>(&mut self, kind: &str, data: &T) -> io::Result<()> {
        #[derive(Serialize)]
        struct Envelope<'a, T> {
            #[serde(rename = "type")]
            kind: &'a str,
            data: &'a T,
        }
        serde_json::to_writer(&mut self.out, &Envelope { kind, data })?;
        self.out.write_all(b"\n")
    }
}

impl Emitter for Ndjson<'_> {
    fn begin(&mut self, meta: &RunMeta) -> io::Result<()> {
        self.line("begin", meta)
    }

    fn claim(&mut self, r: &ClaimResult) -> io::Result<()> {
        match &r.outcome {
            Outcome::Checked(c) => {
                for f in &c.findings {
                    self.line("finding", &FindingRecord::from(f))?;
                }
                Ok(())
            }
            Outcome::Unreadable(e) => {
                #[derive(Serialize)]
                struct Err<'a> {
                    /// Position among all inputs of the run (`index` is within the file).
                    seq: usize,
                    #[serde(flatten)]
                    error: &'a crate::claim::input::ClaimError,
                }
                self.line(
                    "error",
                    &Err {
                        seq: r.seq,
                        error: e,
                    },
                )
            }
        }
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.line("summary", summary)?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_run() {
        insta::assert_snapshot!(super::super::fixture::render(|out| Box::new(Ndjson::new(
            out
        ))));
    }
}
