//! The fields a rule can name (`line.procedure`, `patient.age`…): their type, the iteration
//! they need, how to read them from a claim, and their position in the claim model.

use jiff::civil::Date;

use crate::claim::{Claim, Diagnosis, IcdProcedure, Position, ServiceLine};
use crate::codeset::System;

/// CPT codes are five digits, or four digits and F, T, U or M.
pub fn is_cpt_shaped(code: &str) -> bool {
    match code.as_bytes() {
        [a, b, c, d, e] => {
            [a, b, c, d].iter().all(|x| x.is_ascii_digit())
                && (e.is_ascii_digit() || matches!(e, b'F' | b'T' | b'U' | b'M'))
        }
        _ => false,
    }
}

/// The type of a field's value, checked at compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One text value (a code, an NPI).
    Text,
    /// A number (units, money, a count).
    Number,
    /// A date.
    Date,
    /// A list of text values (modifiers).
    TextList,
    /// A list of numbers (diagnosis pointers).
    NumberList,
}

impl Kind {
    /// The kind in a message: `a number`, `text`…
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Number => "a number",
            Kind::Date => "a date",
            Kind::TextList => "a list of text",
            Kind::NumberList => "a list of numbers",
        }
    }

    /// A literal of this kind as a rule writes it, for hints.
    pub fn example(self) -> &'static str {
        match self {
            Kind::Text | Kind::TextList => "value: \"11\"",
            Kind::Number | Kind::NumberList => "value: 1",
            Kind::Date => "value: 2024-01-01",
        }
    }
}

/// What a field needs bound in the evaluation context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Needs {
    /// Only the claim.
    Claim,
    /// A service line (`line.*`).
    Line,
    /// The other line of a line pair (`other.*`).
    OtherLine,
    /// A diagnosis (`dx.*`).
    Dx,
    /// The other diagnosis of a diagnosis pair (`other_dx.*`).
    OtherDx,
    /// An ICD-10-PCS procedure (`procedure.*`).
    Proc,
    /// A modifier of the line (`modifier.*`).
    Modifier,
    /// A diagnosis pointer of the line (`pointer.*`).
    Pointer,
}

impl Field {
    /// Whether `check --redact` masks the field in findings: the PHI fields, the claim's own
    /// numbers (claim, original claim, prior authorization, referral), every date, and what
    /// comes from the member (age, sex, relationship).
    pub fn redacted(self) -> bool {
        self.is_phi()
            || self.kind() == Kind::Date
            || matches!(
                self,
                Field::ClaimId
                    | Field::OriginalClaimId
                    | Field::PriorAuth
                    | Field::Referral
                    | Field::LinePriorAuth
                    | Field::Age
                    | Field::Sex
                    | Field::Relationship
            )
    }
}

macro_rules! fields {
    ($($variant:ident => $name:literal, $kind:ident, $needs:ident, $phi:literal;)*) => {
        /// A named field of the claim model or a value derived from it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Field { $(#[doc = concat!("`", $name, "`")] $variant,)* }

        impl Field {
            /// Every field, in declaration order.
            pub const ALL: &'static [Field] = &[$(Field::$variant,)*];
            /// The name rules write (`line.procedure`).
            pub fn name(self) -> &'static str { match self { $(Field::$variant => $name,)* } }
            /// The type of its value.
            pub fn kind(self) -> Kind { match self { $(Field::$variant => Kind::$kind,)* } }
            /// What the iteration must bind for it to have a value.
            pub fn needs(self) -> Needs { match self { $(Field::$variant => Needs::$needs,)* } }
            /// Protected health information: never printed in a message.
            pub fn is_phi(self) -> bool { match self { $(Field::$variant => $phi,)* } }
            /// The field a rule names.
            pub fn from_name(name: &str) -> Option<Field> {
                match name { $($name => Some(Field::$variant),)* _ => None }
            }
        }
    };
}

fields! {
    ClaimId => "claim.id", Text, Claim, false;
    ClaimType => "claim.type", Text, Claim, false;
    Frequency => "claim.frequency", Text, Claim, false;
    OriginalClaimId => "claim.original_claim_id", Text, Claim, false;
    SubmissionDate => "claim.submission_date", Date, Claim, false;
    ServiceDate => "claim.service_date", Date, Claim, false;
    ClaimPos => "claim.place_of_service", Text, Claim, false;
    BillType => "claim.bill_type", Text, Claim, false;
    AdmissionDate => "claim.admission_date", Date, Claim, false;
    StatementFrom => "claim.statement_from", Date, Claim, false;
    StatementTo => "claim.statement_to", Date, Claim, false;
    DischargeStatus => "claim.discharge_status", Text, Claim, false;
    PriorAuth => "claim.prior_authorization", Text, Claim, false;
    Referral => "claim.referral_number", Text, Claim, false;
    TotalCharge => "claim.total_charge", Number, Claim, false;
    LinesChargeSum => "claim.line_charge_sum", Number, Claim, false;
    LineCount => "claim.line_count", Number, Claim, false;
    Duplicate => "claim.duplicate", Text, Claim, false;
    DxCount => "claim.diagnosis_count", Number, Claim, false;
    Setting => "claim.setting", Text, Claim, false;
    PrincipalDx => "claim.principal_diagnosis", Text, Claim, false;
    LengthOfStay => "claim.length_of_stay", Number, Claim, false;
    PayerId => "payer.id", Text, Claim, false;
    PayerName => "payer.name", Text, Claim, false;
    PayerPlan => "payer.plan", Text, Claim, false;
    MemberId => "patient.member_id", Text, Claim, true;
    BirthDate => "patient.date_of_birth", Date, Claim, true;
    Sex => "patient.sex", Text, Claim, false;
    Age => "patient.age", Number, Claim, false;
    Relationship => "patient.relationship", Text, Claim, false;
    SubscriberMemberId => "subscriber.member_id", Text, Claim, true;
    BillingNpi => "billing.npi", Text, Claim, false;
    BillingTaxId => "billing.tax_id", Text, Claim, true;
    BillingTaxonomy => "billing.taxonomy", Text, Claim, false;
    RenderingNpi => "rendering.npi", Text, Claim, false;
    ReferringNpi => "referring.npi", Text, Claim, false;
    AttendingNpi => "attending.npi", Text, Claim, false;
    LineNumber => "line.number", Number, Line, false;
    Procedure => "line.procedure", Text, Line, false;
    Modifiers => "line.modifiers", TextList, Line, false;
    ModifierCount => "line.modifier_count", Number, Line, false;
    Pointers => "line.pointers", NumberList, Line, false;
    PointerCount => "line.pointer_count", Number, Line, false;
    Units => "line.units", Number, Line, false;
    Charge => "line.charge", Number, Line, false;
    LineFrom => "line.from", Date, Line, false;
    LineTo => "line.to", Date, Line, false;
    LineDate => "line.date", Date, Line, false;
    LinePos => "line.place_of_service", Text, Line, false;
    RevenueCode => "line.revenue_code", Text, Line, false;
    Ndc => "line.ndc", Text, Line, false;
    LineRenderingNpi => "line.rendering_npi", Text, Line, false;
    LinePriorAuth => "line.prior_authorization", Text, Line, false;
    OtherNumber => "other.number", Number, OtherLine, false;
    OtherProcedure => "other.procedure", Text, OtherLine, false;
    OtherModifiers => "other.modifiers", TextList, OtherLine, false;
    OtherUnits => "other.units", Number, OtherLine, false;
    OtherCharge => "other.charge", Number, OtherLine, false;
    OtherFrom => "other.from", Date, OtherLine, false;
    OtherTo => "other.to", Date, OtherLine, false;
    OtherDate => "other.date", Date, OtherLine, false;
    OtherPos => "other.place_of_service", Text, OtherLine, false;
    OtherPointers => "other.pointers", NumberList, OtherLine, false;
    OtherRenderingNpi => "other.rendering_npi", Text, OtherLine, false;
    OtherRevenueCode => "other.revenue_code", Text, OtherLine, false;
    OtherNdc => "other.ndc", Text, OtherLine, false;
    DxCode => "dx.code", Text, Dx, false;
    DxRole => "dx.role", Text, Dx, false;
    DxKind => "dx.kind", Text, Dx, false;
    DxPoa => "dx.poa", Text, Dx, false;
    DxQualifier => "dx.qualifier", Text, Dx, false;
    DxNumber => "dx.number", Number, Dx, false;
    OtherDxCode => "other_dx.code", Text, OtherDx, false;
    OtherDxNumber => "other_dx.number", Number, OtherDx, false;
    ProcCode => "procedure.code", Text, Proc, false;
    ProcDate => "procedure.date", Date, Proc, false;
    ModifierCode => "modifier.code", Text, Modifier, false;
    ModifierPosition => "modifier.position", Number, Modifier, false;
    ModifierFirstPosition => "modifier.first_position", Number, Modifier, false;
    PointerValue => "pointer.value", Number, Pointer, false;
    PointerPosition => "pointer.position", Number, Pointer, false;
}

/// A value read from a claim.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// Not on the claim, or its item is not bound.
    Missing,
    /// Text.
    Text(&'a str),
    /// A number.
    Number(f64),
    /// A date.
    Date(Date),
    /// A list of text (modifiers).
    TextList(&'a [String]),
    /// A list of numbers (diagnosis pointers).
    NumberList(&'a [u32]),
}

impl Value<'_> {
    /// Present and non-empty.
    pub fn is_present(&self) -> bool {
        match self {
            Value::Missing => false,
            Value::Text(s) => !s.trim().is_empty(),
            Value::TextList(l) => !l.is_empty(),
            Value::NumberList(l) => !l.is_empty(),
            Value::Number(_) | Value::Date(_) => true,
        }
    }

    /// The value as message text.
    pub fn render(&self) -> String {
        match self {
            Value::Missing => String::new(),
            Value::Text(s) => (*s).to_string(),
            Value::Number(n) => format_number(*n),
            Value::Date(d) => d.to_string(),
            Value::TextList(l) => l.join(", "),
            Value::NumberList(l) => l.iter().map(u32::to_string).collect::<Vec<_>>().join(", "),
        }
    }
}

/// An age as a message may show it: HIPAA counts ages over 89 as identifiers, so they read
/// "90 or older".
pub fn age_shown(age: i64) -> String {
    if age >= 90 {
        "90 or older".to_string()
    } else {
        age.to_string()
    }
}

/// Numbers print without a trailing `.0`; money keeps two decimals when it has cents.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n:.2}")
    }
}

/// The claim and the items an iteration has bound.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    /// The claim checked.
    pub claim: &'a Claim,
    /// Date codes are looked up as of: the claim's date of service, the discharge date on an
    /// inpatient claim ([`Claim::coding_date`]).
    pub service_date: Option<Date>,
    /// An inpatient claim: every code is judged on the discharge date, lines included.
    pub inpatient: bool,
    /// The bound service line and its 0-based index.
    pub line: Option<(usize, &'a ServiceLine)>,
    /// The other line of a line pair.
    pub other: Option<(usize, &'a ServiceLine)>,
    /// The bound diagnosis and its 0-based index.
    pub dx: Option<(usize, &'a Diagnosis)>,
    /// The other diagnosis of a diagnosis pair.
    pub other_dx: Option<(usize, &'a Diagnosis)>,
    /// The bound ICD-10-PCS procedure.
    pub proc: Option<(usize, &'a IcdProcedure)>,
    /// The bound modifier and its position on the line.
    pub modifier: Option<(usize, &'a str)>,
    /// The bound diagnosis pointer and its position on the line.
    pub pointer: Option<(usize, u32)>,
}

impl<'a> Scope<'a> {
    /// The claim alone, nothing bound.
    pub fn new(claim: &'a Claim) -> Scope<'a> {
        Scope {
            claim,
            service_date: claim.coding_date(),
            inpatient: claim.is_inpatient(),
            line: None,
            other: None,
            dx: None,
            other_dx: None,
            proc: None,
            modifier: None,
            pointer: None,
        }
    }

    /// This scope with line `i` bound.
    pub fn with_line(&self, i: usize, l: &'a ServiceLine) -> Scope<'a> {
        Scope {
            line: Some((i, l)),
            ..*self
        }
    }

    /// This scope with diagnosis `i` bound.
    pub fn with_dx(&self, i: usize, d: &'a Diagnosis) -> Scope<'a> {
        Scope {
            dx: Some((i, d)),
            ..*self
        }
    }

    /// Does `f` hold with some line of the claim bound?
    pub fn any_line(&self, mut f: impl FnMut(&Scope<'a>) -> bool) -> bool {
        let c = self.claim;
        c.lines
            .iter()
            .enumerate()
            .any(|(i, l)| f(&self.with_line(i, l)))
    }

    /// Does `f` hold with every line of the claim bound (true when there are none)?
    pub fn all_lines(&self, mut f: impl FnMut(&Scope<'a>) -> bool) -> bool {
        let c = self.claim;
        c.lines
            .iter()
            .enumerate()
            .all(|(i, l)| f(&self.with_line(i, l)))
    }

    /// Does `f` hold with some diagnosis of the claim bound?
    pub fn any_dx(&self, mut f: impl FnMut(&Scope<'a>) -> bool) -> bool {
        let c = self.claim;
        c.diagnoses
            .iter()
            .enumerate()
            .any(|(i, d)| f(&self.with_dx(i, d)))
    }

    /// The claim's setting (inpatient, outpatient, professional).
    pub fn setting(&self) -> crate::claim::Setting {
        use crate::claim::{ClaimKind, Setting};
        match self.claim.kind {
            _ if self.inpatient => Setting::Inpatient,
            ClaimKind::Institutional => Setting::Outpatient,
            ClaimKind::Professional => Setting::Professional,
        }
    }

    /// Does `f` hold with some ICD-10-PCS procedure of the claim bound?
    pub fn any_proc(&self, mut f: impl FnMut(&Scope<'a>) -> bool) -> bool {
        let c = self.claim;
        c.procedures.iter().enumerate().any(|(i, p)| {
            f(&Scope {
                proc: Some((i, p)),
                ..*self
            })
        })
    }

    /// The date codes on the bound item are judged on: the discharge date on an inpatient
    /// claim; else the line's own date when a line is bound, else the claim's date of service.
    pub fn date(&self) -> Option<Date> {
        if self.inpatient {
            return self.service_date;
        }
        self.line.and_then(|(_, l)| l.from).or(self.service_date)
    }

    /// The date the patient's age is taken on: admission on an inpatient claim, else the
    /// date codes are judged on.
    pub fn age_date(&self) -> Option<Date> {
        if self.inpatient {
            return self.claim.admission_or_start().or(self.service_date);
        }
        self.date()
    }

    /// The patient's age in whole years on [`Scope::age_date`].
    pub fn age(&self) -> Option<i64> {
        self.age_date().and_then(|d| self.claim.age_on(d))
    }
}

fn text(s: &Option<String>) -> Value<'_> {
    s.as_deref().map_or(Value::Missing, Value::Text)
}
fn date(d: Option<Date>) -> Value<'static> {
    d.map_or(Value::Missing, Value::Date)
}
fn num(n: Option<f64>) -> Value<'static> {
    n.map_or(Value::Missing, Value::Number)
}

impl Field {
    /// One value per item: list fields match when any element does, so two conditions on
    /// different elements can both hold.
    pub fn is_scalar(self) -> bool {
        matches!(self.kind(), Kind::Text | Kind::Number | Kind::Date)
    }

    /// The code system a code in this field most likely belongs to.
    pub fn code_system(self, code: &str) -> System {
        match self {
            Field::DxCode | Field::OtherDxCode => System::Icd10Cm,
            Field::ProcCode => System::Icd10Pcs,
            Field::ModifierCode | Field::Modifiers | Field::OtherModifiers => System::Modifier,
            Field::LinePos | Field::ClaimPos | Field::OtherPos => System::Pos,
            _ if is_cpt_shaped(code) => System::Cpt,
            _ => System::Hcpcs,
        }
    }

    /// The field's text value in a scope, if it has one.
    pub fn text<'a>(self, s: &Scope<'a>) -> Option<&'a str> {
        match self.get(s) {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    /// Read the field in a scope; a field whose item is not bound reads as missing.
    pub fn get<'a>(self, s: &Scope<'a>) -> Value<'a> {
        let c = s.claim;
        let line = |f: fn(&'a ServiceLine, usize) -> Value<'a>| {
            s.line.map_or(Value::Missing, |(i, l)| f(l, i))
        };
        let other = |f: fn(&'a ServiceLine, usize) -> Value<'a>| {
            s.other.map_or(Value::Missing, |(i, l)| f(l, i))
        };
        match self {
            Field::ClaimId => Value::Text(&c.id),
            Field::ClaimType => Value::Text(c.kind.as_str()),
            Field::Frequency => text(&c.frequency),
            Field::OriginalClaimId => text(&c.original_claim_id),
            Field::SubmissionDate => date(c.submission_date),
            Field::ServiceDate => date(s.service_date),
            Field::ClaimPos => text(&c.place_of_service),
            Field::BillType => text(&c.bill_type),
            Field::AdmissionDate => date(c.admission_date),
            Field::StatementFrom => date(c.statement_from),
            Field::StatementTo => date(c.statement_to),
            Field::DischargeStatus => text(&c.discharge_status),
            Field::PriorAuth => text(&c.prior_authorization),
            Field::Referral => text(&c.referral_number),
            Field::TotalCharge => num(c.total_charge),
            Field::LinesChargeSum => {
                let cents: i64 = c
                    .lines
                    .iter()
                    .filter_map(|l| l.charge)
                    .map(|x| (x * 100.0).round() as i64)
                    .sum();
                Value::Number(cents as f64 / 100.0)
            }
            Field::LineCount => Value::Number(c.lines.len() as f64),
            Field::Duplicate => c
                .duplicate
                .map_or(Value::Missing, |d| Value::Text(d.as_str())),
            Field::DxCount => Value::Number(c.diagnoses.len() as f64),
            Field::Setting => Value::Text(s.setting().as_str()),
            Field::PrincipalDx => c
                .principal_dx()
                .map_or(Value::Missing, |d| Value::Text(&d.code)),
            Field::LengthOfStay => c
                .length_of_stay()
                .map_or(Value::Missing, |n| Value::Number(n as f64)),
            Field::PayerId => text(&c.payer.id),
            Field::PayerName => text(&c.payer.name),
            Field::PayerPlan => text(&c.payer.plan),
            Field::MemberId => text(&c.patient.member_id),
            Field::BirthDate => date(c.patient.date_of_birth),
            Field::Sex => c
                .patient
                .sex
                .map_or(Value::Missing, |x| Value::Text(x.as_str())),
            Field::Age => s.age().map_or(Value::Missing, |a| Value::Number(a as f64)),
            Field::Relationship => text(&c.patient.relationship),
            Field::SubscriberMemberId => c
                .subscriber
                .as_ref()
                .map_or(Value::Missing, |p| text(&p.member_id)),
            Field::BillingNpi => text(&c.billing_provider.npi),
            Field::BillingTaxId => text(&c.billing_provider.tax_id),
            Field::BillingTaxonomy => text(&c.billing_provider.taxonomy),
            Field::RenderingNpi => c
                .rendering_provider
                .as_ref()
                .map_or(Value::Missing, |p| text(&p.npi)),
            Field::ReferringNpi => c
                .referring_provider
                .as_ref()
                .map_or(Value::Missing, |p| text(&p.npi)),
            Field::AttendingNpi => c
                .attending_provider
                .as_ref()
                .map_or(Value::Missing, |p| text(&p.npi)),
            Field::LineNumber => line(|_, i| Value::Number(i as f64 + 1.0)),
            Field::Procedure => line(|l, _| text(&l.procedure)),
            Field::Modifiers => line(|l, _| Value::TextList(&l.modifiers)),
            Field::ModifierCount => line(|l, _| Value::Number(l.modifiers.len() as f64)),
            Field::Pointers => line(|l, _| Value::NumberList(&l.diagnosis_pointers)),
            Field::PointerCount => line(|l, _| Value::Number(l.diagnosis_pointers.len() as f64)),
            Field::Units => line(|l, _| num(l.units)),
            Field::Charge => line(|l, _| num(l.charge)),
            Field::LineFrom => line(|l, _| date(l.from)),
            Field::LineTo => line(|l, _| date(l.to)),
            Field::LineDate => s
                .line
                .map_or(Value::Missing, |(_, l)| date(l.from.or(s.service_date))),
            Field::LinePos => s.line.map_or(Value::Missing, |(_, l)| {
                c.line_pos(l).map_or(Value::Missing, Value::Text)
            }),
            Field::RevenueCode => line(|l, _| text(&l.revenue_code)),
            Field::Ndc => line(|l, _| text(&l.ndc)),
            Field::LineRenderingNpi => s.line.map_or(Value::Missing, |(_, l)| {
                l.rendering_npi
                    .as_deref()
                    .or_else(|| c.rendering_provider.as_ref().and_then(|p| p.npi.as_deref()))
                    .map_or(Value::Missing, Value::Text)
            }),
            Field::LinePriorAuth => line(|l, _| text(&l.prior_authorization)),
            Field::OtherNumber => other(|_, i| Value::Number(i as f64 + 1.0)),
            Field::OtherProcedure => other(|l, _| text(&l.procedure)),
            Field::OtherModifiers => other(|l, _| Value::TextList(&l.modifiers)),
            Field::OtherUnits => other(|l, _| num(l.units)),
            Field::OtherCharge => other(|l, _| num(l.charge)),
            Field::OtherFrom => other(|l, _| date(l.from)),
            Field::OtherTo => other(|l, _| date(l.to)),
            Field::OtherDate => s
                .other
                .map_or(Value::Missing, |(_, l)| date(l.from.or(s.service_date))),
            Field::OtherPos => s.other.map_or(Value::Missing, |(_, l)| {
                c.line_pos(l).map_or(Value::Missing, Value::Text)
            }),
            Field::OtherPointers => other(|l, _| Value::NumberList(&l.diagnosis_pointers)),
            Field::OtherRenderingNpi => s.other.map_or(Value::Missing, |(_, l)| {
                l.rendering_npi
                    .as_deref()
                    .or_else(|| c.rendering_provider.as_ref().and_then(|p| p.npi.as_deref()))
                    .map_or(Value::Missing, Value::Text)
            }),
            Field::OtherRevenueCode => other(|l, _| text(&l.revenue_code)),
            Field::OtherNdc => other(|l, _| text(&l.ndc)),
            Field::DxCode => s.dx.map_or(Value::Missing, |(_, d)| Value::Text(&d.code)),
            Field::DxRole => {
                s.dx.map_or(Value::Missing, |(_, d)| Value::Text(dx_role(d)))
            }
            Field::DxKind => {
                s.dx.map_or(Value::Missing, |(i, d)| Value::Text(dx_kind(c, i, d)))
            }
            Field::DxPoa => s.dx.map_or(Value::Missing, |(_, d)| text(&d.poa)),
            Field::DxQualifier => s.dx.map_or(Value::Missing, |(_, d)| text(&d.qualifier)),
            Field::DxNumber => {
                s.dx.map_or(Value::Missing, |(i, _)| Value::Number(i as f64 + 1.0))
            }
            Field::OtherDxCode => s
                .other_dx
                .map_or(Value::Missing, |(_, d)| Value::Text(&d.code)),
            Field::OtherDxNumber => s
                .other_dx
                .map_or(Value::Missing, |(i, _)| Value::Number(i as f64 + 1.0)),
            Field::ProcCode => s.proc.map_or(Value::Missing, |(_, p)| Value::Text(&p.code)),
            Field::ProcDate => s.proc.map_or(Value::Missing, |(_, p)| date(p.date)),
            Field::ModifierCode => s.modifier.map_or(Value::Missing, |(_, m)| Value::Text(m)),
            Field::ModifierPosition => s
                .modifier
                .map_or(Value::Missing, |(i, _)| Value::Number(i as f64 + 1.0)),
            Field::ModifierFirstPosition => match (s.line, s.modifier) {
                (Some((_, l)), Some((_, m))) => l
                    .modifiers
                    .iter()
                    .position(|x| x == m)
                    .map_or(Value::Missing, |i| Value::Number(i as f64 + 1.0)),
                _ => Value::Missing,
            },
            Field::PointerValue => s
                .pointer
                .map_or(Value::Missing, |(_, p)| Value::Number(f64::from(p))),
            Field::PointerPosition => s
                .pointer
                .map_or(Value::Missing, |(i, _)| Value::Number(i as f64 + 1.0)),
        }
    }

    /// Where the field's value sits in the claim model, in a scope; printed as its canonical
    /// JSON pointer.
    pub fn pointer(self, s: &Scope<'_>) -> Position {
        use crate::claim::position::{
            ClaimField as C, DxField as D, LineField as L, PayerField, PersonField as PF,
            PersonRole, ProcField, ProviderField, ProviderRole,
        };
        let li = s.line.map_or(0, |(i, _)| i);
        let oi = s.other.map_or(0, |(i, _)| i);
        let di = s.dx.map_or(0, |(i, _)| i);
        let odi = s.other_dx.map_or(0, |(i, _)| i);
        let pi = s.proc.map_or(0, |(i, _)| i);
        let mi = s.modifier.map_or(0, |(i, _)| i);
        let ptr = s.pointer.map_or(0, |(i, _)| i);
        let claim = Position::Field;
        let line = |f| Position::line_field(li, f);
        let other = |f| Position::line_field(oi, f);
        let patient = |f| Position::person(PersonRole::Patient, f);
        let provider = Position::provider;
        match self {
            Field::ClaimId | Field::Duplicate => claim(C::Id),
            Field::ClaimType => claim(C::Type),
            Field::Frequency => claim(C::Frequency),
            Field::OriginalClaimId => claim(C::OriginalClaimId),
            Field::SubmissionDate => claim(C::SubmissionDate),
            Field::ServiceDate | Field::LineCount | Field::LinesChargeSum => claim(C::Lines),
            Field::ClaimPos => claim(C::PlaceOfService),
            Field::BillType => claim(C::BillType),
            Field::AdmissionDate => claim(C::AdmissionDate),
            Field::StatementFrom => claim(C::StatementFrom),
            Field::StatementTo => claim(C::StatementTo),
            Field::DischargeStatus => claim(C::DischargeStatus),
            Field::PriorAuth => claim(C::PriorAuthorization),
            Field::Referral => claim(C::ReferralNumber),
            Field::TotalCharge => claim(C::TotalCharge),
            Field::DxCount | Field::PrincipalDx => claim(C::Diagnoses),
            Field::Setting => claim(C::BillType),
            Field::LengthOfStay => claim(C::StatementTo),
            Field::PayerId => Position::payer(PayerField::Id),
            Field::PayerName => Position::payer(PayerField::Name),
            Field::PayerPlan => Position::payer(PayerField::Plan),
            Field::MemberId => patient(PF::MemberId),
            Field::BirthDate | Field::Age => patient(PF::DateOfBirth),
            Field::Sex => patient(PF::Sex),
            Field::Relationship => patient(PF::Relationship),
            Field::SubscriberMemberId => Position::person(PersonRole::Subscriber, PF::MemberId),
            Field::BillingNpi => provider(ProviderRole::Billing, ProviderField::Npi),
            Field::BillingTaxId => provider(ProviderRole::Billing, ProviderField::TaxId),
            Field::BillingTaxonomy => provider(ProviderRole::Billing, ProviderField::Taxonomy),
            Field::RenderingNpi => provider(ProviderRole::Rendering, ProviderField::Npi),
            Field::ReferringNpi => provider(ProviderRole::Referring, ProviderField::Npi),
            Field::AttendingNpi => provider(ProviderRole::Attending, ProviderField::Npi),
            Field::LineNumber => Position::line(li),
            Field::Procedure => line(L::Procedure),
            Field::Modifiers | Field::ModifierCount => line(L::Modifiers),
            Field::Pointers | Field::PointerCount => line(L::DiagnosisPointers),
            Field::Units => line(L::Units),
            Field::Charge => line(L::Charge),
            Field::LineFrom | Field::LineDate => line(L::From),
            Field::LineTo => line(L::To),
            Field::LinePos => line(L::PlaceOfService),
            Field::RevenueCode => line(L::RevenueCode),
            Field::Ndc => line(L::Ndc),
            Field::LineRenderingNpi => line(L::RenderingNpi),
            Field::LinePriorAuth => line(L::PriorAuthorization),
            Field::OtherNumber => Position::line(oi),
            Field::OtherProcedure => other(L::Procedure),
            Field::OtherModifiers => other(L::Modifiers),
            Field::OtherUnits => other(L::Units),
            Field::OtherCharge => other(L::Charge),
            Field::OtherFrom | Field::OtherDate => other(L::From),
            Field::OtherTo => other(L::To),
            Field::OtherPos => other(L::PlaceOfService),
            Field::OtherPointers => other(L::DiagnosisPointers),
            Field::OtherRenderingNpi => other(L::RenderingNpi),
            Field::OtherRevenueCode => other(L::RevenueCode),
            Field::OtherNdc => other(L::Ndc),
            Field::DxCode | Field::DxNumber => Position::diagnosis_field(di, D::Code),
            Field::DxRole | Field::DxKind => Position::diagnosis_field(di, D::Role),
            Field::DxPoa => Position::diagnosis_field(di, D::Poa),
            Field::DxQualifier => Position::diagnosis_field(di, D::Qualifier),
            Field::OtherDxCode | Field::OtherDxNumber => Position::diagnosis_field(odi, D::Code),
            Field::ProcCode => Position::procedure_field(pi, ProcField::Code),
            Field::ProcDate => Position::procedure_field(pi, ProcField::Date),
            Field::ModifierCode | Field::ModifierPosition | Field::ModifierFirstPosition => {
                Position::modifier(li, mi)
            }
            Field::PointerValue | Field::PointerPosition => Position::pointer(li, ptr),
        }
    }
}

/// The diagnosis as the code editors read it: `principal`, `secondary` (any other, external
/// cause codes included), `admitting` or `reason-for-visit`.
fn dx_kind(c: &Claim, i: usize, d: &Diagnosis) -> &'static str {
    use crate::claim::DxRole as R;
    match d.role {
        R::Admitting => "admitting",
        R::ReasonForVisit => "reason-for-visit",
        _ if c.principal_index() == Some(i) => "principal",
        _ => "secondary",
    }
}

fn dx_role(d: &Diagnosis) -> &'static str {
    use crate::claim::DxRole as R;
    match d.role {
        R::Principal => "principal",
        R::Admitting => "admitting",
        R::ReasonForVisit => "reason-for-visit",
        R::ExternalCause => "external-cause",
        R::Other => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim() -> Claim {
        let mut c: Claim = serde_json::from_str(
            r#"{"id":"C1","patient":{"date_of_birth":"1960-03-02","sex":"F"},
                "rendering_provider":{"npi":"1234567893"},
                "diagnoses":[{"code":"E11.9"},{"code":"I10"}],
                "lines":[{"procedure":"99213","modifiers":["25"],"diagnosis_pointers":[1,2],"charge":100.10,"from":"2026-03-01"},
                         {"procedure":"36415","charge":20,"rendering_npi":"1992999999"}]}"#,
        )
        .unwrap();
        c.normalize();
        c
    }

    #[test]
    fn fields_read_the_bound_items() {
        let c = claim();
        let base = Scope::new(&c);
        let l0 = base.with_line(0, &c.lines[0]);
        let l1 = base.with_line(1, &c.lines[1]);
        assert_eq!(Field::Procedure.get(&l0), Value::Text("99213"));
        assert_eq!(Field::Modifiers.get(&l0).render(), "25");
        assert_eq!(Field::PointerCount.get(&l0), Value::Number(2.0));
        assert_eq!(Field::LineNumber.get(&l1), Value::Number(2.0));
        // A line's rendering NPI falls back to the claim's rendering provider.
        assert_eq!(Field::LineRenderingNpi.get(&l0), Value::Text("1234567893"));
        assert_eq!(Field::LineRenderingNpi.get(&l1), Value::Text("1992999999"));
        // Money sums to the cent; an unbound item reads as missing.
        assert_eq!(Field::LinesChargeSum.get(&base), Value::Number(120.1));
        assert_eq!(Field::Procedure.get(&base), Value::Missing);
        let dx = base.with_dx(1, &c.diagnoses[1]);
        assert_eq!(Field::DxCode.get(&dx), Value::Text("I10"));
        assert_eq!(Field::DxNumber.get(&dx), Value::Number(2.0));
    }

    #[test]
    fn age_is_on_the_line_date() {
        let c = claim();
        let base = Scope::new(&c);
        assert_eq!(
            Field::Age.get(&base.with_line(0, &c.lines[0])),
            Value::Number(65.0)
        );
    }

    #[test]
    fn names_kinds_and_phi() {
        for f in Field::ALL {
            assert_eq!(Field::from_name(f.name()), Some(*f));
        }
        assert!(Field::MemberId.is_phi() && Field::BirthDate.is_phi());
        assert!(!Field::Procedure.is_phi());
        assert!(Field::Procedure.is_scalar() && !Field::Modifiers.is_scalar());
        assert_eq!(Field::DxCode.code_system("E119"), System::Icd10Cm);
        assert_eq!(Field::Procedure.code_system("99213"), System::Cpt);
        assert_eq!(Field::Procedure.code_system("G0103"), System::Hcpcs);
    }

    #[test]
    fn cpt_shape() {
        assert!(is_cpt_shaped("99213"));
        assert!(is_cpt_shaped("0001F"));
        assert!(!is_cpt_shaped("G0103"));
        assert!(!is_cpt_shaped("9921"));
    }
}
