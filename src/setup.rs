//! Building an engine the way the command line does: the built-in code sets overlaid with a
//! compiled directory, the built-in rule packs plus rule directories, a forced payer. The CLI
//! and the Python package both go through here, so they load the same rules and say the same
//! thing when a file is at fault.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::codeset::{CodeSets, CodesetError};
use crate::engine::{Engine, ForcedPayer, Options, UnknownPayer};
use crate::rules::RuleSet;
use crate::rules::compile::{Diagnostic, DiagnosticLevel, RuleFile, load};
use crate::rules::load::{self as files, LoadError};

/// Where a run's rules and code sets come from (`--rules`, `--no-default-rules`,
/// `--codesets`).
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// Rule directories loaded in addition to the built-in packs.
    pub rules: Vec<PathBuf>,
    /// Leave the built-in rule packs out.
    pub no_default_rules: bool,
    /// A compiled code-set directory (from `codesets build`) used over the built-in sets.
    pub codesets: Option<PathBuf>,
}

/// Why an engine could not be built; the messages are the command line's.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The code sets compiled into the binary do not load.
    #[error("the built-in code sets are damaged")]
    Builtin(#[source] CodesetError),
    /// A compiled code-set directory that cannot be loaded.
    #[error(transparent)]
    Codesets(#[from] CodesetError),
    /// A rules directory that cannot be read.
    #[error(transparent)]
    RuleFiles(#[from] LoadError),
    /// Rule files with errors: nothing is checked.
    #[error("{errors} error(s) in rule files; nothing was checked")]
    Rules {
        /// How many diagnostics are errors.
        errors: usize,
        /// Every diagnostic of the compile, errors and warnings, in file order.
        diagnostics: Vec<Diagnostic>,
    },
    /// No rule at all was loaded: every claim would be reported clean.
    #[error(
        "no rules loaded, so nothing would be checked: `--no-default-rules` turns off the \
         built-in packs; name rule directories with `--rules DIR`"
    )]
    NoRules,
    /// A date option (`--as-of`, `--date`) that is not a date.
    #[error("{flag} `{given}` is not a date (YYYY-MM-DD)")]
    Date {
        /// The option, as the command line spells it.
        flag: &'static str,
        /// What was given.
        given: String,
        /// Why it does not parse.
        #[source]
        source: jiff::Error,
    },
    /// `--payer` names no payer id or payer pack.
    #[error(transparent)]
    Payer(#[from] UnknownPayer),
}

/// Built-in code sets, overlaid with a compiled directory when given.
pub fn codesets(dir: Option<&Path>) -> Result<CodeSets, SetupError> {
    let builtin = CodeSets::builtin().map_err(SetupError::Builtin)?;
    match dir {
        None => Ok(builtin),
        Some(d) => Ok(builtin.overlay(CodeSets::load_dir(d)?)),
    }
}

/// All rule files the sources name: the built-in packs unless left out, then each directory.
pub fn rule_files(s: &Sources) -> Result<Vec<RuleFile>, SetupError> {
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

/// Compile the sources' rules: the rule set and the compile's warnings, or an error carrying
/// every diagnostic when any is an error.
pub fn rules(s: &Sources, codesets: &CodeSets) -> Result<(RuleSet, Vec<Diagnostic>), SetupError> {
    let files = rule_files(s)?;
    let (set, diagnostics) = load(&files, &files::list_reader(!s.no_default_rules), codesets);
    match set {
        Some(set) => Ok((set, diagnostics)),
        None => Err(SetupError::Rules {
            errors: diagnostics
                .iter()
                .filter(|d| d.level == DiagnosticLevel::Error)
                .count(),
            diagnostics,
        }),
    }
}

/// The date a date option gives (`flag` names it in the error), or today when absent.
pub fn date(flag: &'static str, given: Option<&str>) -> Result<Date, SetupError> {
    match given {
        Some(s) => s.parse::<Date>().map_err(|source| SetupError::Date {
            flag,
            given: s.to_string(),
            source,
        }),
        None => Ok(jiff::Zoned::now().date()),
    }
}

/// Everything `check` needs to build its engine.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Rules and code sets.
    pub sources: Sources,
    /// `--as-of`: the assumed submission date, today when absent.
    pub as_of: Option<String>,
    /// `--payer`: scope every claim as this payer id or payer pack.
    pub payer: Option<String>,
    /// `--preview`: run preview rules too.
    pub preview: bool,
    /// `--per-line-notices`: report notice rules per line.
    pub per_line_notices: bool,
    /// `--parse-only`: compile no rule (the reading floor); the code sets still load.
    pub parse_only: bool,
    /// `--redact`: mask claim ids and member-derived values in the findings.
    pub redact: bool,
}

/// Build the engine `check` runs, and the rule compile's warnings (which the caller shows).
pub fn engine(s: &Settings) -> Result<(Engine, Vec<Diagnostic>), SetupError> {
    let as_of = date("--as-of", s.as_of.as_deref())?;
    let codesets = codesets(s.sources.codesets.as_deref())?;
    let (rules, diagnostics) = if s.parse_only {
        (RuleSet::default(), Vec::new())
    } else {
        rules(&s.sources, &codesets)?
    };
    if rules.rules.is_empty() && !s.parse_only {
        return Err(SetupError::NoRules);
    }
    let payer = match &s.payer {
        Some(p) => Some(ForcedPayer::resolve(&rules, p)?),
        None => None,
    };
    let options = Options {
        as_of,
        payer,
        preview: s.preview,
        per_line_notices: s.per_line_notices,
        redact: s.redact,
    };
    Ok((Engine::new(rules, codesets, options), diagnostics))
}

/// An error and its causes as the command line prints them, skipping a cause whose text the
/// message already carries (error types that print their source would otherwise say it twice).
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        cause = c.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_as_the_command_line_says_them() {
        let e = date("--as-of", Some("2026-13-01"))
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("--as-of `2026-13-01` is not a date (YYYY-MM-DD)")
        );
        assert!(date("--date", Some("2026-02-28")).is_ok());
        let none = Settings {
            sources: Sources {
                no_default_rules: true,
                ..Sources::default()
            },
            ..Settings::default()
        };
        assert!(matches!(engine(&none), Err(SetupError::NoRules)));
        let missing = Sources {
            rules: vec![PathBuf::from("/nonexistent/rules")],
            ..Sources::default()
        };
        let e = rule_files(&missing).err().map(|e| chain(&e));
        assert!(
            e.as_deref()
                .is_some_and(|m| m.starts_with("cannot read rules from `/nonexistent/rules`")),
            "{e:?}"
        );
    }
}
