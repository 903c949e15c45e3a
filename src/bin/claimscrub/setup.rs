//! Loading code sets and rules for a command through [`claimscrub::setup`], printing the rule
//! compile's diagnostics to stderr.

use anyhow::Result;

use claimscrub::codeset::CodeSets;
use claimscrub::rules::RuleSet;
use claimscrub::rules::compile::Diagnostic;
use claimscrub::setup::{self, SetupError};

use crate::args::Sources;

/// The library's view of `--rules`, `--no-default-rules` and `--codesets`.
pub fn sources(s: &Sources) -> setup::Sources {
    setup::Sources {
        rules: s.rules.clone(),
        no_default_rules: s.no_default_rules,
        codesets: s.codesets.clone(),
    }
}

/// Built-in code sets, overlaid with a compiled directory when given.
pub fn codesets(dir: Option<&std::path::Path>) -> Result<CodeSets> {
    Ok(setup::codesets(dir)?)
}

/// Compile rules; print diagnostics to stderr; fail when any is an error.
pub fn rules(s: &Sources, codesets: &CodeSets) -> Result<RuleSet> {
    Ok(shown(setup::rules(&sources(s), codesets))?)
}

/// Print a setup's diagnostics, whether it succeeded or failed on them.
pub fn shown<T>(r: Result<(T, Vec<Diagnostic>), SetupError>) -> Result<T, SetupError> {
    match r {
        Ok((v, diags)) => {
            print_diagnostics(&diags);
            Ok(v)
        }
        Err(e) => {
            if let SetupError::Rules { diagnostics, .. } = &e {
                print_diagnostics(diagnostics);
            }
            Err(e)
        }
    }
}

pub fn print_diagnostics(diags: &[Diagnostic]) {
    for d in diags {
        say!("{d}");
    }
}
