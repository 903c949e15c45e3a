//! `claimscrub rules packs`: every loaded pack with its description, its rule count and the
//! claims it matches, so a user can see what `check --payer` accepts.

use std::io::Write;

use anyhow::Result;

use claimscrub::engine::payer::is_payer_pack;
use claimscrub::rules::Pack;

use crate::args::Sources;
use crate::{output, setup};

pub fn run(sources: &Sources) -> Result<u8> {
    let codesets = setup::codesets(sources.codesets.as_deref())?;
    let rules = setup::rules(sources, &codesets)?;
    let mut packs: Vec<&Pack> = rules.packs.iter().collect();
    packs.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = output::stdout();
    if packs.is_empty() {
        writeln!(out, "no packs loaded")?;
        return Ok(0);
    }
    for p in packs {
        let count = rules.rules.iter().filter(|r| r.pack == p.name).count();
        let rules_word = if count == 1 { "rule" } else { "rules" };
        writeln!(out, "{} ({}, {count} {rules_word})", p.name, p.dir)?;
        let description = p
            .description
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !description.is_empty() {
            writeln!(out, "  {description}")?;
        }
        writeln!(out, "  matches: {}", matches(p))?;
        if is_payer_pack(p) {
            writeln!(out, "  select:  check --payer {}", p.name)?;
        }
    }
    Ok(0)
}

/// The claims a pack's scope matches, in words.
fn matches(p: &Pack) -> String {
    let mut parts = Vec::new();
    if let Some(k) = &p.scope.kinds {
        let kinds: Vec<&str> = k.iter().map(|k| k.as_str()).collect();
        parts.push(format!("{} claims", kinds.join(", ")));
    }
    if let Some(v) = &p.scope.payers {
        parts.push(format!("payer ids {}", v.join(", ")));
    }
    if let Some(v) = &p.scope.plans {
        parts.push(format!("claim filing indicators {}", v.join(", ")));
    }
    if parts.is_empty() {
        "every claim".to_string()
    } else {
        parts.join("; ")
    }
}
