//! A clean professional (837P) claim: an office, hospital or telehealth visit with 1–12 lines
//! of CPT and HCPCS Level II codes, 1–12 diagnoses, modifiers, units and pointers.

use fastrand::Rng;

use super::pools::{CPT, Pools};
use super::{Draw, parties};
use crate::claim::{Claim, ClaimKind, Diagnosis, DxRole, ServiceLine};

/// Build the clean claim `id` from its random stream.
pub(super) fn claim(rng: &mut Rng, pools: &Pools, id: String) -> Claim {
    let service = super::service_date(rng, 2);
    let age = parties::age(rng, false);
    let patient = parties::patient(rng, age, service);
    let n_dx = super::skewed(rng, 1, 12);
    let diagnoses: Vec<Diagnosis> = (0..n_dx)
        .map(|i| Diagnosis {
            code: super::clean_dx(rng, pools, &patient),
            role: if i == 0 {
                DxRole::Principal
            } else {
                DxRole::Other
            },
            ..Diagnosis::default()
        })
        .collect();
    let pos = if rng.u8(0..10) == 0 {
        pools.pos_all.draw(rng)
    } else {
        pools.pos_common.draw(rng)
    };
    let n_lines = super::skewed(rng, 1, 12);
    let spread = rng.u8(0..5) == 0;
    let mut lines: Vec<ServiceLine> = Vec::with_capacity(n_lines);
    for _ in 0..n_lines {
        // A code already on the claim is drawn again (a few tries): repeats are rare.
        let mut l = line(rng, pools, n_dx, service, spread);
        for _ in 0..4 {
            if !lines.iter().any(|o| o.procedure == l.procedure) {
                break;
            }
            l = line(rng, pools, n_dx, service, spread);
        }
        if matches!(pos.as_str(), "02" | "10") && !pools.telehealth.is_empty() {
            l.modifiers.truncate(3);
            l.modifiers.push(pools.telehealth.clone());
        }
        lines.push(l);
    }
    let total = lines.iter().filter_map(|l| l.charge).sum::<f64>();
    Claim {
        id,
        kind: ClaimKind::Professional,
        frequency: Some("1".to_string()),
        payer: parties::payer(rng, age, false),
        submission_date: Some(super::SUBMITTED),
        patient,
        billing_provider: parties::professional(rng),
        rendering_provider: Some(parties::clinician(rng)),
        place_of_service: Some(pos),
        diagnoses,
        total_charge: Some(total),
        lines,
        ..Claim::default()
    }
}

/// One service line: a CPT number (three in four) or a HCPCS Level II code.
fn line(
    rng: &mut Rng,
    pools: &Pools,
    n_dx: usize,
    service: jiff::civil::Date,
    spread: bool,
) -> ServiceLine {
    let (code, price) = if rng.u8(0..4) == 0 {
        (pools.hcpcs.draw(rng), 20 + rng.u32(0..200))
    } else {
        let (c, p) = CPT
            .get(rng.usize(..CPT.len()))
            .copied()
            .unwrap_or(("99213", 130));
        (c.to_string(), p)
    };
    let units = if rng.u8(0..8) == 0 { rng.u32(2..5) } else { 1 };
    // 25 goes on evaluation and management (992xx) only; the others on anything else.
    let em = code.starts_with("992");
    let mut modifiers = Vec::new();
    let m = rng.u8(0..100);
    if em && m < 25 && pools.modifiers.iter().any(|x| x == "25") {
        modifiers.push("25".to_string());
    } else if !em && m < 15 {
        for _ in 0..if m < 2 { 2 } else { 1 } {
            let x = pools.modifiers.draw(rng);
            if x != "25" && !modifiers.contains(&x) {
                modifiers.push(x);
            }
        }
    }
    let n_ptr = n_dx.min(4).min(super::skewed(rng, 1, 4));
    let mut pointers: Vec<u32> = vec![1];
    while pointers.len() < n_ptr {
        let p = rng.u32(1..=u32::try_from(n_dx).unwrap_or(1));
        if !pointers.contains(&p) {
            pointers.push(p);
        }
    }
    let from = if spread {
        service
            .checked_add(jiff::Span::new().days(rng.i64(0..3)))
            .unwrap_or(service)
    } else {
        service
    };
    ServiceLine {
        procedure: Some(code),
        modifiers,
        diagnosis_pointers: pointers,
        units: Some(f64::from(units)),
        charge: Some(f64::from(units * price)),
        from: Some(from),
        ..ServiceLine::default()
    }
}
