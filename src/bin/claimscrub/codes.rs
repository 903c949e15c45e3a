//! `claimscrub codes lookup`, `codesets info` and `codesets build`.

use std::io::Write;

use anyhow::Result;

use claimscrub::claim::normalize_code;
use claimscrub::codes::{self, CodesError, Description, has_billable, title_of};
use claimscrub::codeset::System;

use crate::args::{CodesArgs, CodesCommand, CodesetsArgs, CodesetsCommand};
use crate::{output, setup};

pub fn run_codes(a: CodesArgs) -> Result<u8> {
    let CodesCommand::Lookup {
        code,
        date,
        system,
        codesets,
        json: as_json,
        all,
    } = a.command;
    if code.trim().is_empty() {
        return Err(CodesError::Empty.into());
    }
    let sets = setup::codesets(codesets.as_deref())?;
    let mut out = output::stdout();
    let typed = code.clone();
    let date = claimscrub::setup::date("--date", date.as_deref())?;
    if as_json {
        let (status, v) = codes::lookup_json(&sets, &typed, date, system.as_deref())?;
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(status);
    }
    let Some(systems) = codes::systems(&sets, &typed, system.as_deref())? else {
        writeln!(
            out,
            "`{}` is an ICD-9-CM code: ICD-9-CM was replaced by ICD-10-CM for dates of service from 2015-10-01, and claimscrub does not ship it; code the diagnosis in ICD-10-CM",
            typed.trim()
        )?;
        return Ok(1);
    };
    let code = normalize_code(&code);
    let mut worst = 0;
    for (i, system) in systems.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let d = Description::of(&sets, *system, &code, date)?;
        worst = worst.max(u8::from(d.unknown()));
        print(&mut out, &d, all)?;
    }
    Ok(worst)
}

/// Print one system's description of a code as people read it.
fn print(out: &mut dyn Write, d: &Description<'_>, all: bool) -> Result<()> {
    let (system, code, set) = (d.system, d.code.as_str(), d.set);
    let (status, suggestions, children) = (d.found.status.to_string(), &d.suggestions, &d.children);
    writeln!(
        out,
        "{} {} ({}, {})",
        system.name(),
        code,
        set.release(),
        d.date
    )?;
    writeln!(out, "  status:   {status}")?;
    match &d.found.record {
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
        None if suggestions.is_empty() => writeln!(out, "  no close code in {}", system.name())?,
        None => writeln!(out, "  did you mean: {}", suggestions.join(", "))?,
    }
    for n in &d.notes {
        writeln!(out, "  {:?} (on {}): {}", n.kind, n.on, n.text)?;
    }
    if !children.is_empty() {
        /// Billable codes listed without `--all`.
        const FIRST: usize = 12;
        writeln!(out, "  billable codes under it ({}):", children.len())?;
        let n = if all { children.len() } else { FIRST };
        for c in children.iter().take(n) {
            writeln!(out, "    {c:<8} {}", d.child_title(c))?;
        }
        if children.len() > n {
            writeln!(out, "    … {} more: `--all` lists them", children.len() - n)?;
        }
    }
    Ok(())
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
