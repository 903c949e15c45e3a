//! `claimscrub codes lookup`, `codesets info` and `codesets build`.

use std::io::Write;

use anyhow::{Context, Result};
use jiff::civil::Date;
use serde_json::json;

use claimscrub::claim::normalize_code;
use claimscrub::codeset::{CodeSets, System};

use crate::args::{CodesArgs, CodesCommand, CodesetsArgs, CodesetsCommand};
use crate::{output, setup};

/// Guess the system from a code's shape: a letter and digits with a dot or 3–7 characters
/// is ICD-10-CM; 7 alphanumerics starting with a digit is ICD-10-PCS; a letter and four
/// digits is HCPCS; two characters a modifier; five digits (or 4 + F/T/U/M) CPT.
fn guess(typed: &str, code: &str, sets: &CodeSets) -> System {
    // A dot is written only in ICD-10 codes (E11.9); without it E1199 could be HCPCS too.
    let order: &[System] = match code.len() {
        _ if typed.contains('.') => &[System::Icd10Cm, System::Icd10Pcs],
        2 => &[System::Modifier, System::Pos],
        5 if code.as_bytes().first().is_some_and(u8::is_ascii_digit) => {
            &[System::Cpt, System::Icd10Cm]
        }
        5 => &[System::Hcpcs, System::Icd10Cm],
        7 if code.as_bytes().first().is_some_and(u8::is_ascii_digit) => {
            &[System::Icd10Pcs, System::Icd10Cm]
        }
        _ => &[System::Icd10Cm, System::Icd10Pcs, System::Hcpcs],
    };
    order
        .iter()
        .copied()
        .find(|s| sets.get(*s).is_some_and(|c| c.contains(code)))
        .unwrap_or(order.first().copied().unwrap_or(System::Icd10Cm))
}

/// Systems whose codes are billable or headers; modifiers and places of service are neither.
fn has_billable(system: System) -> bool {
    !matches!(system, System::Modifier | System::Pos)
}

/// ICD-9-CM as coders write it: three digits and a dot (`250.00`) or `E` and three digits
/// and a dot (`E880.9`), which written ICD-10-CM never is (its dot follows three characters),
/// or `V` and two digits and a dot (`V70.0`), which ICD-10-CM can also be: the caller asks
/// ICD-10-CM first for those.
fn looks_icd9(typed: &str) -> bool {
    let Some((head, tail)) = typed.trim().split_once('.') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let b = head.as_bytes();
    let tail_ok = tail.len() <= 2 && (tail.is_empty() || digits(tail));
    tail_ok
        && match b {
            [_, _, _] if digits(head) => true,
            [b'E' | b'e', rest @ ..] => rest.len() == 3 && digits(&head[1..]),
            [b'V' | b'v', rest @ ..] => rest.len() == 2 && digits(&head[1..]),
            _ => false,
        }
}

/// The title of a record, or what to say when the shipped data has none.
fn title_of(system: System, code: &str, r: &claimscrub::codeset::Record<'_>) -> String {
    let t = if r.long_title.is_empty() {
        r.short_title
    } else {
        r.long_title
    };
    match t {
        "" if system == System::Modifier && code.bytes().all(|b| b.is_ascii_digit()) => {
            "CPT modifier; AMA text not shipped".to_string()
        }
        "" => "(no title in the shipped data)".to_string(),
        t => t.to_string(),
    }
}

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
    let systems = match &system {
        Some(s) => vec![System::from_name(s).with_context(|| {
            let names: Vec<&str> = System::ALL.iter().map(|s| s.name()).collect();
            format!("unknown code system `{s}`; known: {}", names.join(", "))
        })?],
        None => {
            let v_code = typed.trim().starts_with(['V', 'v']);
            let in_cm = sets.get(System::Icd10Cm).is_some_and(|c| c.contains(&code));
            if looks_icd9(&typed) && !(v_code && in_cm) {
                if as_json {
                    let v = json!({"system": "icd9cm", "code": typed.trim(), "status": "not shipped",
                        "note": "ICD-9-CM was replaced by ICD-10-CM for dates of service from 2015-10-01"});
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
            // A two-character code can be a modifier and a place of service (`22`): show both.
            let both: Vec<System> = [System::Modifier, System::Pos]
                .into_iter()
                .filter(|s| sets.get(*s).is_some_and(|c| c.contains(&code)))
                .collect();
            if code.len() == 2 && both.len() == 2 {
                both
            } else {
                vec![guess(&typed, &code, &sets)]
            }
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
    let Some(set) = sets.get(system) else {
        anyhow::bail!(
            "the {} code set is not loaded{}",
            system.name(),
            if system == System::Cpt {
                "; CPT belongs to the AMA: load your own with `codesets build`"
            } else {
                ""
            }
        );
    };
    let found = set.lookup(code, date);
    let unknown = u8::from(found.record.is_none());
    let status = found.status.to_string();
    let children = found
        .record
        .as_ref()
        .filter(|r| has_billable(system) && !r.billable)
        .map(|_| set.children(code, Some(date)))
        .unwrap_or_default();
    let suggestions = if found.record.is_none() {
        set.suggest(code, 2)
    } else {
        Vec::new()
    };
    // Notes of an unknown code's would-be ancestors would mislead: only a known code has notes.
    let notes = if found.record.is_some() {
        set.notes(code)
    } else {
        Vec::new()
    };
    let child_title = |c: &str| {
        set.get(c)
            .map(|r| title_of(system, c, &r))
            .unwrap_or_default()
    };
    let mut out = output::stdout();
    if as_json {
        let rec = found.record.as_ref().map(|r| {
            json!({
                "code": r.code,
                "billable": has_billable(system).then_some(r.billable),
                "short_title": r.short_title,
                "long_title": r.long_title,
                "title": title_of(system, code, r),
                "validity": r.validity.iter().map(|v| json!({"from": (!v.open_start()).then(|| v.from.to_string()), "to": v.to.map(|t| t.to_string())})).collect::<Vec<_>>(),
                "status_indicator": r.status_indicator,
                "attributes": {
                    "sex": r.attributes.sex.map(|s| format!("{s:?}").to_lowercase()),
                    "age_group": r.attributes.age_group.map(|g| g.name()),
                    "age_low": r.attributes.age_low,
                    "age_high": r.attributes.age_high,
                    "manifestation": r.attributes.manifestation,
                    "unacceptable_principal": r.attributes.unacceptable_principal,
                    "external_cause": r.attributes.external_cause,
                    "flags": r.attributes.other_flags,
                },
            })
        });
        let v = json!({
            "system": system.name(),
            "code": code,
            "date": date.to_string(),
            "status": status,
            "record": rec,
            "children": children.iter().map(|c| json!({"code": c, "title": child_title(c)})).collect::<Vec<_>>(),
            "suggestions": suggestions,
            "notes": notes.iter().map(|n| json!({"kind": format!("{:?}", n.kind), "on": n.on, "text": n.text, "targets": n.targets.iter().map(|t| t.to_string()).collect::<Vec<_>>()})).collect::<Vec<_>>(),
        });
        return Ok((unknown, Some(v)));
    }
    writeln!(
        out,
        "{} {} ({}, {})",
        system.name(),
        code,
        set.release(),
        date
    )?;
    writeln!(out, "  status:   {status}")?;
    match &found.record {
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
    for n in &notes {
        writeln!(out, "  {:?} (on {}): {}", n.kind, n.on, n.text)?;
    }
    if !children.is_empty() {
        /// Billable codes listed without `--all`.
        const FIRST: usize = 12;
        writeln!(out, "  billable codes under it ({}):", children.len())?;
        let n = if all { children.len() } else { FIRST };
        for c in children.iter().take(n) {
            writeln!(out, "    {c:<8} {}", child_title(c))?;
        }
        if children.len() > n {
            writeln!(out, "    … {} more: `--all` lists them", children.len() - n)?;
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
