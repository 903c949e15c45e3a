//! `claimscrub codes lookup`, `codesets info` and `codesets build`.

use anyhow::{Context, Result};
use jiff::civil::Date;
use serde_json::json;

use claimscrub::claim::normalize_code;
use claimscrub::codeset::{CodeSets, System};

use crate::args::{CodesArgs, CodesCommand, CodesetsArgs, CodesetsCommand};
use crate::setup;

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

pub fn run_codes(a: CodesArgs) -> Result<u8> {
    let CodesCommand::Lookup {
        code,
        date,
        system,
        codesets,
        json: as_json,
    } = a.command;
    let sets = setup::codesets(codesets.as_deref())?;
    let typed = code.clone();
    let code = normalize_code(&code);
    let date = match &date {
        Some(d) => d
            .parse::<Date>()
            .with_context(|| format!("--date `{d}` is not a date (YYYY-MM-DD)"))?,
        None => jiff::Zoned::now().date(),
    };
    let system = match &system {
        Some(s) => System::from_name(s).with_context(|| {
            let names: Vec<&str> = System::ALL.iter().map(|s| s.name()).collect();
            format!("unknown code system `{s}`; known: {}", names.join(", "))
        })?,
        None => guess(&typed, &code, &sets),
    };
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
    let found = set.lookup(&code, date);
    let status = found.status.to_string();
    let children = found
        .record
        .as_ref()
        .filter(|r| !r.billable)
        .map(|_| set.children(&code, Some(date)))
        .unwrap_or_default();
    let suggestions = if found.record.is_none() {
        set.suggest(&code, 2)
    } else {
        Vec::new()
    };
    // Notes of an unknown code's would-be ancestors would mislead: only a known code has notes.
    let notes = if found.record.is_some() {
        set.notes(&code)
    } else {
        Vec::new()
    };
    if as_json {
        let rec = found.record.as_ref().map(|r| {
            json!({
                "code": r.code,
                "billable": r.billable,
                "short_title": r.short_title,
                "long_title": r.long_title,
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
            "children": children,
            "suggestions": suggestions,
            "notes": notes.iter().map(|n| json!({"kind": format!("{:?}", n.kind), "on": n.on, "text": n.text, "targets": n.targets.iter().map(|t| t.to_string()).collect::<Vec<_>>()})).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(u8::from(found.record.is_none()));
    }
    println!("{} {} ({}, {})", system.name(), code, set.release(), date);
    println!("  status:   {status}");
    match &found.record {
        Some(r) => {
            println!(
                "  title:    {}",
                if r.long_title.is_empty() {
                    r.short_title
                } else {
                    r.long_title
                }
            );
            if !r.short_title.is_empty() && r.short_title != r.long_title {
                println!("  short:    {}", r.short_title);
            }
            println!(
                "  billable: {}",
                if r.billable { "yes" } else { "no (header)" }
            );
            for v in &r.validity {
                let from = match set.coverage_from() {
                    _ if !v.open_start() => v.from.to_string(),
                    Some(first) => format!("on or before {first}"),
                    None => "always".to_string(),
                };
                println!(
                    "  valid:    {from} – {}",
                    v.to.map_or("open".to_string(), |t| t.to_string())
                );
            }
            if let Some(si) = r.status_indicator {
                println!("  status indicator: {si}");
            }
            let a = &r.attributes;
            if let Some(s) = a.sex {
                println!("  sex:      {}", format!("{s:?}").to_lowercase());
            }
            if let Some(g) = a.age_group {
                let (lo, hi) = g.years();
                println!("  age:      {} ({lo}–{hi})", g.name());
            } else if let (Some(lo), Some(hi)) = (a.age_low, a.age_high) {
                println!("  age:      {lo}–{hi}");
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
                println!("  flags:    {}", flags.join(", "));
            }
        }
        None if suggestions.is_empty() => println!("  no close code in {}", system.name()),
        None => println!("  did you mean: {}", suggestions.join(", ")),
    }
    for n in &notes {
        println!("  {:?} (on {}): {}", n.kind, n.on, n.text);
    }
    if !children.is_empty() {
        let shown: Vec<&str> = children.iter().take(40).map(String::as_str).collect();
        println!(
            "  billable codes under it ({}): {}{}",
            children.len(),
            shown.join(", "),
            if children.len() > 40 { ", …" } else { "" }
        );
    }
    Ok(u8::from(found.record.is_none()))
}

pub fn run_codesets(a: CodesetsArgs) -> Result<u8> {
    match a.command {
        CodesetsCommand::Info {
            codesets,
            json: as_json,
        } => {
            let sets = setup::codesets(codesets.as_deref())?;
            let info = sets.info();
            if as_json {
                println!("{}", serde_json::to_string_pretty(&info)?);
                return Ok(0);
            }
            for i in &info {
                println!(
                    "{:<10} {:>8} rows  {:>10} bytes  {}",
                    i.name, i.rows, i.bytes, i.release
                );
                if !i.coverage.is_empty() {
                    println!("{:<10} covers dates of service {}", "", i.coverage);
                }
                println!("{:<10} source: {}", "", i.source);
                if !i.credit.is_empty() {
                    println!("{:<10} {}", "", i.credit);
                }
            }
            println!(
                "\nICD-10-CM: Source: CDC/NCHS. ICD-10-PCS, HCPCS Level II, place of service, MCE and I/OCE edits: CMS."
            );
            println!(
                "CPT is not shipped (it belongs to the AMA); load your own file with `claimscrub codesets build`."
            );
            Ok(0)
        }
        CodesetsCommand::Build { from, out } => {
            let report = claimscrub::codeset::build_dir(&from, &out)?;
            println!("{report}");
            Ok(0)
        }
    }
}
