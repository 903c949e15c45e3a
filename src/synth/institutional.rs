//! A clean inpatient institutional (837I) claim: a stay of 1–14 days with bill type 111,
//! admission and discharge, 1–25 diagnoses with present-on-admission indicators, ICD-10-PCS
//! procedures, revenue-code lines and a discharge status.

use fastrand::Rng;
use jiff::Span;

use super::pools::Pools;
use super::{Draw, parties};
use crate::claim::{Claim, ClaimKind, Diagnosis, DxRole, IcdProcedure, ServiceLine};

/// Patient discharge status codes, weighted toward home (01).
const DISCHARGE: &[&str] = &["01", "01", "01", "01", "01", "06", "03", "02", "62", "20"];

/// Revenue codes of ancillary lines with an optional HCPCS/CPT code and a charge range.
const ANCILLARY: &[(&str, Option<&str>, u32)] = &[
    ("0250", None, 400),
    ("0300", Some("80053"), 150),
    ("0301", Some("85025"), 90),
    ("0320", Some("71046"), 350),
    ("0350", Some("74177"), 2500),
    ("0360", None, 9000),
    ("0370", None, 1800),
    ("0410", None, 600),
    ("0450", Some("99284"), 1400),
    ("0636", None, 300),
    ("0730", Some("93005"), 200),
    ("0270", None, 500),
];

/// Present-on-admission indicators, mostly `Y`.
const POA: &[&str] = &["Y", "Y", "Y", "Y", "Y", "Y", "N", "U", "W"];

/// Build the clean inpatient claim `id` from its random stream.
pub(super) fn claim(rng: &mut Rng, pools: &Pools, id: String) -> Claim {
    let stay = i64::try_from(super::skewed(rng, 1, 14)).unwrap_or(1);
    let admit = super::service_date(rng, stay);
    let discharge = admit.checked_add(Span::new().days(stay)).unwrap_or(admit);
    let age = parties::age(rng, true);
    let patient = parties::patient(rng, age, admit);
    let n_dx = if rng.u8(0..10) == 0 {
        rng.usize(1..5)
    } else {
        super::skewed(rng, 5, 25)
    };
    let mut diagnoses: Vec<Diagnosis> = Vec::with_capacity(n_dx + 1);
    for i in 0..n_dx {
        let poa = parties::pick(rng, POA).map(str::to_string);
        diagnoses.push(Diagnosis {
            code: super::clean_dx(rng, pools, &patient),
            role: if i == 0 {
                DxRole::Principal
            } else {
                DxRole::Other
            },
            poa,
            qualifier: None,
        });
    }
    if rng.bool() {
        diagnoses.push(Diagnosis {
            code: super::clean_dx(rng, pools, &patient),
            role: DxRole::Admitting,
            ..Diagnosis::default()
        });
    }
    let n_proc = super::skewed(rng, 0, 6);
    let procedures = (0..n_proc)
        .map(|i| IcdProcedure {
            code: pools.pcs.draw(rng),
            principal: i == 0,
            date: admit.checked_add(Span::new().days(rng.i64(0..=stay))).ok(),
            qualifier: None,
        })
        .collect();
    let mut lines = vec![ServiceLine {
        revenue_code: Some("0120".to_string()),
        units: Some(stay as f64),
        charge: Some(stay as f64 * 1800.0),
        from: Some(admit),
        to: Some(discharge),
        ..ServiceLine::default()
    }];
    for _ in 0..super::skewed(rng, 0, 11) {
        let (rev, code, price) = ANCILLARY
            .get(rng.usize(..ANCILLARY.len()))
            .copied()
            .unwrap_or(("0250", None, 400));
        let units = if code.is_some() { 1 } else { rng.u32(1..4) };
        lines.push(ServiceLine {
            revenue_code: Some(rev.to_string()),
            procedure: code.map(str::to_string),
            units: Some(f64::from(units)),
            charge: Some(f64::from(units * (price / 2 + rng.u32(0..=price)))),
            from: admit.checked_add(Span::new().days(rng.i64(0..=stay))).ok(),
            ..ServiceLine::default()
        });
    }
    let total = lines.iter().filter_map(|l| l.charge).sum::<f64>();
    Claim {
        id,
        kind: ClaimKind::Institutional,
        frequency: Some("1".to_string()),
        payer: parties::payer(rng, age, true),
        submission_date: Some(super::SUBMITTED),
        patient,
        billing_provider: parties::hospital(rng),
        attending_provider: Some(parties::clinician(rng)),
        bill_type: Some("111".to_string()),
        admission_date: Some(admit),
        statement_from: Some(admit),
        statement_to: Some(discharge),
        discharge_status: parties::pick(rng, DISCHARGE).map(str::to_string),
        diagnoses,
        procedures,
        total_charge: Some(total),
        lines,
        ..Claim::default()
    }
}
