//! `claimscrub explain RULE`: a rule's documentation, conditions and test examples.

use std::io::Write;

use anyhow::{Result, bail};

use claimscrub::rules::load as files;

use crate::args::ExplainArgs;
use crate::{output, setup};

pub fn run(a: ExplainArgs) -> Result<u8> {
    let codesets = setup::codesets(a.sources.codesets.as_deref())?;
    let set = setup::rules(&a.sources, &codesets)?;
    let want = a.rule.trim();
    let Some(r) = set
        .rules
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(want) || r.name == want)
    else {
        let ids = set
            .rules
            .iter()
            .map(|r| &*r.id)
            .chain(set.rules.iter().map(|r| r.name.as_str()));
        let hint = claimscrub::rules::compile::did_you_mean(want, ids)
            .map(|h| format!("; {h}"))
            .unwrap_or_default();
        bail!("no rule `{want}`{hint}");
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
    let test_path = r.source.file.replace(".yaml", ".test.yaml");
    let test = files::builtin_text(&test_path).or_else(|| std::fs::read_to_string(&test_path).ok());
    if let Some(t) = test {
        writeln!(out)?;
        writeln!(out, "  Examples ({test_path}):")?;
        for l in t.lines() {
            writeln!(out, "    {l}")?;
        }
    }
    Ok(0)
}
