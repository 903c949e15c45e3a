//! Typed positions in the claim model: "line 2, its procedure" is a value until it is
//! printed, and prints as the canonical JSON pointer (`/lines/2/procedure`) only on output.
//!
//! Readers record where each position came from ([`super::Spans`]), rules name the position a
//! finding is about, and a position that was not recorded falls back to its [`Position::parent`]
//! (a modifier to its line, a line to the claim), as a JSON pointer falls back to its prefix.

use std::cmp::Ordering;
use std::fmt;

use serde::{Serialize, Serializer};

/// Declares a field enum whose variants render as their model (serde) names.
macro_rules! field_names {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $(#[doc = concat!("`", $text, "`")] $variant,)* }

        impl $name {
            /// Every variant, for parsing and tests.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The field's name in the JSON model.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }

            /// The field named `text` in the JSON model.
            pub fn from_name(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)* _ => None }
            }
        }
    };
}

field_names! {
    /// A value of the claim itself, or one of its lists as a whole.
    ClaimField {
        Id => "id",
        Type => "type",
        Frequency => "frequency",
        OriginalClaimId => "original_claim_id",
        SubmissionDate => "submission_date",
        PlaceOfService => "place_of_service",
        BillType => "bill_type",
        AdmissionDate => "admission_date",
        StatementFrom => "statement_from",
        StatementTo => "statement_to",
        DischargeStatus => "discharge_status",
        PriorAuthorization => "prior_authorization",
        ReferralNumber => "referral_number",
        TotalCharge => "total_charge",
        Lines => "lines",
        Diagnoses => "diagnoses",
        Procedures => "procedures",
    }
}

field_names! {
    /// A field of the payer (`/payer/…`).
    PayerField {
        Id => "id",
        Name => "name",
        Plan => "plan",
        Responsibility => "responsibility",
    }
}

field_names! {
    /// Which person of the claim: the patient or the subscriber.
    PersonRole {
        Patient => "patient",
        Subscriber => "subscriber",
    }
}

field_names! {
    /// A field of the patient or subscriber.
    PersonField {
        MemberId => "member_id",
        DateOfBirth => "date_of_birth",
        Sex => "sex",
        Relationship => "relationship",
    }
}

field_names! {
    /// Which provider of the claim.
    ProviderRole {
        Billing => "billing_provider",
        Rendering => "rendering_provider",
        Referring => "referring_provider",
        Attending => "attending_provider",
    }
}

field_names! {
    /// A field of a provider.
    ProviderField {
        Npi => "npi",
        TaxId => "tax_id",
        Taxonomy => "taxonomy",
    }
}

field_names! {
    /// A field of one diagnosis.
    DxField {
        Code => "code",
        Role => "role",
        Poa => "poa",
        Qualifier => "qualifier",
    }
}

field_names! {
    /// A field of one ICD procedure.
    ProcField {
        Code => "code",
        Principal => "principal",
        Date => "date",
        Qualifier => "qualifier",
    }
}

field_names! {
    /// A field of one service line.
    LineField {
        Procedure => "procedure",
        Modifiers => "modifiers",
        DiagnosisPointers => "diagnosis_pointers",
        Units => "units",
        Charge => "charge",
        From => "from",
        To => "to",
        PlaceOfService => "place_of_service",
        RevenueCode => "revenue_code",
        Ndc => "ndc",
        RenderingNpi => "rendering_npi",
        PriorAuthorization => "prior_authorization",
    }
}

/// A place in the claim model. Indices are 0-based, as in the JSON pointer.
///
/// `Ord` is the byte order of the rendered pointer (`/lines/10` sorts before `/lines/2`), so
/// findings sorted by position come out in the order they always had as strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Position {
    /// The claim as a whole (the empty pointer).
    Claim,
    /// A claim-level value or list.
    Field(ClaimField),
    /// The payer, or one of its fields.
    Payer(Option<PayerField>),
    /// The patient or subscriber, or one of their fields.
    Person(PersonRole, Option<PersonField>),
    /// A provider, or one of its fields.
    Provider(ProviderRole, Option<ProviderField>),
    /// Diagnosis `i`, or one of its fields.
    Diagnosis(u32, Option<DxField>),
    /// ICD procedure `i`, or one of its fields.
    Procedure(u32, Option<ProcField>),
    /// Service line `i`, or one of its fields.
    Line(u32, Option<LineField>),
    /// Modifier `m` of line `i`.
    Modifier(u32, u32),
    /// Diagnosis pointer `p` of line `i`.
    Pointer(u32, u32),
}

/// An index as a position holds it; a claim never has 2³² of anything, so saturating is safe.
fn ix(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl Position {
    /// Service line `i` itself.
    pub fn line(i: usize) -> Position {
        Position::Line(ix(i), None)
    }

    /// A field of service line `i`.
    pub fn line_field(i: usize, field: LineField) -> Position {
        Position::Line(ix(i), Some(field))
    }

    /// Modifier `m` of line `i`.
    pub fn modifier(i: usize, m: usize) -> Position {
        Position::Modifier(ix(i), ix(m))
    }

    /// Diagnosis pointer `p` of line `i`.
    pub fn pointer(i: usize, p: usize) -> Position {
        Position::Pointer(ix(i), ix(p))
    }

    /// Diagnosis `i` itself.
    pub fn diagnosis(i: usize) -> Position {
        Position::Diagnosis(ix(i), None)
    }

    /// A field of diagnosis `i`.
    pub fn diagnosis_field(i: usize, field: DxField) -> Position {
        Position::Diagnosis(ix(i), Some(field))
    }

    /// ICD procedure `i` itself.
    pub fn procedure(i: usize) -> Position {
        Position::Procedure(ix(i), None)
    }

    /// A field of ICD procedure `i`.
    pub fn procedure_field(i: usize, field: ProcField) -> Position {
        Position::Procedure(ix(i), Some(field))
    }

    /// A field of the payer.
    pub fn payer(field: PayerField) -> Position {
        Position::Payer(Some(field))
    }

    /// A field of the patient or subscriber.
    pub fn person(role: PersonRole, field: PersonField) -> Position {
        Position::Person(role, Some(field))
    }

    /// A field of a provider.
    pub fn provider(role: ProviderRole, field: ProviderField) -> Position {
        Position::Provider(role, Some(field))
    }

    /// The enclosing position, as the pointer's prefix: a modifier's is its line's modifier
    /// list, a line's is `/lines`, a claim field's is the claim; the claim has none.
    pub fn parent(self) -> Option<Position> {
        use Position as P;
        Some(match self {
            P::Claim => return None,
            P::Field(_) | P::Payer(None) | P::Person(_, None) | P::Provider(_, None) => P::Claim,
            P::Payer(Some(_)) => P::Payer(None),
            P::Person(r, Some(_)) => P::Person(r, None),
            P::Provider(r, Some(_)) => P::Provider(r, None),
            P::Diagnosis(_, None) => P::Field(ClaimField::Diagnoses),
            P::Diagnosis(i, Some(_)) => P::Diagnosis(i, None),
            P::Procedure(_, None) => P::Field(ClaimField::Procedures),
            P::Procedure(i, Some(_)) => P::Procedure(i, None),
            P::Line(_, None) => P::Field(ClaimField::Lines),
            P::Line(i, Some(_)) => P::Line(i, None),
            P::Modifier(i, _) => P::Line(i, Some(LineField::Modifiers)),
            P::Pointer(i, _) => P::Line(i, Some(LineField::DiagnosisPointers)),
        })
    }

    /// The position a canonical JSON pointer names; `None` for anything else (a typo is
    /// refused rather than read as its parent).
    pub fn parse(pointer: &str) -> Option<Position> {
        if pointer.is_empty() {
            return Some(Position::Claim);
        }
        let mut parts = pointer.strip_prefix('/')?.split('/');
        let head = parts.next()?;
        let a = parts.next();
        let b = parts.next();
        let c = parts.next();
        if parts.next().is_some() {
            return None;
        }
        let index = |s: &str| -> Option<u32> {
            let canonical = s == "0" || !s.starts_with('0');
            s.bytes()
                .all(|b| b.is_ascii_digit())
                .then_some(())
                .filter(|()| canonical)
                .and_then(|()| s.parse().ok())
        };
        let pos = match (head, a, b, c) {
            ("payer", None, ..) => Position::Payer(None),
            ("payer", Some(f), None, _) => Position::payer(PayerField::from_name(f)?),
            ("lines", Some(i), None, _) => Position::Line(index(i)?, None),
            ("lines", Some(i), Some(f), None) => {
                Position::Line(index(i)?, Some(LineField::from_name(f)?))
            }
            ("lines", Some(i), Some("modifiers"), Some(m)) => {
                Position::Modifier(index(i)?, index(m)?)
            }
            ("lines", Some(i), Some("diagnosis_pointers"), Some(p)) => {
                Position::Pointer(index(i)?, index(p)?)
            }
            ("diagnoses", Some(i), None, _) => Position::Diagnosis(index(i)?, None),
            ("diagnoses", Some(i), Some(f), None) => {
                Position::Diagnosis(index(i)?, Some(DxField::from_name(f)?))
            }
            ("procedures", Some(i), None, _) => Position::Procedure(index(i)?, None),
            ("procedures", Some(i), Some(f), None) => {
                Position::Procedure(index(i)?, Some(ProcField::from_name(f)?))
            }
            (_, None, ..) => match (PersonRole::from_name(head), ProviderRole::from_name(head)) {
                (Some(r), _) => Position::Person(r, None),
                (_, Some(r)) => Position::Provider(r, None),
                _ => Position::Field(ClaimField::from_name(head)?),
            },
            (_, Some(f), None, _) => {
                match (PersonRole::from_name(head), ProviderRole::from_name(head)) {
                    (Some(r), _) => Position::person(r, PersonField::from_name(f)?),
                    (_, Some(r)) => Position::provider(r, ProviderField::from_name(f)?),
                    _ => return None,
                }
            }
            _ => return None,
        };
        Some(pos)
    }
}

impl fmt::Display for Position {
    /// The canonical JSON pointer: `/lines/0/procedure`, `/diagnoses/2/code`, `` for the claim.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        render(*self, f)
    }
}

/// Write the pointer of `p` to any writer (a formatter, or the stack buffer `Ord` uses).
fn render(p: Position, w: &mut impl fmt::Write) -> fmt::Result {
    match p {
        Position::Claim => Ok(()),
        Position::Field(c) => write_parts(w, c.as_str(), None, None),
        Position::Payer(f) => write_parts(w, "payer", None, f.map(PayerField::as_str)),
        Position::Person(r, f) => write_parts(w, r.as_str(), None, f.map(PersonField::as_str)),
        Position::Provider(r, f) => write_parts(w, r.as_str(), None, f.map(ProviderField::as_str)),
        Position::Diagnosis(i, f) => write_parts(w, "diagnoses", Some(i), f.map(DxField::as_str)),
        Position::Procedure(i, f) => {
            write_parts(w, "procedures", Some(i), f.map(ProcField::as_str))
        }
        Position::Line(i, f) => write_parts(w, "lines", Some(i), f.map(LineField::as_str)),
        Position::Modifier(i, m) => write!(w, "/lines/{i}/modifiers/{m}"),
        Position::Pointer(i, p) => write!(w, "/lines/{i}/diagnosis_pointers/{p}"),
    }
}

/// `/head[/index][/field]`.
fn write_parts(
    w: &mut impl fmt::Write,
    head: &str,
    index: Option<u32>,
    field: Option<&str>,
) -> fmt::Result {
    w.write_char('/')?;
    w.write_str(head)?;
    if let Some(i) = index {
        write!(w, "/{i}")?;
    }
    if let Some(f) = field {
        w.write_char('/')?;
        w.write_str(f)?;
    }
    Ok(())
}

impl Serialize for Position {
    /// Serialized as its pointer string, so output is what it was when paths were strings.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A pointer rendered on the stack, so comparing positions allocates nothing.
struct Rendered {
    bytes: [u8; 64],
    len: usize,
}

impl Rendered {
    fn of(p: Position) -> Option<Rendered> {
        let mut r = Rendered {
            bytes: [0; 64],
            len: 0,
        };
        render(p, &mut r).ok()?;
        Some(r)
    }

    fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

impl fmt::Write for Rendered {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        self.bytes
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

impl Ord for Position {
    fn cmp(&self, other: &Position) -> Ordering {
        match (Rendered::of(*self), Rendered::of(*other)) {
            (Some(a), Some(b)) => a.as_bytes().cmp(b.as_bytes()),
            // The longest pointer is under 64 bytes; this arm is only for safety.
            _ => self.to_string().cmp(&other.to_string()),
        }
    }
}

impl PartialOrd for Position {
    fn partial_cmp(&self, other: &Position) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One position of every shape, with its pointer.
    fn samples() -> Vec<(Position, &'static str)> {
        vec![
            (Position::Claim, ""),
            (Position::Field(ClaimField::Id), "/id"),
            (Position::Field(ClaimField::Lines), "/lines"),
            (Position::Payer(None), "/payer"),
            (Position::payer(PayerField::Plan), "/payer/plan"),
            (Position::Person(PersonRole::Patient, None), "/patient"),
            (
                Position::person(PersonRole::Subscriber, PersonField::MemberId),
                "/subscriber/member_id",
            ),
            (
                Position::provider(ProviderRole::Billing, ProviderField::Npi),
                "/billing_provider/npi",
            ),
            (Position::diagnosis(1), "/diagnoses/1"),
            (
                Position::diagnosis_field(2, DxField::Code),
                "/diagnoses/2/code",
            ),
            (
                Position::procedure_field(0, ProcField::Date),
                "/procedures/0/date",
            ),
            (Position::line(3), "/lines/3"),
            (
                Position::line_field(0, LineField::Procedure),
                "/lines/0/procedure",
            ),
            (Position::modifier(1, 0), "/lines/1/modifiers/0"),
            (Position::pointer(2, 1), "/lines/2/diagnosis_pointers/1"),
        ]
    }

    #[test]
    fn renders_todays_pointers_and_parses_them_back() {
        for (p, s) in samples() {
            assert_eq!(p.to_string(), s);
            assert_eq!(Position::parse(s), Some(p), "{s}");
            assert_eq!(serde_json::to_string(&p).ok(), Some(format!("\"{s}\"")));
        }
        for bad in [
            "/line/0",
            "/lines/x",
            "/lines/01",
            "/lines/0/bogus",
            "lines",
            "/",
        ] {
            assert_eq!(Position::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn parent_is_the_pointer_prefix() {
        for (p, s) in samples() {
            let expected = s.rfind('/').map(|i| s.get(..i).unwrap_or_default());
            assert_eq!(
                p.parent().map(|q| q.to_string()).as_deref(),
                expected,
                "{s}"
            );
        }
        let mut chain = vec![];
        let mut at = Some(Position::modifier(1, 2));
        while let Some(p) = at {
            chain.push(p.to_string());
            at = p.parent();
        }
        assert_eq!(
            chain,
            [
                "/lines/1/modifiers/2",
                "/lines/1/modifiers",
                "/lines/1",
                "/lines",
                ""
            ]
        );
    }

    #[test]
    fn order_is_the_string_order() {
        let mut all: Vec<Position> = samples().into_iter().map(|(p, _)| p).collect();
        all.extend([
            Position::line(10),
            Position::line(2),
            Position::line_field(1, LineField::Units),
            Position::line(1),
            Position::modifier(10, 0),
            Position::diagnosis(10),
        ]);
        let mut by_pos = all.clone();
        by_pos.sort();
        let mut by_str: Vec<String> = all.iter().map(Position::to_string).collect();
        by_str.sort();
        let rendered: Vec<String> = by_pos.iter().map(Position::to_string).collect();
        assert_eq!(rendered, by_str);
    }
}
