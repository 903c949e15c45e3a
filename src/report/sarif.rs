//! `--format sarif`: SARIF 2.1.0, so findings show in code-scanning tools. Results are
//! written as the claims arrive; the rule table, the notifications and the summary, known only
//! at the end, follow them (JSON object members are unordered, so `results` may come before
//! `tool`). Only the descriptors of the rules that fired are held, so memory does not grow with
//! the input; a run stopped by a signal still closes the document.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Emitter, RunMeta, Summary};
use crate::claim::Location;
use crate::finding::{Finding, Severity};
use crate::outcome::{ClaimResult, Outcome};
use crate::rules::{load, schema};

/// The rule id of unreadable-claim results, described in the rule table like any rule.
const UNREADABLE: &str = "unreadable-claim";

/// SARIF 2.1.0 for code-scanning tools: one result per finding, streamed.
pub struct Sarif<'w> {
    out: Box<dyn Write + 'w>,
    meta: Option<RunMeta>,
    rules: BTreeMap<String, Value>,
    /// Results written so far: the first needs no comma before it.
    results: usize,
}

impl<'w> Sarif<'w> {
    /// A SARIF emitter writing to `out`.
    pub fn new(out: Box<dyn Write + 'w>) -> Self {
        Sarif {
            out,
            meta: None,
            rules: BTreeMap::new(),
            results: 0,
        }
    }

    /// Write one result as an element of `runs[0].results`, pretty-printed at its depth.
    fn result(&mut self, result: &Value) -> io::Result<()> {
        self.out
            .write_all(if self.results == 0 { b"\n" } else { b",\n" })?;
        self.results += 1;
        pretty(&mut self.out, RESULT_INDENT, result)
    }
}

/// Indentation of an element of `runs[0].results`.
const RESULT_INDENT: &[u8] = b"        ";

/// Indentation of a member of `runs[0]`.
const RUN_INDENT: &[u8] = b"      ";

/// Write `value` pretty-printed as if nested at `indent`: the opening is not indented (it
/// follows a key or a line start the caller wrote), every later line is.
fn pretty(out: &mut dyn Write, indent: &[u8], value: &Value) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut Indented { out, indent }, value)?;
    Ok(())
}

/// A writer that indents every line after the first by `indent`. JSON strings escape their
/// line breaks, so every raw newline the pretty printer writes is between two tokens.
struct Indented<'a, 'w> {
    out: &'a mut (dyn Write + 'w),
    indent: &'a [u8],
}

impl Write for Indented<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(i) = memchr::memchr(b'\n', rest) {
            let (line, tail) = rest.split_at(i + 1);
            self.out.write_all(line)?;
            self.out.write_all(self.indent)?;
            rest = tail;
        }
        self.out.write_all(rest)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The input file, and where in it: a JSON claim's line; an X12 segment's byte offset. The
/// segment number is not used as a line, since an 837 may hold every segment on one line;
/// an X12 location without an offset (an unreadable claim's) names the file only. The
/// segment, loop and element are in the result's `location` property either way.
fn physical(file: Option<&str>, loc: Option<&Location>) -> Value {
    let uri = file.unwrap_or("-");
    match loc {
        Some(Location::Json { line: Some(l), .. }) => {
            json!({ "artifactLocation": { "uri": uri }, "region": { "startLine": l } })
        }
        Some(Location::X12 {
            offset: Some(o), ..
        }) => {
            json!({ "artifactLocation": { "uri": uri }, "region": { "byteOffset": o } })
        }
        _ => json!({ "artifactLocation": { "uri": uri } }),
    }
}

/// A rule's entry in `tool.driver.rules`. Emitters are told findings, not the rule set, so
/// the title and docs are read back from the rule's own file (built in, else on disk, as it
/// was loaded); a rule whose file cannot be read is described by its id and category.
fn rule_descriptor(f: &Finding) -> Value {
    let doc = load::read_list(&f.rule_source.file)
        .and_then(|text| schema::from_yaml::<schema::RuleDoc>(&text).ok());
    let (short, full, help) = match doc {
        Some(d) => {
            let docs = d.docs.as_deref().map(str::trim).filter(|d| !d.is_empty());
            let full = docs
                .and_then(first_paragraph)
                .unwrap_or_else(|| d.title.clone());
            let help = match docs {
                Some(md) => json!({ "text": md, "markdown": md }),
                None => json!({ "text": d.title }),
            };
            (d.title, full, help)
        }
        None => {
            let short = format!("{} ({})", f.rule, f.category.as_str());
            let help = json!({ "text": format!("see `claimscrub explain {}`", f.rule) });
            (short.clone(), short, help)
        }
    };
    json!({
        "id": &*f.rule,
        "shortDescription": { "text": short },
        "fullDescription": { "text": full },
        "help": help,
        "properties": { "category": f.category.as_str() },
        "defaultConfiguration": { "level": level(f.severity) },
    })
}

/// The first paragraph of Markdown docs that is not a heading, on one line: the "What it
/// checks" of a rule's docs.
fn first_paragraph(md: &str) -> Option<String> {
    let para: Vec<&str> = md
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty() || l.starts_with('#'))
        .take_while(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    (!para.is_empty()).then(|| para.join(" "))
}

fn unreadable_descriptor() -> Value {
    let text = "A claim that could not be read: not valid JSON, X12 or FHIR, or a value of the wrong shape. It was not checked.";
    json!({
        "id": UNREADABLE,
        "shortDescription": { "text": "A claim could not be read" },
        "fullDescription": { "text": text },
        "help": { "text": "fix the claim at the reported location and check it again; the message names the place and the expected shape" },
        "properties": { "category": UNREADABLE },
        "defaultConfiguration": { "level": "error" },
    })
}

/// A run-level notice as a SARIF tool execution notification: said once, with its counts.
fn notification(n: &super::Notice) -> Value {
    json!({
        "descriptor": { "id": n.code },
        "level": match n.severity { "error" => "error", "warning" => "warning", _ => "note" },
        "message": { "text": format!("{} lines on {} claims: {} ({})", n.lines, n.claims, n.message, n.help) },
        "properties": { "rule": n.rule, "lines": n.lines, "claims": n.claims },
    })
}

impl Emitter for Sarif<'_> {
    fn begin(&mut self, meta: &RunMeta) -> io::Result<()> {
        self.meta = Some(meta.clone());
        // Members in the order the whole-document writer sorted them, but `results` first
        // in the run: it is the only part known before the end.
        self.out.write_all(
            b"{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"runs\": [\n    {\n      \"results\": [",
        )
    }

    fn claim(&mut self, r: &ClaimResult) -> io::Result<()> {
        match &r.outcome {
            Outcome::Checked(c) => {
                for f in &c.findings {
                    self.rules
                        .entry(f.rule.to_string())
                        .or_insert_with(|| rule_descriptor(f));
                    let logical = json!([{ "fullyQualifiedName": format!("{}#{}", f.claim_id, f.path), "kind": "element" }]);
                    let result = json!({
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
                    });
                    self.result(&result)?;
                }
            }
            Outcome::Unreadable(e) => {
                self.rules
                    .entry(UNREADABLE.to_string())
                    .or_insert_with(unreadable_descriptor);
                let result = json!({
                    "ruleId": UNREADABLE,
                    "level": "error",
                    "message": { "text": e.message },
                    "locations": [{ "physicalLocation": physical(e.file.as_deref(), e.location.as_ref()) }],
                    "properties": { "index": r.seq, "claim_id": e.claim_id, "location": e.location.as_ref().map(|l| l.to_string()) },
                });
                self.result(&result)?;
            }
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let version = self.meta.as_ref().map_or("", |m| m.version);
        self.out.write_all(if self.results == 0 {
            b"]"
        } else {
            b"\n      ]"
        })?;
        let tail = [
            (
                "invocations",
                json!([{
                    "executionSuccessful": !summary.interrupted,
                    "toolExecutionNotifications": summary.notices.iter().map(notification).collect::<Vec<_>>(),
                }]),
            ),
            ("properties", json!({ "summary": summary })),
            (
                "tool",
                json!({ "driver": {
                    "name": "claimscrub",
                    "version": version,
                    "informationUri": "https://github.com/claimscrub/claimscrub",
                    "rules": self.rules.values().collect::<Vec<_>>(),
                }}),
            ),
        ];
        for (key, value) in &tail {
            self.out.write_all(b",\n")?;
            self.out.write_all(RUN_INDENT)?;
            write!(self.out, "\"{key}\": ")?;
            pretty(&mut self.out, RUN_INDENT, value)?;
        }
        self.out
            .write_all(b"\n    }\n  ],\n  \"version\": \"2.1.0\"\n}\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_result_rule_is_described() {
        let doc: Value = match serde_json::from_str(&super::super::fixture::render(|out| {
            Box::new(Sarif::new(out))
        })) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        };
        let run = &doc["runs"][0];
        let described: Vec<&str> = run["tool"]["driver"]["rules"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                for key in ["shortDescription", "fullDescription", "help"] {
                    assert!(r[key]["text"].is_string(), "{key} of {r}");
                }
                r["id"].as_str().unwrap_or_default()
            })
            .collect();
        let used: Vec<&str> = run["results"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| r["ruleId"].as_str().unwrap_or_default())
            .collect();
        assert!(used.contains(&UNREADABLE));
        for id in used {
            assert!(described.contains(&id), "`{id}` is not in {described:?}");
        }
    }

    #[test]
    fn a_rule_is_described_from_its_docs() {
        let mut f = super::super::fixture::results()
            .into_iter()
            .find_map(|r| match r.outcome {
                Outcome::Checked(c) => c.findings.into_iter().next(),
                Outcome::Unreadable(_) => None,
            })
            .unwrap_or_else(|| panic!("the fixture has a finding"));
        // A rule file of its own, so a change to the shipped rules does not churn this test.
        let path =
            std::env::temp_dir().join(format!("claimscrub-sarif-{}.yaml", std::process::id()));
        let rule = "id: TST001\nname: t\ntitle: The title\nseverity: error\ncategory: invalid-code\nwhen:\n  present: line.units\nmessage: m\nhelp: h\ndocs: |\n  ## What it checks\n  One thing,\n  on two lines.\n\n  ## Fix\n  Fix it.\n";
        if let Err(e) = std::fs::write(&path, rule) {
            panic!("{}: {e}", path.display());
        }
        f.rule_source.file = path.to_string_lossy().into();
        let d = rule_descriptor(&f);
        let _ = std::fs::remove_file(&path);
        assert_eq!(d["shortDescription"]["text"], "The title");
        assert_eq!(d["fullDescription"]["text"], "One thing, on two lines.");
        let md = d["help"]["markdown"].as_str().unwrap_or_default();
        assert!(
            md.starts_with("## What it checks") && md.ends_with("Fix it."),
            "{md}"
        );
        assert_eq!(d["help"]["text"], d["help"]["markdown"]);
    }

    /// A writer whose bytes the test can read while the emitter still holds it.
    #[derive(Clone, Default)]
    struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn results_are_written_as_claims_arrive() {
        let buf = Shared::default();
        let mut e = Sarif::new(Box::new(buf.clone()));
        let results = super::super::fixture::results();
        assert!(e.begin(&super::super::fixture::meta()).is_ok());
        let mut written = Vec::new();
        for r in &results {
            assert!(e.claim(r).is_ok());
            written.push(buf.0.borrow().len());
        }
        // Every claim with a finding or a read error grew the output before the end.
        let grew = written.windows(2).filter(|w| w[1] > w[0]).count();
        assert!(grew >= 3, "{written:?}");
        assert_eq!(e.results, 8);
        // Stopped after two claims (a signal), the document is still whole.
        let buf = Shared::default();
        let mut e = Sarif::new(Box::new(buf.clone()));
        let mut summary = Summary::default();
        assert!(e.begin(&super::super::fixture::meta()).is_ok());
        for r in results.iter().take(2) {
            summary.add(r);
            assert!(e.claim(r).is_ok());
        }
        summary.interrupted = true;
        assert!(e.finish(&summary).is_ok());
        let text = String::from_utf8(buf.0.borrow().clone()).unwrap_or_default();
        let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        let run = &doc["runs"][0];
        assert_eq!(run["invocations"][0]["executionSuccessful"], false);
        assert_eq!(run["properties"]["summary"]["claims"], 2);
        let n = run["results"].as_array().map_or(0, Vec::len);
        assert_eq!(n, e.results);
    }

    #[test]
    fn an_empty_run_is_a_whole_document() {
        let buf = Shared::default();
        let mut e = Sarif::new(Box::new(buf.clone()));
        assert!(e.begin(&super::super::fixture::meta()).is_ok());
        assert!(e.finish(&Summary::default()).is_ok());
        let text = String::from_utf8(buf.0.borrow().clone()).unwrap_or_default();
        let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert_eq!(doc["version"], "2.1.0");
        assert_eq!(doc["runs"][0]["results"], json!([]));
        assert_eq!(doc["runs"][0]["tool"]["driver"]["rules"], json!([]));
        assert!(text.contains("\"results\": [],\n"), "{text}");
    }

    #[test]
    fn fixed_run() {
        insta::assert_snapshot!(super::super::fixture::render(|out| Box::new(Sarif::new(
            out
        ))));
    }
}
