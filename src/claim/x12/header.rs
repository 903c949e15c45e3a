//! The loops above a claim: 2000A/2010AA billing provider, 2000B/2010BA/2010BB subscriber
//! and payer, 2000C/2010CA patient. Their values and spans are copied into each claim below.

use std::sync::Arc;

use super::elements::{Fault, check_count, el, loc, opt, parse_period};
use super::tokenizer::Segment;
use crate::claim::position::{
    PayerField, PersonField, PersonRole, Position, ProviderField, ProviderRole,
};
use crate::claim::source::{Location, Spans};
use crate::claim::{Payer, Person, Provider, vocab};

/// A person from an `NM1` + `DMG` pair, with spans of its fields (`None`: the person) until
/// it is known whether it is the patient or the subscriber.
#[derive(Debug, Clone, Default)]
pub(super) struct PersonCtx {
    pub(super) person: Person,
    pub(super) spans: Vec<(Option<PersonField>, Location)>,
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

    /// The person, its spans recorded under `role`.
    pub(super) fn into_spans(self, role: PersonRole, out: &mut Spans) -> Person {
        for (field, l) in self.spans {
            out.record(Position::Person(role, field), l);
        }
        self.person
    }
}

/// 2000A/2010AA: the billing provider.
#[derive(Debug, Clone, Default)]
pub(super) struct Billing {
    pub(super) provider: Provider,
    pub(super) spans: Spans,
    pub(super) named: bool,
    pub(super) loop_id: &'static str,
    pub(super) fault: Option<Fault>,
}

/// 2000B/2010BA/2010BB: subscriber and payer.
#[derive(Debug, Clone, Default)]
pub(super) struct Subscriber {
    pub(super) person: PersonCtx,
    pub(super) payer: Payer,
    pub(super) payer_spans: Spans,
    pub(super) loop_id: &'static str,
    pub(super) fault: Option<Fault>,
}

/// 2000C/2010CA: the patient when not the subscriber.
#[derive(Debug, Clone, Default)]
pub(super) struct Patient {
    pub(super) person: PersonCtx,
    pub(super) loop_id: &'static str,
    pub(super) fault: Option<Fault>,
}

pub(super) fn billing_segment(b: &mut Billing, seg: &Segment, txn: &Arc<str>) -> Result<(), Fault> {
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

pub(super) fn subscriber_segment(
    s: &mut Subscriber,
    seg: &Segment,
    txn: &Arc<str>,
) -> Result<(), Fault> {
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

pub(super) fn patient_segment(p: &mut Patient, seg: &Segment, txn: &Arc<str>) -> Result<(), Fault> {
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
