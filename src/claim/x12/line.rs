//! Service lines (loop 2400 and below): `SV1` (837P), `SV2` (837I), the line's `DTP`,
//! `REF`, its 2410 drug (`LIN`) and its 2420 rendering provider.

use std::sync::Arc;

use super::elements::{Fault, check_count, el, loc, opt, parse_amount, parse_period};
use super::map::{ClaimBuilder, ClaimLoop};
use super::tokenizer::Segment;
use crate::claim::position::{LineField, Position};

pub(super) fn sv1(b: &mut ClaimBuilder, seg: &Segment, txn: &Arc<str>) -> Result<(), Fault> {
    let i = b.claim.lines.len().saturating_sub(1);
    let charge = parse_amount(seg, 2, "2400", "line charge")?;
    let units = parse_amount(seg, 4, "2400", "service units")?;
    let mut pointers = Vec::new();
    if !seg.text(7).is_empty() {
        for p in seg.components(7).filter(|p| !p.is_empty()) {
            let v = p.parse::<u32>().ok().filter(|v| *v > 0).ok_or_else(|| {
                Fault::new(
                    seg.number,
                    "2400",
                    "SV1-07",
                    "diagnosis pointer is not a positive number",
                )
            })?;
            pointers.push(v);
        }
    }
    let modifiers: Vec<String> = (3..=6)
        .map(|m| seg.component(1, m))
        .filter(|m| !m.is_empty())
        .map(str::to_string)
        .collect();
    let Some(line) = b.claim.lines.last_mut() else {
        return Ok(());
    };
    line.procedure = opt(seg.component(1, 2));
    line.modifiers = modifiers;
    line.charge = charge;
    line.units = units;
    line.place_of_service = opt(seg.text(5));
    line.diagnosis_pointers = pointers;
    // Absent values resolve to the line's segment; only present ones get their element.
    let present = [
        (LineField::Procedure, "SV1-01-2", line.procedure.is_some()),
        (LineField::Modifiers, "SV1-01-3", !line.modifiers.is_empty()),
        (LineField::Charge, "SV1-02", line.charge.is_some()),
        (LineField::Units, "SV1-04", line.units.is_some()),
        (
            LineField::PlaceOfService,
            "SV1-05",
            line.place_of_service.is_some(),
        ),
        (
            LineField::DiagnosisPointers,
            "SV1-07",
            !line.diagnosis_pointers.is_empty(),
        ),
    ];
    let n_mods = line.modifiers.len();
    record_line(b, seg, txn, i, &present, n_mods, "SV1-01");
    Ok(())
}

/// Record where line `i`'s present values sit, and each modifier after the first (the first
/// is the `Modifiers` element itself) at its component of the procedure composite.
fn record_line(
    b: &mut ClaimBuilder,
    seg: &Segment,
    txn: &Arc<str>,
    i: usize,
    present: &[(LineField, &'static str, bool)],
    n_mods: usize,
    composite: &str,
) {
    for &(field, element, here) in present {
        if here {
            let at = loc(seg, "2400", element, txn);
            b.spans.record(Position::line_field(i, field), at);
        }
    }
    for j in 1..n_mods {
        let at = loc(seg, "2400", format!("{composite}-{}", j + 3), txn);
        b.spans.record(Position::modifier(i, j), at);
    }
}

pub(super) fn sv2(b: &mut ClaimBuilder, seg: &Segment, txn: &Arc<str>) -> Result<(), Fault> {
    let i = b.claim.lines.len().saturating_sub(1);
    let charge = parse_amount(seg, 3, "2400", "line charge")?;
    let units = parse_amount(seg, 5, "2400", "service units")?;
    let modifiers: Vec<String> = (3..=6)
        .map(|m| seg.component(2, m))
        .filter(|m| !m.is_empty())
        .map(str::to_string)
        .collect();
    let n_mods = modifiers.len();
    let Some(line) = b.claim.lines.last_mut() else {
        return Ok(());
    };
    line.revenue_code = opt(seg.text(1));
    line.procedure = opt(seg.component(2, 2));
    line.modifiers = modifiers;
    line.charge = charge;
    line.units = units;
    let present = [
        (
            LineField::RevenueCode,
            "SV2-01",
            line.revenue_code.is_some(),
        ),
        (LineField::Procedure, "SV2-02-2", line.procedure.is_some()),
        (LineField::Modifiers, "SV2-02-3", n_mods > 0),
        (LineField::Charge, "SV2-03", line.charge.is_some()),
        (LineField::Units, "SV2-05", line.units.is_some()),
    ];
    record_line(b, seg, txn, i, &present, n_mods, "SV2-02");
    Ok(())
}

pub(super) fn line_level(
    b: &mut ClaimBuilder,
    seg: &Segment,
    inst: bool,
    txn: &Arc<str>,
) -> Result<(), Fault> {
    let i = b.claim.lines.len().saturating_sub(1);
    match seg.id() {
        b"DTP" if b.at == ClaimLoop::Line => {
            check_count(seg, "2400")?;
            if seg.text(1) != "472" {
                return Ok(());
            }
            let (from, to) = parse_period(seg.text(2), seg.text(3)).ok_or_else(|| {
                Fault::new(
                    seg.number,
                    "2400",
                    "DTP-03",
                    "date does not match its format in DTP-02",
                )
            })?;
            if let Some(line) = b.claim.lines.last_mut() {
                line.from = Some(from);
                line.to = to;
            }
            let l = loc(seg, "2400", el(seg, 3), txn);
            b.spans
                .record(Position::line_field(i, LineField::From), l.clone());
            if to.is_some() {
                b.spans.record(Position::line_field(i, LineField::To), l);
            }
        }
        b"REF" if b.at == ClaimLoop::Line && seg.text(1) == "G1" => {
            check_count(seg, "2400")?;
            if let Some(line) = b.claim.lines.last_mut() {
                line.prior_authorization = opt(seg.text(2));
            }
            b.spans.record(
                Position::line_field(i, LineField::PriorAuthorization),
                loc(seg, "2400", el(seg, 2), txn),
            );
        }
        b"LIN" => {
            check_count(seg, "2410")?;
            b.at = ClaimLoop::Drug;
            if seg.text(2) == "N4" {
                if let Some(line) = b.claim.lines.last_mut() {
                    line.ndc = opt(seg.text(3));
                }
                b.spans.record(
                    Position::line_field(i, LineField::Ndc),
                    loc(seg, "2410", el(seg, 3), txn),
                );
            }
        }
        b"NM1" => {
            check_count(seg, "2420")?;
            let rendering = seg.text(1) == "82";
            let loop_id = match (rendering, inst) {
                (true, false) => "2420A",
                (true, true) => "2420C",
                (false, _) => "2420",
            };
            b.at = ClaimLoop::LineProvider(rendering, loop_id);
            if rendering {
                if let Some(line) = b.claim.lines.last_mut() {
                    line.rendering_npi = (seg.text(8) == "XX").then(|| opt(seg.text(9))).flatten();
                }
                b.spans.record(
                    Position::line_field(i, LineField::RenderingNpi),
                    loc(seg, loop_id, el(seg, 9), txn),
                );
            }
        }
        _ => {}
    }
    Ok(())
}
