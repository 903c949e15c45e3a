//! One 837 transaction set: walks the HL hierarchy (2000A billing provider → 2000B subscriber
//! → 2000C patient) and maps each 2300 claim with its 2310 providers and 2400 lines into a
//! [`Claim`], recording the segment and element of every mapped value.
//!
//! Loops the scrubber does not use are tracked only so their segments are not mistaken for
//! ours: an `SBR` inside a claim opens 2320/2330 (other payer), whose `NM1*IL` and `NM1*PR` must
//! not overwrite the claim's own subscriber and payer.

use std::borrow::Cow;
use std::sync::Arc;

use jiff::civil::Date;

use super::tokenizer::Segment;
use crate::claim::position::{
    ClaimField, DxField, LineField, PayerField, PersonField, PersonRole, Position, ProcField,
    ProviderField, ProviderRole,
};
use crate::claim::source::{Location, Spans};
use crate::claim::{
    Claim, ClaimKind, Diagnosis, IcdProcedure, Payer, Person, Provider, ServiceLine, Source,
    SourceFormat, vocab,
};

/// Something wrong at one place in the file. Messages name elements, never their values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub segment: u32,
    pub loop_id: &'static str,
    pub element: Cow<'static, str>,
    pub message: String,
}

impl Fault {
    pub fn new(
        segment: u32,
        loop_id: &'static str,
        element: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Fault {
        Fault {
            segment,
            loop_id,
            element: element.into(),
            message: message.into(),
        }
    }

    pub fn location(&self, transaction: &Arc<str>) -> Location {
        Location::X12 {
            segment: self.segment,
            loop_id: Cow::Borrowed(self.loop_id),
            element: self.element.clone(),
            transaction: transaction.clone(),
        }
    }
}

/// A claim that could not be built: its id when CLM01 was read, and why.
#[derive(Debug, Clone)]
pub struct Failed {
    pub claim_id: Option<String>,
    pub fault: Fault,
}

pub type Built = Result<Claim, Failed>;

/// The segment id as text.
pub fn id_str<'a>(seg: &Segment<'a>) -> &'a str {
    std::str::from_utf8(seg.id()).unwrap_or_default()
}

/// Element reference in the `NM1-09` form; static for the elements mapped.
fn el(seg: &Segment, n: usize) -> Cow<'static, str> {
    let s: &'static str = match (seg.id(), n) {
        (b"NM1", 1) => "NM1-01",
        (b"NM1", 3) => "NM1-03",
        (b"NM1", 9) => "NM1-09",
        (b"DMG", 2) => "DMG-02",
        (b"DMG", 3) => "DMG-03",
        (b"SBR", 1) => "SBR-01",
        (b"SBR", 2) => "SBR-02",
        (b"SBR", 9) => "SBR-09",
        (b"PAT", 1) => "PAT-01",
        (b"PRV", 3) => "PRV-03",
        (b"REF", 2) => "REF-02",
        (b"CLM", 1) => "CLM-01",
        (b"CLM", 2) => "CLM-02",
        (b"DTP", 3) => "DTP-03",
        (b"CL1", 3) => "CL1-03",
        (b"BHT", 4) => "BHT-04",
        (b"LIN", 3) => "LIN-03",
        _ => return Cow::Owned(format!("{}-{n:02}", id_str(seg))),
    };
    Cow::Borrowed(s)
}

/// `HI-nn-m` for composite `n` (1–12), component `m`.
fn hi_el(n: usize, m: usize) -> Cow<'static, str> {
    const C2: [&str; 12] = [
        "HI-01-2", "HI-02-2", "HI-03-2", "HI-04-2", "HI-05-2", "HI-06-2", "HI-07-2", "HI-08-2",
        "HI-09-2", "HI-10-2", "HI-11-2", "HI-12-2",
    ];
    match (m, C2.get(n.wrapping_sub(1))) {
        (2, Some(s)) => Cow::Borrowed(s),
        _ => Cow::Owned(format!("HI-{n:02}-{m}")),
    }
}

/// The most data elements each mapped segment may carry (005010 guides), and the fewest a
/// usable one has.
fn element_bounds(id: &[u8]) -> Option<(usize, usize)> {
    Some(match id {
        b"BHT" => (4, 6),
        b"HL" => (3, 4),
        b"PRV" => (3, 6),
        b"NM1" => (2, 12),
        b"REF" => (2, 4),
        b"SBR" => (1, 9),
        b"PAT" => (1, 9),
        b"DMG" => (2, 11),
        b"CLM" => (5, 20),
        b"DTP" => (3, 3),
        b"CL1" => (1, 4),
        b"HI" => (1, 12),
        b"LX" => (1, 1),
        b"SV1" => (2, 21),
        b"SV2" => (3, 10),
        b"LIN" => (3, 31),
        _ => return None,
    })
}

/// Check the element count of a mapped segment.
pub fn check_count(seg: &Segment, loop_id: &'static str) -> Result<(), Fault> {
    let Some((min, max)) = element_bounds(seg.id()) else {
        return Ok(());
    };
    let n = seg.element_count();
    let id = id_str(seg);
    if n > max {
        return Err(Fault::new(
            seg.number,
            loop_id,
            id.to_string(),
            format!("`{id}` has {n} elements; at most {max} are allowed"),
        ));
    }
    // Trailing empty elements are usually dropped, so only the used ones must be present.
    if n < min {
        return Err(Fault::new(
            seg.number,
            loop_id,
            id.to_string(),
            format!("`{id}` has {n} elements; at least {min} are required"),
        ));
    }
    Ok(())
}

fn loc(
    seg: &Segment,
    loop_id: &'static str,
    element: impl Into<Cow<'static, str>>,
    txn: &Arc<str>,
) -> Location {
    Location::X12 {
        segment: seg.number,
        loop_id: Cow::Borrowed(loop_id),
        element: element.into(),
        transaction: txn.clone(),
    }
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// `CCYYMMDD` as a date.
pub fn parse_d8(s: &str) -> Option<Date> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i16 = s.get(0..4)?.parse().ok()?;
    let m: i8 = s.get(4..6)?.parse().ok()?;
    let d: i8 = s.get(6..8)?.parse().ok()?;
    Date::new(y, m, d).ok()
}

/// A `DTP` or `HI` date by its format qualifier: `D8` one date, `RD8` a range, `DT` a date
/// and time (the date is kept).
fn parse_period(format: &str, value: &str) -> Option<(Date, Option<Date>)> {
    match format {
        "D8" => parse_d8(value).map(|d| (d, None)),
        "DT" => parse_d8(value.get(..8)?).map(|d| (d, None)),
        "RD8" => {
            let (a, b) = value.split_once('-')?;
            Some((parse_d8(a)?, Some(parse_d8(b)?)))
        }
        _ => None,
    }
}

fn parse_amount(
    seg: &Segment,
    n: usize,
    loop_id: &'static str,
    what: &str,
) -> Result<Option<f64>, Fault> {
    let s = seg.text(n);
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
        .ok_or_else(|| {
            Fault::new(
                seg.number,
                loop_id,
                el(seg, n),
                format!("{what} is not a number"),
            )
        })
}

/// A person from an `NM1` + `DMG` pair, with spans of its fields (`None`: the person) until
/// it is known whether it is the patient or the subscriber.
#[derive(Debug, Clone, Default)]
struct PersonCtx {
    person: Person,
    spans: Vec<(Option<PersonField>, Location)>,
}

impl PersonCtx {
    fn member(&mut self, seg: &Segment, loop_id: &'static str, txn: &Arc<str>) {
        self.person.member_id = opt(seg.text(9));
        self.spans.push((None, loc(seg, loop_id, el(seg, 1), txn)));
        self.spans.push((
            Some(PersonField::MemberId),
            loc(seg, loop_id, el(seg, 9), txn),
        ));
    }

    fn dmg(&mut self, seg: &Segment, loop_id: &'static str, txn: &Arc<str>) -> Result<(), Fault> {
        let dob = seg.text(2);
        if !dob.is_empty() {
            let date = parse_period(seg.text(1), dob).ok_or_else(|| {
                Fault::new(
                    seg.number,
                    loop_id,
                    "DMG-02",
                    "date of birth is not a valid `D8` date (CCYYMMDD)",
                )
            })?;
            self.person.date_of_birth = Some(date.0);
            self.spans.push((
                Some(PersonField::DateOfBirth),
                loc(seg, loop_id, el(seg, 2), txn),
            ));
        }
        self.person.sex = match seg.text(3) {
            "" => None,
            code => Some(vocab::sex_from_x12(code).ok_or_else(|| {
                Fault::new(
                    seg.number,
                    loop_id,
                    "DMG-03",
                    "sex code is not `F`, `M` or `U`",
                )
            })?),
        };
        if self.person.sex.is_some() {
            self.spans
                .push((Some(PersonField::Sex), loc(seg, loop_id, el(seg, 3), txn)));
        }
        Ok(())
    }

    fn relationship(&mut self, seg: &Segment, loop_id: &'static str, n: usize, txn: &Arc<str>) {
        self.person.relationship = opt(seg.text(n));
        if self.person.relationship.is_some() {
            self.spans.push((
                Some(PersonField::Relationship),
                loc(seg, loop_id, el(seg, n), txn),
            ));
        }
    }

    fn into_spans(self, role: PersonRole, out: &mut Spans) -> Person {
        for (field, l) in self.spans {
            out.record(Position::Person(role, field), l);
        }
        self.person
    }
}

/// 2000A/2010AA: the billing provider.
#[derive(Debug, Default)]
struct Billing {
    provider: Provider,
    spans: Spans,
    named: bool,
    loop_id: &'static str,
    fault: Option<Fault>,
}

/// 2000B/2010BA/2010BB: subscriber and payer.
#[derive(Debug, Default)]
struct Subscriber {
    person: PersonCtx,
    payer: Payer,
    payer_spans: Spans,
    loop_id: &'static str,
    fault: Option<Fault>,
}

/// 2000C/2010CA: the patient when not the subscriber.
#[derive(Debug, Default)]
struct Patient {
    person: PersonCtx,
    loop_id: &'static str,
    fault: Option<Fault>,
}

/// Which provider a 2310 loop names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Referring,
    Rendering,
    Attending,
    Other,
}

/// Where inside a claim the last segment was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClaimLoop {
    Claim,
    Provider(Role, &'static str),
    OtherPayer,
    Line,
    Drug,
    LineProvider(bool, &'static str),
    LineAdjudication,
}

impl ClaimLoop {
    fn id(self) -> &'static str {
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

#[derive(Debug)]
struct ClaimBuilder {
    claim: Claim,
    spans: Spans,
    fault: Option<Fault>,
    at: ClaimLoop,
    /// Whether the current line already has its SV1/SV2.
    line_has_service: bool,
}

/// One `ST`…`SE` 837 transaction.
#[derive(Debug)]
pub struct Transaction {
    /// ST02, for locations.
    pub control: Arc<str>,
    kind: Option<ClaimKind>,
    /// Why the whole transaction is refused (4010, another 837 guide).
    refused: Option<String>,
    submission: Option<(Date, Location)>,
    billing: Option<Billing>,
    subscriber: Option<Subscriber>,
    patient: Option<Patient>,
    /// A broken `HL` poisons the claims below it until the next one.
    hl_fault: Option<Fault>,
    claim: Option<ClaimBuilder>,
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
            submission: None,
            billing: None,
            subscriber: None,
            patient: None,
            hl_fault: None,
            claim: None,
        }
    }

    /// The loop the last segment was in, for locations of envelope faults.
    pub fn loop_id(&self) -> &'static str {
        match &self.claim {
            Some(b) => b.at.id(),
            None => "header",
        }
    }

    /// Feed one segment between ST and SE.
    pub fn segment(&mut self, seg: &Segment, out: &mut Vec<Built>) {
        let id = seg.id();
        if let Some(why) = &self.refused {
            if id == b"CLM" {
                out.push(Err(Failed {
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
                self.start_claim(seg);
                return;
            }
            b"BHT" => {
                self.bht(seg);
                return;
            }
            _ => {}
        }
        if let Some(b) = &mut self.claim {
            if b.fault.is_none()
                && let Err(f) = claim_segment(b, seg, &self.control)
            {
                b.fault = Some(f);
            }
            return;
        }
        let txn = &self.control;
        if let Some(p) = &mut self.patient {
            if p.fault.is_none()
                && let Err(f) = patient_segment(p, seg, txn)
            {
                p.fault = Some(f);
            }
        } else if let Some(s) = &mut self.subscriber {
            if s.fault.is_none()
                && let Err(f) = subscriber_segment(s, seg, txn)
            {
                s.fault = Some(f);
            }
        } else if let Some(b) = &mut self.billing
            && b.fault.is_none()
            && let Err(f) = billing_segment(b, seg, txn)
        {
            b.fault = Some(f);
        }
    }

    /// Close the claim in progress (at the next CLM, HL or SE).
    pub fn finish(&mut self, out: &mut Vec<Built>) {
        let Some(b) = self.claim.take() else {
            return;
        };
        out.push(match b.fault {
            Some(fault) => Err(Failed {
                claim_id: opt(&b.claim.id),
                fault,
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
        });
    }

    /// The file ends (or breaks) inside this transaction: the claim in progress fails with
    /// `fault`. Returns false when no claim was in progress to carry it.
    pub fn abort(&mut self, fault: Fault, out: &mut Vec<Built>) -> bool {
        match self.claim.take() {
            Some(b) => {
                out.push(Err(Failed {
                    claim_id: opt(&b.claim.id),
                    fault: b.fault.unwrap_or(fault),
                }));
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
            self.submission = Some((d, loc(seg, "header", el(seg, 4), &self.control)));
        }
    }

    fn hl(&mut self, seg: &Segment) {
        self.hl_fault = check_count(seg, "2000").err();
        match seg.text(3) {
            "20" => {
                self.billing = Some(Billing {
                    loop_id: "2000A",
                    ..Billing::default()
                });
                self.subscriber = None;
                self.patient = None;
            }
            "22" => {
                self.subscriber = Some(Subscriber {
                    loop_id: "2000B",
                    ..Subscriber::default()
                });
                self.patient = None;
            }
            "23" => {
                self.patient = Some(Patient {
                    loop_id: "2000C",
                    ..Patient::default()
                });
            }
            _ => {
                self.hl_fault.get_or_insert_with(|| {
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

    fn start_claim(&mut self, seg: &Segment) {
        let txn = &self.control;
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
        let mut fault = self.hl_fault.clone();
        if let Some((d, l)) = &self.submission {
            claim.submission_date = Some(*d);
            spans.record(Position::Field(ClaimField::SubmissionDate), l.clone());
        }
        match &self.billing {
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
        match &self.subscriber {
            Some(s) => {
                claim.payer = s.payer.clone();
                spans.extend(&s.payer_spans);
                fault = fault.or_else(|| s.fault.clone());
                match &self.patient {
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
            fault = clm(&mut claim, &mut spans, seg, self.kind, txn).err();
        }
        self.claim = Some(ClaimBuilder {
            claim,
            spans,
            fault,
            at: ClaimLoop::Claim,
            line_has_service: false,
        });
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

fn billing_segment(b: &mut Billing, seg: &Segment, txn: &Arc<str>) -> Result<(), Fault> {
    match seg.id() {
        b"PRV" if b.loop_id == "2000A" => {
            check_count(seg, b.loop_id)?;
            b.provider.taxonomy = opt(seg.text(3));
            b.spans.record(
                Position::provider(ProviderRole::Billing, ProviderField::Taxonomy),
                loc(seg, b.loop_id, el(seg, 3), txn),
            );
        }
        b"NM1" => {
            check_count(seg, b.loop_id)?;
            match seg.text(1) {
                "85" => {
                    b.loop_id = "2010AA";
                    b.named = true;
                    b.provider.npi = (seg.text(8) == "XX").then(|| opt(seg.text(9))).flatten();
                    b.spans.record(
                        Position::Provider(ProviderRole::Billing, None),
                        loc(seg, b.loop_id, "NM1", txn),
                    );
                    b.spans.record(
                        Position::provider(ProviderRole::Billing, ProviderField::Npi),
                        loc(seg, b.loop_id, el(seg, 9), txn),
                    );
                }
                "87" => b.loop_id = "2010AB",
                _ => b.loop_id = "2010AC",
            }
        }
        b"REF" if b.loop_id == "2010AA" => {
            check_count(seg, b.loop_id)?;
            if matches!(seg.text(1), "EI" | "SY") {
                b.provider.tax_id = opt(seg.text(2));
                b.spans.record(
                    Position::provider(ProviderRole::Billing, ProviderField::TaxId),
                    loc(seg, b.loop_id, el(seg, 2), txn),
                );
            }
        }
        _ => {}
    }
    Ok(())
}

fn subscriber_segment(s: &mut Subscriber, seg: &Segment, txn: &Arc<str>) -> Result<(), Fault> {
    match seg.id() {
        b"SBR" => {
            check_count(seg, "2000B")?;
            s.payer.responsibility = opt(seg.text(1));
            s.payer.plan = opt(seg.text(9));
            s.person.relationship(seg, "2000B", 2, txn);
            s.payer_spans.record(
                Position::payer(PayerField::Responsibility),
                loc(seg, "2000B", el(seg, 1), txn),
            );
            s.payer_spans.record(
                Position::payer(PayerField::Plan),
                loc(seg, "2000B", el(seg, 9), txn),
            );
        }
        b"NM1" => {
            check_count(seg, s.loop_id)?;
            match seg.text(1) {
                "IL" => {
                    s.loop_id = "2010BA";
                    s.person.member(seg, s.loop_id, txn);
                }
                "PR" => {
                    s.loop_id = "2010BB";
                    s.payer.id = opt(seg.text(9));
                    s.payer.name = opt(seg.text(3));
                    s.payer_spans
                        .record(Position::Payer(None), loc(seg, s.loop_id, "NM1", txn));
                    s.payer_spans.record(
                        Position::payer(PayerField::Id),
                        loc(seg, s.loop_id, el(seg, 9), txn),
                    );
                    s.payer_spans.record(
                        Position::payer(PayerField::Name),
                        loc(seg, s.loop_id, el(seg, 3), txn),
                    );
                }
                _ => s.loop_id = "2010B",
            }
        }
        b"DMG" if s.loop_id == "2010BA" => {
            check_count(seg, s.loop_id)?;
            s.person.dmg(seg, s.loop_id, txn)?;
        }
        _ => {}
    }
    Ok(())
}

fn patient_segment(p: &mut Patient, seg: &Segment, txn: &Arc<str>) -> Result<(), Fault> {
    match seg.id() {
        b"PAT" => {
            check_count(seg, "2000C")?;
            p.person.relationship(seg, "2000C", 1, txn);
        }
        b"NM1" if seg.text(1) == "QC" => {
            check_count(seg, "2010CA")?;
            p.loop_id = "2010CA";
            p.person.spans.push((None, loc(seg, p.loop_id, "NM1", txn)));
        }
        b"DMG" if p.loop_id == "2010CA" => {
            check_count(seg, p.loop_id)?;
            p.person.dmg(seg, p.loop_id, txn)?;
        }
        _ => {}
    }
    Ok(())
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
            new_line(b, seg, txn);
            return Ok(());
        }
        b"SV1" | b"SV2" => {
            if b.at != ClaimLoop::Line || b.line_has_service {
                new_line(b, seg, txn);
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

fn new_line(b: &mut ClaimBuilder, seg: &Segment, txn: &Arc<str>) {
    let i = b.claim.lines.len();
    b.claim.lines.push(ServiceLine::default());
    b.spans.record(
        Position::line(i),
        loc(seg, "2400", id_str(seg).to_string(), txn),
    );
    b.at = ClaimLoop::Line;
    b.line_has_service = false;
}

fn claim_level(
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
fn provider_slot(claim: &mut Claim, role: Role) -> Option<(&mut Option<Provider>, ProviderRole)> {
    Some(match role {
        Role::Referring => (&mut claim.referring_provider, ProviderRole::Referring),
        Role::Rendering => (&mut claim.rendering_provider, ProviderRole::Rendering),
        Role::Attending => (&mut claim.attending_provider, ProviderRole::Attending),
        Role::Other => return None,
    })
}

/// HI: diagnoses and ICD procedures, one composite per element.
fn hi(b: &mut ClaimBuilder, seg: &Segment, txn: &Arc<str>) -> Result<(), Fault> {
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

fn sv1(b: &mut ClaimBuilder, seg: &Segment, txn: &Arc<str>) -> Result<(), Fault> {
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
    for (field, element, here) in present {
        if here {
            b.spans.record(
                Position::line_field(i, field),
                loc(seg, "2400", element, txn),
            );
        }
    }
    for j in 1..n_mods {
        b.spans.record(
            Position::modifier(i, j),
            loc(seg, "2400", format!("SV1-01-{}", j + 3), txn),
        );
    }
    Ok(())
}

fn sv2(b: &mut ClaimBuilder, seg: &Segment, txn: &Arc<str>) -> Result<(), Fault> {
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
    for (field, element, here) in present {
        if here {
            b.spans.record(
                Position::line_field(i, field),
                loc(seg, "2400", element, txn),
            );
        }
    }
    for j in 1..n_mods {
        b.spans.record(
            Position::modifier(i, j),
            loc(seg, "2400", format!("SV2-02-{}", j + 3), txn),
        );
    }
    Ok(())
}

fn line_level(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_d8("20240229"), Some(jiff::civil::date(2024, 2, 29)));
        assert_eq!(parse_d8("20230229"), None);
        assert_eq!(parse_d8("2023022"), None);
        assert_eq!(
            parse_period("RD8", "20231202-20231215"),
            Some((
                jiff::civil::date(2023, 12, 2),
                Some(jiff::civil::date(2023, 12, 15))
            ))
        );
        assert_eq!(
            parse_period("DT", "202312011430").map(|p| p.0),
            Some(jiff::civil::date(2023, 12, 1))
        );
        assert_eq!(parse_period("RD8", "20231202"), None);
    }

    #[test]
    fn versions() {
        assert_eq!(classify("005010X222A1").0, Some(ClaimKind::Professional));
        assert_eq!(classify("005010X223A3").0, Some(ClaimKind::Institutional));
        assert!(classify("004010X098A1").1.is_some());
        assert!(classify("005010X224A2").1.is_some());
        assert_eq!(classify(""), (None, None));
    }
}
