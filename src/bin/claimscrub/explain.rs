//! `claimscrub explain RULE`: a rule's documentation, conditions and test examples.

use std::io::Write;

use anyhow::{Result, bail};

use claimscrub::rules::load as files;

use crate::args::ExplainArgs;
use crate::{output, setup};

pub fn run(a: ExplainArgs) -> Result<u8> {
    let codesets = setup::codesets(a.sources.codesets.as_deref())?;
    let set = setup::rules(&a.sources, &codesets)?;
    let r = match set.find(&a.rule) {
        Ok(r) => r,
        Err(hint) => {
            let hint = hint.map(|h| format!("; {h}")).unwrap_or_default();
            bail!("no rule `{}`{hint}", a.rule.trim());
        }
    };
    let mut out = output::stdout();
    writeln!(out, "{} {} — {}", r.id, r.name, r.title)?;
    writeln!(out)?;
    writeln!(out, "  severity:  {}", r.severity)?;
    writeln!(
        out,
        "  category:  {} ({})",
        r.category,
        r.category.describe()
    )?;
    if let Some(c) = &r.carc {
        writeln!(
            out,
            "  carc:      {c}{}",
            r.rarc
                .as_deref()
                .map(|x| format!(" (remark {x})"))
                .unwrap_or_default()
        )?;
    }
    writeln!(out, "  status:    {:?}", r.status)?;
    writeln!(out, "  pack:      {}", r.pack)?;
    writeln!(out, "  each:      {}", r.each.name())?;
    if r.effective_from.is_some() || r.effective_to.is_some() {
        writeln!(
            out,
            "  effective: {} – {}",
            r.effective_from.map_or("…".into(), |d| d.to_string()),
            r.effective_to.map_or("…".into(), |d| d.to_string())
        )?;
    }
    writeln!(out, "  source:    {}:{}", r.source.file, r.source.line)?;
    if !r.docs.trim().is_empty() {
        writeln!(out)?;
        for l in r.docs.trim_end().lines() {
            writeln!(out, "  {l}")?;
        }
    }
    writeln!(out)?;
    writeln!(out, "  Conditions:")?;
    for l in r.when_text.lines() {
        writeln!(out, "    {l}")?;
    }
    if let Some((test_path, t)) = files::examples_of(&r.source.file) {
        writeln!(out)?;
        writeln!(out, "  Examples ({test_path}):")?;
        for l in t.lines() {
            writeln!(out, "    {l}")?;
        }
    }
    Ok(0)
}
