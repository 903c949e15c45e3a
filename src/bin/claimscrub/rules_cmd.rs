//! `claimscrub rules lint | test | docs`: the rule author's CI tools.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use serde_json::json;

use claimscrub::rules::compile::{Code, Diagnostic, DiagnosticLevel, RuleFile, load, load_partial};
use claimscrub::rules::load as files;
use claimscrub::rules::testing::{self, Outcome};

use crate::args::{LintFormat, RulesArgs, RulesCommand};
use crate::setup;

fn gather(dirs: &[PathBuf]) -> Result<(Vec<RuleFile>, Vec<RuleFile>)> {
    if dirs.is_empty() {
        return Ok((files::builtin_files(), files::builtin_tests()));
    }
    let (mut rules, mut tests) = (Vec::new(), Vec::new());
    for d in dirs {
        rules.extend(files::dir_files(d)?);
        tests.extend(files::dir_tests(d)?);
    }
    Ok((rules, tests))
}

pub fn run(a: RulesArgs) -> Result<u8> {
    match a.command {
        RulesCommand::Lint {
            explain: Some(code),
            ..
        } => explain_code(&code),
        RulesCommand::Lint {
            dirs,
            format,
            codesets,
            explain: None,
        } => {
            let sets = setup::codesets(codesets.as_deref())?;
            let (rules, _) = gather(&dirs)?;
            // Lint what compiled even when other files have errors: one run shows everything.
            let (set, mut diags) = load_partial(&rules, &files::read_list, &sets);
            diags.extend(claimscrub::rules::lint::lint(&set));
            diags.sort_by(|a, b| {
                (&a.file, a.line, a.column, a.code).cmp(&(&b.file, b.line, b.column, b.code))
            });
            print!("{}", render_diagnostics(&diags, format, "lint"));
            let errors = diags
                .iter()
                .filter(|d| d.level == DiagnosticLevel::Error)
                .count();
            if format == LintFormat::Human {
                eprintln!(
                    "{} rule files, {} errors, {} warnings",
                    rules.len(),
                    errors,
                    diags.len() - errors
                );
            }
            Ok(if errors > 0 { 1 } else { 0 })
        }
        RulesCommand::Test {
            dirs,
            format,
            codesets,
        } => {
            let sets = Arc::new(setup::codesets(codesets.as_deref())?);
            let (rules, tests) = gather(&dirs)?;
            let (set, diags) = load(&rules, &files::read_list, &sets);
            let Some(set) = set else {
                print!("{}", render_diagnostics(&diags, format, "test"));
                return Ok(2);
            };
            let report = testing::run(&Arc::new(set), &tests, &sets);
            print!("{}", render_tests(&report, format));
            Ok(if report.ok() { 0 } else { 1 })
        }
        RulesCommand::Schema { out } => {
            std::fs::create_dir_all(&out)
                .with_context(|| format!("cannot create `{}`", out.display()))?;
            for (name, text) in claimscrub::schemas::all() {
                let path = out.join(name);
                std::fs::write(&path, text)
                    .with_context(|| format!("cannot write `{}`", path.display()))?;
                println!("wrote {}", path.display());
            }
            Ok(0)
        }
        RulesCommand::Docs { dirs, out } => {
            let sets = setup::codesets(None)?;
            let (rules, _) = gather(&dirs)?;
            let (set, diags) = load(&rules, &files::read_list, &sets);
            setup::print_diagnostics(&diags);
            let set = set.context("rule files have errors; no docs written")?;
            std::fs::create_dir_all(&out)
                .with_context(|| format!("cannot create `{}`", out.display()))?;
            let path = out.join("rules.md");
            std::fs::write(&path, claimscrub::rules::docs::markdown(&set))
                .with_context(|| format!("cannot write `{}`", path.display()))?;
            println!("wrote {}", path.display());
            Ok(0)
        }
    }
}

/// `rules lint --explain CODE`: the code's meaning; `all` lists every code.
fn explain_code(name: &str) -> Result<u8> {
    if name == "all" {
        for c in Code::ALL {
            println!("{:<22} {}", c.as_str(), c.explain());
        }
        return Ok(0);
    }
    match Code::from_name(name) {
        Some(c) => {
            println!("{}: {}", c.as_str(), c.explain());
            Ok(0)
        }
        None => {
            let hint = claimscrub::rules::compile::did_you_mean(
                name,
                Code::ALL.iter().map(|c| c.as_str()),
            )
            .map(|h| format!("; {h}"))
            .unwrap_or_default();
            anyhow::bail!("unknown diagnostic code `{name}`{hint} (`--explain all` lists them)")
        }
    }
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn gh(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn render_diagnostics(diags: &[Diagnostic], format: LintFormat, suite: &str) -> String {
    let mut out = String::new();
    match format {
        LintFormat::Human => {
            for d in diags {
                let _ = writeln!(out, "{d}");
            }
        }
        LintFormat::Json => {
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&json!({ "diagnostics": diags })).unwrap_or_default()
            );
        }
        LintFormat::Github => {
            for d in diags {
                let level = if d.level == DiagnosticLevel::Error {
                    "error"
                } else {
                    "warning"
                };
                let help = d
                    .help
                    .as_deref()
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "::{level} file={},line={},col={},title={}::{}{}",
                    d.file,
                    d.line,
                    d.column,
                    d.code,
                    gh(&d.message),
                    gh(&help)
                );
            }
        }
        LintFormat::Junit => {
            let _ = writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
            let failures = diags
                .iter()
                .filter(|d| d.level == DiagnosticLevel::Error)
                .count();
            let _ = writeln!(
                out,
                "<testsuite name=\"claimscrub-rules-{suite}\" tests=\"{}\" failures=\"{failures}\">",
                diags.len().max(1)
            );
            if diags.is_empty() {
                let _ = writeln!(
                    out,
                    "  <testcase name=\"{suite}\" classname=\"claimscrub\"/>"
                );
            }
            for d in diags {
                let _ = writeln!(
                    out,
                    "  <testcase name=\"{}:{}:{} {}\" classname=\"{}\">",
                    xml(&d.file),
                    d.line,
                    d.column,
                    d.code,
                    xml(&d.file)
                );
                let _ = writeln!(out, "    <failure message=\"{}\"/>", xml(&d.message));
                let _ = writeln!(out, "  </testcase>");
            }
            let _ = writeln!(out, "</testsuite>");
        }
        LintFormat::Sarif => {
            let results: Vec<_> = diags
                .iter()
                .map(|d| {
                    json!({
                        "ruleId": d.code,
                        "level": if d.level == DiagnosticLevel::Error { "error" } else { "warning" },
                        "message": { "text": match &d.help { Some(h) => format!("{} ({h})", d.message), None => d.message.clone() } },
                        "locations": [{ "physicalLocation": {
                            "artifactLocation": { "uri": &*d.file },
                            "region": { "startLine": d.line.max(1), "startColumn": d.column.max(1) },
                        }}],
                    })
                })
                .collect();
            let doc = json!({
                "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
                "version": "2.1.0",
                "runs": [{ "tool": { "driver": { "name": "claimscrub-rules", "version": env!("CARGO_PKG_VERSION") } }, "results": results }],
            });
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            );
        }
    }
    out
}

fn render_tests(r: &testing::TestReport, format: LintFormat) -> String {
    let mut out = String::new();
    let fmt_seen = |v: &[testing::Seen]| -> String {
        if v.is_empty() {
            return "no finding".into();
        }
        v.iter()
            .map(|s| {
                format!(
                    "line {} code {}",
                    s.line.map_or("-".into(), |l| l.to_string()),
                    s.code.as_deref().unwrap_or("-")
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    match format {
        LintFormat::Human => {
            for c in &r.cases {
                match c.outcome {
                    Outcome::Pass => {}
                    Outcome::Fail => {
                        let _ = writeln!(
                            out,
                            "FAIL {} {}:{} `{}`\n  expected: {}\n  actual:   {}",
                            c.rule,
                            c.file,
                            c.line,
                            c.case,
                            fmt_seen(&c.expected),
                            fmt_seen(&c.actual)
                        );
                    }
                    Outcome::Todo => {
                        let _ = writeln!(
                            out,
                            "todo {} {}:{} `{}`: {}",
                            c.rule,
                            c.file,
                            c.line,
                            c.case,
                            c.todo.as_deref().unwrap_or("")
                        );
                    }
                    Outcome::TodoPasses => {
                        let _ = writeln!(
                            out,
                            "todo passes {} {}:{} `{}`: remove `todo`",
                            c.rule, c.file, c.line, c.case
                        );
                    }
                }
            }
            for p in &r.problems {
                let _ = writeln!(out, "{p}");
            }
            let todo = r
                .cases
                .iter()
                .filter(|c| matches!(c.outcome, Outcome::Todo | Outcome::TodoPasses))
                .count();
            let _ = writeln!(
                out,
                "rules: {} passed, {} failed, {todo} todo, {} problems",
                r.passed(),
                r.failed(),
                r.problems.len()
            );
        }
        LintFormat::Json => {
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(r).unwrap_or_default()
            );
        }
        LintFormat::Github => {
            for c in r.cases.iter().filter(|c| c.outcome == Outcome::Fail) {
                let _ = writeln!(
                    out,
                    "::error file={},line={},title={}::case `{}` expected {} but got {}",
                    c.file,
                    c.line,
                    c.rule,
                    gh(&c.case),
                    gh(&fmt_seen(&c.expected)),
                    gh(&fmt_seen(&c.actual))
                );
            }
            out.push_str(&render_diagnostics(&r.problems, LintFormat::Github, "test"));
        }
        LintFormat::Junit => {
            let _ = writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
            let _ = writeln!(
                out,
                "<testsuite name=\"claimscrub-rules-test\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">",
                r.cases.len() + r.problems.len(),
                r.failed() + r.problems.len(),
                r.cases
                    .iter()
                    .filter(|c| c.outcome == Outcome::Todo)
                    .count()
            );
            for c in &r.cases {
                let _ = write!(
                    out,
                    "  <testcase name=\"{}\" classname=\"{}\"",
                    xml(&c.case),
                    xml(&c.rule)
                );
                match c.outcome {
                    Outcome::Pass | Outcome::TodoPasses => {
                        let _ = writeln!(out, "/>");
                    }
                    Outcome::Todo => {
                        let _ = writeln!(
                            out,
                            "><skipped message=\"{}\"/></testcase>",
                            xml(c.todo.as_deref().unwrap_or(""))
                        );
                    }
                    Outcome::Fail => {
                        let _ = writeln!(
                            out,
                            "><failure message=\"expected {} but got {}\"/></testcase>",
                            xml(&fmt_seen(&c.expected)),
                            xml(&fmt_seen(&c.actual))
                        );
                    }
                }
            }
            for p in &r.problems {
                let _ = writeln!(
                    out,
                    "  <testcase name=\"{}\" classname=\"{}\"><failure message=\"{}\"/></testcase>",
                    p.code,
                    xml(&p.file),
                    xml(&p.message)
                );
            }
            let _ = writeln!(out, "</testsuite>");
        }
        LintFormat::Sarif => {
            let mut diags = r.problems.clone();
            for c in r.cases.iter().filter(|c| c.outcome == Outcome::Fail) {
                diags.push(Diagnostic::error(
                    c.file.clone(),
                    c.line,
                    1,
                    Code::TestFailed,
                    format!(
                        "{} case `{}` expected {} but got {}",
                        c.rule,
                        c.case,
                        fmt_seen(&c.expected),
                        fmt_seen(&c.actual)
                    ),
                ));
            }
            out.push_str(&render_diagnostics(&diags, LintFormat::Sarif, "test"));
        }
    }
    out
}
