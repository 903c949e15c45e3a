//! `--format json`: one JSON document, `{"version", "claims": [...], "summary"}`, written
//! as claims arrive. Each claim entry holds its findings (and the lines it adds to run-level
//! notices) or its read error; the summary's `notices` says each notice once.

use std::io::{self, Write};

use serde::Serialize;

use super::{Emitter, FindingRecord, RunMeta, Summary};
use crate::outcome::{ClaimResult, Outcome};

/// One JSON document: run metadata, every claim result, the summary.
pub struct Json<'w> {
    out: Box<dyn Write + 'w>,
    first: bool,
}

impl<'w> Json<'w> {
    /// A JSON emitter writing to `out`.
    pub fn new(out: Box<dyn Write + 'w>) -> Self {
        Json { out, first: true }
    }
}

#[derive(Serialize)]
struct ClaimEntry<'a> {
    /// Position among all inputs of the run.
    seq: usize,
    claim_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    status: &'static str,
    findings: Vec<FindingRecord<'a>>,
    /// Lines counted into run-level notices instead of reported as findings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notices: Vec<NoticeCount<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a crate::claim::input::ClaimError>,
}

/// A claim's share of a run-level notice: `{"code": "cpt-not-loaded", "lines": 2}`.
#[derive(Serialize)]
struct NoticeCount<'a> {
    code: &'a str,
    lines: usize,
}

/// The JSON entry of one claim result.
fn entry(r: &ClaimResult) -> ClaimEntry<'_> {
    match &r.outcome {
        Outcome::Checked(c) => ClaimEntry {
            seq: r.seq,
            claim_id: Some(&c.claim_id),
            file: c.file.as_deref(),
            status: "checked",
            findings: c.findings.iter().map(FindingRecord::from).collect(),
            notices: c
                .notices
                .iter()
                .map(|t| NoticeCount {
                    code: &t.notice.code,
                    lines: t.lines,
                })
                .collect(),
            error: None,
        },
        Outcome::Unreadable(e) => ClaimEntry {
            seq: r.seq,
            claim_id: e.claim_id.as_deref(),
            file: e.file.as_deref(),
            status: "unreadable",
            findings: Vec::new(),
            notices: Vec::new(),
            error: Some(e),
        },
    }
}

impl Emitter for Json<'_> {
    fn begin(&mut self, meta: &RunMeta) -> io::Result<()> {
        write!(self.out, "{{\"version\":{},\"tool\":", meta.schema)?;
        serde_json::to_writer(&mut self.out, &meta.tool)?;
        write!(self.out, ",\"tool_version\":")?;
        serde_json::to_writer(&mut self.out, &meta.version)?;
        write!(self.out, ",\"claims\":[")
    }

    fn claim(&mut self, r: &ClaimResult) -> io::Result<()> {
        if !self.first {
            self.out.write_all(b",")?;
        }
        self.first = false;
        self.out.write_all(b"\n  ")?;
        serde_json::to_writer(&mut self.out, &entry(r))?;
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.out.write_all(b"\n],\"summary\":")?;
        serde_json::to_writer(&mut self.out, summary)?;
        self.out.write_all(b"}\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_run() {
        insta::assert_snapshot!(super::super::fixture::render(|out| Box::new(Json::new(
            out
        ))));
    }
}
