//! `claimscrub rules lint | test | schema | docs`: the rule author's CI tools. This file gathers
//! rule files and dispatches; testing, docs and every output format live in
//! `claimscrub::authoring`.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use claimscrub::authoring::testing;
use claimscrub::rules::compile::{Code, DiagnosticLevel, RuleFile, load, load_partial};
use claimscrub::rules::load as files;

use crate::args::{RulesArgs, RulesCommand};
use crate::{output, setup};

fn gather(dirs: &[PathBuf]) -> Result<(Vec<RuleFile>, Vec<RuleFile>)> {
    if dirs.is_empty() {
        return Ok((files::builtin_files(), files::builtin_tests()));
    }
    let (mut rules, mut tests) = (Vec::new(), Vec::new());
    for d in dirs {
        // A mistyped or empty folder would otherwise lint and test nothing, and pass.
        if !d.exists() {
            bail!("rule folder `{}` does not exist", d.display());
        }
        let found = files::dir_files(d)?;
        if found.is_empty() {
            bail!("no rule files (`*.yaml`) in `{}`", d.display());
        }
        rules.extend(found);
        tests.extend(files::dir_tests(d)?);
    }
    Ok((rules, tests))
}

pub fn run(a: RulesArgs) -> Result<u8> {
    let mut stdout = output::stdout();
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
            warnings_as_errors,
            no_default_rules,
        } => {
            let sets = setup::codesets(codesets.as_deref())?;
            let (rules, _) = gather(&dirs)?;
            // Lint what compiled even when other files have errors: one run shows everything.
            let (set, mut diags) =
                load_partial(&rules, &files::list_reader(dirs.is_empty()), &sets);
            diags.extend(claimscrub::authoring::lint::lint(&set));
            // `check --rules DIR` loads the built-in packs too (setup::rule_files); the
            // built-in packs themselves (no DIR) cannot collide with themselves.
            if !dirs.is_empty() && !no_default_rules {
                diags.extend(claimscrub::authoring::lint::builtin_ids(
                    &rules,
                    &files::builtin_files(),
                ));
            }
            diags.sort_by(|a, b| {
                (&a.file, a.line, a.column, a.code).cmp(&(&b.file, b.line, b.column, b.code))
            });
            write!(stdout, "{}", format.emitter().diagnostics(&diags, "lint"))?;
            let errors = diags
                .iter()
                .filter(|d| d.level == DiagnosticLevel::Error)
                .count();
            if format.for_people() {
                say!(
                    "{} rule files, {} errors, {} warnings",
                    rules.len(),
                    errors,
                    diags.len() - errors
                );
            }
            let failing = errors > 0 || (warnings_as_errors && !diags.is_empty());
            Ok(u8::from(failing))
        }
        RulesCommand::Test {
            dirs,
            format,
            codesets,
        } => {
            let sets = Arc::new(setup::codesets(codesets.as_deref())?);
            let (rules, tests) = gather(&dirs)?;
            let (set, diags) = load(&rules, &files::list_reader(dirs.is_empty()), &sets);
            let Some(set) = set else {
                write!(stdout, "{}", format.emitter().diagnostics(&diags, "test"))?;
                return Ok(2);
            };
            let report = testing::run(&Arc::new(set), &tests, &sets);
            write!(stdout, "{}", format.emitter().tests(&report))?;
            Ok(if report.ok() { 0 } else { 1 })
        }
        RulesCommand::Schema { out } => {
            std::fs::create_dir_all(&out)
                .with_context(|| format!("cannot create `{}`", out.display()))?;
            // Every file is written before any is listed: a closed stdout ends the listing,
            // not the writing.
            let mut written = Vec::new();
            for (name, text) in claimscrub::schemas::all() {
                let path = out.join(name);
                std::fs::write(&path, text)
                    .with_context(|| format!("cannot write `{}`", path.display()))?;
                written.push(path);
            }
            for path in written {
                writeln!(stdout, "wrote {}", path.display())?;
            }
            Ok(0)
        }
        RulesCommand::Packs { sources } => crate::packs::run(&sources),
        RulesCommand::Docs { dirs, out } => {
            let sets = setup::codesets(None)?;
            let (rules, _) = gather(&dirs)?;
            let (set, diags) = load(&rules, &files::list_reader(dirs.is_empty()), &sets);
            setup::print_diagnostics(&diags);
            let set = set.context("rule files have errors; no docs written")?;
            std::fs::create_dir_all(&out)
                .with_context(|| format!("cannot create `{}`", out.display()))?;
            let path = out.join("rules.md");
            std::fs::write(&path, claimscrub::authoring::docs::markdown(&set))
                .with_context(|| format!("cannot write `{}`", path.display()))?;
            writeln!(stdout, "wrote {}", path.display())?;
            Ok(0)
        }
    }
}

/// `rules lint --explain CODE`: the code's meaning; `all` lists every code.
fn explain_code(name: &str) -> Result<u8> {
    let mut stdout = output::stdout();
    if name == "all" {
        for c in Code::ALL {
            writeln!(stdout, "{:<22} {}", c.as_str(), c.explain())?;
        }
        return Ok(0);
    }
    match Code::from_name(name) {
        Some(c) => {
            writeln!(stdout, "{}: {}", c.as_str(), c.explain())?;
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
