//! Loading code sets and rules for a command, with errors that say which file is at fault.

use anyhow::{Context, Result, bail};

use claimscrub::codeset::CodeSets;
use claimscrub::rules::compile::{Diagnostic, DiagnosticLevel, RuleFile, load};
use claimscrub::rules::{RuleSet, load as files};

use crate::args::Sources;

/// Built-in code sets, overlaid with a compiled directory when given.
pub fn codesets(dir: Option<&std::path::Path>) -> Result<CodeSets> {
    let builtin = CodeSets::builtin().context("the built-in code sets are damaged")?;
    match dir {
        None => Ok(builtin),
        Some(d) => {
            let user = CodeSets::load_dir(d)?;
            Ok(builtin.overlay(user))
        }
    }
}

/// All rule files the sources name.
pub fn rule_files(s: &Sources) -> Result<Vec<RuleFile>> {
    let mut out = if s.no_default_rules {
        Vec::new()
    } else {
        files::builtin_files()
    };
    for d in &s.rules {
        out.extend(files::dir_files(d)?);
    }
    Ok(out)
}

/// Compile rules; print diagnostics to stderr; fail when any is an error.
pub fn rules(s: &Sources, codesets: &CodeSets) -> Result<RuleSet> {
    let files = rule_files(s)?;
    let (set, diags) = load(&files, &files::read_list, codesets);
    print_diagnostics(&diags);
    match set {
        Some(set) => Ok(set),
        None => {
            let n = diags
                .iter()
                .filter(|d| d.level == DiagnosticLevel::Error)
                .count();
            bail!("{n} error(s) in rule files; nothing was checked")
        }
    }
}

pub fn print_diagnostics(diags: &[Diagnostic]) {
    for d in diags {
        say!("{d}");
    }
}
