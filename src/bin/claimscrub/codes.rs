//! `claimscrub codes lookup`, `codesets info` and `codesets build`.

use std::io::Write;

use anyhow::{Context, Result};
use claimscrub::claim::normalize_code;
use claimscrub::codeset::describe::{self, Resolved, has_billable, title_of};
use claimscrub::codeset::{CodeSets, System};
use jiff::civil::Date;

use crate::args::{CodesArgs, CodesCommand, CodesetsArgs, CodesetsCommand};
use crate::{output, setup};

pub fn run_codes(a: CodesArgs) -> Result<u8> {
    let (code, date, system, codesets, as_json, all) = match a.command {
        CodesCommand::Check(q) => return crate::quick::run(q),
        CodesCommand::Lookup {
            code,
            date,
            system,
            codesets,
            json,
            all,
        } => (code, date, system, codesets, json, all),
    };
    if code.trim().is_empty() {
        anyhow::bail!("give a code to look up, e.g. `claimscrub codes lookup E11.9`");
    }
    let sets = setup::codesets(codesets.as_deref())?;
    let mut out = output::stdout();
    let typed = code.clone();
    let code = normalize_code(&code);
    let date = match &date {
        Some(d) => d
            .parse::<Date>()
            .with_context(|| format!("--date `{d}` is not a date (YYYY-MM-DD)"))?,
        None => jiff::Zoned::now().date(),
    };
    let system = system.as_deref().map(describe::system_named).transpose()?;
    let systems = match describe::resolve(&sets, &typed, system) {
        Resolved::Systems(v) => v,
        Resolved::Icd9 => {
            if as_json {
                let v = describe::icd9_json(&typed);
                writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
            } else {
                writeln!(
                    out,
                    "`{}` is an ICD-9-CM code: ICD-9-CM was replaced by ICD-10-CM for dates of service from 2015-10-01, and claimscrub does not ship it; code the diagnosis in ICD-10-CM",
                    typed.trim()
                )?;
            }
            return Ok(1);
        }
    };
    let mut shown = Vec::new();
    let mut worst = 0;
    for (i, system) in systems.iter().enumerate() {
        if i > 0 && !as_json {
            writeln!(out)?;
        }
        let (status, v) = lookup(&sets, *system, &code, date, as_json, all)?;
        worst = worst.max(status);
        shown.extend(v);
    }
    if as_json {
        let v = match <[serde_json::Value; 1]>::try_from(shown) {
            Ok([one]) => one,
            Err(many) => serde_json::Value::Array(many),
        };
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    }
    Ok(worst)
}

/// Look `code` up in one system and print it (or return its JSON); the status is 1 when the
/// code is unknown there.
fn lookup(
    sets: &CodeSets,
    system: System,
    code: &str,
    date: Date,
    as_json: bool,
    all: bool,
) -> Result<(u8, Option<serde_json::Value>)> {
    let d = describe::describe(sets, system, code, date)?;
    let unknown = u8::from(d.record.is_none());
    if as_json {
        return Ok((unknown, Some(d.to_json())));
    }
    let mut out = output::stdout();
    let set = d.set;
    writeln!(
        out,
        "{} {} ({}, {})",
        system.name(),
        code,
        set.release(),
        date
    )?;
    writeln!(out, "  status:   {}", d.status)?;
    match &d.record {
        Some(r) => {
            writeln!(out, "  title:    {}", title_of(system, code, r))?;
            if !r.short_title.is_empty()
                && r.short_title != r.long_title
                && !r.long_title.is_empty()
            {
                writeln!(out, "  short:    {}", r.short_title)?;
            }
            if has_billable(system) {
                writeln!(
                    out,
                    "  billable: {}",
                    if r.billable { "yes" } else { "no (header)" }
                )?;
            }
            for v in &r.validity {
                let from = match set.coverage_from() {
                    _ if !v.open_start() => v.from.to_string(),
                    Some(first) => format!("on or before {first}"),
                    None => "always".to_string(),
                };
                writeln!(
                    out,
                    "  valid:    {from} – {}",
                    v.to.map_or("open".to_string(), |t| t.to_string())
                )?;
            }
            if let Some(si) = r.status_indicator {
                writeln!(out, "  status indicator: {si}")?;
            }
            let a = &r.attributes;
            if let Some(s) = a.sex {
                writeln!(out, "  sex:      {}", format!("{s:?}").to_lowercase())?;
            }
            if let Some(g) = a.age_group {
                let (lo, hi) = g.years();
                writeln!(out, "  age:      {} ({lo}–{hi})", g.name())?;
            } else if let (Some(lo), Some(hi)) = (a.age_low, a.age_high) {
                writeln!(out, "  age:      {lo}–{hi}")?;
            }
            let mut flags: Vec<&str> = Vec::new();
            if a.manifestation {
                flags.push("manifestation");
            }
            if a.unacceptable_principal {
                flags.push("unacceptable principal");
            }
            if a.external_cause {
                flags.push("external cause");
            }
            flags.extend(a.other_flags.iter().map(String::as_str));
            if !flags.is_empty() {
                writeln!(out, "  flags:    {}", flags.join(", "))?;
            }
        }
        None if d.suggestions.is_empty() => writeln!(out, "  no close code in {}", system.name())?,
        None => writeln!(out, "  did you mean: {}", d.suggestions.join(", "))?,
    }
    for n in &d.notes {
        writeln!(out, "  {:?} (on {}): {}", n.kind, n.on, n.text)?;
    }
    if !d.children.is_empty() {
        /// Billable codes listed without `--all`.
        const FIRST: usize = 12;
        writeln!(out, "  billable codes under it ({}):", d.children.len())?;
        let n = if all { d.children.len() } else { FIRST };
        for (c, t) in d.children.iter().take(n) {
            writeln!(out, "    {c:<8} {t}")?;
        }
        if d.children.len() > n {
            writeln!(
                out,
                "    … {} more: `--all` lists them",
                d.children.len() - n
            )?;
        }
    }
    Ok((unknown, None))
}

pub fn run_codesets(a: CodesetsArgs) -> Result<u8> {
    match a.command {
        CodesetsCommand::Info {
            codesets,
            json: as_json,
            unresolved,
        } => {
            let sets = setup::codesets(codesets.as_deref())?;
            let census = sets.get(System::Icd10Cm).map(|cm| cm.excludes1_census());
            let mut out = output::stdout();
            if unresolved {
                let census = census.unwrap_or_default();
                if as_json {
                    writeln!(out, "{}", serde_json::to_string_pretty(&census)?)?;
                    return Ok(0);
                }
                for n in &census.unresolved {
                    writeln!(out, "{:<8} {:<10} {}", n.on, n.reason.name(), n.text)?;
                }
                writeln!(
                    out,
                    "{} Excludes1 notes unresolved (never applied); {} exact, {} exact after a qualifier",
                    census.unresolved.len(),
                    census.exact,
                    census.qualified
                )?;
                return Ok(0);
            }
            let info = sets.info();
            if as_json {
                writeln!(out, "{}", serde_json::to_string_pretty(&info)?)?;
                return Ok(0);
            }
            for i in &info {
                writeln!(
                    out,
                    "{:<10} {:>8} rows  {:>10} bytes  {}",
                    i.name, i.rows, i.bytes, i.release
                )?;
                if !i.coverage.is_empty() {
                    writeln!(out, "{:<10} covers dates of service {}", "", i.coverage)?;
                }
                writeln!(out, "{:<10} source: {}", "", i.source)?;
                if !i.credit.is_empty() {
                    writeln!(out, "{:<10} {}", "", i.credit)?;
                }
                if let Some(c) = census.as_ref().filter(|_| i.name == System::Icd10Cm.name()) {
                    writeln!(
                        out,
                        "{:<10} Excludes1 notes: {} exact, {} exact after a qualifier, {} unresolved (`--unresolved` lists them)",
                        "",
                        c.exact,
                        c.qualified,
                        c.unresolved.len()
                    )?;
                }
            }
            writeln!(
                out,
                "\nICD-10-CM: Source: CDC/NCHS. ICD-10-PCS, HCPCS Level II, place of service, MCE and I/OCE edits: CMS."
            )?;
            writeln!(
                out,
                "CPT is not shipped (it belongs to the AMA); load your own file with `claimscrub codesets build`."
            )?;
            Ok(0)
        }
        CodesetsCommand::Build { from, out } => {
            let report = claimscrub::codeset::build_dir(&from, &out)?;
            writeln!(output::stdout(), "{report}")?;
            Ok(0)
        }
    }
}
