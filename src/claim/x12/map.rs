//! One 837 transaction set: walks the HL hierarchy (2000A billing provider → 2000B subscriber
//! → 2000C patient) and maps each 2300 claim with its 2310 providers and 2400 lines into a
//! [`Claim`], recording the segment and element of every mapped value.
//!
//! This file walks the transaction and keeps the claim in progress; the loops are mapped
//! beside it: `header.rs` (2000A–2000C), `claim_level.rs` (2300/2310),
//! `line.rs` (2400 and below), with the element helpers in `elements.rs`.
//!
//! Loops the scrubber does not use are tracked only so their segments are not mistaken for
//! ours: an `SBR` inside a claim opens 2320/2330 (other payer), whose `NM1*IL` and `NM1*PR` must
//! not overwrite the claim's own subscriber and payer.

use std::sync::Arc;

use jiff::civil::Date;

use super::claim_level::claim_level;
use super::elements::{
    Built, Failed, Fault, check_count, el, id_str, loc, long_element, opt, parse_amount, parse_d8,
};
use super::header::{
    Billing, Patient, Subscriber, billing_segment, patient_segment, subscriber_segment,
};
use super::line::{line_level, sv1, sv2};
use super::tokenizer::{Delimiters, Segment, SegmentRef};
use crate::claim::limits::{self, Exceeded, Limit};
use crate::claim::position::{ClaimField, PersonRole, Position};
use crate::claim::source::{Location, Spans};
use crate::claim::{Claim, ClaimKind, ServiceLine, Source, SourceFormat};

/// Which provider a 2310 loop names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Referring,
    Rendering,
    Attending,
    Other,
}

/// Where inside a claim the last segment was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ClaimLoop {
    Claim,
    Provider(Role, &'static str),
    OtherPayer,
    Line,
    Drug,
    LineProvider(bool, &'static str),
    LineAdjudication,
}

impl ClaimLoop {
    pub(super) fn id(self) -> &'static str {
        match self {
            ClaimLoop::Claim => "2300",
            ClaimLoop::Provider(_, l) | ClaimLoop::LineProvider(_, l) => l,
            ClaimLoop::OtherPayer => "2320",
            ClaimLoop::Line => "2400",
            ClaimLoop::Drug => "2410",
            ClaimLoop::LineAdjudication => "2430",
        }
    }
}

/// The claim being built, its spans, its first fault, and where in it the last segment was.
#[derive(Debug)]
pub(super) struct ClaimBuilder {
    pub(super) claim: Claim,
    pub(super) spans: Spans,
    pub(super) fault: Option<Fault>,
    pub(super) at: ClaimLoop,
    /// Whether the current line already has its SV1/SV2.
    pub(super) line_has_service: bool,
}

/// The loops above a claim as they stood at its `CLM`: what every claim below them copies.
/// The loops are shared (`Arc`), so carrying them with each claim to the worker that maps it
/// costs a few reference counts, not a copy.
#[derive(Debug, Clone, Default)]
struct Header {
    submission: Option<(Date, Location)>,
    billing: Option<Arc<Billing>>,
    subscriber: Option<Arc<Subscriber>>,
    patient: Option<Arc<Patient>>,
    /// A broken `HL` poisons the claims below it until the next one.
    hl_fault: Option<Fault>,
}

/// The loop [`Transaction::loop_id`] names while a claim is in progress: which loop of the
/// claim the last segment was in is known only once the claim is mapped, so a fault that cuts
/// the claim short is given its loop then ([`Unmapped::map`]).
pub const CLAIM_LOOP: &str = "(claim)";

/// One `ST`…`SE` 837 transaction.
#[derive(Debug)]
pub struct Transaction {
    /// ST02, for locations.
    pub control: Arc<str>,
    kind: Option<ClaimKind>,
    /// Why the whole transaction is refused (4010, another 837 guide).
    refused: Option<String>,
    header: Header,
    /// The claim in progress: located, mapped later.
    claim: Option<Unmapped>,
}

/// A claim located by the sequential split: its `CLM`, the segments after it up to the next
/// `CLM`, `HL` or `SE`, and the loops above it. Mapping it needs nothing else but the file's
/// bytes, so the runner's workers map claims in parallel ([`Unmapped::map`]).
#[derive(Debug)]
pub struct Unmapped {
    header: Header,
    control: Arc<str>,
    kind: Option<ClaimKind>,
    delimiters: Delimiters,
    clm: SegmentRef,
    segments: Vec<SegmentRef>,
    /// The fault that cut the claim short (the file ends or breaks inside it), if one did.
    cut: Option<Fault>,
}

/// A transaction's output, in file order: a claim failed while splitting (refused, or an
/// error record), or one located to be mapped later.
#[derive(Debug)]
pub enum Split {
    /// Failed already.
    Failed(Failed),
    /// Located; [`Unmapped::map`] builds it.
    Located(Box<Unmapped>),
}

impl Unmapped {
    /// The transaction set's control number (ST02), for the claim's locations.
    pub fn control(&self) -> &Arc<str> {
        &self.control
    }

    /// Map the claim from the bytes it was located in (which start at byte `base` of the
    /// file): the same claim, spans and first fault
    /// as walking the segments in order would give.
    pub fn map(self, bytes: &[u8], base: usize) -> Built {
        let txn = &self.control;
        let Some(clm) = self.clm.segment(bytes, base, self.delimiters) else {
            return Err(Failed {
                claim_id: None,
                fault: Fault::new(self.clm.number(), "2300", "CLM", "the claim's bytes moved"),
            });
        };
        let mut b = start_claim(&self.header, &clm, self.kind, txn);
        if let Err(f) = long_element(&clm, "2300") {
            b.fault.get_or_insert(f);
        }
        for r in &self.segments {
            if b.fault.is_some() {
                // The first fault is the claim's; later segments change nothing.
                break;
            }
            let Some(seg) = r.segment(bytes, base, self.delimiters) else {
                continue;
            };
            if let Err(f) =
                long_element(&seg, b.at.id()).and_then(|()| claim_segment(&mut b, &seg, txn))
            {
                b.fault = Some(f);
            }
        }
        match self.cut {
            Some(mut cut) => {
                if cut.loop_id == CLAIM_LOOP {
                    cut.loop_id = b.at.id();
                }
                Err(Failed {
                    claim_id: limits::claim_id(&b.claim.id),
                    fault: b.fault.unwrap_or(cut),
                })
            }
            None => built(b),
        }
    }
}

/// A claim whose segments all arrived: built, or failed with its first fault or a limit.
fn built(b: ClaimBuilder) -> Built {
    match b.fault {
        Some(fault) => Err(Failed {
            claim_id: limits::claim_id(&b.claim.id),
            fault,
        }),
        None if let Err(e) = limits::check(&b.claim) => Err(Failed {
            claim_id: limits::claim_id(&b.claim.id),
            fault: Fault::over_at(&b.spans, e),
        }),
        None => {
            let mut claim = b.claim;
            claim.normalize();
            claim.source = Source {
                format: SourceFormat::X12,
                spans: b.spans,
                ..Source::default()
            };
            Ok(claim)
        }
    }
}

impl Transaction {
    /// Start a transaction with its control number and implementation guide version
    /// (ST03, else GS08).
    pub fn new(control: Arc<str>, version: &str) -> Transaction {
        let (kind, refused) = classify(version);
        Transaction {
            control,
            kind,
            refused,
            header: Header::default(),
            claim: None,
        }
    }

    /// The loop the last segment was in, for locations of envelope faults: [`CLAIM_LOOP`]
    /// while a claim is in progress (resolved when it is mapped).
    pub fn loop_id(&self) -> &'static str {
        match &self.claim {
            Some(_) => CLAIM_LOOP,
            None => "header",
        }
    }

    /// Feed one segment between ST and SE.
    pub fn segment(&mut self, seg: &Segment, out: &mut Vec<Split>) {
        let id = seg.id();
        if let Some(why) = &self.refused {
            if id == b"CLM" {
                out.push(Split::Failed(Failed {
                    claim_id: opt(seg.text(1)),
                    fault: Fault::new(seg.number, "2300", "CLM", why.clone()),
                }));
            }
            return;
        }
        match id {
            b"HL" => {
                self.finish(out);
                self.hl(seg);
                return;
            }
            b"CLM" => {
                self.finish(out);
                self.claim = Some(Unmapped {
                    header: self.header.clone(),
                    control: self.control.clone(),
                    kind: self.kind,
                    delimiters: seg.delimiters,
                    clm: seg.locate(),
                    segments: Vec::with_capacity(32),
                    cut: None,
                });
                return;
            }
            b"BHT" => {
                self.bht(seg);
                return;
            }
            _ => {}
        }
        if let Some(c) = &mut self.claim {
            c.segments.push(seg.locate());
            return;
        }
        let txn = &self.control;
        let h = &mut self.header;
        if let Some(p) = &mut h.patient {
            if p.fault.is_none() {
                let p = Arc::make_mut(p);
                if let Err(f) =
                    long_element(seg, "2000C").and_then(|()| patient_segment(p, seg, txn))
                {
                    p.fault = Some(f);
                }
            }
        } else if let Some(s) = &mut h.subscriber {
            if s.fault.is_none() {
                let s = Arc::make_mut(s);
                if let Err(f) =
                    long_element(seg, "2000B").and_then(|()| subscriber_segment(s, seg, txn))
                {
                    s.fault = Some(f);
                }
            }
        } else if let Some(b) = &mut h.billing
            && b.fault.is_none()
        {
            let b = Arc::make_mut(b);
            if let Err(f) = long_element(seg, "2000A").and_then(|()| billing_segment(b, seg, txn)) {
                b.fault = Some(f);
            }
        }
    }

    /// Close the claim in progress (at the next CLM, HL or SE).
    pub fn finish(&mut self, out: &mut Vec<Split>) {
        if let Some(c) = self.claim.take() {
            out.push(Split::Located(Box::new(c)));
        }
    }

    /// The file ends (or breaks) inside this transaction: the claim in progress fails with
    /// `fault` (unless it failed earlier). Returns false when no claim was in progress to
    /// carry it.
    pub fn abort(&mut self, fault: Fault, out: &mut Vec<Split>) -> bool {
        match self.claim.take() {
            Some(mut c) => {
                c.cut = Some(fault);
                out.push(Split::Located(Box::new(c)));
                true
            }
            None => false,
        }
    }

    fn bht(&mut self, seg: &Segment) {
        if check_count(seg, "header").is_err() {
            return;
        }
        if let Some(d) = parse_d8(seg.text(4)) {
            self.header.submission = Some((d, loc(seg, "header", el(seg, 4), &self.control)));
        }
    }

    fn hl(&mut self, seg: &Segment) {
        let h = &mut self.header;
        h.hl_fault = check_count(seg, "2000").err();
        match seg.text(3) {
            "20" => {
                h.billing = Some(Arc::new(Billing {
                    loop_id: "2000A",
                    ..Billing::default()
                }));
                h.subscriber = None;
                h.patient = None;
            }
            "22" => {
                h.subscriber = Some(Arc::new(Subscriber {
                    loop_id: "2000B",
                    ..Subscriber::default()
                }));
                h.patient = None;
            }
            "23" => {
                h.patient = Some(Arc::new(Patient {
                    loop_id: "2000C",
                    ..Patient::default()
                }));
            }
            _ => {
                h.hl_fault.get_or_insert_with(|| {
                    Fault::new(
                        seg.number,
                        "2000",
                        "HL-03",
                        "hierarchical level code is not 20, 22 or 23",
                    )
                });
            }
        }
    }
}

/// Open the claim of `seg` (a `CLM`) below the loops of `header`.
fn start_claim(
    header: &Header,
    seg: &Segment,
    kind: Option<ClaimKind>,
    txn: &Arc<str>,
) -> ClaimBuilder {
    {
        let mut claim = Claim {
            id: seg.text(1).to_string(),
            ..Claim::default()
        };
        let mut spans = Spans::with_capacity(64);
        spans.record(Position::Claim, loc(seg, "2300", "CLM", txn));
        spans.record(
            Position::Field(ClaimField::Id),
            loc(seg, "2300", el(seg, 1), txn),
        );
        let mut fault = header.hl_fault.clone();
        if let Some((d, l)) = &header.submission {
            claim.submission_date = Some(*d);
            spans.record(Position::Field(ClaimField::SubmissionDate), l.clone());
        }
        match &header.billing {
            Some(b) if b.named => {
                claim.billing_provider = b.provider.clone();
                spans.extend(&b.spans);
                fault = fault.or_else(|| b.fault.clone());
            }
            _ => {
                fault = fault.or_else(|| {
                    Some(Fault::new(
                        seg.number,
                        "2300",
                        "CLM",
                        "claim has no billing provider (loop 2000A with NM1*85 must precede it)",
                    ))
                });
            }
        }
        match &header.subscriber {
            Some(s) => {
                claim.payer = s.payer.clone();
                spans.extend(&s.payer_spans);
                fault = fault.or_else(|| s.fault.clone());
                match &header.patient {
                    Some(p) => {
                        claim.subscriber = Some(
                            s.person
                                .clone()
                                .into_spans(PersonRole::Subscriber, &mut spans),
                        );
                        claim.patient =
                            p.person.clone().into_spans(PersonRole::Patient, &mut spans);
                        fault = fault.or_else(|| p.fault.clone());
                    }
                    None => {
                        claim.patient =
                            s.person.clone().into_spans(PersonRole::Patient, &mut spans);
                    }
                }
            }
            None => {
                fault = fault.or_else(|| {
                    Some(Fault::new(
                        seg.number,
                        "2300",
                        "CLM",
                        "claim has no subscriber (loop 2000B must precede it)",
                    ))
                });
            }
        }
        if fault.is_none() {
            fault = clm(&mut claim, &mut spans, seg, kind, txn).err();
        }
        ClaimBuilder {
            claim,
            spans,
            fault,
            at: ClaimLoop::Claim,
            line_has_service: false,
        }
    }
}

/// Claim kind and refusal from the implementation guide reference.
fn classify(version: &str) -> (Option<ClaimKind>, Option<String>) {
    if version.starts_with("00401") || version.starts_with("004010") {
        return (
            None,
            Some(format!(
                "X12 4010 (`{version}`) is not read: 4010 was retired in 2012; send 005010X222A1 or 005010X223A2"
            )),
        );
    }
    if version.contains("X222") {
        (Some(ClaimKind::Professional), None)
    } else if version.contains("X223") {
        (Some(ClaimKind::Institutional), None)
    } else if version.contains('X') {
        (
            None,
            Some(format!(
                "implementation guide `{version}` is not read: only 005010X222A1 (837P) and 005010X223A2/A3 (837I) are"
            )),
        )
    } else {
        // No guide named: decided per claim from CLM05-2.
        (None, None)
    }
}

/// CLM: id, total, place of service or bill type, frequency.
fn clm(
    claim: &mut Claim,
    spans: &mut Spans,
    seg: &Segment,
    kind: Option<ClaimKind>,
    txn: &Arc<str>,
) -> Result<(), Fault> {
    check_count(seg, "2300")?;
    if claim.id.is_empty() {
        return Err(Fault::new(
            seg.number,
            "2300",
            "CLM-01",
            "claim id is missing",
        ));
    }
    claim.total_charge = parse_amount(seg, 2, "2300", "total claim charge")?;
    spans.record(
        Position::Field(ClaimField::TotalCharge),
        loc(seg, "2300", el(seg, 2), txn),
    );
    let facility = seg.component(5, 1);
    let frequency = seg.component(5, 3);
    claim.kind = kind.unwrap_or(if seg.component(5, 2) == "A" {
        ClaimKind::Institutional
    } else {
        ClaimKind::Professional
    });
    match claim.kind {
        ClaimKind::Professional => {
            claim.place_of_service = opt(facility);
            spans.record(
                Position::Field(ClaimField::PlaceOfService),
                loc(seg, "2300", "CLM-05-1", txn),
            );
        }
        ClaimKind::Institutional => {
            claim.bill_type = opt(facility).map(|f| format!("{f}{frequency}"));
            spans.record(
                Position::Field(ClaimField::BillType),
                loc(seg, "2300", "CLM-05-1", txn),
            );
        }
    }
    claim.frequency = opt(frequency);
    spans.record(
        Position::Field(ClaimField::Frequency),
        loc(seg, "2300", "CLM-05-3", txn),
    );
    Ok(())
}

/// A segment inside a claim (2300 and below).
fn claim_segment(b: &mut ClaimBuilder, seg: &Segment, txn: &Arc<str>) -> Result<(), Fault> {
    let id = seg.id();
    let inst = b.claim.kind == ClaimKind::Institutional;
    let in_line = matches!(
        b.at,
        ClaimLoop::Line
            | ClaimLoop::Drug
            | ClaimLoop::LineProvider(..)
            | ClaimLoop::LineAdjudication
    );
    match id {
        b"LX" => {
            check_count(seg, "2400")?;
            return new_line(b, seg, txn);
        }
        b"SV1" | b"SV2" => {
            if b.at != ClaimLoop::Line || b.line_has_service {
                new_line(b, seg, txn)?;
            }
            b.line_has_service = true;
            check_count(seg, "2400")?;
            return if id == b"SV1" {
                sv1(b, seg, txn)
            } else {
                sv2(b, seg, txn)
            };
        }
        b"SBR" if !in_line => {
            b.at = ClaimLoop::OtherPayer;
            return Ok(());
        }
        b"SVD" if in_line => {
            b.at = ClaimLoop::LineAdjudication;
            return Ok(());
        }
        _ => {}
    }
    match b.at {
        ClaimLoop::Claim | ClaimLoop::Provider(..) => claim_level(b, seg, inst, txn),
        ClaimLoop::OtherPayer => Ok(()),
        ClaimLoop::Line | ClaimLoop::Drug | ClaimLoop::LineProvider(..) => {
            line_level(b, seg, inst, txn)
        }
        ClaimLoop::LineAdjudication => {
            if id == b"NM1" || id == b"LIN" {
                b.at = ClaimLoop::Line;
                line_level(b, seg, inst, txn)
            } else {
                Ok(())
            }
        }
    }
}

/// Open line `i`, unless the claim has all the lines its kind allows already.
fn new_line(b: &mut ClaimBuilder, seg: &Segment, txn: &Arc<str>) -> Result<(), Fault> {
    let i = b.claim.lines.len();
    if i >= limits::max_lines(b.claim.kind) {
        let e = Exceeded::new(Limit::LinesPerClaim, b.claim.kind, Position::line(i));
        return Err(Fault::over(seg.number, "2400", id_str(seg).to_string(), e));
    }
    b.claim.lines.push(ServiceLine::default());
    b.spans.record(
        Position::line(i),
        loc(seg, "2400", id_str(seg).to_string(), txn),
    );
    b.at = ClaimLoop::Line;
    b.line_has_service = false;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(classify("005010X222A1").0, Some(ClaimKind::Professional));
        assert_eq!(classify("005010X223A3").0, Some(ClaimKind::Institutional));
        assert!(classify("004010X098A1").1.is_some());
        assert!(classify("005010X224A2").1.is_some());
        assert_eq!(classify(""), (None, None));
    }
}
