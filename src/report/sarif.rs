//! `--format sarif`: SARIF 2.1.0, so findings show in code-scanning tools. Results are
//! collected and written at the end (SARIF is one document with the rule table first).

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Emitter, RunMeta, Summary};
use crate::claim::Location;
use crate::finding::Severity;
use crate::outcome::{ClaimResult, Outcome};

/// SARIF 2.1.0 for code-scanning tools: one result per finding.
pub struct Sarif<'w> {
    out: Box<dyn Write + 'w>,
    meta: Option<RunMeta>,
    rules: BTreeMap<String, Value>,
    results: Vec<Value>,
}

impl<'w> Sarif<'w> {
    /// A SARIF emitter writing to `out`.
    pub fn new(out: Box<dyn Write + 'w>) -> Self {
        Sarif {
            out,
            meta: None,
            rules: BTreeMap::new(),
            results: Vec::new(),
        }
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn physical(file: Option<&str>, loc: Option<&Location>) -> Value {
    let uri = file.unwrap_or("-");
    match loc {
        Some(Location::Json { line: Some(l), .. }) => {
            json!({ "artifactLocation": { "uri": uri }, "region": { "startLine": l } })
        }
        _ => json!({ "artifactLocation": { "uri": uri } }),
    }
}

impl Emitter for Sarif<'_> {
    fn begin(&mut self, meta: &RunMeta) -> io::Result<()> {
        self.meta = Some(meta.clone());
        Ok(())
    }

    fn claim(&mut self, r: &ClaimResult) -> io::Result<()> {
        match &r.outcome {
            Outcome::Checked(c) => {
                for f in &c.findings {
                    self.rules.entry(f.rule.to_string()).or_insert_with(|| {
                        json!({
                            "id": &*f.rule,
                            "properties": { "category": f.category.as_str() },
                            "defaultConfiguration": { "level": level(f.severity) },
                        })
                    });
                    let logical = json!([{ "fullyQualifiedName": format!("{}#{}", f.claim_id, f.path), "kind": "element" }]);
                    self.results.push(json!({
                        "ruleId": &*f.rule,
                        "level": level(f.severity),
                        "message": { "text": format!("{} ({})", f.message, f.help) },
                        "locations": [{
                            "physicalLocation": physical(c.file.as_deref(), f.location.as_ref()),
                            "logicalLocations": logical,
                        }],
                        "properties": {
                            "claim_id": f.claim_id,
                            "line": f.line,
                            "code": f.code,
                            "carc": f.carc.as_deref(),
                            "rarc": f.rarc.as_deref(),
                            "location": f.location.as_ref().map(|l| l.to_string()),
                        },
                    }));
                }
            }
            Outcome::Unreadable(e) => {
                self.results.push(json!({
                    "ruleId": "unreadable-claim",
                    "level": "error",
                    "message": { "text": e.message },
                    "locations": [{ "physicalLocation": physical(e.file.as_deref(), e.location.as_ref()) }],
                    "properties": { "index": r.seq, "claim_id": e.claim_id, "location": e.location.as_ref().map(|l| l.to_string()) },
                }));
            }
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let version = self.meta.as_ref().map_or("", |m| m.version);
        let doc = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "claimscrub",
                    "version": version,
                    "informationUri": "https://github.com/claimscrub/claimscrub",
                    "rules": self.rules.values().collect::<Vec<_>>(),
                }},
                "results": self.results,
                "properties": { "summary": summary },
            }],
        });
        serde_json::to_writer_pretty(&mut self.out, &doc)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_run() {
        insta::assert_snapshot!(super::super::fixture::render(|out| Box::new(Sarif::new(
            out
        ))));
    }
}
