//! `claimscrub codes check`: a code combination from the command line, checked as `check`
//! checks a claim and reported in the same formats.

use std::io::IsTerminal;

use anyhow::{Context, Result, bail};
use jiff::civil::Date;

use claimscrub::claim::quick::{Quick, QuickProcedure};
use claimscrub::claim::{ClaimKind, Sex};
use claimscrub::engine::{Engine, Options, quick};
use claimscrub::report::{self, RunMeta, Summary};

use crate::args::QuickArgs;
use crate::check::{exit_status, use_color};
use crate::{output, setup};

pub fn run(a: QuickArgs) -> Result<u8> {
    let today = jiff::Zoned::now().date();
    let combination = combination(&a)?;
    let codesets = setup::codesets(a.sources.codesets.as_deref())?;
    let rules = setup::rules(&a.sources, &codesets)?;
    let rule_count = rules.rules.len();
    if rule_count == 0 {
        bail!(
            "no rules loaded, so nothing would be checked: name rule directories with `--rules DIR`"
        );
    }
    let engine = Engine::new(
        rules,
        codesets,
        Options {
            as_of: today,
            payer: None,
            preview: a.preview,
            per_line_notices: false,
            redact: false,
        },
    );
    let result = quick::check(&engine, &combination, today)?;
    let mut summary = Summary::default();
    summary.add(&result);
    let color = use_color(a.color, std::io::stdout().is_terminal(), a.format);
    let out = Box::new(std::io::BufWriter::new(output::stdout()));
    let mut emitter = report::emitter(a.format, out, color);
    emitter.begin(&RunMeta {
        tool: "claimscrub",
        version: env!("CARGO_PKG_VERSION"),
        schema: 1,
        inputs: Vec::new(),
        rules: rule_count,
    })?;
    emitter.claim(&result)?;
    emitter.finish(&summary)?;
    Ok(exit_status(a.fail_on, &summary))
}

/// The combination the arguments describe.
fn combination(a: &QuickArgs) -> Result<Quick> {
    let sex = match a.sex.as_deref().map(str::trim) {
        None => None,
        Some("M" | "m") => Some(Sex::Male),
        Some("F" | "f") => Some(Sex::Female),
        Some("U" | "u") => Some(Sex::Unknown),
        Some(_) => bail!("--sex must be M, F or U"),
    };
    let date_of_service = match &a.date {
        Some(d) => Some(
            d.parse::<Date>()
                .with_context(|| format!("--date `{d}` is not a date (YYYY-MM-DD)"))?,
        ),
        None => None,
    };
    let procedures = a
        .procedures
        .iter()
        .enumerate()
        .map(|(i, p)| procedure(p).with_context(|| format!("--proc number {}", i + 1)))
        .collect::<Result<Vec<_>>>()?;
    Ok(Quick {
        diagnoses: a.diagnoses.clone(),
        procedures,
        age: a.age,
        sex,
        place_of_service: a.place_of_service.clone(),
        payer: a.payer.clone(),
        date_of_service,
        claim_type: if a.institutional {
            ClaimKind::Institutional
        } else {
            ClaimKind::Professional
        },
    })
}

/// `CODE[:MOD]...[=UNITS]` as a procedure line.
fn procedure(text: &str) -> Result<QuickProcedure> {
    let (codes, units) = match text.split_once('=') {
        Some((c, u)) => {
            let units: f64 = u
                .trim()
                .parse()
                .ok()
                .filter(|u: &f64| u.is_finite() && *u > 0.0)
                .context("units after `=` must be a number above zero")?;
            (c, Some(units))
        }
        None => (text, None),
    };
    let mut parts = codes.split(':').map(str::trim);
    let code = parts.next().unwrap_or_default().to_string();
    if code.is_empty() {
        bail!("give a procedure code, e.g. `--proc 99214:25`");
    }
    let modifiers: Vec<String> = parts.map(str::to_string).collect();
    if modifiers.iter().any(String::is_empty) {
        bail!("an empty modifier: write `CODE:MOD:MOD`");
    }
    Ok(QuickProcedure {
        code,
        modifiers,
        units,
        pointers: None,
    })
}

#[cfg(test)]
mod tests {
    use super::procedure;

    #[test]
    fn parses_procedure_lines() {
        let p = procedure("97110:GP:59=2").unwrap();
        assert_eq!(
            (p.code.as_str(), p.modifiers.clone(), p.units),
            ("97110", vec!["GP".to_string(), "59".to_string()], Some(2.0))
        );
        assert!(procedure("G0103").unwrap().modifiers.is_empty());
        assert!(procedure("=2").is_err());
        assert!(procedure("G0103=0").is_err());
        assert!(procedure("G0103::25").is_err());
    }
}
