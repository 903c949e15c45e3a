//! Claim-level segments of loop 2300 and its 2310 providers: `REF`, `DTP`, `CL1`, the
//! `HI` diagnoses and ICD procedures, and the `NM1`/`PRV` of each provider.

use std::sync::Arc;

use super::elements::{Fault, check_count, el, hi_el, loc, opt, parse_period};
use super::map::{ClaimBuilder, ClaimLoop, Role};
use super::tokenizer::Segment;
use crate::claim::limits::{self, Exceeded, Limit};
use crate::claim::position::{
    ClaimField, DxField, Position, ProcField, ProviderField, ProviderRole,
};
use crate::claim::{Claim, Diagnosis, IcdProcedure, Provider, vocab};

pub(super) fn claim_level(
    b: &mut ClaimBuilder,
    seg: &Segment,
    inst: bool,
    txn: &Arc<str>,
) -> Result<(), Fault> {
    let at = b.at.id();
    match seg.id() {
        b"REF" if b.at == ClaimLoop::Claim => {
            check_count(seg, at)?;
            let (field, at_field) = match seg.text(1) {
                "F8" => (&mut b.claim.original_claim_id, ClaimField::OriginalClaimId),
                "G1" => (
                    &mut b.claim.prior_authorization,
                    ClaimField::PriorAuthorization,
                ),
                "9F" => (&mut b.claim.referral_number, ClaimField::ReferralNumber),
                _ => return Ok(()),
            };
            *field = opt(seg.text(2));
            b.spans
                .record(Position::Field(at_field), loc(seg, at, el(seg, 2), txn));
        }
        b"DTP" if b.at == ClaimLoop::Claim => {
            check_count(seg, at)?;
            let qual = seg.text(1);
            if !matches!(qual, "434" | "435") {
                return Ok(());
            }
            let (from, to) = parse_period(seg.text(2), seg.text(3)).ok_or_else(|| {
                Fault::new(
                    seg.number,
                    at,
                    "DTP-03",
                    "date does not match its format in DTP-02",
                )
            })?;
            let l = loc(seg, at, el(seg, 3), txn);
            if qual == "434" {
                b.claim.statement_from = Some(from);
                b.claim.statement_to = Some(to.unwrap_or(from));
                b.spans
                    .record(Position::Field(ClaimField::StatementFrom), l.clone());
                b.spans.record(Position::Field(ClaimField::StatementTo), l);
            } else {
                b.claim.admission_date = Some(from);
                b.spans
                    .record(Position::Field(ClaimField::AdmissionDate), l);
            }
        }
        b"CL1" if b.at == ClaimLoop::Claim => {
            check_count(seg, at)?;
            b.claim.discharge_status = opt(seg.text(3));
            b.spans.record(
                Position::Field(ClaimField::DischargeStatus),
                loc(seg, at, el(seg, 3), txn),
            );
        }
        b"HI" if b.at == ClaimLoop::Claim => {
            check_count(seg, at)?;
            hi(b, seg, txn)?;
        }
        b"NM1" => {
            check_count(seg, "2310")?;
            let (role, loop_id) = match (seg.text(1), inst) {
                ("DN", false) => (Role::Referring, "2310A"),
                ("DN", true) => (Role::Referring, "2310F"),
                ("82", false) => (Role::Rendering, "2310B"),
                ("82", true) => (Role::Rendering, "2310D"),
                ("71", _) => (Role::Attending, "2310A"),
                _ => (Role::Other, "2310"),
            };
            b.at = ClaimLoop::Provider(role, loop_id);
            let npi = (seg.text(8) == "XX").then(|| opt(seg.text(9))).flatten();
            let Some((slot, who)) = provider_slot(&mut b.claim, role) else {
                return Ok(());
            };
            *slot = Some(Provider {
                npi,
                ..Provider::default()
            });
            b.spans
                .record(Position::Provider(who, None), loc(seg, loop_id, "NM1", txn));
            b.spans.record(
                Position::provider(who, ProviderField::Npi),
                loc(seg, loop_id, el(seg, 9), txn),
            );
        }
        b"PRV" => {
            let ClaimLoop::Provider(role, loop_id) = b.at else {
                return Ok(());
            };
            check_count(seg, loop_id)?;
            let Some((slot, who)) = provider_slot(&mut b.claim, role) else {
                return Ok(());
            };
            if let Some(p) = slot {
                p.taxonomy = opt(seg.text(3));
                b.spans.record(
                    Position::provider(who, ProviderField::Taxonomy),
                    loc(seg, loop_id, el(seg, 3), txn),
                );
            }
        }
        _ => {}
    }
    Ok(())
}

/// The claim's slot for a 2310 provider, and its position; `None` for a role not modelled.
pub(super) fn provider_slot(
    claim: &mut Claim,
    role: Role,
) -> Option<(&mut Option<Provider>, ProviderRole)> {
    Some(match role {
        Role::Referring => (&mut claim.referring_provider, ProviderRole::Referring),
        Role::Rendering => (&mut claim.rendering_provider, ProviderRole::Rendering),
        Role::Attending => (&mut claim.attending_provider, ProviderRole::Attending),
        Role::Other => return None,
    })
}

/// HI: diagnoses and ICD procedures, one composite per element.
pub(super) fn hi(b: &mut ClaimBuilder, seg: &Segment, txn: &Arc<str>) -> Result<(), Fault> {
    for n in 1..=12 {
        let qual = seg.component(n, 1);
        if qual.is_empty() {
            continue;
        }
        let role = vocab::dx_role(qual);
        let principal_proc = vocab::proc_principal(qual);
        if role.is_none() && principal_proc.is_none() {
            continue; // occurrence, value, condition codes, DRG: not modelled
        }
        let code = seg.component(n, 2);
        if code.is_empty() {
            return Err(Fault::new(
                seg.number,
                "2300",
                hi_el(n, 2),
                "code is missing after its qualifier",
            ));
        }
        if let Some(role) = role {
            let i = b.claim.diagnoses.len();
            if i >= limits::MAX_DIAGNOSES {
                let e = Exceeded::new(
                    Limit::DiagnosesPerClaim,
                    b.claim.kind,
                    Position::diagnosis(i),
                );
                return Err(Fault::over(seg.number, "2300", hi_el(n, 2), e));
            }
            let poa = opt(seg.component(n, 9));
            if poa.is_some() {
                b.spans.record(
                    Position::diagnosis_field(i, DxField::Poa),
                    loc(seg, "2300", hi_el(n, 9), txn),
                );
            }
            b.claim.diagnoses.push(Diagnosis {
                code: code.to_string(),
                role,
                poa,
                qualifier: Some(qual.to_string()),
            });
            b.spans
                .record(Position::diagnosis(i), loc(seg, "2300", hi_el(n, 2), txn));
        } else if let Some(principal) = principal_proc {
            let i = b.claim.procedures.len();
            if i >= limits::MAX_PROCEDURES {
                let e = Exceeded::new(
                    Limit::ProceduresPerClaim,
                    b.claim.kind,
                    Position::procedure(i),
                );
                return Err(Fault::over(seg.number, "2300", hi_el(n, 2), e));
            }
            let date = match seg.component(n, 4) {
                "" => None,
                d => Some(
                    parse_period(seg.component(n, 3), d)
                        .map(|p| p.0)
                        .ok_or_else(|| {
                            Fault::new(
                                seg.number,
                                "2300",
                                hi_el(n, 4),
                                "procedure date does not match its format",
                            )
                        })?,
                ),
            };
            if date.is_some() {
                b.spans.record(
                    Position::procedure_field(i, ProcField::Date),
                    loc(seg, "2300", hi_el(n, 4), txn),
                );
            }
            b.claim.procedures.push(IcdProcedure {
                code: code.to_string(),
                principal,
                date,
                qualifier: Some(qual.to_string()),
            });
            b.spans
                .record(Position::procedure(i), loc(seg, "2300", hi_el(n, 2), txn));
        }
    }
    Ok(())
}
